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
// mode (10019), then CheckJsonBody. `needs` says which AuthorizationContext kinds are accepted
// (default: a channel definition).
domain::Result<auth::AuthorizedRequest> AuthorizeJsonWrite(
    const AppContext& context, const http::HttpRequest& request,
    const auth::AuthRequirements& needs = {});

// An error in the shape of the endpoints whose response schema is also their error schema
// (PATCH /consent, PATCH /capabilities): {"success":false,"errorDetail":{"code","message"}} with
// the code's HTTP status.
http::HttpResponse ErrorDetailResponse(const domain::Error& error);

// The checks every multipart endpoint runs on its body, in order: present (10100), declared as
// multipart/form-data with a boundary (10016), well formed (10100), with its JSON part named
// `json_part` (10100). The form, owned by `request`.
domain::Result<http::MultipartForm*> CheckMultipartBody(http::HttpRequest& request,
                                                        std::string_view json_part);

}  // namespace interactiond::api
