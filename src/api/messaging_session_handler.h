// POST /api/v1/messagingSession — End or Inactivate the end user's messaging session; answers
// 200 {"success": true} once the change and its events are durable.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandlePostMessagingSession(const AppContext& context, http::HttpRequest& request,
                                http::Respond respond);

}  // namespace interactiond::api
