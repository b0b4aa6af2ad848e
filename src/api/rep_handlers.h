// The rep side (what the service console does in the real product), for users and tests:
//   POST /admin/v1/reps/{userId}/conversations/{conversationIdentifier}/accept
//   POST /admin/v1/reps/{userId}/conversations/{conversationIdentifier}/messages
//        {"text": "…"} or {"abstractMessage": {…outbound AbstractMessage…}}
//   POST /admin/v1/reps/{userId}/conversations/{conversationIdentifier}/typing {"typing": true}
//   POST /admin/v1/reps/{userId}/conversations/{conversationIdentifier}/end
// Each answers 202 {"success": true, "identifier"?: entry id, "replayIds": [...]} once the change
// and its outbound events are durable, or a catalogue error (domain/rep_actions.h).
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandleRepAccept(const AppContext& context, http::HttpRequest& request, http::Respond respond);
void HandleRepMessage(const AppContext& context, http::HttpRequest& request, http::Respond respond);
void HandleRepTyping(const AppContext& context, http::HttpRequest& request, http::Respond respond);
void HandleRepEnd(const AppContext& context, http::HttpRequest& request, http::Respond respond);

}  // namespace interactiond::api
