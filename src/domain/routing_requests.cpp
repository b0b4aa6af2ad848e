#include "domain/routing_requests.h"

#include <cctype>

#include <boost/json.hpp>

#include "domain/interaction_request.h"
#include "domain/json_access.h"
#include "domain/routing_attributes.h"
#include "domain/routing_events.h"
#include "util/ids.h"

namespace interactiond::domain {
namespace {

constexpr size_t kMaxIdentifierLength = 240;

Result<boost::json::object> ParseObject(std::string_view json_text) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(json_text, ec);
  if (ec) return Error::Of(10100, "body is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Of(10100, "body is not a JSON object");
  return std::move(root.get_object());
}

bool IsRoutingType(std::string_view type) {
  return type == "Initial" || type == "Transfer" || type == "Conference";
}

// A number member: nullopt when absent or null; error when of another type.
Result<std::optional<double>> NumberMember(const boost::json::object& body, std::string_view key) {
  const boost::json::value* value = Member(body, key);
  if (value == nullptr) return std::optional<double>();
  if (value->is_double()) return std::optional<double>(value->get_double());
  if (value->is_int64()) return std::optional<double>(static_cast<double>(value->get_int64()));
  if (value->is_uint64()) return std::optional<double>(static_cast<double>(value->get_uint64()));
  return Error::Of(10089, std::string(key) + " is not a number");
}

Result<std::string> ConversationIdentifierOf(const boost::json::object& body) {
  const auto identifier = StringMember(body, "conversationIdentifier");
  if (!identifier || !util::IsUuid(*identifier)) {
    return Error::Of(10018, "conversationIdentifier is not a conversation identifier");
  }
  return std::string(*identifier);
}

Status CheckConversationOfContext(const ConversationState& state, const EventOrigin& origin) {
  if (state.org_id != origin.org->id ||
      state.channel_definition != origin.definition->developer_name) {
    return Error::Of(10025, "the conversation is not this channel definition's");
  }
  return OkStatus();
}

Error WorkItemError(int code, const std::string& work_item_id, std::string detail) {
  Error error = Error::Of(code, std::move(detail));
  error.substitutions.emplace_back("workItemId", work_item_id);
  return error;
}

// Canonical CancelReason: Unknown | Unavailable | Decline | Cancel | EndUserEnded, from either
// spelling of api-notes §3.4.
std::optional<std::string> CanonicalCancelReason(std::string_view reason) {
  static constexpr std::pair<std::string_view, std::string_view> kReasons[] = {
      {"Unknown", "UNKNOWN"},
      {"Unavailable", "UNAVAILABLE"},
      {"Decline", "DECLINE"},
      {"Cancel", "CANCEL"},
      {"EndUserEnded", "END_USER_ENDED"}};
  for (const auto& [name, upper] : kReasons) {
    if (reason == name || reason == upper) return std::string(name);
  }
  return std::nullopt;
}

}  // namespace

bool IsRecordId(std::string_view id, std::string_view prefix) {
  if (id.size() != 15 && id.size() != 18) return false;
  if (id.substr(0, prefix.size()) != prefix) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// --- /route -----------------------------------------------------------------------------------

Result<RouteRequest> ParseRouteRequest(std::string_view json_text) {
  auto parsed = ParseObject(json_text);
  if (!parsed.ok()) return parsed.error();
  const boost::json::object& body = *parsed;
  RouteRequest request;
  auto identifier = ConversationIdentifierOf(body);
  if (!identifier.ok()) return identifier.error();
  request.conversation_identifier = std::move(*identifier);
  const auto routing_type = StringMember(body, "routingType");
  if (!routing_type || !IsRoutingType(*routing_type)) {
    return Error::Of(10089, "routingType must be Initial, Transfer or Conference");
  }
  request.routing_type = std::string(*routing_type);
  const boost::json::value* info = Member(body, "routingInfo");
  if (info == nullptr) return request;
  if (!info->is_object()) return Error::Of(10089, "routingInfo is not an object");
  const boost::json::object& routing_info = info->get_object();
  request.has_routing_info = true;
  if (const boost::json::value* flow = Member(routing_info, "flow")) {
    if (!flow->is_object()) return Error::Of(10089, "routingInfo.flow is not an object");
    const auto flow_id = StringMember(flow->get_object(), "flowId");
    const auto fallback = StringMember(flow->get_object(), "queueId");
    if (!flow_id || flow_id->empty() || !fallback || fallback->empty()) {
      return Error::Of(10024, "flow needs flowId and queueId");
    }
    request.flow_given = true;
    request.target.flow_id = std::string(*flow_id);
    request.target.queue_id = std::string(*fallback);
  }
  if (const boost::json::value* queue = Member(routing_info, "queueId")) {
    if (!queue->is_string()) return Error::Of(10032, "routingInfo.queueId is not a string");
    if (!request.flow_given) request.target.queue_id = std::string(queue->get_string());
  }
  if (request.target.flow_id.empty() && request.target.queue_id.empty()) {
    return Error::Of(10030, "routingInfo has neither a flow nor a queueId");
  }
  if (auto status = ParseRoutingAttributeMap(routing_info, request.routing_attributes);
      !status.ok()) {
    return status.error();
  }
  return request;
}

Status CheckCcaasPrerequisites(const config::Org& org, const config::MessagingChannel* channel) {
  if (!org.features.ccaas_enabled) return Error::Of(15102, "the org has no CCaaS");
  if (channel != nullptr && !channel->contact_center_linked) {
    return Error::Of(15104, "channel " + channel->channel_address_identifier + " is not linked");
  }
  return OkStatus();
}

Result<ConversationChange> DecideRoute(const ConversationState& state, const RouteRequest& request,
                                       const EventOrigin& origin) {
  if (origin.org->id != state.org_id) return Error::Of(10025, "another org's conversation");
  const config::MessagingChannel* channel = origin.org->FindChannelByAddress(state.channel_address);
  if (channel == nullptr) return Error::Of(10025, "the conversation's channel is gone");
  if (auto status = CheckCcaasPrerequisites(*origin.org, channel); !status.ok()) {
    return status.error();
  }
  if (request.routing_type == "Conference" &&
      (!origin.org->features.conference_routing || !origin.definition->conference_supported)) {
    return Error::Of(10075, "conference routing is not enabled");
  }
  if (state.consent_status == "OptedOut") return Error::Of(15103);
  if (state.session_status == "Ended") return Error::Of(10071, "the session has ended");
  if (auto status = CheckRoutingAttributes(*channel, request.routing_attributes); !status.ok()) {
    return status.error();
  }
  auto resolved = ResolveRouting(*origin.org, *channel, request.target);
  if (!resolved.ok()) return resolved.error();
  PendingRouting psr = std::move(*resolved);
  psr.routing_type = request.routing_type;
  psr.initiator_subject = origin.sender.subject;
  ConversationChange change;
  // The partner answers a rep's transfer or conference request with this routing.
  for (const auto& pending : state.routing_requests) {
    RoutingRequest completed = pending;
    completed.status = "Completed";
    change.routing_requests.push_back(completed);
    if (psr.routing_correlation_id.empty()) psr.routing_correlation_id = pending.event_id;
  }
  if (psr.routing_correlation_id.empty()) psr.routing_correlation_id = util::RandomUuid();
  OpenPendingRouting(state, origin, psr, change);
  return change;
}

Result<CancelRouteRequest> ParseCancelRouteRequest(std::string_view json_text) {
  auto parsed = ParseObject(json_text);
  if (!parsed.ok()) return parsed.error();
  CancelRouteRequest request;
  auto identifier = ConversationIdentifierOf(*parsed);
  if (!identifier.ok()) return identifier.error();
  request.conversation_identifier = std::move(*identifier);
  if (const boost::json::value* reason = Member(*parsed, "cancelReason")) {
    if (!reason->is_string()) return Error::Of(10089, "cancelReason is not a string");
    auto canonical = CanonicalCancelReason(reason->get_string());
    if (!canonical) return Error::Of(10089, "unknown cancelReason");
    request.cancel_reason = std::move(*canonical);
  }
  return request;
}

Result<ConversationChange> DecideCancelRoute(const ConversationState& state,
                                             const CancelRouteRequest& request,
                                             const EventOrigin& origin) {
  if (auto status = CheckConversationOfContext(state, origin); !status.ok()) return status.error();
  if (request.cancel_reason && !origin.org->features.cancel_reason) {
    return Error::Of(10076, "cancelReason is not enabled");
  }
  ConversationChange change;
  WithdrawRouting(state, origin, change);
  for (const auto& psr : state.psrs) {
    RoutingOutcome outcome;
    outcome.routing_type = psr.routing_type;
    outcome.failure_type = "Cancelled";
    outcome.psr_id = psr.id;
    outcome.cancel_reason = request.cancel_reason.value_or("Cancel");
    change.events.push_back(RoutingResultEvent(state, origin, outcome));
  }
  return change;
}

// --- POST /agentWork ------------------------------------------------------------------------

Result<AgentWorkRequest> ParseAgentWorkRequest(std::string_view json_text) {
  auto parsed = ParseObject(json_text);
  if (!parsed.ok()) return parsed.error();
  const boost::json::object& body = *parsed;
  AgentWorkRequest request;
  const auto user = StringMember(body, "userId");
  if (!user || user->empty()) return Error::Of(15106, "userId missing");
  request.user_id = std::string(*user);
  const boost::json::value* work_item = Member(body, "workItemId");
  if (work_item == nullptr || (work_item->is_string() && work_item->get_string().empty())) {
    return Error::Of(10012, "workItemId missing");
  }
  if (!work_item->is_string() || !IsRecordId(work_item->get_string(), "0Mw")) {
    const std::string shown = work_item->is_string() ? std::string(work_item->get_string())
                                                     : boost::json::serialize(*work_item);
    return WorkItemError(15110, shown, "workItemId is not a MessagingSession id");
  }
  request.work_item_id = std::string(work_item->get_string()).substr(0, 15);
  auto weight = NumberMember(body, "capacityWeight");
  if (!weight.ok()) return weight.error();
  auto percentage = NumberMember(body, "capacityPercentage");
  if (!percentage.ok()) return percentage.error();
  if (*weight && *percentage) return Error::Of(10013);
  if (*weight && **weight < 0) return Error::Of(10014);
  if (*percentage && (**percentage < 0 || **percentage > 100)) return Error::Of(10015);
  request.capacity_weight = *weight;
  request.capacity_percentage = *percentage;
  if (const boost::json::value* context = Member(body, "routingContext")) {
    if (!context->is_object()) return Error::Of(10089, "routingContext is not an object");
    const auto conversation = StringMember(context->get_object(), "conversationIdentifier");
    const auto type = StringMember(context->get_object(), "routingType");
    const auto correlation = StringMember(context->get_object(), "routingCorrelationId");
    if (!conversation || conversation->empty() || !type || !IsRoutingType(*type) || !correlation ||
        correlation->empty()) {
      return Error::Of(10089,
                       "routingContext needs conversationIdentifier, routingType and "
                       "routingCorrelationId");
    }
    request.routing_context = AgentWorkRoutingContext{
        std::string(*conversation), std::string(*type), std::string(*correlation)};
  }
  if (const boost::json::value* visibilities = Member(body, "agentActionVisibilities")) {
    if (!visibilities->is_array()) return Error::Of(10089, "agentActionVisibilities");
    for (const auto& item : visibilities->get_array()) {
      const boost::json::object* visibility = item.if_object();
      if (visibility == nullptr) return Error::Of(10089, "agentActionVisibilities item");
      const auto action = StringMember(*visibility, "agentAction");
      const boost::json::value* visible = Member(*visibility, "visible");
      if (!action || (*action != "Transfer" && *action != "Conference") || visible == nullptr ||
          !visible->is_bool()) {
        return Error::Of(10089, "agentActionVisibilities item needs agentAction and visible");
      }
      if (*action == "Conference") request.conference_visibility = true;
    }
    request.agent_action_visibilities_json = boost::json::serialize(*visibilities);
  }
  return request;
}

Result<ConversationChange> DecideAgentWork(const ConversationState& state,
                                           const AgentWorkRequest& request,
                                           const config::MessagingChannel& channel,
                                           const EventOrigin& origin) {
  const config::Org& org = *origin.org;
  if (request.conference_visibility && !org.features.conference_routing) {
    return Error::Of(10077, "conference is not enabled");
  }
  const config::User* user = org.FindUser(request.user_id);
  if (user == nullptr || !IsRecordId(request.user_id, "005")) {
    return Error::Of(15106, "no user " + request.user_id);
  }
  if (!user->partner_messaging) return Error::Of(15105);
  if (!state.rep_availability || !state.rep_availability(user->id).online) {
    return Error::Of(15112, "the rep is offline");
  }
  if (!channel.service_channel) return Error::Of(15108);
  if (state.session_status == "Ended") {
    return WorkItemError(15110, request.work_item_id, "the session has ended");
  }
  for (const auto& work : state.works) {
    if (work.user_id == user->id && work.session_id == state.session_id && work.active()) {
      return Error::Of(15109);
    }
  }
  AgentWork work;
  work.id = state.next_record_id("0Bz");
  work.user_id = user->id;
  work.context_type = "Agent";
  work.session_id = state.session_id;
  work.created_at = origin.now_ms;
  work.updated_at = origin.now_ms;
  if (const PendingRouting* psr = state.OpenPsr()) {
    // With a PSR only userId and workItemId count: the PSR carries the rest.
    work.psr_id = psr->id;
    work.queue_id = psr->queue_id;
    work.routing_type = psr->routing_type;
    work.routing_correlation_id = psr->routing_correlation_id;
  } else {
    if (!request.capacity_weight && !request.capacity_percentage) {
      return Error::Of(10013, "no capacity without a PSR");
    }
    if (!request.routing_context) return Error::Of(10089, "no routingContext without a PSR");
    if (request.routing_context->conversation_identifier != state.conversation_identifier) {
      Error error = WorkItemError(15107, request.work_item_id, "routingContext conversation");
      error.substitutions.emplace_back("conversationId",
                                       request.routing_context->conversation_identifier);
      return error;
    }
    work.capacity_weight = request.capacity_weight;
    work.capacity_percentage = request.capacity_percentage;
    work.routing_type = request.routing_context->routing_type;
    work.routing_correlation_id = request.routing_context->routing_correlation_id;
  }
  work.agent_action_visibilities_json = request.agent_action_visibilities_json;
  ConversationChange change;
  change.works.push_back(work);
  ReportWorkEvents(state, origin, work, "Assigned", change);
  // A rep's transfer to this rep, answered by the partner with agentWork: the window is met; the
  // partner's /routingResult completes the request (and reports it with its routing type).
  for (const auto& pending : state.routing_requests) {
    if (pending.status != "Pending") continue;
    if (pending.event_id != work.routing_correlation_id && pending.target_id != user->id) continue;
    RoutingRequest answered = pending;
    answered.status = "Answered";
    change.routing_requests.push_back(answered);
  }
  if (state.session_status == "New" || state.session_status == "Inactive") {
    change.events.push_back(SessionStatusChangedEvent(state, origin, "Waiting", std::nullopt));
    change.session_status = "Waiting";
  }
  return change;
}

// --- PATCH /agentWork -----------------------------------------------------------------------

Result<PatchAgentWorkRequest> ParsePatchAgentWorkRequest(std::string_view json_text) {
  auto parsed = ParseObject(json_text);
  if (!parsed.ok()) return parsed.error();
  const boost::json::object& body = *parsed;
  PatchAgentWorkRequest request;
  const auto work_id = StringMember(body, "workId");
  if (!work_id || !IsRecordId(*work_id, "0Bz")) return Error::Of(10082, "workId");
  request.work_id = std::string(work_id->substr(0, 15));
  const auto context_type = StringMember(body, "contextType");
  if (!context_type || (*context_type != "Agent" && *context_type != "Chatbot")) {
    return Error::Of(10083, "contextType");
  }
  request.context_type = std::string(*context_type);
  const auto status = StringMember(body, "status");
  const auto action = status ? ParseWorkAction(*status) : std::nullopt;
  if (!action) return Error::Of(10085, "status");
  request.action = *action;
  if (request.context_type == "Chatbot") {
    const auto bot_id = StringMember(body, "botId");
    if (!bot_id || bot_id->empty()) return Error::Of(10084, "botId missing");
    request.bot_id = std::string(*bot_id);
    const auto work_item = StringMember(body, "workItemId");
    if (!work_item || work_item->empty()) return Error::Of(10012, "workItemId missing");
    request.work_item_id = std::string(*work_item);
  }
  return request;
}

// --- POST /routingResult --------------------------------------------------------------------

Result<RoutingResultRequest> ParseRoutingResultRequest(std::string_view json_text) {
  auto parsed = ParseObject(json_text);
  if (!parsed.ok()) return parsed.error();
  const boost::json::object& body = *parsed;
  RoutingResultRequest request;
  const auto work_item = StringMember(body, "workItemId");
  if (!work_item || work_item->empty()) return Error::Of(10012, "workItemId missing");
  if (work_item->size() != 15 && work_item->size() != 18) {
    return WorkItemError(15110, std::string(*work_item), "workItemId is not 15 characters");
  }
  request.work_item_id = std::string(work_item->substr(0, 15));
  const auto conversation = StringMember(body, "conversationIdentifier");
  if (!conversation || conversation->empty() || Utf8Length(*conversation) > kMaxIdentifierLength) {
    return Error::Of(10018, "conversationIdentifier");
  }
  request.conversation_identifier = std::string(*conversation);
  const boost::json::value* success = Member(body, "success");
  const boost::json::value* external = Member(body, "externallyRouted");
  if (success == nullptr || !success->is_bool()) return Error::Of(10089, "success");
  if (external == nullptr || !external->is_bool()) return Error::Of(10089, "externallyRouted");
  request.success = success->get_bool();
  request.externally_routed = external->get_bool();
  if (const boost::json::value* type = Member(body, "routingType")) {
    if (!type->is_string() || !IsRoutingType(type->get_string())) {
      return Error::Of(10089, "routingType");
    }
    request.routing_type = std::string(type->get_string());
  }
  const boost::json::value* message = Member(body, "errorMessage");
  if (message != nullptr && !message->is_string()) return Error::Of(10089, "errorMessage");
  const bool has_message = message != nullptr && !message->get_string().empty();
  if (request.success && has_message) return Error::Of(10033);
  if (!request.success && !has_message) return Error::Of(10034);
  if (has_message) request.error_message = std::string(message->get_string());
  return request;
}

Result<ConversationChange> DecideRoutingResult(const ConversationState& state,
                                               const RoutingResultRequest& request,
                                               const EventOrigin& origin) {
  if (auto status = CheckConversationOfContext(state, origin); !status.ok()) return status.error();
  if (request.work_item_id != state.session_id) {
    return WorkItemError(15111, request.work_item_id, "not the conversation's session");
  }
  ConversationChange change;
  const RoutingRequest* pending = nullptr;
  for (const auto& each : state.routing_requests) pending = &each;  // Pending or Answered
  RoutingOutcome outcome;
  outcome.routing_type = !request.routing_type.empty() ? request.routing_type
                         : pending != nullptr          ? pending->routing_type
                                                       : "Initial";
  outcome.externally_routed = request.externally_routed;
  if (request.success) {
    outcome.record_id = state.session_id;
    if (const PendingRouting* psr = state.OpenPsr()) outcome.psr_id = psr->id;
  } else {
    outcome.failure_type = "RoutingError";
    outcome.failure_reason = *request.error_message;
    outcome.error_messages.push_back(*request.error_message);
  }
  if (pending != nullptr) {
    RoutingRequest completed = *pending;
    completed.status = request.success ? "Completed" : "Failed";
    change.routing_requests.push_back(completed);
    outcome.work_owner_id = pending->requested_by;
    // A transfer to an external contact ends the requesting rep's part in the conversation.
    if (request.success && request.externally_routed && pending->routing_type == "Transfer") {
      for (const auto& work : state.works) {
        if (work.user_id != pending->requested_by || work.status != "Opened") continue;
        AgentWork transferred = work;
        transferred.status = "Transferred";
        transferred.updated_at = origin.now_ms;
        change.works.push_back(transferred);
        ReportWorkEvents(state, origin, transferred, "Transferred", change);
        if (const auto* rep = state.FindParticipant(work.user_id, "Agent")) {
          change.left.emplace_back(rep->subject, rep->role);
          change.left_time = origin.now_ms;
          change.events.push_back(ParticipantChangedEvent(state, origin, "remove",
                                                          {rep->app_type, rep->subject, rep->role},
                                                          rep->display_name));
        }
      }
    }
  }
  change.events.push_back(RoutingResultEvent(state, origin, outcome));
  return change;
}

// --- POST /participant ----------------------------------------------------------------------

Result<ParticipantRequest> ParseParticipantRequest(std::string_view json_text) {
  auto parsed = ParseObject(json_text);
  if (!parsed.ok()) return parsed.error();
  const boost::json::object& body = *parsed;
  ParticipantRequest request;
  auto identifier = ConversationIdentifierOf(body);
  if (!identifier.ok()) return identifier.error();
  request.conversation_identifier = std::move(*identifier);
  const auto operation = StringMember(body, "operation");
  if (!operation || *operation != "Remove") return Error::Of(10097);
  const boost::json::value* participants = Member(body, "participants");
  if (participants == nullptr || !participants->is_array() ||
      participants->get_array().size() != 1 || !participants->get_array()[0].is_object()) {
    return Error::Of(10089, "participants must hold exactly one participant");
  }
  const boost::json::object& participant = participants->get_array()[0].get_object();
  const auto subject = StringMember(participant, "subject");
  const auto role = StringMember(participant, "role");
  if (!subject || subject->empty() || !role || role->empty()) {
    return Error::Of(10089, "participant needs subject and role");
  }
  const auto app_type = StringMember(participant, "appType");
  request.participant = {std::string(app_type.value_or("agent")), std::string(*subject),
                         std::string(*role)};
  return request;
}

Result<ConversationChange> DecideRemoveParticipant(const ConversationState& state,
                                                   const ParticipantRequest& request,
                                                   const EventOrigin& origin) {
  if (auto status = CheckConversationOfContext(state, origin); !status.ok()) return status.error();
  const ParticipantRef& wanted = request.participant;
  // Reps are named by their 15- or 18-character user id.
  std::string subject = wanted.subject;
  if (subject.size() == 18 && IsRecordId(subject, "005")) subject = subject.substr(0, 15);
  const ConversationParticipant* participant = state.FindParticipant(subject, wanted.role);
  if (participant == nullptr || participant->role == "EndUser") {
    return Error::Of(10036, "not a participant: " + wanted.subject);
  }
  ConversationChange change;
  change.left.emplace_back(participant->subject, participant->role);
  change.left_time = origin.now_ms;
  change.events.push_back(ParticipantChangedEvent(
      state, origin, "remove", {participant->app_type, participant->subject, participant->role},
      participant->display_name));
  CloseWorkOf(state, origin, participant->subject, change);
  // Their unanswered transfer or conference requests go with them.
  for (const auto& routing : state.routing_requests) {
    if (routing.requested_by != participant->subject) continue;
    RoutingRequest withdrawn = routing;
    withdrawn.status = "Failed";
    change.routing_requests.push_back(withdrawn);
  }
  return change;
}

}  // namespace interactiond::domain
