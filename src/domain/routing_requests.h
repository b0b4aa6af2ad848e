// The partner-facing routing endpoints of BYOC for CCaaS: POST and DELETE /api/v1/route,
// POST /api/v1/agentWork, PATCH /api/v1/agentWork, POST /api/v1/routingResult and
// POST /api/v1/participant — parsing with their codes, and the decisions over the conversation's
// state (docs/compatibility.md has the validation order and the decisions where the contract is
// silent).
//
// Parsing errors are the malformed-input codes: 10100 body not a JSON object, 10089 a field of
// the wrong JSON type or an unknown enum value where no more specific code exists.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/org_model.h"
#include "domain/conversation_change.h"
#include "domain/conversation_events.h"
#include "domain/result.h"
#include "domain/router.h"
#include "domain/work_transitions.h"

namespace interactiond::domain {

// --- POST /route, DELETE /route -------------------------------------------------------------

struct RouteRequest {
  std::string conversation_identifier;
  std::string routing_type;  // Initial | Transfer | Conference
  bool has_routing_info = false;
  RoutingTarget target;
  bool flow_given = false;
  std::vector<std::pair<std::string, std::string>> routing_attributes;
};

// Codes: 10018 (conversationIdentifier missing or not a UUID), 10089 (routingType missing or not
// Initial/Transfer/Conference; routingInfo of the wrong type), 10024 (flow without flowId or
// without the fallback queueId), 10030 (routingInfo with neither flow nor queueId).
Result<RouteRequest> ParseRouteRequest(std::string_view json_text);

// Org and channel prerequisites of the CCaaS routing APIs, in order: 15102 (the org has no
// Contact Center as a Service), 15104 (the channel is not linked to a contact center).
Status CheckCcaasPrerequisites(const config::Org& org, const config::MessagingChannel* channel);

// The caller has checked that the conversation is its own (another definition's is 10025).
// Codes: 10025 (another org's conversation), 15104, 10075 (Conference on an org
// that is not ready), 15103 (the end user is opted out), 10032 / 10024 / 10030 (routing target),
// 10096 (routing attribute too long), 10071 (the session has ended).
// Response data: the PSR and its work, if the router assigned one.
Result<ConversationChange> DecideRoute(const ConversationState& state, const RouteRequest& request,
                                       const EventOrigin& origin);

struct CancelRouteRequest {
  std::string conversation_identifier;
  std::optional<std::string> cancel_reason;  // as given; both spellings (Unknown / UNKNOWN)
};

// Codes: 10018, 10089 (cancelReason not a known reason).
Result<CancelRouteRequest> ParseCancelRouteRequest(std::string_view json_text);

// Codes: 10025, 10076 (cancelReason on an org that is not ready). Deletes the open PSR (its
// Assigned work is cancelled) and reports RoutingResult(Cancelled); idempotent without a PSR.
Result<ConversationChange> DecideCancelRoute(const ConversationState& state,
                                             const CancelRouteRequest& request,
                                             const EventOrigin& origin);

// --- POST /agentWork ------------------------------------------------------------------------

struct AgentWorkRoutingContext {
  std::string conversation_identifier;
  std::string routing_type;
  std::string routing_correlation_id;
};

struct AgentWorkRequest {
  std::string user_id;
  std::string work_item_id;
  std::optional<double> capacity_weight;
  std::optional<double> capacity_percentage;
  std::optional<AgentWorkRoutingContext> routing_context;
  std::string agent_action_visibilities_json;
  bool conference_visibility = false;
};

// Codes: 15106 (userId missing, not a string), 10012 (workItemId missing or empty), 15110
// (workItemId not a 15- or 18-character MessagingSession id "0Mw…"), 10013 (both capacities),
// 10014 / 10015 (capacity out of range), 10089 (wrong types, unknown agentAction).
Result<AgentWorkRequest> ParseAgentWorkRequest(std::string_view json_text);

// Codes: 10077 (a Conference action visibility on an org that is not ready), 15106 (no such
// user), 15105 (no Partner Messaging), 15112 (the rep is not online), 15108 (the channel has no
// service channel), 10071→15110 (the session has ended), 15109 (active work for the same user and
// work item), 10013 (no capacity without a PSR), 10089 (no routingContext without a PSR), 15107
// (routingContext names another conversation).
Result<ConversationChange> DecideAgentWork(const ConversationState& state,
                                           const AgentWorkRequest& request,
                                           const config::MessagingChannel& channel,
                                           const EventOrigin& origin);

// --- PATCH /agentWork -----------------------------------------------------------------------

struct PatchAgentWorkRequest {
  std::string work_id;
  std::string context_type;  // Agent | Chatbot
  WorkAction action = WorkAction::kAccept;
  std::string work_item_id;  // Chatbot
  std::string bot_id;        // Chatbot
};

// Codes: 10082 (workId missing or not a 15/18-character "0Bz…" id), 10083 (contextType), 10085
// (status), 10084 (Chatbot without a botId; its form is checked by ResolveBot), 10012 (Chatbot
// without workItemId).
Result<PatchAgentWorkRequest> ParsePatchAgentWorkRequest(std::string_view json_text);

// --- POST /routingResult --------------------------------------------------------------------

struct RoutingResultRequest {
  std::string work_item_id;
  std::string conversation_identifier;
  bool success = false;
  bool externally_routed = false;
  std::optional<std::string> error_message;
  std::string routing_type;  // may be empty
};

// Codes: 10012 (workItemId missing), 15110 (workItemId not 15/18 characters), 10018
// (conversationIdentifier missing, over 240 characters), 10089 (success / externallyRouted
// missing or not booleans, routingType unknown), 10033 (errorMessage with success), 10034 (no
// errorMessage without success).
Result<RoutingResultRequest> ParseRoutingResultRequest(std::string_view json_text);

// Codes: 15111 (the work item is not the conversation's session). Completes the pending partner
// routing request (if any), reports RoutingResult; a failed transfer is reported to the rep who
// asked (failureType RoutingError); an external transfer closes the requesting rep's work.
Result<ConversationChange> DecideRoutingResult(const ConversationState& state,
                                               const RoutingResultRequest& request,
                                               const EventOrigin& origin);

// --- POST /participant ----------------------------------------------------------------------

struct ParticipantRequest {
  std::string conversation_identifier;
  ParticipantRef participant;
};

// Codes: 10018, 10097 (operation not "Remove"), 10089 (participants not exactly one object with
// subject and role).
Result<ParticipantRequest> ParseParticipantRequest(std::string_view json_text);

// Codes: 10025 (another channel definition's conversation), 10036 (not a participant, or the end
// user). The participant leaves (ParticipantChanged remove) and their work closes.
Result<ConversationChange> DecideRemoveParticipant(const ConversationState& state,
                                                   const ParticipantRequest& request,
                                                   const EventOrigin& origin);

// True for a record id of 15 or 18 alphanumeric characters starting with `prefix`.
bool IsRecordId(std::string_view id, std::string_view prefix);

}  // namespace interactiond::domain
