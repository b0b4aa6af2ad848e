#include "api/rep_handlers.h"

#include <boost/json.hpp>

#include "domain/rep_actions.h"
#include "util/ids.h"

namespace interactiond::api {
namespace {

using Action = std::function<domain::Result<domain::ConversationChange>(
    const domain::ConversationState&, const domain::RepContext&)>;

// Runs `action` for the rep of the path against the conversation of the path, inside the store's
// transaction, and answers once it is durable.
void RunRepAction(const AppContext& context, http::HttpRequest& request, http::Respond respond,
                  Action action, std::string identifier = {}) {
  const std::string rep_id = request.path_params["userId"];
  auto orgs = context.orgs;
  const util::Clock* clock = context.clock;
  context.store->SubmitConversationChange(
      request.path_params["conversationIdentifier"],
      [orgs, clock, rep_id, action = std::move(action)](
          const domain::ConversationState& state) -> domain::Result<domain::ConversationChange> {
        domain::RepContext rep_context;
        rep_context.org = orgs->FindOrg(state.org_id);
        if (rep_context.org == nullptr) return domain::Error::Of(500, "conversation of no org");
        rep_context.definition = rep_context.org->FindChannelDefinition(state.channel_definition);
        if (rep_context.definition == nullptr) {
          return domain::Error::Of(500, "conversation of an unknown channel definition");
        }
        rep_context.rep = rep_context.org->FindUser(rep_id);
        rep_context.now_ms = clock->NowMs();
        return action(state, rep_context);
      },
      [respond = std::move(respond),
       identifier = std::move(identifier)](domain::Result<domain::ConversationChange> result) {
        if (!result.ok()) return respond(http::ErrorResponse(result.error()));
        boost::json::object body;
        body["success"] = true;
        if (!identifier.empty()) body["identifier"] = identifier;
        boost::json::array replay_ids;
        for (const auto& event : result->events) replay_ids.push_back(event.replay_id);
        body["replayIds"] = std::move(replay_ids);
        respond(http::JsonResponse(202, boost::json::serialize(body)));
      });
}

std::optional<boost::json::object> JsonObjectBody(const http::HttpRequest& request) {
  boost::system::error_code ec;
  auto value = boost::json::parse(request.body, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

}  // namespace

void HandleRepAccept(const AppContext& context, http::HttpRequest& request, http::Respond respond) {
  RunRepAction(context, request, std::move(respond), domain::RepJoin);
}

void HandleRepMessage(const AppContext& context, http::HttpRequest& request,
                      http::Respond respond) {
  auto body = JsonObjectBody(request);
  if (!body)
    return respond(http::ErrorResponse(domain::Error::Of(10100, "expected a JSON object")));
  boost::json::object message;
  if (const auto* text = body->if_contains("text"); text != nullptr && text->is_string()) {
    message["messageType"] = "StaticContentMessage";
    message["id"] = util::RandomUuid();
    message["staticContent"] = {{"formatType", "Text"}, {"text", text->get_string()}};
  } else if (const auto* structured = body->if_contains("abstractMessage");
             structured != nullptr && structured->is_object()) {
    message = structured->get_object();
    if (!message.contains("id")) message["id"] = util::RandomUuid();
  } else {
    return respond(http::ErrorResponse(
        domain::Error::Of(10045, "expected \"text\" or an \"abstractMessage\" object")));
  }
  if (auto status = domain::CheckOutboundMessage(message); !status.ok()) {
    return respond(http::ErrorResponse(status.error()));
  }
  std::string identifier(message.at("id").get_string());
  RunRepAction(
      context, request, std::move(respond),
      [message](const domain::ConversationState& state, const domain::RepContext& rep) {
        return domain::RepSendMessage(state, rep, message);
      },
      std::move(identifier));
}

void HandleRepTyping(const AppContext& context, http::HttpRequest& request, http::Respond respond) {
  auto body = JsonObjectBody(request);
  const auto* typing = body ? body->if_contains("typing") : nullptr;
  if (typing == nullptr || !typing->is_bool()) {
    return respond(
        http::ErrorResponse(domain::Error::Of(10100, R"(expected {"typing": true|false})")));
  }
  const bool started = typing->get_bool();
  RunRepAction(context, request, std::move(respond),
               [started](const domain::ConversationState& state, const domain::RepContext& rep) {
                 return domain::RepTyping(state, rep, started);
               });
}

void HandleRepEnd(const AppContext& context, http::HttpRequest& request, http::Respond respond) {
  RunRepAction(context, request, std::move(respond), domain::RepEnd);
}

}  // namespace interactiond::api
