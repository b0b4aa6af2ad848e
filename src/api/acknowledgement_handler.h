// POST /api/v1/acknowledgement — answers 200 {"success":true}; failures carry the contract's own
// AcknowledgementResponse shape plus the catalogue error: {"success":false,"code","message"}.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandlePostAcknowledgement(const AppContext& context, http::HttpRequest& request,
                               http::Respond respond);

}  // namespace interactiond::api
