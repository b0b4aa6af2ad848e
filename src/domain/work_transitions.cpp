#include "domain/work_transitions.h"

#include "domain/router.h"
#include "domain/routing_events.h"

namespace interactiond::domain {
namespace {

ParticipantRef ParticipantOf(const AgentWork& work) {
  if (!work.bot_id.empty()) return {"custom", work.bot_id, "Chatbot"};
  return {"agent", work.user_id, "Agent"};
}

std::string DisplayNameOf(const config::Org& org, const AgentWork& work) {
  if (!work.bot_id.empty()) {
    const config::Bot* bot = org.FindBot(work.bot_id);
    return bot != nullptr && !bot->name.empty() ? bot->name : work.bot_id;
  }
  const config::User* user = org.FindUser(work.user_id);
  return user != nullptr ? user->name : work.user_id;
}

AgentWork WithStatus(const AgentWork& work, const char* status, int64_t now_ms) {
  AgentWork changed = work;
  changed.status = status;
  changed.updated_at = now_ms;
  return changed;
}

void Leave(const ConversationState& state, const EventOrigin& origin, const AgentWork& work,
           ConversationChange& change) {
  const ParticipantRef who = ParticipantOf(work);
  if (state.FindParticipant(who.subject, who.role) == nullptr) return;
  change.left.emplace_back(who.subject, who.role);
  change.left_time = origin.now_ms;
  change.events.push_back(
      ParticipantChangedEvent(state, origin, "remove", who, DisplayNameOf(*origin.org, work)));
}

Result<ConversationChange> Accept(const ConversationState& state, const EventOrigin& origin,
                                  const AgentWork& work) {
  if (work.status != "Assigned") return Error::Of(10085, "work is " + work.status);
  if (state.session_status == "Ended") return Error::Of(10071, "the session has ended");
  ConversationChange change;
  const AgentWork opened = WithStatus(work, "Opened", origin.now_ms);
  change.works.push_back(opened);
  ReportWorkEvents(state, origin, opened, "Accepted", change);
  for (const auto& psr : state.psrs) {
    if (psr.id == work.psr_id) {
      PendingRouting deleted = psr;
      deleted.deleted = true;
      change.psrs.push_back(deleted);
    }
  }
  if (work.routing_type == "Transfer") {
    for (const auto& other : state.works) {
      if (other.id == work.id || other.status != "Opened") continue;
      const AgentWork transferred = WithStatus(other, "Transferred", origin.now_ms);
      change.works.push_back(transferred);
      ReportWorkEvents(state, origin, transferred, "Transferred", change);
      Leave(state, origin, other, change);
    }
  }
  const ParticipantRef who = ParticipantOf(work);
  if (state.FindParticipant(who.subject, who.role) == nullptr) {
    const std::string name = DisplayNameOf(*origin.org, work);
    change.joined.push_back({who.app_type, who.subject, who.role, name, origin.now_ms});
    change.events.push_back(ParticipantChangedEvent(state, origin, "add", who, name));
  }
  if (state.session_status != "Active") {
    change.events.push_back(SessionStatusChangedEvent(state, origin, "Active", std::nullopt));
    change.session_status = "Active";
  }
  return change;
}

Result<ConversationChange> Decline(const ConversationState& state, const EventOrigin& origin,
                                   const AgentWork& work) {
  if (work.status != "Assigned") return Error::Of(10085, "work is " + work.status);
  ConversationChange change;
  const AgentWork declined = WithStatus(work, "Declined", origin.now_ms);
  change.works.push_back(declined);
  ReportWorkEvents(state, origin, declined, "Declined", change);
  // The PSR goes to the next available rep (the one who declined is skipped).
  ConversationState next = state;
  for (auto& each : next.works) {
    if (each.id == work.id) each = declined;
  }
  AssignPendingRouting(next, origin, change, false);
  return change;
}

}  // namespace

std::optional<WorkAction> ParseWorkAction(std::string_view status) {
  if (status == "Accept") return WorkAction::kAccept;
  if (status == "Decline") return WorkAction::kDecline;
  if (status == "Cancel") return WorkAction::kCancel;
  if (status == "Close") return WorkAction::kClose;
  return std::nullopt;
}

Result<ConversationChange> TransitionWork(const ConversationState& state, const EventOrigin& origin,
                                          const std::string& work_id, WorkAction action) {
  const AgentWork* work = state.FindWork(work_id);
  if (work == nullptr) return Error::Of(10082, "no work " + work_id + " in the conversation");
  switch (action) {
    case WorkAction::kAccept:
      return Accept(state, origin, *work);
    case WorkAction::kDecline:
      return Decline(state, origin, *work);
    case WorkAction::kCancel: {
      if (work->status != "Assigned") {
        return Error::Of(10085, "only Assigned work can be cancelled; it is " + work->status);
      }
      ConversationChange change;
      const AgentWork cancelled = WithStatus(*work, "Canceled", origin.now_ms);
      change.works.push_back(cancelled);
      ReportWorkEvents(state, origin, cancelled, "Cancelled", change);
      return change;
    }
    case WorkAction::kClose: {
      ConversationChange change;
      if (work->status == "Closed" || work->status == "Transferred") return change;
      if (work->status != "Opened") {
        return Error::Of(10085, "only Opened work can be closed; it is " + work->status);
      }
      const AgentWork closed = WithStatus(*work, "Closed", origin.now_ms);
      change.works.push_back(closed);
      ReportWorkEvents(state, origin, closed, "Closed", change);
      Leave(state, origin, *work, change);
      return change;
    }
  }
  return Error::Of(10085);
}

void CloseWorkOf(const ConversationState& state, const EventOrigin& origin, const std::string& who,
                 ConversationChange& change) {
  for (const auto& work : state.works) {
    if (!work.active()) continue;
    if (!who.empty() && ParticipantOf(work).subject != who) continue;
    const bool opened = work.status == "Opened";
    const AgentWork ended = WithStatus(work, opened ? "Closed" : "Canceled", origin.now_ms);
    change.works.push_back(ended);
    ReportWorkEvents(state, origin, ended, opened ? "Closed" : "Cancelled", change);
  }
}

void WithdrawRouting(const ConversationState& state, const EventOrigin& origin,
                     ConversationChange& change) {
  for (const auto& psr : state.psrs) {
    PendingRouting deleted = psr;
    deleted.deleted = true;
    change.psrs.push_back(deleted);
    for (const auto& work : state.works) {
      if (work.psr_id != psr.id || work.status != "Assigned") continue;
      const AgentWork cancelled = WithStatus(work, "Canceled", origin.now_ms);
      change.works.push_back(cancelled);
      ReportWorkEvents(state, origin, cancelled, "Cancelled", change);
    }
  }
}

void EndSessionRouting(const ConversationState& state, const EventOrigin& origin,
                       ConversationChange& change) {
  CloseWorkOf(state, origin, "", change);
  for (const auto& psr : state.psrs) {
    PendingRouting deleted = psr;
    deleted.deleted = true;
    change.psrs.push_back(deleted);
  }
  // Unanswered transfer or conference requests end with the session (no failure to report).
  for (const auto& request : state.routing_requests) {
    RoutingRequest withdrawn = request;
    withdrawn.status = "Failed";
    change.routing_requests.push_back(withdrawn);
  }
}

std::optional<std::string> AssignedWorkOf(const ConversationState& state,
                                          const std::string& user_id) {
  for (const auto& work : state.works) {
    if (work.user_id == user_id && work.status == "Assigned") return work.id;
  }
  return std::nullopt;
}

}  // namespace interactiond::domain
