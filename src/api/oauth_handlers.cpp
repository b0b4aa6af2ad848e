#include "api/oauth_handlers.h"

#include "auth/oauth_endpoints.h"

namespace interactiond::api {
namespace {

http::HttpResponse ToHttp(auth::HttpReply reply) {
  http::HttpResponse response;
  response.status = static_cast<unsigned>(reply.status);
  response.body = std::move(reply.body);
  response.content_type = std::move(reply.content_type);
  response.log_detail = std::move(reply.log_detail);
  // Token responses must not be cached (RFC 6749 §5.1).
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

void HandleOAuthToken(const AppContext& context, http::HttpRequest& request,
                      http::Respond respond) {
  respond(ToHttp(auth::HandleTokenRequest(request.body, request.Header("Content-Type").value_or(""),
                                          *context.orgs, *context.tokens, context.clock->NowMs(),
                                          context.base_url, context.server.token_ttl_ms)));
}

void HandleOAuthUserInfo(const AppContext& context, http::HttpRequest& request,
                         http::Respond respond) {
  respond(ToHttp(auth::HandleUserInfo(request.Header("Authorization"), *context.orgs,
                                      *context.tokens, context.clock->NowMs(), context.base_url)));
}

}  // namespace interactiond::api
