#include "domain/router.h"

#include <algorithm>
#include <set>

#include "domain/routing_events.h"
#include "util/ids.h"

namespace interactiond::domain {
namespace {

constexpr double kNewWorkLoad = 1.0;

// The best available rep among those `eligible` accepts: online, Partner Messaging, free capacity
// for the new work, not `excluded`; the lowest load ratio wins, ties go to the smaller user id.
template <typename Eligible>
const config::User* BestRep(const ConversationState& state, const config::Org& org,
                            const std::set<std::string>& excluded, Eligible eligible) {
  const config::User* best = nullptr;
  double best_ratio = 0;
  for (const auto& user : org.users) {
    if (!user.partner_messaging || excluded.count(user.id) > 0 || !eligible(user)) continue;
    const RepAvailability availability = state.rep_availability(user.id);
    if (!availability.online || availability.capacity <= 0) continue;
    if (availability.capacity - availability.load < kNewWorkLoad) continue;
    const double ratio = availability.load / availability.capacity;
    if (best == nullptr || ratio < best_ratio || (ratio == best_ratio && user.id < best->id)) {
      best = &user;
      best_ratio = ratio;
    }
  }
  return best;
}

// The rep the router picks for `psr`, or nullptr: the rep it names if available, else (and for
// a flow's rep, as its fallback) the best rep of its queue.
const config::User* PickRep(const ConversationState& state, const config::Org& org,
                            const PendingRouting& psr) {
  if (!state.rep_availability) return nullptr;
  // Reps who declined this PSR, or whose work from it the partner cancelled, are not offered it
  // again; nor is a rep already working the session.
  std::set<std::string> excluded;
  for (const auto& work : state.works) {
    if (work.psr_id == psr.id && (work.status == "Declined" || work.status == "Canceled")) {
      excluded.insert(work.user_id);
    }
    if (work.active() && !work.user_id.empty()) excluded.insert(work.user_id);
  }
  if (!psr.target_user.empty()) {
    const config::User* named = BestRep(
        state, org, excluded, [&](const config::User& user) { return user.id == psr.target_user; });
    if (named != nullptr || psr.queue_id.empty()) return named;
  }
  if (psr.queue_id.empty()) return nullptr;
  return BestRep(state, org, excluded, [&](const config::User& user) {
    return std::find(user.queues.begin(), user.queues.end(), psr.queue_id) != user.queues.end();
  });
}

}  // namespace

Result<PendingRouting> ResolveRouting(const config::Org& org,
                                      const config::MessagingChannel& channel,
                                      const RoutingTarget& target) {
  RoutingTarget resolved = target;
  if (resolved.queue_id.empty() && resolved.flow_id.empty() && resolved.user_id.empty()) {
    if (!channel.default_flow.empty()) {
      resolved.flow_id = channel.default_flow;
    } else if (!channel.default_queue.empty()) {
      resolved.queue_id = channel.default_queue;
    } else {
      return Error::Of(10030, "the channel has no default flow or queue to route to");
    }
  }
  PendingRouting psr;
  if (!resolved.user_id.empty()) {
    if (org.FindUser(resolved.user_id) == nullptr) {
      return Error::Of(15106, "no user " + resolved.user_id);
    }
    psr.target_user = org.FindUser(resolved.user_id)->id;
    return psr;
  }
  // The queue given (a flow's fallback queue) must exist.
  if (!resolved.queue_id.empty()) {
    const config::Queue* queue = org.FindQueue(resolved.queue_id);
    if (queue == nullptr) return Error::Of(10032, "no queue " + resolved.queue_id);
    psr.queue_id = queue->id;
  }
  if (!resolved.flow_id.empty()) {
    const config::Flow* flow = org.FindFlow(resolved.flow_id);
    if (flow == nullptr) return Error::Of(10024, "no flow " + resolved.flow_id);
    psr.flow_id = flow->id;
    // A flow's rule decides; a rep it names who is not available leaves the work to the
    // fallback queue (kept on the PSR); a flow without a rule routes to the fallback queue.
    if (!flow->target_bot.empty()) {
      psr.target_bot = flow->target_bot;
    } else if (!flow->target_user.empty()) {
      psr.target_user = flow->target_user;
    } else if (!flow->target_queue.empty()) {
      psr.queue_id = flow->target_queue;
    }
    if (psr.target_bot.empty() && psr.target_user.empty() && psr.queue_id.empty()) {
      return Error::Of(10024, "the flow has no rule and no fallback queue");
    }
    return psr;
  }
  if (psr.queue_id.empty()) return Error::Of(10030, "nothing to route to");
  return psr;
}

Result<ConversationChange> RouteNewSession(const ConversationState& state,
                                           const EventOrigin& origin,
                                           const config::MessagingChannel& channel) {
  ConversationChange change;
  if (!state.psrs.empty() || state.session_status == "Ended") return change;
  for (const auto& work : state.works) {
    if (work.active()) return change;
  }
  for (const auto& participant : state.participants) {
    if (participant.role != "EndUser") return change;
  }
  auto psr = ResolveRouting(*origin.org, channel, RoutingTarget{});
  if (!psr.ok()) return change;
  psr->routing_correlation_id = util::RandomUuid();
  OpenPendingRouting(state, origin, std::move(*psr), change);
  return change;
}

const PendingRouting* UnassignedPsr(const ConversationState& state) {
  const PendingRouting* psr = state.OpenPsr();
  if (psr == nullptr) return nullptr;
  for (const auto& work : state.works) {
    if (work.psr_id == psr->id && work.active()) return nullptr;
  }
  return psr;
}

void OpenPendingRouting(const ConversationState& state, const EventOrigin& origin,
                        PendingRouting psr, ConversationChange& change) {
  if (psr.id.empty()) psr.id = state.next_record_id("0JR");
  if (psr.created_at == 0) psr.created_at = origin.now_ms;
  // One open PSR per session: a new routing replaces the old one and cancels its pending work.
  for (const auto& old : state.psrs) {
    PendingRouting deleted = old;
    deleted.deleted = true;
    change.psrs.push_back(deleted);
    for (const auto& work : state.works) {
      if (work.psr_id == old.id && work.status == "Assigned") {
        AgentWork cancelled = work;
        cancelled.status = "Canceled";
        cancelled.updated_at = origin.now_ms;
        change.works.push_back(cancelled);
        ReportWorkEvents(state, origin, cancelled, "Cancelled", change);
      }
    }
  }
  change.psrs.push_back(psr);
  if (state.session_status == "New" || state.session_status == "Inactive") {
    change.events.push_back(SessionStatusChangedEvent(state, origin, "Waiting", std::nullopt));
    change.session_status = "Waiting";
  }
  ConversationState routed = state;
  routed.psrs = {psr};
  routed.works.erase(std::remove_if(routed.works.begin(), routed.works.end(),
                                    [&](const AgentWork& work) {
                                      for (const auto& cancelled : change.works) {
                                        if (cancelled.id == work.id) return true;
                                      }
                                      return false;
                                    }),
                     routed.works.end());
  AssignPendingRouting(routed, origin, change, true);
}

bool AssignPendingRouting(const ConversationState& state, const EventOrigin& origin,
                          ConversationChange& change, bool report_queue_position) {
  const PendingRouting* psr = UnassignedPsr(state);
  if (psr == nullptr || state.session_status == "Ended") return false;
  AgentWork work;
  if (!psr->target_bot.empty()) {
    const config::Bot* bot = origin.org->FindBot(psr->target_bot);
    if (bot == nullptr || !bot->active) return false;
    // As for reps: a bot that declined this PSR, or already works the session, is not offered it.
    for (const auto& other : state.works) {
      if (other.bot_id != bot->id) continue;
      const bool refused = other.status == "Declined" || other.status == "Canceled";
      if ((other.psr_id == psr->id && refused) || other.active()) return false;
    }
    work.bot_id = bot->id;
    work.context_type = "Chatbot";
  } else {
    const config::User* rep = PickRep(state, *origin.org, *psr);
    if (rep == nullptr) {
      if (report_queue_position && !psr->queue_id.empty()) {
        const int ahead = state.waiting_in_queue ? state.waiting_in_queue(psr->queue_id) : 0;
        change.events.push_back(QueuePositionEvent(state, origin, psr->id, ahead + 1));
      }
      return false;
    }
    work.user_id = rep->id;
    work.context_type = "Agent";
  }
  work.id = state.next_record_id("0Bz");
  work.status = "Assigned";
  work.session_id = state.session_id;
  work.psr_id = psr->id;
  work.queue_id = psr->queue_id;
  work.routing_type = psr->routing_type;
  work.routing_correlation_id = psr->routing_correlation_id;
  work.created_at = origin.now_ms;
  work.updated_at = origin.now_ms;
  change.works.push_back(work);
  ReportWorkEvents(state, origin, work, "Assigned", change);
  return true;
}

}  // namespace interactiond::domain
