// POST /api/v1/conversationHistory — a BYOC-for-CCaaS partner imports a conversation's history
// (its bot's transcript); answers 202 {success, conversationIdentifier, messagingSessionId} once
// the entries are durable.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandlePostConversationHistory(const AppContext& context, http::HttpRequest& request,
                                   http::Respond respond);

}  // namespace interactiond::api
