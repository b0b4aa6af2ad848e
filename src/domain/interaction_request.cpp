#include "domain/interaction_request.h"

#include <algorithm>
#include <array>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/json_access.h"
#include "domain/routing_attributes.h"

namespace interactiond::domain {
namespace {

using boost::json::object;
using boost::json::value;

constexpr std::array<std::string_view, 5> kMessageTypes = {
    "ChoicesMessage", "ChoicesResponseMessage", "FormMessage", "FormResponseMessage",
    "StaticContentMessage"};
constexpr std::array<std::string_view, 18> kFormatTypes = {
    "Attachments", "RichLink",   "Media", "Buttons",        "Carousel",    "QuickReplies",
    "ListPicker",  "Selections", "Links", "TimePicker",     "Application", "Result",
    "Inputs",      "WebView",    "Text",  "ExperienceType", "Flow",        "MessageDefinition"};
constexpr std::array<std::string_view, 13> kInboundMimeTypes = {
    "image/jpeg",  "image/gif",   "image/bmp",  "image/png",  "application/pdf",
    "video/3gpp2", "audio/3gpp2", "video/3gpp", "audio/3gpp", "video/mpeg",
    "audio/mpeg",  "video/mp4",   "audio/mp4"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& set, std::string_view wanted) {
  return std::find(set.begin(), set.end(), wanted) != set.end();
}

bool IsNonEmptyArray(const value* v) {
  return v != nullptr && v->is_array() && !v->get_array().empty();
}

// The content a message of `message_type` carries, checked per the contract's discriminator
// mappings for what an end user may send: 10048 unknown format, 10049 known format that this
// message type does not map, 10045 required content missing.
Status CheckMessageContent(const object& message, std::string_view message_type) {
  std::string_view content_key;
  if (message_type == "StaticContentMessage") content_key = "staticContent";
  if (message_type == "ChoicesResponseMessage") content_key = "choicesResponse";
  if (message_type == "FormResponseMessage") content_key = "formResponse";
  const object* content = ObjectMember(message, content_key);
  if (content == nullptr) return Error::Of(10045, std::string(content_key) + " missing");
  const auto format = StringMember(*content, "formatType");
  if (!format || !Contains(kFormatTypes, *format)) return Error::Of(10048, "formatType");

  if (message_type == "StaticContentMessage") {
    if (*format == "Text") {
      if (!StringMember(*content, "text")) return Error::Of(10045, "staticContent.text");
      return OkStatus();
    }
    if (*format == "Links") {
      const value* links = Member(*content, "links");
      if (!IsNonEmptyArray(links) || links->get_array().size() != 1) {
        return Error::Of(10045, "staticContent.links must hold exactly one link");
      }
      const value& link = links->get_array()[0];
      if (!link.is_object() || !StringMember(link.get_object(), "url")) {
        return Error::Of(10045, "staticContent.links[0].url");
      }
      return OkStatus();
    }
    if (*format == "ExperienceType") {
      if (!IsNonEmptyArray(Member(*content, "values"))) return Error::Of(10045, "values");
      return OkStatus();
    }
    if (*format == "Attachments") {
      const value* attachments = Member(*content, "attachments");
      if (!IsNonEmptyArray(attachments)) return Error::Of(10045, "attachments");
      for (const value& item : attachments->get_array()) {
        if (!item.is_object()) return Error::Of(10045, "attachment not an object");
        for (const char* key : {"id", "name", "mimeType", "url"}) {
          if (!StringMember(item.get_object(), key)) {
            return Error::Of(10045, std::string("attachment.") + key);
          }
        }
      }
      return OkStatus();
    }
    return Error::Of(10049, "StaticContentMessage with " + std::string(*format));
  }
  if (message_type == "ChoicesResponseMessage") {
    if (*format != "Selections") {
      return Error::Of(10049, "ChoicesResponseMessage with " + std::string(*format));
    }
    const value* selected = Member(*content, "selectedOptions");
    if (!IsNonEmptyArray(selected)) return Error::Of(10045, "selectedOptions");
    for (const value& option : selected->get_array()) {
      if (!option.is_object() || !StringMember(option.get_object(), "optionIdentifier")) {
        return Error::Of(10045, "selectedOptions[].optionIdentifier");
      }
    }
    return OkStatus();
  }
  // FormResponseMessage
  if (*format == "Inputs") {
    const value* inputs = Member(*content, "inputValues");
    if (inputs == nullptr || !inputs->is_array()) return Error::Of(10045, "inputValues");
    return OkStatus();
  }
  if (*format == "Result") {
    if (ObjectMember(*content, "result") == nullptr) return Error::Of(10045, "result");
    return OkStatus();
  }
  return Error::Of(10049, "FormResponseMessage with " + std::string(*format));
}

// An entry id: absent or empty → 10059; present but not a string → 10045.
Result<std::string> EntryId(const object& entry, std::string_view key) {
  const value* id = Member(entry, key);
  if (id == nullptr) return Error::Of(10059, std::string(key) + " missing");
  if (!id->is_string()) return Error::Of(10045, std::string(key) + " not a string");
  if (id->get_string().empty()) return Error::Of(10059, std::string(key) + " empty");
  return std::string(id->get_string());
}

Status ParseEntry(const object& interaction, InteractionRequest& request) {
  const object* payload = ObjectMember(interaction, "payload");
  if (payload == nullptr) return Error::Of(10045, "payload missing or not an object");
  const auto entry_type = StringMember(*payload, "entryType");
  if (!entry_type) return Error::Of(10045, "entryType missing");
  request.entry_type = std::string(*entry_type);
  if (*entry_type != "Message" && *entry_type != "TypingStartedIndicator" &&
      *entry_type != "TypingStoppedIndicator" && *entry_type != "MessageDeliveryFailed") {
    return Error::Of(10045, "entryType " + request.entry_type + " is not accepted inbound");
  }
  auto id = EntryId(*payload, "id");
  if (!id.ok()) return id.error();
  request.interaction_id = std::move(id).value();
  request.entry_payload = *payload;

  if (*entry_type == "Message") {
    request.kind = InboundKind::kMessage;
    const object* message = ObjectMember(*payload, "abstractMessage");
    if (message == nullptr) return Error::Of(10045, "abstractMessage missing");
    auto message_id = EntryId(*message, "id");
    if (!message_id.ok()) return message_id.error();
    if (*message_id != request.interaction_id) return Error::Of(10060);
    const auto message_type = StringMember(*message, "messageType");
    if (!message_type || !Contains(kMessageTypes, *message_type)) {
      return Error::Of(10047, "messageType");
    }
    if (*message_type == "ChoicesMessage" || *message_type == "FormMessage") {
      return Error::Of(10062, std::string(*message_type));
    }
    return CheckMessageContent(*message, *message_type);
  }
  if (*entry_type == "TypingStartedIndicator" || *entry_type == "TypingStoppedIndicator") {
    request.kind = *entry_type == "TypingStartedIndicator" ? InboundKind::kTypingStarted
                                                           : InboundKind::kTypingStopped;
    const value* timestamp = Member(*payload, "timestamp");
    if (timestamp == nullptr || !AsInt64(*timestamp)) return Error::Of(10045, "timestamp");
    return OkStatus();
  }
  if (*entry_type == "MessageDeliveryFailed") {
    request.kind = InboundKind::kDeliveryFailed;
    const object* recipient = ObjectMember(*payload, "recipient");
    if (recipient == nullptr) return Error::Of(10045, "recipient missing");
    const auto app_type = StringMember(*recipient, "appType");
    if (!app_type || *app_type != "custom") return Error::Of(10037, "recipient.appType");
    const auto role = StringMember(*recipient, "role");
    if (!role || *role != "EndUser") return Error::Of(10038, "recipient.role");
    if (!StringMember(*recipient, "subject")) return Error::Of(10045, "recipient.subject");
    // Connectors forward the service's numeric error code here; the contract types it string.
    const value* error_code = Member(*payload, "errorCode");
    if (error_code == nullptr) return Error::Of(10045, "errorCode missing");
    if (error_code->is_number()) {
      request.entry_payload["errorCode"] = boost::json::serialize(*error_code);
    } else if (!error_code->is_string()) {
      return Error::Of(10045, "errorCode not a string");
    }
    const value* error_message = payload->if_contains("errorMessage");
    if (error_message != nullptr && !error_message->is_string() && !error_message->is_null()) {
      return Error::Of(10045, "errorMessage not a string");
    }
    return OkStatus();
  }
  return Error::Of(10045, "entryType " + request.entry_type + " is not accepted inbound");
}

Status ParseAttachment(const object& interaction, InteractionRequest& request) {
  request.kind = InboundKind::kAttachment;
  request.entry_type = "Message";
  const auto id = StringMember(interaction, "id");
  if (!id || id->empty()) return Error::Of(10007);
  request.attachment.id = std::string(*id);
  request.interaction_id = request.attachment.id;

  const value* length = Member(interaction, "contentLength");
  if (length == nullptr || (length->is_string() && length->get_string().empty())) {
    return Error::Of(10010);
  }
  const auto parsed_length = AsInt64(*length);
  if (!parsed_length || *parsed_length < 0) return Error::Of(10010, "contentLength not a count");
  request.attachment.content_length = *parsed_length;

  const value* index = Member(interaction, "attachmentIndex");
  const auto parsed_index = index ? AsInt64(*index) : std::nullopt;
  if (!parsed_index || *parsed_index < 0) return Error::Of(10029, "attachmentIndex");
  request.attachment.attachment_index = *parsed_index;

  const value* text = interaction.if_contains("text");
  if (text != nullptr && !text->is_null()) {
    if (!text->is_string()) return Error::Of(10029, "text not a string");
    request.attachment.text = std::string(text->get_string());
  }
  return OkStatus();
}

}  // namespace

Result<InteractionRequest> ParseInteractionRequest(std::string_view json_text) {
  boost::system::error_code ec;
  value root = boost::json::parse(json_text, ec);
  if (ec) return Error::Of(10100, "json part is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Of(10100, "json part is not an object");
  const object& body = root.get_object();

  InteractionRequest request;
  const auto to = StringMember(body, "to");
  if (!to || to->empty() || Utf8Length(*to) > kMaxToLength) return Error::Of(10027);
  request.to = std::string(*to);
  const auto from = StringMember(body, "from");
  if (!from || from->empty() || Utf8Length(*from) > kMaxFromLength) return Error::Of(10028);
  request.from = std::string(*from);

  const value* interactions = Member(body, "interactions");
  if (interactions == nullptr || !interactions->is_array()) {
    return Error::Of(10029, "interactions missing or not a list");
  }
  const auto& list = interactions->get_array();
  if (list.empty()) return Error::Of(20003);
  if (list.size() > 1) return Error::Of(10029, "more than one interaction");
  if (!list[0].is_object()) return Error::Of(10029, "interaction not an object");
  const object& interaction = list[0].get_object();
  const auto interaction_type = StringMember(interaction, "interactionType");
  if (!interaction_type) return Error::Of(10029, "interactionType missing");
  const value* timestamp = Member(interaction, "timestamp");
  const auto parsed_timestamp = timestamp ? AsInt64(*timestamp) : std::nullopt;
  if (!parsed_timestamp || *parsed_timestamp < 0) return Error::Of(10029, "timestamp");
  request.timestamp = *parsed_timestamp;

  const bool is_entry = *interaction_type == "EntryInteraction";
  if (!is_entry && *interaction_type != "AttachmentInteraction") {
    return Error::Of(10029, "interactionType " + std::string(*interaction_type));
  }
  if (auto status = ParseRoutingAttributeMap(body, request.routing_attributes); !status.ok()) {
    return status.error();
  }

  Status entry =
      is_entry ? ParseEntry(interaction, request) : ParseAttachment(interaction, request);
  if (!entry.ok()) return entry.error();
  return request;
}

Status CheckReceivedFiles(const InteractionRequest& request, std::span<const ReceivedFile> files) {
  if (request.kind != InboundKind::kAttachment) {
    if (!files.empty()) return Error::Of(10011, "files sent with an EntryInteraction");
    return OkStatus();
  }
  if (files.empty()) return Error::Of(10009, "no attachments part");
  if (files.size() != 1) return Error::Of(10011, "one AttachmentInteraction, several files");
  if (request.attachment.attachment_index != 0) return Error::Of(10011, "attachmentIndex");
  const ReceivedFile& file = files[0];
  if (file.over_limit || file.size > kMaxAttachmentBytes) return Error::Of(10008);
  if (file.size == 0) return Error::Of(10009, "empty file");
  if (static_cast<uint64_t>(request.attachment.content_length) != file.size) {
    return Error::Of(10051, "contentLength " + std::to_string(request.attachment.content_length) +
                                " but " + std::to_string(file.size) + " bytes");
  }
  return OkStatus();
}

bool IsSupportedInboundMimeType(std::string_view mime_type) {
  return Contains(kInboundMimeTypes, mime_type);
}

Result<const config::MessagingChannel*> ResolveInboundChannel(
    const config::Org& org, const config::ChannelDefinition& context, std::string_view address) {
  const config::MessagingChannel* channel = org.FindChannelByAddress(address);
  if (channel == nullptr) return Error::Of(10017, "no channel " + std::string(address));
  if (channel->channel_definition.empty()) return Error::Of(10026);
  if (channel->channel_definition != context.developer_name) {
    return Error::Of(10001, "channel belongs to " + channel->channel_definition);
  }
  if (channel->kind != "Messaging") return Error::Of(10002, "channel kind " + channel->kind);
  if (channel->message_type != "Custom") {
    return Error::Of(10035, "message type " + channel->message_type);
  }
  if (channel->provider != context.vendor_name) {
    return Error::Of(10006, "provider " + channel->provider);
  }
  if (!channel->active) return Error::Of(10031);
  return channel;
}

Status CheckRoutingAttributes(const config::MessagingChannel& channel,
                              std::span<const std::pair<std::string, std::string>> attributes) {
  for (const auto& [name, attribute] : attributes) {
    for (const config::ChannelVariable& variable : channel.variables) {
      if (variable.name == name &&
          Utf8Length(attribute) > static_cast<size_t>(variable.max_length)) {
        return Error::Of(10096, "routing attribute " + name);
      }
    }
  }
  return OkStatus();
}

size_t Utf8Length(std::string_view text) {
  size_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    if (lead >= 0xE0 && lead <= 0xEF) length = 3;
    if (lead >= 0xF0 && lead <= 0xF4) length = 4;
    // A sequence counts as one character only when all its continuation bytes are there;
    // otherwise the lead byte counts alone and the rest are counted on their own.
    size_t continuation = 1;
    while (continuation < length && i + continuation < text.size() &&
           (static_cast<unsigned char>(text[i + continuation]) & 0xC0) == 0x80) {
      ++continuation;
    }
    i += continuation == length ? length : 1;
    ++count;
  }
  return count;
}

}  // namespace interactiond::domain
