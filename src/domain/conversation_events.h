// Outbound `Interaction` events about a conversation, addressed to its end user: any entry, and the
// ParticipantChanged and SessionStatusChanged entries every state change reports. Shared by the
// rep side and the partner-facing session operations. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "config/org_model.h"
#include "domain/conversation_change.h"
#include "domain/outbound_payloads.h"
#include "events/outbound_event.h"

namespace interactiond::domain {

// Who caused an event and when.
struct EventOrigin {
  const config::Org* org = nullptr;
  const config::ChannelDefinition* definition = nullptr;  // the conversation's definition
  std::string created_by_id;                              // 005… of the acting user
  ParticipantRef sender;
  std::string sender_display_name;
  int64_t now_ms = 0;
};

// An Interaction event carrying `entry_payload` (which holds its own entryType and id).
events::OutboundEvent EntryEvent(const ConversationState& state, const EventOrigin& origin,
                                 const std::string& identifier, const std::string& entry_type,
                                 boost::json::object entry_payload);

// ParticipantChanged with one `operation` ("add" | "remove" | "update") of `participant`.
events::OutboundEvent ParticipantChangedEvent(const ConversationState& state,
                                              const EventOrigin& origin,
                                              const std::string& operation,
                                              const ParticipantRef& participant,
                                              const std::string& display_name);

// SessionStatusChanged from the state's current status to `status`; `ended_by_role` is set for
// `Ended` (and sessionEndTime = origin.now_ms).
events::OutboundEvent SessionStatusChangedEvent(const ConversationState& state,
                                                const EventOrigin& origin,
                                                const std::string& status,
                                                const std::optional<std::string>& ended_by_role);

}  // namespace interactiond::domain
