#include "api/conversation_handler.h"

#include <boost/json.hpp>

#include "api/json_body.h"
#include "domain/conversation_request.h"
#include "domain/interaction_request.h"

namespace interactiond::api {
void HandlePostConversation(const AppContext& context, http::HttpRequest& request,
                            http::Respond respond) {
  auto fail = [&](const domain::Error& error) { respond(http::ErrorResponse(error)); };
  auto auth = AuthorizeJsonWrite(context, request);
  if (!auth.ok()) return fail(auth.error());
  const config::Org& org = *auth->org;
  auto parsed = domain::ParseConversationRequest(request.body);
  if (!parsed.ok()) return fail(parsed.error());

  auto channel = domain::ResolveInboundChannel(org, *auth->channel_definition,
                                               parsed->channel_address_identifier);
  if (!channel.ok()) return fail(channel.error());
  if (auto status = domain::CheckRoutingAttributes(**channel, parsed->routing_attributes);
      !status.ok()) {
    return fail(status.error());
  }

  store::InboundWrite write;
  write.org_id = org.id;
  write.channel_id = (*channel)->id;
  write.channel_address = parsed->channel_address_identifier;
  write.channel_definition = auth->channel_definition->developer_name;
  write.end_user_client_id = parsed->end_user_client_id;
  write.request_id = auth->request_id;
  write.received_at_ms = context.clock->NowMs();
  context.store->SubmitInbound(
      std::move(write),
      [respond = std::move(respond)](domain::Result<store::InboundWriteResult> result) {
        if (!result.ok()) return respond(http::ErrorResponse(result.error()));
        boost::json::object body;
        body["conversationIdentifier"] = result->conversation_identifier;
        body["messagingSessionId"] = result->session_id;
        body["success"] = true;
        respond(http::JsonResponse(202, boost::json::serialize(body)));
      });
}

}  // namespace interactiond::api
