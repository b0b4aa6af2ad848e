// PATCH /api/v1/consent — answers 200 {"success":true}; every failure, header checks included,
// in the contract's own shape {"success":false,"errorDetail":{"code","message"}} with the
// catalogue code's HTTP status.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandlePatchConsent(const AppContext& context, http::HttpRequest& request,
                        http::Respond respond);

}  // namespace interactiond::api
