// The router (what Omni-Channel does in the real product): opens pending service routings (PSRs)
// and assigns them to an available rep of their queue, a rep or bot a flow names, or leaves them
// waiting in the queue. Used by Salesforce-owned routing (a new inbound session), by POST /route
// (partner-owned routing asks the router to route), by rep transfers, and by the routing pass
// that retries waiting PSRs when reps come online or free capacity.
//
// Assignment order is deterministic: among the queue's reps who are online, have Partner
// Messaging, have not declined this PSR and have free capacity (capacity minus the load of their
// active work ≥ the new work's load of 1), the least loaded (load / capacity) wins, ties broken
// by user id.
//
// Pure functions over ConversationState (which supplies rep availability and record ids);
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/org_model.h"
#include "domain/conversation_change.h"
#include "domain/conversation_events.h"
#include "domain/result.h"
#include "domain/routing_state.h"

namespace interactiond::domain {

// Where a routing goes, before the router resolves it.
struct RoutingTarget {
  std::string queue_id;
  std::string flow_id;
  std::string user_id;
};

// The queue, rep or bot a target resolves to: a flow resolves by its configured rule; no target
// at all resolves to the channel's default flow, else its default queue. Errors: 10030 nothing to
// route to, 10032 an unknown queue, 10024 an unknown flow (a flow needs the fallback queue).
Result<PendingRouting> ResolveRouting(const config::Org& org,
                                      const config::MessagingChannel& channel,
                                      const RoutingTarget& target);

// Opens `psr` (id and time filled in when empty) for the state's session: the session goes
// Waiting (from New or Inactive, reported), then the router tries to assign it. Appends to
// `change`. A PSR already open for the session is replaced (its unaccepted work is cancelled).
void OpenPendingRouting(const ConversationState& state, const EventOrigin& origin,
                        PendingRouting psr, ConversationChange& change);

// Tries to assign the state's open PSR (if it has no active work yet): creates the AgentWork
// (Assigned) and reports RoutingWorkResult(Assigned) — to the bot integration's topic too for a
// bot. When nobody is available, reports the QueuePosition once (`report_queue_position`).
// Returns true when it assigned.
bool AssignPendingRouting(const ConversationState& state, const EventOrigin& origin,
                          ConversationChange& change, bool report_queue_position);

// Salesforce-owned routing of a session's first entry (or of its reactivation): opens a PSR to
// the channel's default flow or queue, unless the session already has a PSR, active work, or a
// rep or bot in it. A channel with nothing to route to leaves the session unrouted (the end
// user's message was accepted all the same). Never fails.
Result<ConversationChange> RouteNewSession(const ConversationState& state,
                                           const EventOrigin& origin,
                                           const config::MessagingChannel& channel);

// The state's open PSR that has no active work (what the routing pass retries), if any.
const PendingRouting* UnassignedPsr(const ConversationState& state);

}  // namespace interactiond::domain
