#include "api/acknowledgement_handler.h"

#include <boost/json.hpp>

#include "api/json_body.h"
#include "domain/acknowledgement.h"

namespace interactiond::api {
namespace {

// The contract's error schema is AcknowledgementResponse ({success}); the catalogue code and
// message ride along so that clients still learn why.
http::HttpResponse AcknowledgementError(const domain::Error& error) {
  http::HttpResponse response = http::ErrorResponse(error);
  boost::json::object body = boost::json::parse(response.body).as_object();
  boost::json::object out;
  out["success"] = false;
  out["code"] = body["code"];
  out["message"] = body["message"];
  response.body = boost::json::serialize(out);
  return response;
}

}  // namespace

void HandlePostAcknowledgement(const AppContext& context, http::HttpRequest& request,
                               http::Respond respond) {
  auto fail = [&](const domain::Error& error) { respond(AcknowledgementError(error)); };
  auto auth = AuthorizeJsonWrite(context, request);
  if (!auth.ok()) return fail(auth.error());
  const config::Org& org = *auth->org;
  auto parsed = domain::ParseAcknowledgementRequest(request.body);
  if (!parsed.ok()) return fail(parsed.error());

  domain::EventOrigin origin;
  origin.org = &org;
  origin.definition = auth->channel_definition;
  origin.created_by_id = auth->claims.user_id;
  origin.sender = {"custom", parsed->sender_subject, "EndUser"};
  origin.sender_display_name = parsed->sender_subject;
  const util::Clock* clock = context.clock;
  const std::string conversation = parsed->conversation_identifier;
  context.store->SubmitConversationChange(
      conversation,
      [request = std::move(*parsed), origin, clock](const domain::ConversationState& state) mutable
      -> domain::Result<domain::ConversationChange> {
        // A conversation of another org or channel definition is not valid for this context.
        if (state.org_id != origin.org->id ||
            state.channel_definition != origin.definition->developer_name) {
          return domain::Error::Of(10018, "conversation of another context");
        }
        origin.now_ms = clock->NowMs();
        return domain::DecideAcknowledgements(state, request, origin);
      },
      [respond = std::move(respond)](domain::Result<domain::ConversationChange> result) {
        if (!result.ok()) return respond(AcknowledgementError(result.error()));
        respond(http::JsonResponse(200, R"({"success":true})"));
      });
}

}  // namespace interactiond::api
