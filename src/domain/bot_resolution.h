// The shared BYOB rule: which configured bot a request names, and whether the request's
// AuthorizationContext may act for it. Used by PATCH /api/v1/agentWork (`botId`) and by the bot's
// own calls, POST/GET /api/v1/conversationEntry and POST /api/v1/attachment (`sender.subject`).
//
// ResolveBot checks, in this order (the first failure decides):
//   `bot_id` is not 15 or 18 ASCII letters and digits                     → 10084
//   no bot of `org` has that id (an 18-character id matches on its first 15) → 10086
//   `context` is null, or is not the bot's integration definition          → 10087
//   the bot is inactive                                                     → 10088
// An endpoint whose bot id is not a `botId` field (sender.subject) reports a malformed id as
// 10086 instead: check IsWellFormedBotId first (see ResolveSenderBot).
//
// On success the pointer is into `org` (valid as long as its OrgDirectory lives). Use the
// returned Bot's `id` (always 15 characters) wherever the bot is recorded, e.g. as the subject of
// its conversation participant {appType "custom", subject <id>, role "Chatbot"}, so that the 15-
// and 18-character forms of one id name one participant.
//
// Pure; thread-safe.
#pragma once

#include <string_view>

#include "config/org_model.h"
#include "domain/result.h"

namespace interactiond::domain {

// 15 or 18 ASCII letters and digits (the shapes of a Salesforce record id).
bool IsWellFormedBotId(std::string_view bot_id);

// The bot named by a `botId` field. Codes: 10084, 10086, 10087, 10088 (see above).
Result<const config::Bot*> ResolveBot(const config::Org& org,
                                      const config::BotIntegrationDefinition* context,
                                      std::string_view bot_id);

// The bot named by a participant `subject`: as ResolveBot, but a malformed id is 10086 (the
// subject is the ExternalBotId; there is no botId field to be invalid).
Result<const config::Bot*> ResolveSenderBot(const config::Org& org,
                                            const config::BotIntegrationDefinition* context,
                                            std::string_view subject);

// True when `subject` names `bot` (equal, or an 18-character form of its 15-character id).
bool IsSameBotId(std::string_view subject, const config::Bot& bot);

}  // namespace interactiond::domain
