#include "api/routing_handlers.h"

#include <boost/json.hpp>

#include "api/json_body.h"
#include "api/routing_scheduler.h"
#include "domain/bot_resolution.h"
#include "domain/routing_requests.h"

namespace interactiond::api {
namespace {

using domain::ConversationChange;
using domain::ConversationState;
using domain::Error;
using domain::Result;

void Fail(const http::Respond& respond, const Error& error) { respond(http::ErrorResponse(error)); }

// Who calls, as the events it causes report it: the partner's integration user (or the bot).
struct Caller {
  std::shared_ptr<const config::OrgDirectory> orgs;  // keeps `org` alive
  const config::Org* org = nullptr;
  const config::ChannelDefinition* definition = nullptr;              // null for a bot
  const config::BotIntegrationDefinition* bot_integration = nullptr;  // null for a channel
  std::string user_id;
};

Caller CallerOf(const AppContext& context, const auth::AuthorizedRequest& auth) {
  return {context.orgs, auth.org, auth.channel_definition, auth.bot_integration,
          auth.claims.user_id};
}

// The origin of the events of `caller`'s change to `state`; the conversation's own definition
// names the topic. Fails with `not_found` when the conversation is not the caller's.
Result<domain::EventOrigin> OriginFor(const Caller& caller, const ConversationState& state,
                                      int64_t now_ms, const Error& not_found) {
  if (state.org_id != caller.org->id) return not_found;
  domain::EventOrigin origin;
  origin.org = caller.org;
  origin.definition = caller.org->FindChannelDefinition(state.channel_definition);
  if (origin.definition == nullptr) return Error::Of(500, "conversation of no definition");
  if (caller.definition != nullptr && caller.definition != origin.definition) {
    return not_found;  // another channel definition's conversation
  }
  if (caller.bot_integration != nullptr) {
    // A bot acts only in conversations it has joined: its accepted (Opened) work.
    bool present = false;
    for (const auto& work : state.works) {
      if (work.bot_id.empty() || work.status != "Opened") continue;
      const config::Bot* bot = caller.org->FindBot(work.bot_id);
      if (bot != nullptr && bot->integration_definition == caller.bot_integration->developer_name) {
        present = true;
      }
    }
    if (!present) return not_found;  // a bot acts only where it takes part
  }
  origin.created_by_id = caller.user_id;
  origin.sender = {"conversation", caller.user_id, "System"};
  origin.sender_display_name = "System";
  origin.now_ms = now_ms;
  return origin;
}

using Decision =
    std::function<Result<ConversationChange>(const ConversationState&, const domain::EventOrigin&)>;
using Answer = std::function<http::HttpResponse(const ConversationChange&)>;

// Decides over the conversation inside the store's transaction, answers once durable, and lets
// the routing pass retry waiting work when the change freed or claimed capacity.
void Decide(const AppContext& context, Caller caller, const std::string& conversation,
            Error not_found, Decision decision, Answer answer, http::Respond respond) {
  const util::Clock* clock = context.clock;
  RoutingScheduler* scheduler = context.routing;
  context.store->SubmitConversationChange(
      conversation,
      [caller = std::move(caller), clock, not_found, decision = std::move(decision)](
          const ConversationState& state) -> Result<ConversationChange> {
        auto origin = OriginFor(caller, state, clock->NowMs(), not_found);
        if (!origin.ok()) return origin.error();
        return decision(state, *origin);
      },
      [respond = std::move(respond), answer = std::move(answer), not_found,
       scheduler](Result<ConversationChange> result) {
        if (!result.ok()) {
          // The store's 10018 is "no such conversation": the endpoint's own not-found answer.
          return respond(
              http::ErrorResponse(result.error().code == 10018 ? not_found : result.error()));
        }
        if (scheduler != nullptr && !result->works.empty()) scheduler->Poke();
        respond(answer(*result));
      });
}

http::HttpResponse Json(int status, const boost::json::object& body) {
  return http::JsonResponse(status, boost::json::serialize(body));
}

http::HttpResponse Success(int status) {
  boost::json::object body;
  body["success"] = true;
  return Json(status, body);
}

// 15102: the CCaaS APIs need the org's CCaaS and a CCaaS channel definition.
domain::Status CheckCcaasCaller(const auth::AuthorizedRequest& auth) {
  if (auto status = domain::CheckCcaasPrerequisites(*auth.org, nullptr); !status.ok()) {
    return status;
  }
  if (auth.channel_definition != nullptr &&
      auth.channel_definition->vendor_type != config::VendorType::kCcaas) {
    return Error::Of(15102, "the channel definition is not a CCaaS definition");
  }
  return domain::OkStatus();
}

const auth::AuthRequirements kChannelOrBot{auth::ContextKind::kEither, false};

}  // namespace

void HandlePostRoute(const AppContext& context, http::HttpRequest& request, http::Respond respond) {
  auto auth = AuthorizeJsonWrite(context, request, kChannelOrBot);
  if (!auth.ok()) return Fail(respond, auth.error());
  if (auto status = CheckCcaasCaller(*auth); !status.ok()) return Fail(respond, status.error());
  auto parsed = domain::ParseRouteRequest(request.body);
  if (!parsed.ok()) return Fail(respond, parsed.error());
  const std::string conversation = parsed->conversation_identifier;
  // The session routed (the work item), learnt inside the transaction, read after the commit.
  auto session = std::make_shared<std::string>();
  Decide(
      context, CallerOf(context, *auth), conversation, Error::Of(10025),
      [route = std::move(*parsed), session](const ConversationState& state,
                                            const domain::EventOrigin& origin) {
        *session = state.session_id;
        return domain::DecideRoute(state, route, origin);
      },
      [session](const ConversationChange& change) {
        boost::json::object body;
        body["success"] = true;
        for (const auto& psr : change.psrs) {
          if (psr.deleted) continue;
          body["psrId"] = psr.id;
          body["routingCorrelationId"] = psr.routing_correlation_id;
        }
        body["workItemId"] = *session;
        body["reasonForNotRouting"] = nullptr;
        body["contextParamMap"] = boost::json::object{};
        body["errors"] = nullptr;  // a RoutingError object when routing fails
        return Json(202, body);
      },
      std::move(respond));
}

void HandleDeleteRoute(const AppContext& context, http::HttpRequest& request,
                       http::Respond respond) {
  auto auth = AuthorizeJsonWrite(context, request);
  if (!auth.ok()) return Fail(respond, auth.error());
  if (auto status = CheckCcaasCaller(*auth); !status.ok()) return Fail(respond, status.error());
  auto parsed = domain::ParseCancelRouteRequest(request.body);
  if (!parsed.ok()) return Fail(respond, parsed.error());
  const std::string conversation = parsed->conversation_identifier;
  Decide(
      context, CallerOf(context, *auth), conversation, Error::Of(10025),
      [cancel = std::move(*parsed)](const ConversationState& state,
                                    const domain::EventOrigin& origin) {
        return domain::DecideCancelRoute(state, cancel, origin);
      },
      [](const ConversationChange&) { return Success(202); }, std::move(respond));
}

void HandlePostAgentWork(const AppContext& context, http::HttpRequest& request,
                         http::Respond respond) {
  auto auth = AuthorizeJsonWrite(context, request);
  if (!auth.ok()) return Fail(respond, auth.error());
  if (auto status = CheckCcaasCaller(*auth); !status.ok()) return Fail(respond, status.error());
  auto parsed = domain::ParseAgentWorkRequest(request.body);
  if (!parsed.ok()) return Fail(respond, parsed.error());
  const std::string work_item = parsed->work_item_id;
  auto found = context.store->FindConversationOfSession(auth->org->id, work_item);
  if (!found.ok()) return Fail(respond, found.error());
  auto with_work_item = [&work_item](int code) {
    Error error = Error::Of(code);
    error.substitutions.emplace_back("workItemId", work_item);
    return error;
  };
  if (!*found) return Fail(respond, with_work_item(15111));
  // The session's records behind the work item (fault points: these lookups cannot fail in a
  // consistent store, but the real service reports each one).
  if (context.faults != nullptr) {
    if (context.faults->Fire("agentwork-end-user")) return Fail(respond, with_work_item(25005));
    if (context.faults->Fire("agentwork-conversation")) return Fail(respond, with_work_item(25006));
    if (context.faults->Fire("agentwork-conversation-id")) {
      return Fail(respond, with_work_item(25007));
    }
  }
  Decide(
      context, CallerOf(context, *auth), **found, with_work_item(15111),
      [work = std::move(*parsed)](const ConversationState& state,
                                  const domain::EventOrigin& origin) -> Result<ConversationChange> {
        const config::MessagingChannel* channel =
            origin.org->FindChannelByAddress(state.channel_address);
        if (channel == nullptr) return Error::Of(15108, "the conversation's channel is gone");
        if (auto status = domain::CheckCcaasPrerequisites(*origin.org, channel); !status.ok()) {
          return status.error();
        }
        return domain::DecideAgentWork(state, work, *channel, origin);
      },
      [conversation = **found](const ConversationChange& change) {
        const domain::AgentWork& work = change.works.front();
        boost::json::object details;
        details["existPsr"] = !work.psr_id.empty();
        // With a PSR the routing configuration's capacity applies: a weight of 1.
        if (work.capacity_percentage) {
          details["capacityPercentage"] = *work.capacity_percentage;
        } else {
          details["capacityWeight"] = work.capacity_weight.value_or(1.0);
        }
        details["psrId"] =
            work.psr_id.empty() ? boost::json::value(nullptr) : boost::json::value(work.psr_id);
        details["routingContext"] = {{"conversationIdentifier", conversation},
                                     {"routingType", work.routing_type},
                                     {"routingCorrelationId", work.routing_correlation_id}};
        boost::json::object body;
        body["id"] = work.id;
        body["agentWorkId"] = work.id;
        body["agentWorkDetails"] = std::move(details);
        body["success"] = true;
        return Json(202, body);
      },
      std::move(respond));
}

void HandlePatchAgentWork(const AppContext& context, http::HttpRequest& request,
                          http::Respond respond) {
  // The contract requires AuthorizationContextType on this endpoint (and only here).
  auto auth = AuthorizeJsonWrite(context, request, {auth::ContextKind::kEither, true});
  if (!auth.ok()) return Fail(respond, auth.error());
  const bool bot_caller = auth->bot_integration != nullptr;
  if (!bot_caller) {
    if (auto status = CheckCcaasCaller(*auth); !status.ok()) return Fail(respond, status.error());
  }
  auto parsed = domain::ParsePatchAgentWorkRequest(request.body);
  if (!parsed.ok()) return Fail(respond, parsed.error());
  // A rep accepts or declines in the console; the partner cancels or closes a rep's work. A bot
  // accepts (joins), declines or closes (leaves) its own (api-notes §4.7).
  const bool agent = parsed->context_type == "Agent";
  const domain::WorkAction action = parsed->action;
  if (agent && (action == domain::WorkAction::kAccept || action == domain::WorkAction::kDecline)) {
    return Fail(respond, Error::Of(10085, "a rep accepts or declines in the console"));
  }
  if (!agent && action == domain::WorkAction::kCancel) {
    return Fail(respond, Error::Of(10085, "a bot declines or closes its work"));
  }
  if (parsed->context_type == "Chatbot") {
    // 10093: a bot's work is changed with the bot's own AuthorizationContext.
    if (!bot_caller) return Fail(respond, Error::Of(10093, "Chatbot work needs a bot context"));
    auto bot = domain::ResolveBot(*auth->org, auth->bot_integration, parsed->bot_id);
    if (!bot.ok()) return Fail(respond, bot.error());
    parsed->bot_id = (*bot)->id;
  } else if (bot_caller) {
    return Fail(respond, Error::Of(10093, "Agent work needs a channel definition context"));
  }
  auto found = context.store->FindConversationOfWork(auth->org->id, parsed->work_id);
  if (!found.ok()) return Fail(respond, found.error());
  if (!*found) return Fail(respond, Error::Of(10082, "no work " + parsed->work_id));
  Caller caller = CallerOf(context, *auth);
  // The bot joins through this call: it is not yet a participant the caller check could find.
  caller.bot_integration = nullptr;
  Decide(
      context, std::move(caller), **found, Error::Of(10082),
      [patch = std::move(*parsed)](
          const ConversationState& state,
          const domain::EventOrigin& origin) -> Result<ConversationChange> {
        const domain::AgentWork* work = state.FindWork(patch.work_id);
        if (work == nullptr) return Error::Of(10082, "no such work");
        if (patch.context_type != work->context_type) {
          return Error::Of(10083, "the work's context is " + work->context_type);
        }
        domain::EventOrigin actor = origin;
        if (patch.context_type == "Chatbot") {
          if (work->bot_id != patch.bot_id) return Error::Of(10084, "not this bot's work");
          if (patch.work_item_id.substr(0, 15) != work->session_id) {
            Error error = Error::Of(15110, "not the work's work item");
            error.substitutions.emplace_back("workItemId", patch.work_item_id);
            return error;
          }
          const config::Bot* bot = origin.org->FindBot(work->bot_id);
          actor.sender = {"custom", work->bot_id, "Chatbot"};
          actor.sender_display_name = bot != nullptr ? bot->name : work->bot_id;
        }
        return domain::TransitionWork(state, actor, patch.work_id, patch.action);
      },
      [](const ConversationChange&) { return Success(202); }, std::move(respond));
}

void HandlePostRoutingResult(const AppContext& context, http::HttpRequest& request,
                             http::Respond respond) {
  auto auth = AuthorizeJsonWrite(context, request);
  if (!auth.ok()) return Fail(respond, auth.error());
  if (auto status = CheckCcaasCaller(*auth); !status.ok()) return Fail(respond, status.error());
  auto parsed = domain::ParseRoutingResultRequest(request.body);
  if (!parsed.ok()) return Fail(respond, parsed.error());
  const std::string conversation = parsed->conversation_identifier;
  Decide(
      context, CallerOf(context, *auth), conversation, Error::Of(10018),
      [result = std::move(*parsed)](const ConversationState& state,
                                    const domain::EventOrigin& origin) {
        return domain::DecideRoutingResult(state, result, origin);
      },
      [](const ConversationChange&) { return Success(202); }, std::move(respond));
}

void HandlePostParticipant(const AppContext& context, http::HttpRequest& request,
                           http::Respond respond) {
  auto auth = AuthorizeJsonWrite(context, request);
  if (!auth.ok()) return Fail(respond, auth.error());
  if (auto status = CheckCcaasCaller(*auth); !status.ok()) return Fail(respond, status.error());
  auto parsed = domain::ParseParticipantRequest(request.body);
  if (!parsed.ok()) return Fail(respond, parsed.error());
  const std::string conversation = parsed->conversation_identifier;
  Decide(
      context, CallerOf(context, *auth), conversation, Error::Of(10018),
      [remove = std::move(*parsed)](const ConversationState& state,
                                    const domain::EventOrigin& origin) {
        return domain::DecideRemoveParticipant(state, remove, origin);
      },
      [](const ConversationChange&) { return Success(200); }, std::move(respond));
}

}  // namespace interactiond::api
