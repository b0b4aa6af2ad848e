// POST /services/oauth2/token (JWT-bearer grant) and GET /services/oauth2/userinfo over HTTP; the
// logic is in auth/oauth_endpoints.h.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandleOAuthToken(const AppContext& context, http::HttpRequest& request, http::Respond respond);
void HandleOAuthUserInfo(const AppContext& context, http::HttpRequest& request,
                         http::Respond respond);

}  // namespace interactiond::api
