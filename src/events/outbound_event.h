// An outbound event as the real service publishes it: one record of a channel definition's custom
// platform event (`/event/<Name>__e`), carrying the platform fields CreatedDate and CreatedById
// and two nullable string fields named by the definition (event type: "Interaction" |
// "RoutingRequested"; payload: the JSON string of outbound-custom-event-payload.yaml).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace interactiond::events {

struct OutboundEvent {
  uint64_t replay_id = 0;  // position in the event log; increases with every appended event
  std::string org_id;
  std::string topic;                      // "/event/Partner1_Event__e"
  int64_t created_date = 0;               // ms since the epoch
  std::string created_by_id;              // 005… of the user whose action produced it
  std::string event_type_field;           // the definition's field API names, e.g. "EventType__c"
  std::string payload_field;              //   and "Payload__c"
  std::optional<std::string> event_type;  // "Interaction" | "RoutingRequested"
  std::optional<std::string> payload;     // JSON text
  // For filtering in the inspection API; not part of the published record.
  std::string conversation_identifier;
  std::string entry_type;
};

// The topic name of a custom platform event API name: "Partner1_Event__e" →
// "/event/Partner1_Event__e".
inline std::string TopicOf(const std::string& platform_event) { return "/event/" + platform_event; }

}  // namespace interactiond::events
