#include "domain/conversation_events.h"

#include <boost/json.hpp>

#include "util/ids.h"

namespace interactiond::domain {

events::OutboundEvent EntryEvent(const ConversationState& state, const EventOrigin& origin,
                                 const std::string& identifier, const std::string& entry_type,
                                 boost::json::object entry_payload) {
  ConversationEntryEnvelope envelope;
  envelope.conversation_identifier = state.conversation_identifier;
  envelope.channel_address_identifier = state.channel_address;
  envelope.recipient = {"custom", state.end_user_client_id, "EndUser"};
  envelope.sender = origin.sender;
  envelope.sender_display_name = origin.sender_display_name;
  envelope.identifier = identifier;
  envelope.entry_type = entry_type;
  envelope.entry_payload = std::move(entry_payload);
  envelope.transcripted_timestamp = origin.now_ms;
  envelope.client_timestamp = origin.now_ms;
  return InteractionEvent(origin.org->id, *origin.definition, origin.created_by_id, origin.now_ms,
                          envelope);
}

events::OutboundEvent ParticipantChangedEvent(const ConversationState& state,
                                              const EventOrigin& origin,
                                              const std::string& operation,
                                              const ParticipantRef& participant,
                                              const std::string& display_name) {
  const std::string id = util::RandomUuid();
  boost::json::object change;
  change["operation"] = operation;
  change["participant"] = {{"appType", participant.app_type},
                           {"subject", participant.subject},
                           {"role", participant.role}};
  change["displayName"] = display_name;
  boost::json::object payload;
  payload["entryType"] = "ParticipantChanged";
  payload["id"] = id;
  payload["entries"] = boost::json::array{change};
  return EntryEvent(state, origin, id, "ParticipantChanged", std::move(payload));
}

events::OutboundEvent SessionStatusChangedEvent(const ConversationState& state,
                                                const EventOrigin& origin,
                                                const std::string& status,
                                                const std::optional<std::string>& ended_by_role) {
  const std::string id = util::RandomUuid();
  const bool ended = status == "Ended";
  boost::json::object payload;
  payload["entryType"] = "SessionStatusChanged";
  payload["id"] = id;
  payload["sessionId"] = state.session_id;
  payload["conversationIdentifier"] = state.conversation_identifier;
  payload["channelAddressIdentifier"] = state.channel_address;
  payload["sessionStatus"] = status;
  payload["sessionStatusPrev"] = state.session_status;
  payload["sessionStartTime"] = state.session_start_time;
  payload["sessionEndTime"] = ended ? boost::json::value(origin.now_ms) : nullptr;
  payload["sessionEndedByRole"] =
      ended && ended_by_role ? boost::json::value(*ended_by_role) : nullptr;
  return EntryEvent(state, origin, id, "SessionStatusChanged", std::move(payload));
}

}  // namespace interactiond::domain
