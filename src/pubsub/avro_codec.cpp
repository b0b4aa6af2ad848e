#include "pubsub/avro_codec.h"

#include <avro.h>
#include <openssl/sha.h>

#include <stdexcept>
#include <vector>

#include "util/base64url.h"

namespace interactiond::pubsub {
namespace {

// Field positions in the record (see the header).
constexpr size_t kCreatedDate = 0;
constexpr size_t kCreatedById = 1;
constexpr size_t kEventType = 2;
constexpr size_t kPayload = 3;

// Union branches of ["null","string"].
constexpr int kNullBranch = 0;
constexpr int kStringBranch = 1;

std::string AvroError(const char* what) { return std::string(what) + ": " + avro_strerror(); }

// Owns one generic value for the duration of a call.
class ScopedValue {
 public:
  explicit ScopedValue(avro_value_iface_t* iface) {
    if (avro_generic_value_new(iface, &value_) != 0) {
      throw std::runtime_error(AvroError("avro_generic_value_new"));
    }
  }
  ~ScopedValue() { avro_value_decref(&value_); }
  ScopedValue(const ScopedValue&) = delete;
  ScopedValue& operator=(const ScopedValue&) = delete;
  avro_value_t* get() { return &value_; }

 private:
  avro_value_t value_{};
};

void Check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(AvroError(what));
}

avro_value_t Field(avro_value_t* record, size_t index) {
  avro_value_t field;
  Check(avro_value_get_by_index(record, index, &field, nullptr), "avro_value_get_by_index");
  return field;
}

// avro-c strings carry their NUL terminator in the size; the datum does not.
void SetString(avro_value_t* value, const std::string& text) {
  Check(avro_value_set_string_len(value, text.c_str(), text.size() + 1), "avro_value_set_string");
}

void SetNullableString(avro_value_t* union_value, const std::optional<std::string>& text) {
  avro_value_t branch;
  if (text) {
    Check(avro_value_set_branch(union_value, kStringBranch, &branch), "avro_value_set_branch");
    SetString(&branch, *text);
  } else {
    Check(avro_value_set_branch(union_value, kNullBranch, &branch), "avro_value_set_branch");
    Check(avro_value_set_null(&branch), "avro_value_set_null");
  }
}

bool GetString(avro_value_t* value, std::string* out) {
  const char* text = nullptr;
  size_t size = 0;
  if (avro_value_get_string(value, &text, &size) != 0) return false;
  out->assign(text, size > 0 ? size - 1 : 0);
  return true;
}

bool GetNullableString(avro_value_t* union_value, std::optional<std::string>* out) {
  int discriminant = -1;
  avro_value_t branch;
  if (avro_value_get_discriminant(union_value, &discriminant) != 0) return false;
  if (avro_value_get_current_branch(union_value, &branch) != 0) return false;
  if (discriminant == kNullBranch) {
    out->reset();
    return true;
  }
  std::string text;
  if (!GetString(&branch, &text)) return false;
  *out = std::move(text);
  return true;
}

}  // namespace

bool IsAvroName(std::string_view name) {
  if (name.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string BuildSchemaJson(std::string_view event_name, std::string_view event_type_field,
                            std::string_view payload_field) {
  // Avro names need no JSON escaping. Attribute order and the doc strings follow schemas captured
  // from the real platform.
  std::string json;
  json += R"({"name":")";
  json += event_name;
  json += R"(","namespace":"com.sforce.eventbus","type":"record","fields":[)";
  json += R"({"name":"CreatedDate","type":"long","doc":"CreatedDate:DateTime"},)";
  json += R"({"name":"CreatedById","type":"string","doc":"CreatedBy:EntityId"},)";
  json += R"({"name":")";
  json += event_type_field;
  json += R"(","type":["null","string"],"default":null},)";
  json += R"({"name":")";
  json += payload_field;
  json += R"(","type":["null","string"],"default":null}]})";
  return json;
}

std::string SchemaIdOf(std::string_view schema_json) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(schema_json.data()), schema_json.size(), digest);
  return util::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), 16));
}

struct AvroCodec::AvroState {
  avro_schema_t schema = nullptr;
  avro_value_iface_t* iface = nullptr;
  ~AvroState() {
    if (iface != nullptr) avro_value_iface_decref(iface);
    if (schema != nullptr) avro_schema_decref(schema);
  }
};

AvroCodec::AvroCodec(std::string event_name, std::string event_type_field,
                     std::string payload_field)
    : event_name_(std::move(event_name)),
      event_type_field_(std::move(event_type_field)),
      payload_field_(std::move(payload_field)),
      avro_(std::make_unique<AvroState>()) {
  for (const std::string* name : {&event_name_, &event_type_field_, &payload_field_}) {
    if (!IsAvroName(*name)) {
      throw std::invalid_argument("'" + *name + "' is not a valid Avro name for a Pub/Sub topic");
    }
  }
  if (event_type_field_ == payload_field_ || event_type_field_ == "CreatedDate" ||
      event_type_field_ == "CreatedById" || payload_field_ == "CreatedDate" ||
      payload_field_ == "CreatedById") {
    throw std::invalid_argument("event " + event_name_ + ": record field names must be distinct");
  }
  schema_json_ = BuildSchemaJson(event_name_, event_type_field_, payload_field_);
  schema_id_ = SchemaIdOf(schema_json_);
  if (avro_schema_from_json_length(schema_json_.data(), schema_json_.size(), &avro_->schema) != 0) {
    throw std::runtime_error(AvroError(("schema of " + event_name_).c_str()));
  }
  avro_->iface = avro_generic_class_from_schema(avro_->schema);
  if (avro_->iface == nullptr) throw std::runtime_error(AvroError("avro_generic_class"));
}

AvroCodec::~AvroCodec() = default;

std::string AvroCodec::Encode(const events::OutboundEvent& event) const {
  DecodedEvent fields;
  fields.created_date = event.created_date;
  fields.created_by_id = event.created_by_id;
  fields.event_type = event.event_type;
  fields.payload = event.payload;
  return Encode(fields);
}

std::string AvroCodec::Encode(const DecodedEvent& fields) const {
  std::lock_guard lock(mutex_);
  ScopedValue record(avro_->iface);
  avro_value_t created_date = Field(record.get(), kCreatedDate);
  Check(avro_value_set_long(&created_date, fields.created_date), "avro_value_set_long");
  avro_value_t created_by = Field(record.get(), kCreatedById);
  SetString(&created_by, fields.created_by_id);
  avro_value_t event_type = Field(record.get(), kEventType);
  SetNullableString(&event_type, fields.event_type);
  avro_value_t payload = Field(record.get(), kPayload);
  SetNullableString(&payload, fields.payload);

  size_t size = 0;
  Check(avro_value_sizeof(record.get(), &size), "avro_value_sizeof");
  std::string datum(size, '\0');
  avro_writer_t writer = avro_writer_memory(datum.data(), static_cast<int64_t>(datum.size()));
  if (writer == nullptr) throw std::runtime_error(AvroError("avro_writer_memory"));
  const int rc = avro_value_write(writer, record.get());
  const int64_t written = avro_writer_tell(writer);
  avro_writer_free(writer);
  Check(rc, "avro_value_write");
  datum.resize(static_cast<size_t>(written));
  return datum;
}

std::optional<DecodedEvent> AvroCodec::Decode(std::string_view datum, std::string* error) const {
  auto fail = [error](std::string why) -> std::optional<DecodedEvent> {
    if (error != nullptr) *error = std::move(why);
    return std::nullopt;
  };
  if (datum.empty()) return fail("empty payload");
  std::lock_guard lock(mutex_);
  ScopedValue record(avro_->iface);
  avro_reader_t reader = avro_reader_memory(datum.data(), static_cast<int64_t>(datum.size()));
  if (reader == nullptr) return fail(AvroError("avro_reader_memory"));
  const int rc = avro_value_read(reader, record.get());
  avro_reader_free(reader);
  if (rc != 0)
    return fail(std::string("payload is not an Avro datum of the topic schema: ") +
                avro_strerror());
  // avro-c cannot tell how much of a memory buffer it consumed (avro_reader_is_eof only works for
  // files), so compare with the size of the value's encoding: a longer payload has trailing bytes
  // (or over-long varints, which no Avro encoder writes; refused as well).
  size_t size = 0;
  if (avro_value_sizeof(record.get(), &size) != 0 || size != datum.size()) {
    return fail("payload has bytes after the Avro datum of the topic schema");
  }

  DecodedEvent out;
  avro_value_t created_date = Field(record.get(), kCreatedDate);
  avro_value_t created_by = Field(record.get(), kCreatedById);
  avro_value_t event_type = Field(record.get(), kEventType);
  avro_value_t payload = Field(record.get(), kPayload);
  if (avro_value_get_long(&created_date, &out.created_date) != 0 ||
      !GetString(&created_by, &out.created_by_id) ||
      !GetNullableString(&event_type, &out.event_type) ||
      !GetNullableString(&payload, &out.payload)) {
    return fail("payload fields do not match the topic schema");
  }
  return out;
}

}  // namespace interactiond::pubsub
