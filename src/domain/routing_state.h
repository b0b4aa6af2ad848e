// The routing records of a conversation, as the store keeps them and the routing rules read and
// write them: pending service routings (PSRs, the transient "route this session" requests),
// AgentWork (a rep's or bot's assignment to the session), and partner routing requests (a rep's
// transfer or conference under partner-owned routing, waiting for the partner's answer).
//
// Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace interactiond::domain {

// A PendingServiceRouting (0JR…). Deleted when its work is accepted or by DELETE /route.
struct PendingRouting {
  std::string id;
  std::string routing_type = "Initial";  // Initial | Transfer | Conference
  std::string queue_id;                  // where it waits; empty for a direct target
  std::string flow_id;                   // the flow that resolved it, if any
  std::string target_user;               // a flow or transfer that names a rep
  std::string target_bot;                // a flow that names a bot
  std::string routing_correlation_id;    // UUID reported back in responses and events
  std::string initiator_subject;         // who asked (a rep for transfers), empty for the system
  int64_t created_at = 0;
  bool deleted = false;  // set in a change to delete it
};

// AgentWork (0Bz…). Status names are the record's: Assigned, Opened, Declined, Canceled, Closed,
// Transferred.
struct AgentWork {
  std::string id;
  std::string user_id;       // 005… for reps
  std::string bot_id;        // 1JZ… for bots (then user_id is empty)
  std::string context_type;  // Agent | Chatbot
  std::string status = "Assigned";
  std::string session_id;  // the work item (MessagingSession id)
  std::string psr_id;      // the PSR it came from, if any
  std::string queue_id;
  std::string routing_type = "Initial";
  std::string routing_correlation_id;
  std::optional<double> capacity_weight;
  std::optional<double> capacity_percentage;
  std::string agent_action_visibilities_json;  // as given to POST /agentWork, or empty
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool active() const { return status == "Assigned" || status == "Opened"; }
  // Capacity it takes from its rep while active (weight, else percentage of the rep's capacity
  // expressed in units, else 1).
  double load(int rep_capacity) const {
    if (capacity_weight) return *capacity_weight;
    if (capacity_percentage) return *capacity_percentage * rep_capacity / 100.0;
    return 1.0;
  }
};

// A rep's presence as the router sees it: online with a capacity, and the load of their active
// work across every conversation.
struct RepAvailability {
  bool online = false;
  int capacity = 0;
  double load = 0;
};

// A partner routing request (RoutingRequested) waiting for the partner, keyed by its eventId.
struct RoutingRequest {
  std::string event_id;
  std::string routing_type;  // Transfer | Conference
  std::string requested_by;  // the rep who asked
  std::string target_kind;   // queue | flow | user | external
  std::string target_id;
  // Pending (the window runs) | Answered (agentWork met the window; /routingResult completes it)
  // | Completed | Failed
  std::string status = "Pending";
  int64_t requested_at = 0;
  int64_t deadline = 0;
};

}  // namespace interactiond::domain
