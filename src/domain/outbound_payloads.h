// The JSON payloads of outbound `Interaction` events, in the wrapped form of
// outbound-custom-event-payload.yaml (InteractionEvent → ConversationEntry → entry payload), as
// Salesforce's own demo connector parses them (docs/compatibility.md, "Outbound events").
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "config/org_model.h"
#include "events/outbound_event.h"

namespace interactiond::domain {

struct ParticipantRef {
  std::string app_type;  // "custom" | "agent" | …
  std::string subject;
  std::string role;  // "EndUser" | "Agent" | …
};

struct ConversationEntryEnvelope {
  std::string conversation_identifier;
  std::string channel_address_identifier;
  ParticipantRef recipient;
  ParticipantRef sender;
  std::string sender_display_name;
  std::string identifier;             // the entry's id
  std::string entry_type;             // "Message", "MessageUpdated", …
  boost::json::object entry_payload;  // carries its own entryType and id
  int64_t transcripted_timestamp = 0;
  int64_t client_timestamp = 0;
};

// {"conversationIdentifier","channelAddressIdentifier","recipient",
//  "payload":{"senderDisplayName","identifier","entryType","entryPayload","sender",
//             "recipients","transcriptedTimestamp","clientTimestamp","clientDuration"}}
std::string InteractionEventPayload(const ConversationEntryEnvelope& envelope);

// The MessageUpdated entry that reports a stored inbound attachment: the original message with
// `attachmentUploadResult: {"resultType":"CompletedAttachmentUploadResult"}` on its attachment.
boost::json::object AttachmentUploadedEntry(const std::string& entry_id,
                                            const boost::json::object& original_entry);

// An `Interaction` event record of `definition`'s platform event.
events::OutboundEvent InteractionEvent(const std::string& org_id,
                                       const config::ChannelDefinition& definition,
                                       const std::string& created_by_id, int64_t created_date,
                                       const ConversationEntryEnvelope& envelope);

}  // namespace interactiond::domain
