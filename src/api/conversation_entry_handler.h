// BYOB: POST /api/v1/conversationEntry (a bot sends one entry) and GET /api/v1/conversationEntry
// (a bot reads a conversation's entries). Both authorize the AuthorizationContext as a bot
// integration definition and require AuthorizationContextType (ExternalConversationParticipant,
// else 10093). Rules and decisions: docs/compatibility.md, "BYOB: /api/v1/conversationEntry and
// /api/v1/attachment".
#pragma once

#include <string>

#include "api/app_context.h"
#include "auth/request_auth.h"
#include "config/org_model.h"
#include "domain/conversation_entry.h"
#include "http/http_types.h"

namespace interactiond::api {

// The header rules of every BYOB endpoint.
inline constexpr auth::AuthRequirements kBotRequestRequirements{auth::ContextKind::kBotIntegration,
                                                                /*context_type_required=*/true};

// 202 {"success":true} once the bot's entry is durable (or was already written).
void HandlePostConversationEntry(const AppContext& context, http::HttpRequest& request,
                                 http::Respond respond);

// 200 {"success":true,"conversationEntries":[{clientTimestamp, sender, entryPayload}…]}.
void HandleGetConversationEntry(const AppContext& context, http::HttpRequest& request,
                                http::Respond respond);

// Writes `entry` from `bot` into the conversation through the store's conversation-change seam
// (domain::DecideBotEntry inside the transaction) and answers 202 {"success":true} once durable,
// or the error. Shared with POST /api/v1/attachment.
void SubmitBotEntry(const AppContext& context, const auth::AuthorizedRequest& auth,
                    const config::Bot& bot, std::string conversation_identifier,
                    domain::BotEntry entry, http::Respond respond);

}  // namespace interactiond::api
