#include "api/rep_routing_handlers.h"

#include <boost/json.hpp>

#include "api/routing_scheduler.h"
#include "domain/json_access.h"
#include "domain/router.h"
#include "domain/routing_events.h"
#include "domain/work_transitions.h"
#include "util/ids.h"

namespace interactiond::api {
namespace {

using domain::ConversationChange;
using domain::ConversationState;
using domain::Error;
using domain::Result;

// The org of a rep (user ids are unique across the directory's orgs in practice).
std::pair<const config::Org*, const config::User*> FindRep(const config::OrgDirectory& orgs,
                                                           const std::string& user_id) {
  for (const auto& org : orgs.orgs()) {
    if (const config::User* user = org.FindUser(user_id)) return {&org, user};
  }
  return {nullptr, nullptr};
}

std::optional<boost::json::object> ObjectBody(const http::HttpRequest& request) {
  boost::system::error_code ec;
  auto value = boost::json::parse(request.body, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

domain::EventOrigin RepOrigin(const config::Org& org, const config::ChannelDefinition& definition,
                              const config::User& rep, int64_t now_ms) {
  return {&org, &definition, rep.id, {"agent", rep.id, "Agent"}, rep.name, now_ms};
}

using RepDecision =
    std::function<Result<ConversationChange>(const ConversationState&, const domain::EventOrigin&)>;

// Runs `decision` as the rep over the conversation and answers 202 with the events' replay ids.
void RunAsRep(const AppContext& context, const std::string& user_id,
              const std::string& conversation, RepDecision decision, http::Respond respond,
              boost::json::object extra = {}) {
  auto orgs = context.orgs;
  const util::Clock* clock = context.clock;
  RoutingScheduler* scheduler = context.routing;
  context.store->SubmitConversationChange(
      conversation,
      [orgs, clock, user_id, decision = std::move(decision)](
          const ConversationState& state) -> Result<ConversationChange> {
        const config::Org* org = orgs->FindOrg(state.org_id);
        if (org == nullptr) return Error::Of(500, "conversation of no org");
        const config::ChannelDefinition* definition =
            org->FindChannelDefinition(state.channel_definition);
        if (definition == nullptr) return Error::Of(500, "no channel definition");
        const config::User* rep = org->FindUser(user_id);
        if (rep == nullptr) return Error::Of(15106, "no such user in the org");
        if (!rep->partner_messaging) return Error::Of(15105);
        return decision(state, RepOrigin(*org, *definition, *rep, clock->NowMs()));
      },
      [respond = std::move(respond), scheduler,
       extra = std::move(extra)](Result<ConversationChange> result) mutable {
        if (!result.ok()) return respond(http::ErrorResponse(result.error()));
        if (scheduler != nullptr) scheduler->Poke();
        boost::json::object body = std::move(extra);
        body["success"] = true;
        boost::json::array replay_ids;
        for (const auto& event : result->events) replay_ids.push_back(event.replay_id);
        body["replayIds"] = std::move(replay_ids);
        respond(http::JsonResponse(202, boost::json::serialize(body)));
      });
}

void RunWorkAction(const AppContext& context, http::HttpRequest& request, http::Respond respond,
                   domain::WorkAction action) {
  const std::string user_id = request.path_params["userId"];
  const std::string work_id = request.path_params["workId"];
  auto [org, rep] = FindRep(*context.orgs, user_id);
  if (rep == nullptr) return respond(http::ErrorResponse(Error::Of(15106, "no such user")));
  auto found = context.store->FindConversationOfWork(org->id, work_id);
  if (!found.ok()) return respond(http::ErrorResponse(found.error()));
  if (!*found) return respond(http::ErrorResponse(Error::Of(10082, "no work " + work_id)));
  RunAsRep(
      context, user_id, **found,
      [work_id, action](const ConversationState& state,
                        const domain::EventOrigin& origin) -> Result<ConversationChange> {
        const domain::AgentWork* work = state.FindWork(work_id.substr(0, 15));
        if (work == nullptr || work->user_id != origin.created_by_id) {
          return Error::Of(10082, "not this rep's work");
        }
        return domain::TransitionWork(state, origin, work->id, action);
      },
      std::move(respond));
}

}  // namespace

void HandleRepPresence(const AppContext& context, http::HttpRequest& request,
                       http::Respond respond) {
  const std::string user_id = request.path_params["userId"];
  auto [org, rep] = FindRep(*context.orgs, user_id);
  if (rep == nullptr) return respond(http::ErrorResponse(Error::Of(15106, "no such user")));
  if (!rep->partner_messaging) return respond(http::ErrorResponse(Error::Of(15105)));
  auto body = ObjectBody(request);
  const auto status = body ? domain::StringMember(*body, "status") : std::nullopt;
  if (!status || (*status != "Online" && *status != "Offline")) {
    return respond(http::ErrorResponse(
        Error::Of(10089, R"(expected {"status":"Online"|"Offline","capacity"?:N})")));
  }
  int capacity = rep->capacity;
  if (const boost::json::value* given = domain::Member(*body, "capacity")) {
    const auto number = domain::AsInt64(*given);
    if (!number || *number < 1 || *number > 1000) {
      return respond(http::ErrorResponse(Error::Of(10089, "capacity must be 1..1000")));
    }
    capacity = static_cast<int>(*number);
  }
  const bool online = *status == "Online";
  const std::string org_id = org->id;
  const std::string rep_id = rep->id;
  store::Store* store = context.store;
  RoutingScheduler* scheduler = context.routing;
  store->SetRepPresence(
      org_id, rep_id, online, capacity, context.clock->NowMs(),
      [store, scheduler, org_id, rep_id, respond = std::move(respond)](domain::Status result) {
        if (!result.ok()) return respond(http::ErrorResponse(result.error()));
        if (scheduler != nullptr) scheduler->Poke();
        auto rep_view = store->GetRep(org_id, rep_id);
        if (!rep_view.ok()) return respond(http::ErrorResponse(rep_view.error()));
        respond(http::JsonResponse(200, boost::json::serialize(*rep_view)));
      });
}

void HandleGetRep(const AppContext& context, http::HttpRequest& request, http::Respond respond) {
  auto [org, rep] = FindRep(*context.orgs, request.path_params["userId"]);
  if (rep == nullptr) return respond(http::ErrorResponse(Error::Of(15106, "no such user")));
  auto view = context.store->GetRep(org->id, rep->id);
  if (!view.ok()) return respond(http::ErrorResponse(view.error()));
  respond(http::JsonResponse(200, boost::json::serialize(*view)));
}

void HandleRepAcceptWork(const AppContext& context, http::HttpRequest& request,
                         http::Respond respond) {
  RunWorkAction(context, request, std::move(respond), domain::WorkAction::kAccept);
}

void HandleRepDeclineWork(const AppContext& context, http::HttpRequest& request,
                          http::Respond respond) {
  RunWorkAction(context, request, std::move(respond), domain::WorkAction::kDecline);
}

void HandleRepTransfer(const AppContext& context, http::HttpRequest& request,
                       http::Respond respond) {
  auto body = ObjectBody(request);
  if (!body) return respond(http::ErrorResponse(Error::Of(10089, "expected a JSON object")));
  domain::RoutingTarget target;
  std::string kind;
  std::string target_id;
  for (const auto& [key, name] :
       {std::pair{"queueId", "queue"}, std::pair{"flowId", "flow"}, std::pair{"userId", "user"},
        std::pair{"externalContactId", "external"}}) {
    if (const auto value = domain::StringMember(*body, key); value && !value->empty()) {
      if (!kind.empty()) {
        return respond(http::ErrorResponse(Error::Of(10089, "name exactly one target")));
      }
      kind = name;
      target_id = std::string(*value);
    }
  }
  if (kind.empty()) {
    return respond(http::ErrorResponse(
        Error::Of(10089, "name a target: queueId, flowId, userId or externalContactId")));
  }
  if (kind == "queue") target.queue_id = target_id;
  if (kind == "flow") target.flow_id = target_id;
  if (kind == "user") target.user_id = target_id;
  const domain::Result<bool> conference_flag = [&]() -> domain::Result<bool> {
    const boost::json::value* value = domain::Member(*body, "conference");
    if (value == nullptr) return false;
    if (!value->is_bool()) return Error::Of(10089, "conference must be a boolean");
    return value->get_bool();
  }();
  if (!conference_flag.ok()) return respond(http::ErrorResponse(conference_flag.error()));
  const std::string routing_type = *conference_flag ? "Conference" : "Transfer";
  const std::string event_id = util::RandomUuid();
  const int64_t window = context.server.routing_window_ms;
  boost::json::object extra;
  extra["routingCorrelationId"] = event_id;
  RunAsRep(
      context, request.path_params["userId"], request.path_params["conversationIdentifier"],
      [=](const ConversationState& state,
          const domain::EventOrigin& origin) -> Result<ConversationChange> {
        if (state.session_status == "Ended") return Error::Of(10071, "the session has ended");
        if (state.FindParticipant(origin.created_by_id, "Agent") == nullptr) {
          return Error::Of(10036, "the rep is not in the conversation");
        }
        if (routing_type == "Conference" && (!origin.definition->conference_supported ||
                                             !origin.org->features.conference_routing)) {
          return Error::Of(10075, "conference is not supported");
        }
        ConversationChange change;
        if (origin.definition->routing_owner == config::RoutingOwner::kPartner) {
          domain::RoutingRequest routing;
          routing.event_id = event_id;
          routing.routing_type = routing_type;
          routing.requested_by = origin.created_by_id;
          routing.target_kind = kind;
          routing.target_id = target_id;
          routing.requested_at = origin.now_ms;
          routing.deadline = origin.now_ms + window;
          change.routing_requests.push_back(routing);
          change.events.push_back(domain::RoutingRequestedEvent(state, origin, routing));
          return change;
        }
        if (kind == "external") {
          return Error::Of(10089, "external contacts need partner-owned routing");
        }
        const config::MessagingChannel* channel =
            origin.org->FindChannelByAddress(state.channel_address);
        if (channel == nullptr) return Error::Of(500, "the conversation's channel is gone");
        auto psr = domain::ResolveRouting(*origin.org, *channel, target);
        if (!psr.ok()) return psr.error();
        psr->routing_type = routing_type;
        psr->routing_correlation_id = event_id;
        psr->initiator_subject = origin.created_by_id;
        domain::OpenPendingRouting(state, origin, std::move(*psr), change);
        return change;
      },
      std::move(respond), std::move(extra));
}

}  // namespace interactiond::api
