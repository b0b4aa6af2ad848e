#include "domain/conversation_entry.h"

#include <algorithm>
#include <array>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/bot_resolution.h"
#include "domain/interaction_request.h"
#include "domain/json_access.h"
#include "domain/outbound_payloads.h"

namespace interactiond::domain {
namespace {

using boost::json::object;
using boost::json::value;

constexpr std::array<std::string_view, 18> kFormatTypes = {
    "Attachments", "RichLink",   "Media", "Buttons",        "Carousel",    "QuickReplies",
    "ListPicker",  "Selections", "Links", "TimePicker",     "Application", "Result",
    "Inputs",      "WebView",    "Text",  "ExperienceType", "Flow",        "MessageDefinition"};
// The contract's discriminator mappings of what a bot sends (inbound-interaction-api.yaml).
constexpr std::array<std::string_view, 4> kStaticFormats = {"Text", "Links", "ExperienceType",
                                                            "Attachments"};
constexpr std::array<std::string_view, 6> kChoicesFormats = {
    "Buttons", "QuickReplies", "ListPicker", "Carousel", "TimePicker", "MessageDefinition"};
constexpr std::array<std::string_view, 2> kFormFormats = {"Inputs", "MessageDefinition"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& set, std::string_view wanted) {
  return std::find(set.begin(), set.end(), wanted) != set.end();
}

bool IsNonEmptyArray(const value* v) {
  return v != nullptr && v->is_array() && !v->get_array().empty();
}

Status Require(bool present, std::string_view what) {
  if (present) return OkStatus();
  return Error::Of(10045, std::string(what) + " missing or invalid");
}

// The required content of each (message type, format) the contract maps.
Status CheckContent(const object& content, std::string_view message_type, std::string_view format) {
  if (message_type == "StaticContentMessage") {
    if (format == "Text") return Require(StringMember(content, "text").has_value(), "text");
    if (format == "Links") {
      const value* links = Member(content, "links");
      const bool one = IsNonEmptyArray(links) && links->get_array().size() == 1 &&
                       links->get_array()[0].is_object() &&
                       StringMember(links->get_array()[0].get_object(), "url").has_value();
      return Require(one, "exactly one link with a url");
    }
    if (format == "ExperienceType")
      return Require(IsNonEmptyArray(Member(content, "values")), "values");
    // Attachments
    const value* attachments = Member(content, "attachments");
    if (!IsNonEmptyArray(attachments)) return Require(false, "attachments");
    for (const value& item : attachments->get_array()) {
      if (!item.is_object()) return Require(false, "attachment");
      for (const char* key : {"id", "name", "mimeType", "url"}) {
        if (!StringMember(item.get_object(), key)) return Require(false, key);
      }
    }
    return OkStatus();
  }
  if (message_type == "ChoicesMessage") {
    if (format == "Buttons" || format == "QuickReplies") {
      if (!StringMember(content, "text")) return Require(false, "text");
      return Require(IsNonEmptyArray(Member(content, "optionItems")), "optionItems");
    }
    if (format == "ListPicker") {
      if (!StringMember(content, "title")) return Require(false, "title");
      return Require(IsNonEmptyArray(Member(content, "optionItems")), "optionItems");
    }
    if (format == "Carousel") return Require(IsNonEmptyArray(Member(content, "items")), "items");
    if (format == "TimePicker") {
      return Require(ObjectMember(content, "calendarEvent") != nullptr, "calendarEvent");
    }
    // MessageDefinition
    if (!StringMember(content, "messageDefinitionNameOrId")) {
      return Require(false, "messageDefinitionNameOrId");
    }
    return Require(IsNonEmptyArray(Member(content, "options")), "options");
  }
  // FormMessage
  if (format == "Inputs") {
    // formTitle is an AbstractTitleItem (an object), per the contract's FormInputs.
    if (ObjectMember(content, "formTitle") == nullptr) return Require(false, "formTitle");
    return Require(IsNonEmptyArray(Member(content, "sections")), "sections");
  }
  return Require(StringMember(content, "messageDefinitionNameOrId").has_value(),
                 "messageDefinitionNameOrId");
}

Result<std::string> NonEmptyString(const object& where, std::string_view key) {
  const auto text = StringMember(where, key);
  if (!text || text->empty()) return Error::Of(10045, std::string(key) + " missing or empty");
  return std::string(*text);
}

Result<BotEntry> ParseEntry(const object& item, int64_t now_ms) {
  BotEntry entry;
  auto timestamp = ParseClientTimestamp(item, now_ms);
  if (!timestamp.ok()) return timestamp.error();
  entry.client_timestamp = *timestamp;
  const object* payload = ObjectMember(item, "entryPayload");
  if (payload == nullptr) return Error::Of(10045, "entryPayload missing or not an object");
  const auto entry_type = StringMember(*payload, "entryType");
  if (!entry_type) return Error::Of(10045, "entryType missing");
  if (*entry_type != "Message" && *entry_type != "TypingStartedIndicator" &&
      *entry_type != "TypingStoppedIndicator") {
    return Error::Of(10045, "entryType " + std::string(*entry_type) + " is not sendable by a bot");
  }
  entry.entry_type = std::string(*entry_type);
  auto id = NonEmptyString(*payload, "id");
  if (!id.ok()) return id.error();
  entry.entry_id = std::move(id).value();
  entry.entry_payload = *payload;
  if (entry.entry_type == "Message") {
    const object* message = ObjectMember(*payload, "abstractMessage");
    if (message == nullptr) return Error::Of(10045, "abstractMessage missing");
    if (auto status = CheckBotMessage(*message); !status.ok()) return status.error();
    // As the rep's messages: the optional messageReason is always present in what is emitted.
    if (!entry.entry_payload.contains("messageReason")) {
      entry.entry_payload["messageReason"] = nullptr;
    }
    return entry;
  }
  const value* typing_timestamp = Member(*payload, "timestamp");
  if (typing_timestamp == nullptr || !AsInt64(*typing_timestamp)) {
    return Error::Of(10045, "typing indicator timestamp");
  }
  return entry;
}

}  // namespace

Result<std::string> ParseConversationIdentifier(const object& body) {
  const auto identifier = StringMember(body, "conversationIdentifier");
  if (!identifier || identifier->empty() ||
      Utf8Length(*identifier) > kMaxConversationIdentifierLength) {
    return Error::Of(10018, "conversationIdentifier missing, empty or too long");
  }
  return std::string(*identifier);
}

Result<std::string> ParseBotSender(const object& body, bool require_app_type_and_role) {
  const object* sender = ObjectMember(body, "sender");
  if (sender == nullptr) return Error::Of(10089, "sender missing or not an object");
  const auto subject = StringMember(*sender, "subject");
  if (!subject || subject->empty()) return Error::Of(10086, "sender.subject missing or empty");
  const value* app_type = Member(*sender, "appType");
  if ((app_type != nullptr || require_app_type_and_role) &&
      StringMember(*sender, "appType") != std::optional<std::string_view>("custom")) {
    return Error::Of(10037, "sender.appType must be custom");
  }
  const value* role = Member(*sender, "role");
  if ((role != nullptr || require_app_type_and_role) &&
      StringMember(*sender, "role") != std::optional<std::string_view>("Chatbot")) {
    return Error::Of(10038, "sender.role must be Chatbot");
  }
  return std::string(*subject);
}

Result<int64_t> ParseClientTimestamp(const object& entry, int64_t now_ms) {
  const value* timestamp = Member(entry, "clientTimestamp");
  const auto parsed = timestamp ? AsInt64(*timestamp) : std::nullopt;
  if (!parsed) return Error::Of(10046, "clientTimestamp missing or not an integer");
  if (*parsed < now_ms - kMaxEntryAgeMs || *parsed > now_ms + kMaxEntryLeadMs) {
    return Error::Of(10046, "clientTimestamp " + std::to_string(*parsed) +
                                " outside the allowed frame around " + std::to_string(now_ms));
  }
  return *parsed;
}

Status CheckBotMessage(const object& message) {
  const auto type = StringMember(message, "messageType");
  if (!type ||
      (*type != "StaticContentMessage" && *type != "ChoicesMessage" && *type != "FormMessage")) {
    return Error::Of(10047, "messageType not sendable by a bot");
  }
  const auto id = StringMember(message, "id");
  if (!id || id->empty()) return Error::Of(10045, "abstractMessage.id missing or empty");
  std::string_view content_key = "staticContent";
  if (*type == "ChoicesMessage") content_key = "choices";
  if (*type == "FormMessage") content_key = "form";
  const object* content = ObjectMember(message, content_key);
  if (content == nullptr) return Error::Of(10045, std::string(content_key) + " missing");
  const auto format = StringMember(*content, "formatType");
  if (!format || !Contains(kFormatTypes, *format)) return Error::Of(10048, "formatType");
  const bool mapped = (*type == "StaticContentMessage" && Contains(kStaticFormats, *format)) ||
                      (*type == "ChoicesMessage" && Contains(kChoicesFormats, *format)) ||
                      (*type == "FormMessage" && Contains(kFormFormats, *format));
  if (!mapped) return Error::Of(10049, std::string(*type) + " with " + std::string(*format));
  return CheckContent(*content, *type, *format);
}

Result<PostConversationEntryRequest> ParsePostConversationEntry(std::string_view json_text,
                                                                int64_t now_ms) {
  boost::system::error_code ec;
  value root = boost::json::parse(json_text, ec);
  if (ec) return Error::Of(10100, "body is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Of(10100, "body is not a JSON object");
  const object& body = root.get_object();

  PostConversationEntryRequest request;
  auto identifier = ParseConversationIdentifier(body);
  if (!identifier.ok()) return identifier.error();
  request.conversation_identifier = std::move(identifier).value();
  auto subject = ParseBotSender(body, /*require_app_type_and_role=*/true);
  if (!subject.ok()) return subject.error();
  request.sender_subject = std::move(subject).value();

  const value* entries = Member(body, "conversationEntries");
  if (entries == nullptr || !entries->is_array()) {
    return Error::Of(10089, "conversationEntries missing or not a list");
  }
  if (entries->get_array().size() != 1) {
    return Error::Of(10089, "conversationEntries must hold exactly one entry");
  }
  const value& item = entries->get_array()[0];
  if (!item.is_object()) return Error::Of(10045, "conversationEntries[0] is not an object");
  auto entry = ParseEntry(item.get_object(), now_ms);
  if (!entry.ok()) return entry.error();
  request.entry = std::move(entry).value();
  return request;
}

Result<ConversationChange> DecideBotEntry(const ConversationState& state, const BotActor& actor,
                                          const BotEntry& entry) {
  if (state.org_id != actor.org->id) return Error::Of(10018, "conversation of another org");
  // A retry of an entry the bot already wrote is answered as before, even after it left.
  if (state.find_entry) {
    if (const auto existing = state.find_entry(entry.entry_id)) {
      if (existing->sender_role == "Chatbot" && existing->sender_subject == actor.bot->id) {
        return ConversationChange{};
      }
      return Error::Of(10073, "entry id " + entry.entry_id + " is another sender's entry");
    }
  }
  // The bot takes part through its accepted work (PATCH /agentWork Accept), not merely by being
  // named a participant (history uploads name bots too).
  bool joined = false;
  for (const auto& candidate : state.participants) {
    if (candidate.role == "Chatbot" && IsSameBotId(candidate.subject, *actor.bot)) joined = true;
  }
  bool working = false;
  for (const auto& work : state.works) {
    if (work.bot_id == actor.bot->id && work.status == "Opened") working = true;
  }
  if (!joined || !working) {
    return Error::Of(10068, "bot " + actor.bot->id + " has not joined the conversation");
  }
  const config::ChannelDefinition* definition =
      actor.org->FindChannelDefinition(state.channel_definition);
  if (definition == nullptr) {
    return Error::Of(500, "channel definition " + state.channel_definition + " not configured");
  }
  const std::string app_type = "custom";  // a bot's sender is always {custom, <bot id>, Chatbot}

  ConversationChange change;
  NewEntry stored;
  stored.entry_id = entry.entry_id;
  stored.entry_type = entry.entry_type;
  stored.sender_app_type = app_type;
  stored.sender_subject = actor.bot->id;
  stored.sender_role = "Chatbot";
  stored.client_timestamp = entry.client_timestamp;
  stored.transcripted_timestamp = actor.now_ms;
  stored.payload_json = boost::json::serialize(entry.entry_payload);
  change.entries.push_back(std::move(stored));
  ConversationEntryEnvelope envelope;
  envelope.conversation_identifier = state.conversation_identifier;
  envelope.channel_address_identifier = state.channel_address;
  envelope.recipient = {"custom", state.end_user_client_id, "EndUser"};
  envelope.sender = {app_type, actor.bot->id, "Chatbot"};
  envelope.sender_display_name = actor.bot->name.empty() ? actor.bot->id : actor.bot->name;
  envelope.identifier = entry.entry_id;
  envelope.entry_type = entry.entry_type;
  envelope.entry_payload = entry.entry_payload;
  envelope.transcripted_timestamp = actor.now_ms;
  envelope.client_timestamp = entry.client_timestamp;
  change.events.push_back(
      InteractionEvent(actor.org->id, *definition, actor.created_by_id, actor.now_ms, envelope));
  return change;
}

Result<EntryReadRequest> ParseEntryRead(const object& params) {
  EntryReadRequest request;
  auto identifier = ParseConversationIdentifier(params);
  if (!identifier.ok()) return identifier.error();
  request.conversation_identifier = std::move(identifier).value();

  const value* start = Member(params, "startTime");
  const auto start_time = start ? AsInt64(*start) : std::nullopt;
  if (!start_time || *start_time <= 0) return Error::Of(10090, "startTime must be > 0");
  request.start_time = *start_time;

  if (const value* end = Member(params, "endTime")) {
    const auto end_time = AsInt64(*end);
    if (!end_time || *end_time <= request.start_time) {
      return Error::Of(10091, "endTime must be an integer after startTime");
    }
    request.end_time = *end_time;
  }
  if (const value* limit = Member(params, "limit")) {
    const auto parsed = AsInt64(*limit);
    if (!parsed || *parsed < 1 || *parsed > kMaxEntriesPerRead) {
      return Error::Of(10092, "limit must be an integer in 1..20");
    }
    request.limit = *parsed;
  }
  if (Member(params, "direction") != nullptr) {
    const auto text = StringMember(params, "direction");
    if (text == std::optional<std::string_view>("FROM_START")) {
      request.direction = EntryDirection::kFromStart;
    } else if (text == std::optional<std::string_view>("FROM_END")) {
      request.direction = EntryDirection::kFromEnd;
    } else {
      return Error::Of(10089, "direction must be FROM_START or FROM_END");
    }
  }
  return request;
}

}  // namespace interactiond::domain
