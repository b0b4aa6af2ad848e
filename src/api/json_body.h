// The checks every JSON endpoint of /api/v1 runs before decoding its body: a body is present
// (10100) and declared as application/json (10016), in that order.
#pragma once

#include "api/app_context.h"
#include "auth/request_auth.h"
#include "domain/result.h"
#include "http/http_types.h"

namespace interactiond::api {

domain::Status CheckJsonBody(const http::HttpRequest& request);

// What every JSON write endpoint runs first, in order: the header checks, the org's read-only
// mode (10019), then CheckJsonBody.
domain::Result<auth::AuthorizedRequest> AuthorizeJsonWrite(const AppContext& context,
                                                           const http::HttpRequest& request);

}  // namespace interactiond::api
