// Outbound events of routing: the RoutingWorkResult, RoutingResult and QueuePosition entries of
// `Interaction` events, and the `RoutingRequested` event a partner-owned channel receives when a
// rep transfers or conferences (api-notes §7.3).
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/org_model.h"
#include "domain/conversation_change.h"
#include "domain/conversation_events.h"
#include "domain/routing_state.h"
#include "events/outbound_event.h"

namespace interactiond::domain {

// RoutingWorkResult {workType, conversationId, workId, workTargetId (the session), agentSessionId
// (the rep),
// botId, queueId, routingType, errorMessages}. `work_type`: Assigned | Accepted | Declined |
// Cancelled | Closed | Transferred | TransferError.
events::OutboundEvent RoutingWorkResultEvent(const ConversationState& state,
                                             const EventOrigin& origin, const AgentWork& work,
                                             const std::string& work_type);

// RoutingWorkResultEvent to the conversation's channel topic and, for a bot's work, to the bot
// integration's platform event too (the bot listens there). Appends to `change.events`.
void ReportWorkEvents(const ConversationState& state, const EventOrigin& origin,
                      const AgentWork& work, const std::string& work_type,
                      ConversationChange& change);

struct RoutingOutcome {
  std::string routing_type = "Initial";
  std::string failure_type = "None";  // None | Unknown | SubmissionError | RoutingError | Cancelled
  std::string failure_reason;
  std::string psr_id;
  std::string record_id;  // the routed record (the session) when successful
  std::string work_owner_id;
  std::optional<bool> externally_routed;
  std::optional<std::string> cancel_reason;
  std::vector<std::string> error_messages;
};

// RoutingResult {routingType, failureType, errorMessages, …} (outbound RoutingResult schema).
events::OutboundEvent RoutingResultEvent(const ConversationState& state, const EventOrigin& origin,
                                         const RoutingOutcome& outcome);

// QueuePosition {pendingServiceRoutingId, workItemId, position}.
events::OutboundEvent QueuePositionEvent(const ConversationState& state, const EventOrigin& origin,
                                         const std::string& psr_id, int position);

// The RoutingRequested event of a rep's transfer or conference under partner-owned routing:
// {channelAddressIdentifier, recipient, payload{conversationIdentifier, routingType,
// workRecordId, routingParameters{queueId, flowId, userId, botId, …, isTransfer, channelData}}}
// where channelData is the JSON string {eventId, routerParticipantSubject, routingType,
// conversationId}.
events::OutboundEvent RoutingRequestedEvent(const ConversationState& state,
                                            const EventOrigin& origin,
                                            const RoutingRequest& request);

// The definition to publish a bot's events with: the bot integration's platform event, the
// channel definition's field names.
config::ChannelDefinition BotTopicDefinition(const config::ChannelDefinition& channel_definition,
                                             const config::BotIntegrationDefinition& integration);

}  // namespace interactiond::domain
