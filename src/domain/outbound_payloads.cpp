#include "domain/outbound_payloads.h"

#include <boost/json.hpp>

namespace interactiond::domain {
namespace {

boost::json::object ParticipantJson(const ParticipantRef& participant) {
  boost::json::object out;
  out["appType"] = participant.app_type;
  out["subject"] = participant.subject;
  out["role"] = participant.role;
  return out;
}

}  // namespace

std::string InteractionEventPayload(const ConversationEntryEnvelope& envelope) {
  boost::json::object entry;
  entry["senderDisplayName"] = envelope.sender_display_name;
  entry["identifier"] = envelope.identifier;
  entry["entryType"] = envelope.entry_type;
  entry["entryPayload"] = envelope.entry_payload;
  entry["sender"] = ParticipantJson(envelope.sender);
  entry["recipients"] = {{"primary", boost::json::array{}},
                         {"secondary", boost::json::array{}},
                         {"hidden", boost::json::array{}}};
  entry["transcriptedTimestamp"] = envelope.transcripted_timestamp;
  entry["clientTimestamp"] = envelope.client_timestamp;
  entry["clientDuration"] = 0;
  boost::json::object event;
  event["conversationIdentifier"] = envelope.conversation_identifier;
  event["channelAddressIdentifier"] = envelope.channel_address_identifier;
  event["recipient"] = ParticipantJson(envelope.recipient);
  event["payload"] = std::move(entry);
  return boost::json::serialize(event);
}

boost::json::object AttachmentUploadedEntry(const std::string& entry_id,
                                            const boost::json::object& original_entry) {
  boost::json::object message;
  if (const auto* original = original_entry.if_contains("abstractMessage");
      original != nullptr && original->is_object()) {
    message = original->get_object();
  }
  if (auto* content = message.if_contains("staticContent"); content && content->is_object()) {
    if (auto* attachments = content->get_object().if_contains("attachments");
        attachments && attachments->is_array()) {
      for (auto& attachment : attachments->get_array()) {
        if (attachment.is_object()) {
          attachment.get_object()["attachmentUploadResult"] = {
              {"resultType", "CompletedAttachmentUploadResult"}};
        }
      }
    }
  }
  boost::json::object entry;
  entry["entryType"] = "MessageUpdated";
  entry["id"] = entry_id;
  entry["updatedMessage"] = std::move(message);
  return entry;
}

events::OutboundEvent InteractionEvent(const std::string& org_id,
                                       const config::ChannelDefinition& definition,
                                       const std::string& created_by_id, int64_t created_date,
                                       const ConversationEntryEnvelope& envelope) {
  events::OutboundEvent event;
  event.org_id = org_id;
  event.topic = events::TopicOf(definition.custom_platform_event);
  event.created_date = created_date;
  event.created_by_id = created_by_id;
  event.event_type_field = definition.event_type_field;
  event.payload_field = definition.payload_field;
  event.event_type = "Interaction";
  event.payload = InteractionEventPayload(envelope);
  event.conversation_identifier = envelope.conversation_identifier;
  event.entry_type = envelope.entry_type;
  return event;
}

}  // namespace interactiond::domain
