// The AgentWork state machine (api-notes §8.3), shared by PATCH /api/v1/agentWork, the rep API
// (the console's accept / decline) and bots:
//   Assigned ─Accept→ Opened ─Close→ Closed        (Accept: the rep or bot joins, PSR deleted,
//   Assigned ─Decline→ Declined                      session Active; a Transfer's acceptance
//   Assigned ─Cancel→ Canceled                       moves the other reps' and bots' work to
//                                                    Transferred and they leave)
// Declining re-offers the PSR to the next available rep. Closing an already Closed or
// Transferred work changes nothing (a bot that hands off may close after the rep accepted).
// Errors: 10082 no such work in the conversation, 10085 the transition is not allowed from the
// work's status (the real service's code for "not in a state that can be cancelled" is not
// documented; docs/compatibility.md), 10071 accepting work of an Ended session.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "domain/conversation_change.h"
#include "domain/conversation_events.h"
#include "domain/result.h"

namespace interactiond::domain {

enum class WorkAction { kAccept, kDecline, kCancel, kClose };

// "Accept" | "Decline" | "Cancel" | "Close" (exact case); nullopt otherwise.
std::optional<WorkAction> ParseWorkAction(std::string_view status);

// `origin` is who acts (a rep, a bot, or the partner's integration user) and when.
Result<ConversationChange> TransitionWork(const ConversationState& state, const EventOrigin& origin,
                                          const std::string& work_id, WorkAction action);

// Reps and bots leaving when the session ends or a participant is removed: their active work
// closes (Opened → Closed, Assigned → Canceled), reported. Appends to `change`; `who` filters by
// participant subject (empty = everyone).
void CloseWorkOf(const ConversationState& state, const EventOrigin& origin, const std::string& who,
                 ConversationChange& change);

// The session ends: every active work closes (see CloseWorkOf), open PSRs are deleted, and
// partner routing requests still open are withdrawn (status Failed, nothing reported).
void EndSessionRouting(const ConversationState& state, const EventOrigin& origin,
                       ConversationChange& change);

// A rep joins without going through routing (the rep API's accept of a conversation): their
// Assigned work, if any, is accepted; otherwise the rep joins directly and the session's open
// PSRs are withdrawn (their Assigned work cancelled), since a rep now handles it. nullopt when
// the rep has Assigned work (then TransitionWork decides).
std::optional<std::string> AssignedWorkOf(const ConversationState& state,
                                          const std::string& user_id);
void WithdrawRouting(const ConversationState& state, const EventOrigin& origin,
                     ConversationChange& change);

}  // namespace interactiond::domain
