// PATCH /api/v1/capabilities — registers what structured content a channel or bot integration
// supports. Answers 200 {"success":true}; every failure, header checks included, in the
// contract's RegisterCapabilitiesResponse shape {"success":false,"errorDetail":{"code","message"}}
// with the catalogue code's HTTP status. AuthorizationContext may name a conversation channel
// definition or a bot integration definition (BYOB).
//
// GET /admin/v1/capabilities?orgId=&integrationType=&developerName= — what is registered
// (admin API, unauthenticated like the rest of /admin/v1): {"totalSize","registrations":[…]}.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandlePatchCapabilities(const AppContext& context, http::HttpRequest& request,
                             http::Respond respond);

void HandleGetCapabilities(const AppContext& context, http::HttpRequest& request,
                           http::Respond respond);

}  // namespace interactiond::api
