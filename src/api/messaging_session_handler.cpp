#include "api/messaging_session_handler.h"

#include "api/json_body.h"
#include "domain/interaction_request.h"
#include "domain/messaging_session.h"

namespace interactiond::api {

void HandlePostMessagingSession(const AppContext& context, http::HttpRequest& request,
                                http::Respond respond) {
  auto fail = [&](const domain::Error& error) { respond(http::ErrorResponse(error)); };
  auto auth = AuthorizeJsonWrite(context, request);
  if (!auth.ok()) return fail(auth.error());
  const config::Org& org = *auth->org;
  auto parsed = domain::ParseMessagingSessionRequest(request.body);
  if (!parsed.ok()) return fail(parsed.error());
  auto channel = domain::ResolveInboundChannel(org, *auth->channel_definition,
                                               parsed->channel_address_identifier);
  if (!channel.ok()) return fail(channel.error());

  // The partner acts for the end user or as the system; the events say which.
  domain::EventOrigin origin;
  origin.org = &org;
  origin.definition = auth->channel_definition;
  origin.created_by_id = auth->claims.user_id;
  origin.sender = parsed->operation_by == "System"
                      ? domain::ParticipantRef{"conversation", auth->claims.user_id, "System"}
                      : domain::ParticipantRef{"custom", parsed->end_user_client_id, "EndUser"};
  origin.sender_display_name =
      parsed->operation_by == "System" ? "System" : parsed->end_user_client_id;
  const util::Clock* clock = context.clock;
  const std::string conversation = parsed->conversation_identifier;
  context.store->SubmitConversationChange(
      conversation,
      [request = std::move(*parsed), origin,
       clock](const domain::ConversationState& state) mutable {
        origin.now_ms = clock->NowMs();
        return domain::DecideSessionOperation(state, request, origin);
      },
      [respond = std::move(respond)](domain::Result<domain::ConversationChange> result) {
        if (!result.ok()) return respond(http::ErrorResponse(result.error()));
        respond(http::JsonResponse(200, R"({"success":true})"));
      });
}

}  // namespace interactiond::api
