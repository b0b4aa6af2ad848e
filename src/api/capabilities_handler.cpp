#include "api/capabilities_handler.h"

#include <boost/json.hpp>

#include "api/json_body.h"
#include "domain/capabilities.h"
#include "http/query_params.h"

namespace interactiond::api {
namespace {

http::HttpResponse AdminError(unsigned status, std::string_view message) {
  boost::json::object body;
  body["error"] = message;
  return http::JsonResponse(status, boost::json::serialize(body));
}

}  // namespace

void HandlePatchCapabilities(const AppContext& context, http::HttpRequest& request,
                             http::Respond respond) {
  // The contract's RegisterCapabilitiesResponse is also its error schema.
  auto fail = [&](const domain::Error& error) { respond(ErrorDetailResponse(error)); };
  auth::AuthRequirements needs;
  needs.context_kind = auth::ContextKind::kEither;
  auto auth = AuthorizeJsonWrite(context, request, needs);
  if (!auth.ok()) return fail(auth.error());
  auto parsed = domain::ParseCapabilitiesRequest(request.body);
  if (!parsed.ok()) return fail(parsed.error());
  domain::IntegrationScope scope;
  scope.org = auth->org;
  scope.app = auth->app;
  scope.channel_definition = auth->channel_definition;
  scope.bot_integration = auth->bot_integration;
  auto registrations = domain::ResolveRegistrations(*parsed, scope);
  if (!registrations.ok()) return fail(registrations.error());

  store::CapabilitiesWrite write;
  write.org_id = auth->org->id;
  write.request_id = auth->request_id;
  write.registered_at_ms = context.clock->NowMs();
  write.registrations = std::move(registrations).value();
  context.store->SubmitCapabilities(std::move(write),
                                    [respond = std::move(respond)](domain::Status status) {
                                      if (!status.ok())
                                        return respond(ErrorDetailResponse(status.error()));
                                      respond(http::JsonResponse(200, R"({"success":true})"));
                                    });
}

void HandleGetCapabilities(const AppContext& context, http::HttpRequest& request,
                           http::Respond respond) {
  store::CapabilitiesQuery query;
  query.org_id = http::QueryParam(request, "orgId").value_or("");
  query.developer_name = http::QueryParam(request, "developerName").value_or("");
  if (auto type = http::QueryParam(request, "integrationType")) {
    query.kind = domain::ParseIntegrationKind(*type);
    if (!query.kind) {
      return respond(AdminError(400,
                                "integrationType must be CustomChannelIntegration or "
                                "CustomBotIntegration"));
    }
  }
  auto result = context.store->ListCapabilities(query);
  if (!result.ok()) return respond(http::ErrorResponse(result.error()));
  respond(http::JsonResponse(200, boost::json::serialize(*result)));
}

}  // namespace interactiond::api
