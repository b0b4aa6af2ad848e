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
  return auth::AuthorizeRequest(headers, needs, *context.orgs, *context.tokens,
                                context.clock->NowMs());
}

}  // namespace interactiond::api
