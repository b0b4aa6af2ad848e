// Runs the shared /api/v1 header checks (auth/request_auth.h) on an HTTP request, then the org's
// permission gate: the org's permissions are fetched (fault point "org-permissions" → 20004,
// "downstream-timeout" → 10094) and must be granted (`features.permissions: false` → 10099).
#pragma once

#include "api/app_context.h"
#include "auth/request_auth.h"
#include "domain/result.h"
#include "http/http_types.h"

namespace interactiond::api {

domain::Result<auth::AuthorizedRequest> AuthorizeApiRequest(const AppContext& context,
                                                            const http::HttpRequest& request,
                                                            const auth::AuthRequirements& needs);

}  // namespace interactiond::api
