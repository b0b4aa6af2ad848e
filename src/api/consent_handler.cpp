#include "api/consent_handler.h"

#include <boost/json.hpp>

#include "api/json_body.h"
#include "domain/consent.h"
#include "domain/interaction_request.h"

namespace interactiond::api {

void HandlePatchConsent(const AppContext& context, http::HttpRequest& request,
                        http::Respond respond) {
  // The contract's ConsentResponse is also its error schema.
  auto fail = [&](const domain::Error& error) { respond(ErrorDetailResponse(error)); };
  auto auth = AuthorizeJsonWrite(context, request);
  if (!auth.ok()) return fail(auth.error());
  const config::Org& org = *auth->org;
  auto parsed = domain::ParseConsentRequest(request.body);
  if (!parsed.ok()) return fail(parsed.error());
  auto channel = domain::ResolveInboundChannel(org, *auth->channel_definition,
                                               parsed->channel_address_identifier);
  if (!channel.ok()) return fail(channel.error());
  if (auto status = domain::CheckConsentOwnership(*auth->channel_definition); !status.ok()) {
    return fail(status.error());
  }
  auto conversation = context.store->FindConversation(org.id, parsed->channel_address_identifier,
                                                      parsed->end_user_client_id);
  if (!conversation.ok()) return fail(conversation.error());
  if (!*conversation) return fail(domain::Error::Of(10020, "no such end user on this channel"));

  domain::EventOrigin origin;
  origin.org = &org;
  origin.definition = auth->channel_definition;
  origin.created_by_id = auth->claims.user_id;
  origin.sender = {"conversation", auth->claims.user_id, "System"};
  origin.sender_display_name = "System";
  const util::Clock* clock = context.clock;
  context.store->SubmitConversationChange(
      **conversation,
      [request = std::move(*parsed), origin,
       clock](const domain::ConversationState& state) mutable {
        origin.now_ms = clock->NowMs();
        return domain::DecideConsent(state, request, origin);
      },
      [respond = std::move(respond)](domain::Result<domain::ConversationChange> result) {
        if (!result.ok()) return respond(ErrorDetailResponse(result.error()));
        respond(http::JsonResponse(200, R"({"success":true})"));
      });
}

}  // namespace interactiond::api
