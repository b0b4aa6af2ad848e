#include "api/request_auth_glue.h"

namespace interactiond::api {

domain::Result<auth::AuthorizedRequest> AuthorizeApiRequest(const AppContext& context,
                                                            const http::HttpRequest& request,
                                                            const auth::AuthRequirements& needs) {
  auth::RequestHeaders headers;
  headers.authorization = request.Header("Authorization");
  headers.org_id = request.Header("OrgId");
  headers.authorization_context = request.Header("AuthorizationContext");
  headers.authorization_context_type = request.Header("AuthorizationContextType");
  headers.request_id = request.Header("RequestId");
  auto authorized = auth::AuthorizeRequest(headers, needs, *context.orgs, *context.tokens,
                                           context.clock->NowMs());
  if (!authorized.ok()) return authorized;
  if (context.faults != nullptr) {
    if (context.faults->Fire("org-permissions")) {
      return domain::Error::Of(20004, "injected: the org's permissions could not be fetched");
    }
    if (context.faults->Fire("downstream-timeout")) {
      return domain::Error::Of(10094, "injected: a downstream service timed out");
    }
  }
  if (!authorized->org->features.permissions) {
    return domain::Error::Of(10099, "the org's features deny the Interaction API");
  }
  return authorized;
}

}  // namespace interactiond::api
