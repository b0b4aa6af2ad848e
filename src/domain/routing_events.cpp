#include "domain/routing_events.h"

#include <boost/json.hpp>

#include "util/ids.h"

namespace interactiond::domain {
namespace {

boost::json::value OrNull(const std::string& value) {
  if (value.empty()) return nullptr;
  return boost::json::value(value);
}

boost::json::array Strings(const std::vector<std::string>& values) {
  boost::json::array array;
  for (const auto& value : values) array.emplace_back(value);
  return array;
}

}  // namespace

events::OutboundEvent RoutingWorkResultEvent(const ConversationState& state,
                                             const EventOrigin& origin, const AgentWork& work,
                                             const std::string& work_type) {
  const std::string id = util::RandomUuid();
  boost::json::object payload;
  payload["entryType"] = "RoutingWorkResult";
  payload["id"] = id;
  payload["workType"] = work_type;
  payload["conversationId"] = state.conversation_identifier;
  payload["workId"] = work.id;
  payload["workTargetId"] = work.session_id;
  payload["agentSessionId"] = OrNull(work.user_id);
  payload["botId"] = OrNull(work.bot_id);
  payload["queueId"] = OrNull(work.queue_id);
  payload["agentGroupIds"] =
      work.queue_id.empty() ? boost::json::array{} : boost::json::array{work.queue_id};
  payload["routingType"] = work.routing_type;
  payload["errorMessages"] = boost::json::array{};
  return EntryEvent(state, origin, id, "RoutingWorkResult", std::move(payload));
}

void ReportWorkEvents(const ConversationState& state, const EventOrigin& origin,
                      const AgentWork& work, const std::string& work_type,
                      ConversationChange& change) {
  change.events.push_back(RoutingWorkResultEvent(state, origin, work, work_type));
  if (work.bot_id.empty()) return;
  const config::Bot* bot = origin.org->FindBot(work.bot_id);
  const config::BotIntegrationDefinition* integration =
      bot == nullptr ? nullptr : origin.org->FindBotIntegration(bot->integration_definition);
  if (integration == nullptr) return;
  const config::ChannelDefinition bot_topic = BotTopicDefinition(*origin.definition, *integration);
  EventOrigin bot_origin = origin;
  bot_origin.definition = &bot_topic;
  change.events.push_back(RoutingWorkResultEvent(state, bot_origin, work, work_type));
}

events::OutboundEvent RoutingResultEvent(const ConversationState& state, const EventOrigin& origin,
                                         const RoutingOutcome& outcome) {
  const std::string id = util::RandomUuid();
  boost::json::object payload;
  payload["entryType"] = "RoutingResult";
  payload["id"] = id;
  payload["routingType"] = outcome.routing_type;
  payload["failureType"] = outcome.failure_type;
  payload["failureReason"] = OrNull(outcome.failure_reason);
  payload["errorMessages"] = Strings(outcome.error_messages);
  payload["pendingServiceRoutingId"] = OrNull(outcome.psr_id);
  payload["recordId"] = OrNull(outcome.record_id);
  payload["workOwnerId"] = OrNull(outcome.work_owner_id);
  if (outcome.externally_routed) payload["isExternallyRouted"] = *outcome.externally_routed;
  if (outcome.cancel_reason) payload["cancelReason"] = *outcome.cancel_reason;
  payload["initiator"] = {{"appType", origin.sender.app_type},
                          {"subject", origin.sender.subject},
                          {"role", origin.sender.role}};
  return EntryEvent(state, origin, id, "RoutingResult", std::move(payload));
}

events::OutboundEvent QueuePositionEvent(const ConversationState& state, const EventOrigin& origin,
                                         const std::string& psr_id, int position) {
  const std::string id = util::RandomUuid();
  boost::json::object payload;
  payload["entryType"] = "QueuePosition";
  payload["id"] = id;
  payload["pendingServiceRoutingId"] = psr_id;
  payload["workItemId"] = state.session_id;
  payload["position"] = position;
  return EntryEvent(state, origin, id, "QueuePosition", std::move(payload));
}

events::OutboundEvent RoutingRequestedEvent(const ConversationState& state,
                                            const EventOrigin& origin,
                                            const RoutingRequest& request) {
  boost::json::object channel_data;
  channel_data["eventId"] = request.event_id;
  channel_data["routerParticipantSubject"] = request.requested_by;
  channel_data["routingType"] = request.routing_type;
  channel_data["conversationId"] = state.conversation_identifier;
  auto target = [&request](const char* kind) -> boost::json::value {
    if (request.target_kind != kind) return nullptr;
    return boost::json::value(request.target_id);
  };
  boost::json::object parameters;
  parameters["queueId"] = target("queue");
  parameters["flowId"] = target("flow");
  parameters["userId"] = target("user");
  parameters["botId"] = nullptr;
  parameters["externalContactId"] = target("external");
  parameters["routingConfigId"] = nullptr;
  parameters["serviceChannelId"] = nullptr;
  parameters["skillsList"] = boost::json::array{};
  parameters["isTransfer"] = request.routing_type == "Transfer";
  parameters["isScrt2"] = true;
  parameters["isFallbackOnPsrNotCreated"] = nullptr;
  parameters["isEstimatedWaitTimeRequested"] = nullptr;
  parameters["isUserRequired"] = nullptr;
  parameters["channelData"] = boost::json::serialize(channel_data);
  boost::json::object inner;
  inner["conversationIdentifier"] = state.conversation_identifier;
  inner["routingType"] = request.routing_type;
  inner["workRecordId"] = nullptr;
  inner["routingParameters"] = std::move(parameters);
  boost::json::object body;
  body["channelAddressIdentifier"] = state.channel_address;
  body["recipient"] = {
      {"appType", "custom"}, {"subject", state.end_user_client_id}, {"role", "EndUser"}};
  body["payload"] = std::move(inner);

  events::OutboundEvent event;
  event.org_id = origin.org->id;
  event.topic = events::TopicOf(origin.definition->custom_platform_event);
  event.created_date = origin.now_ms;
  event.created_by_id = origin.created_by_id;
  event.event_type_field = origin.definition->event_type_field;
  event.payload_field = origin.definition->payload_field;
  event.event_type = "RoutingRequested";
  event.payload = boost::json::serialize(body);
  event.conversation_identifier = state.conversation_identifier;
  event.entry_type = "RoutingRequested";
  return event;
}

config::ChannelDefinition BotTopicDefinition(const config::ChannelDefinition& channel_definition,
                                             const config::BotIntegrationDefinition& integration) {
  config::ChannelDefinition definition = channel_definition;
  definition.custom_platform_event = integration.custom_platform_event;
  return definition;
}

}  // namespace interactiond::domain
