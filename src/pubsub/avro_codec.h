// The Avro side of the Pub/Sub API: the schema of a topic's record (a custom platform event as the
// real platform describes it), its schema id, and the raw Avro binary datum of one event (no
// container header, no single-object prefix: what Pub/Sub clients decode with the schema that
// GetSchema returns).
//
// The record is, in this order:
//   CreatedDate  long (epoch ms)            doc "CreatedDate:DateTime"
//   CreatedById  string                     doc "CreatedBy:EntityId"
//   <event type> ["null","string"], default null   ("Interaction" | "RoutingRequested")
//   <payload>    ["null","string"], default null   (JSON text)
// The custom fields stay nullable unions because connectors read the un-flattened union branch.
//
// Encoding and decoding use the Avro C library (libavro, avro-c).
//
// Thread-safety: an AvroCodec is immutable after construction except for avro-c objects, which are
// guarded by an internal mutex; Encode and Decode may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "events/outbound_event.h"

namespace interactiond::pubsub {

// The schema JSON of platform event `event_name` (e.g. "Partner1_Event__e") whose event type and
// payload fields are the given API names. Names must be Avro names ([A-Za-z_][A-Za-z0-9_]*); the
// text is canonical for our purposes: the same inputs always give the same bytes.
std::string BuildSchemaJson(std::string_view event_name, std::string_view event_type_field,
                            std::string_view payload_field);

// base64url (unpadded) of the first 16 bytes of SHA-256 of `schema_json`: 22 characters, the shape
// of the real service's schema ids. Changes whenever the schema text changes.
std::string SchemaIdOf(std::string_view schema_json);

// True for an Avro name: [A-Za-z_][A-Za-z0-9_]*.
bool IsAvroName(std::string_view name);

// The record fields as decoded from a payload (Publish).
struct DecodedEvent {
  int64_t created_date = 0;
  std::string created_by_id;
  std::optional<std::string> event_type;
  std::optional<std::string> payload;
};

class AvroCodec {
 public:
  // Throws std::invalid_argument when a name is not an Avro name, std::runtime_error when avro-c
  // rejects the schema (start-up only).
  AvroCodec(std::string event_name, std::string event_type_field, std::string payload_field);
  ~AvroCodec();
  AvroCodec(const AvroCodec&) = delete;
  AvroCodec& operator=(const AvroCodec&) = delete;

  const std::string& event_name() const { return event_name_; }
  const std::string& event_type_field() const { return event_type_field_; }
  const std::string& payload_field() const { return payload_field_; }
  const std::string& schema_json() const { return schema_json_; }
  const std::string& schema_id() const { return schema_id_; }

  // The raw Avro binary datum of `event` (its field names are not consulted: the codec's schema
  // decides). Throws std::runtime_error only if avro-c fails (out of memory).
  std::string Encode(const events::OutboundEvent& event) const;
  std::string Encode(const DecodedEvent& fields) const;

  // Decodes a datum written with this schema. nullopt (and `*error` set, when given) when the
  // bytes are not exactly one such datum: truncated, bad union index, trailing bytes.
  std::optional<DecodedEvent> Decode(std::string_view datum, std::string* error = nullptr) const;

 private:
  struct AvroState;

  std::string event_name_;
  std::string event_type_field_;
  std::string payload_field_;
  std::string schema_json_;
  std::string schema_id_;
  mutable std::mutex mutex_;  // avro-c values are not shared across threads without it
  std::unique_ptr<AvroState> avro_;
};

}  // namespace interactiond::pubsub
