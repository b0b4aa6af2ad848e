// The seam between domain rules and the store for changes to an existing conversation: the store
// loads the conversation's state inside its write transaction, a domain function decides the
// change (entries, participants, session status, and the outbound events that report them), and
// the store writes all of it in that same transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/routing_state.h"
#include "events/outbound_event.h"

namespace interactiond::domain {

struct ConversationParticipant {
  std::string app_type;
  std::string subject;
  std::string role;
  std::string display_name;
  int64_t joined_time = 0;
};

// An entry of the conversation, as far as rules about it need to know.
struct EntryRef {
  std::string entry_type;
  std::string sender_app_type;
  std::string sender_subject;
  std::string sender_role;
};

struct ConversationState {
  std::string conversation_identifier;
  std::string org_id;
  std::string channel_id;
  std::string channel_address;
  std::string channel_definition;
  std::string end_user_client_id;
  std::string end_user_id;
  std::string session_id;
  std::string session_status;  // New | Waiting | Active | Inactive | Ended | …
  std::string consent_status;  // the end user's: OptedOut | ImplicitlyOptedIn | …
  int64_t session_start_time = 0;
  std::vector<ConversationParticipant> participants;  // those who have not left
  // Looks an entry of this conversation up by id, inside the store's transaction.
  std::function<std::optional<EntryRef>(const std::string& entry_id)> find_entry;
  // Routing: open PSRs, the work of the current session (and any still active), pending partner
  // routing requests.
  std::vector<PendingRouting> psrs;
  std::vector<AgentWork> works;
  std::vector<RoutingRequest> routing_requests;
  // A rep's presence and load across every conversation, as of this transaction (changes of this
  // decision not included). Set by the store; may be empty in tests that do not route.
  std::function<RepAvailability(const std::string& user_id)> rep_availability;
  // How many sessions wait (an open PSR without active work) in the queue, other conversations.
  std::function<int(const std::string& queue_id)> waiting_in_queue;
  // A new record id with the 3-character key prefix (AgentWork 0Bz, PSR 0JR), unique in the store.
  std::function<std::string(const std::string& prefix)> next_record_id;

  const AgentWork* FindWork(const std::string& work_id) const {
    for (const auto& work : works) {
      if (work.id == work_id) return &work;
    }
    return nullptr;
  }
  const PendingRouting* OpenPsr() const { return psrs.empty() ? nullptr : &psrs.back(); }

  const ConversationParticipant* FindParticipant(const std::string& subject,
                                                 const std::string& role) const {
    for (const auto& participant : participants) {
      if (participant.subject == subject && participant.role == role) return &participant;
    }
    return nullptr;
  }
};

struct NewEntry {
  std::string entry_id;
  std::string entry_type;
  std::string sender_app_type;
  std::string sender_subject;
  std::string sender_role;
  int64_t client_timestamp = 0;
  int64_t transcripted_timestamp = 0;
  std::string payload_json;
};

struct ConversationChange {
  std::vector<ConversationParticipant> joined;
  // (subject, role) of participants who leave, at `left_time`.
  std::vector<std::pair<std::string, std::string>> left;
  int64_t left_time = 0;
  std::optional<std::string> session_status;
  std::optional<int64_t> session_end_time;
  std::optional<std::string> consent_status;  // the end user's new consent status
  // (entry id, "Delivered" | "Read"): acknowledged entries; Read is never downgraded.
  std::vector<std::pair<std::string, std::string>> acknowledged;
  std::vector<NewEntry> entries;
  // Routing records written by this change: inserted, or replaced by id (a PSR with `deleted`
  // is removed).
  std::vector<PendingRouting> psrs;
  std::vector<AgentWork> works;
  std::vector<RoutingRequest> routing_requests;
  std::vector<events::OutboundEvent> events;  // replay ids are filled in by the store
};

}  // namespace interactiond::domain
