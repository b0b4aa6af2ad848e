// POST /api/v1/conversation — establish or look up the conversation of (channel address, end
// user); answers 202 {conversationIdentifier, messagingSessionId, success} once it is durable.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandlePostConversation(const AppContext& context, http::HttpRequest& request,
                            http::Respond respond);

}  // namespace interactiond::api
