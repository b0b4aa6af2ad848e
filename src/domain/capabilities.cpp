#include "domain/capabilities.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <utility>

#include <boost/json.hpp>

#include "domain/interaction_request.h"
#include "domain/json_access.h"

namespace interactiond::domain {
namespace {

constexpr int kBodyInvalid = 10100;
constexpr int kMessageTypeInvalid = 10047;
constexpr int kFormatTypeInvalid = 10048;
constexpr int kCombinationInvalid = 10049;
constexpr int kIntegrationInvalid = 10050;
constexpr int kParameterInvalid = 10089;
constexpr int kProgressIndicatorInvalid = 10098;

// Bounds the contract leaves open; a list over them is an invalid parameter rather than work.
constexpr size_t kMaxListItems = 100;
constexpr size_t kMaxNameLength = 240;  // the contract's maxLength of the integration names
constexpr size_t kMaxJsonPathLength = 1000;
constexpr size_t kMaxRestrictionTextLength = 255;

constexpr std::string_view kProgressUpdateIndicator = "ProgressUpdateIndicator";

constexpr std::array<std::string_view, 6> kAppTypes = {"custom",       "agent",        "chatbot",
                                                       "conversation", "live_message", "iamessage"};

constexpr std::array<std::string_view, 5> kMessageTypes = {
    "ChoicesMessage", "ChoicesResponseMessage", "FormMessage", "FormResponseMessage",
    "StaticContentMessage"};

constexpr std::array<std::string_view, 18> kFormatTypes = {
    "Attachments", "RichLink",   "Media", "Buttons",        "Carousel",    "QuickReplies",
    "ListPicker",  "Selections", "Links", "TimePicker",     "Application", "Result",
    "Inputs",      "WebView",    "Text",  "ExperienceType", "Flow",        "MessageDefinition"};

// The discriminator mappings of AbstractStaticContent, AbstractChoices, AbstractChoicesResponse,
// AbstractForm and AbstractFormResponse: the inbound contract's, plus the formats only the
// outbound payload contract defines (RichLink, Media, WebView, Application). `Flow` is a
// FormatType no message schema maps, so it is valid with no message type.
constexpr std::array<MessageFormat, 19> kMessageFormats = {{
    {"StaticContentMessage", "Text"},
    {"StaticContentMessage", "Links"},
    {"StaticContentMessage", "ExperienceType"},
    {"StaticContentMessage", "Attachments"},
    {"StaticContentMessage", "RichLink"},
    {"StaticContentMessage", "Media"},
    {"StaticContentMessage", "WebView"},
    {"StaticContentMessage", "Application"},
    {"ChoicesMessage", "Buttons"},
    {"ChoicesMessage", "QuickReplies"},
    {"ChoicesMessage", "ListPicker"},
    {"ChoicesMessage", "Carousel"},
    {"ChoicesMessage", "TimePicker"},
    {"ChoicesMessage", "MessageDefinition"},
    {"ChoicesResponseMessage", "Selections"},
    {"FormMessage", "Inputs"},
    {"FormMessage", "MessageDefinition"},
    {"FormResponseMessage", "Inputs"},
    {"FormResponseMessage", "Result"},
}};

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::string At(const std::string& where, size_t index) {
  return where + "[" + std::to_string(index) + "]";
}

// The member as an array of 1..kMaxListItems values, else `code`.
Result<const boost::json::array*> NonEmptyList(const boost::json::object& object,
                                               std::string_view key, const std::string& where,
                                               int code) {
  const boost::json::value* value = Member(object, key);
  if (value == nullptr) return Error::Of(code, where + " is missing");
  if (!value->is_array()) return Error::Of(code, where + " is not an array");
  const boost::json::array& list = value->get_array();
  if (list.empty()) return Error::Of(code, where + " is empty");
  if (list.size() > kMaxListItems) {
    return Error::Of(code, where + " has more than " + std::to_string(kMaxListItems) + " items");
  }
  return &list;
}

// A JSON integer (or an integral number) >= 0; strings are not numbers here.
std::optional<int64_t> NonNegativeInteger(const boost::json::value* value) {
  if (value == nullptr || value->is_string() || !value->is_number()) return std::nullopt;
  const std::optional<int64_t> number = AsInt64(*value);
  if (!number || *number < 0) return std::nullopt;
  return number;
}

std::optional<double> NonNegativeNumber(const boost::json::value* value) {
  if (value == nullptr || !value->is_number()) return std::nullopt;
  const double number = value->to_number<double>();
  if (!std::isfinite(number) || number < 0) return std::nullopt;
  return number;
}

bool IsBoundedText(std::optional<std::string_view> text, size_t max_length) {
  return text && !text->empty() && Utf8Length(*text) <= max_length;
}

bool IsPathSegmentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// `$` followed by `.name` segments: the root and child operators only.
bool IsFieldJsonPath(std::string_view path) {
  if (path.empty() || path.size() > kMaxJsonPathLength || path.front() != '$') return false;
  path.remove_prefix(1);
  while (!path.empty()) {
    if (path.front() != '.') return false;
    path.remove_prefix(1);
    const auto end = std::find_if_not(path.begin(), path.end(), IsPathSegmentChar);
    const size_t length = static_cast<size_t>(end - path.begin());
    if (length == 0) return false;
    path.remove_prefix(length);
  }
  return true;
}

// `type/subtype` without whitespace (wildcards such as image/* allowed).
bool IsMimeType(std::string_view text) {
  if (text.empty() || text.size() > kMaxRestrictionTextLength) return false;
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return false;
  if (text.find('/', slash + 1) != std::string_view::npos) return false;
  return std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == ',' || c == ';';
  });
}

Result<boost::json::object> ParseRestriction(const boost::json::object& in,
                                             const std::string& where) {
  auto invalid = [&](std::string_view field) {
    return Error::Of(kParameterInvalid, where + "." + std::string(field) + " is invalid");
  };
  const auto type = StringMember(in, "fieldRestrictionType");
  if (!type) return invalid("fieldRestrictionType");
  boost::json::object out;
  out["fieldRestrictionType"] = *type;
  if (*type == "StringFieldRestriction") {
    const auto encoding = StringMember(in, "encoding");
    if (!encoding || (*encoding != "UTF8" && *encoding != "GSM" && *encoding != "UCS2")) {
      return invalid("encoding");
    }
    const auto max_length = NonNegativeInteger(Member(in, "maxLength"));
    if (!max_length) return invalid("maxLength");
    out["encoding"] = *encoding;
    out["maxLength"] = *max_length;
  } else if (*type == "MimeTypeRestriction") {
    const auto mime_type = StringMember(in, "mimeType");
    if (!mime_type || !IsMimeType(*mime_type)) return invalid("mimeType");
    out["mimeType"] = *mime_type;
  } else if (*type == "FileSizeRestriction") {
    const auto max_size = NonNegativeInteger(Member(in, "maxSizeInKb"));
    if (!max_size) return invalid("maxSizeInKb");
    out["maxSizeInKb"] = *max_size;
  } else if (*type == "DimensionRestriction") {
    const auto x = NonNegativeNumber(Member(in, "x"));
    if (!x) return invalid("x");
    const auto y = NonNegativeNumber(Member(in, "y"));
    if (!y) return invalid("y");
    const auto dimension_type = StringMember(in, "dimensionType");
    if (!dimension_type || (*dimension_type != "PIXEL" && *dimension_type != "RATIO")) {
      return invalid("dimensionType");
    }
    out["x"] = *x;
    out["y"] = *y;
    out["dimensionType"] = *dimension_type;
  } else if (*type == "ArrayRestriction") {
    const auto max_items = NonNegativeInteger(Member(in, "maxItems"));
    if (!max_items) return invalid("maxItems");
    out["maxItems"] = *max_items;
  } else if (*type == "RequiredFieldRestriction") {
    const boost::json::value* required = Member(in, "fieldRequired");
    if (required == nullptr || !required->is_bool()) return invalid("fieldRequired");
    out["fieldRequired"] = required->get_bool();
  } else if (*type == "TypeRestriction") {
    const auto type_name = StringMember(in, "type");
    if (!IsBoundedText(type_name, kMaxRestrictionTextLength)) return invalid("type");
    out["type"] = *type_name;
  } else {
    return invalid("fieldRestrictionType");
  }
  return out;
}

Result<boost::json::array> ParseFieldRestrictions(const boost::json::object& format,
                                                  const std::string& where) {
  boost::json::array out;
  const boost::json::value* value = Member(format, "capabilityFieldRestriction");
  if (value == nullptr) return out;
  if (!value->is_array() || value->get_array().size() > kMaxListItems) {
    return Error::Of(kParameterInvalid, where + " is not an array of at most " +
                                            std::to_string(kMaxListItems) + " items");
  }
  const boost::json::array& list = value->get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string item_where = At(where, i);
    if (!list[i].is_object()) return Error::Of(kParameterInvalid, item_where + " is not an object");
    const boost::json::object& item = list[i].get_object();
    const auto path = StringMember(item, "fieldJsonPath");
    if (!path || !IsFieldJsonPath(*path)) {
      return Error::Of(kParameterInvalid, item_where + ".fieldJsonPath is missing or not $.a.b");
    }
    const boost::json::object* restriction = ObjectMember(item, "restriction");
    if (restriction == nullptr) {
      return Error::Of(kParameterInvalid, item_where + ".restriction is not an object");
    }
    auto parsed = ParseRestriction(*restriction, item_where + ".restriction");
    if (!parsed.ok()) return parsed.error();
    boost::json::object normalised;
    normalised["fieldJsonPath"] = *path;
    normalised["restriction"] = std::move(parsed).value();
    out.push_back(std::move(normalised));
  }
  return out;
}

// A formatTypeCapabilities list. `list_code` answers problems of the list itself; `valid` says
// whether a known format type fits the message type / indicator that owns the list.
template <typename ValidFormat>
Result<boost::json::array> ParseFormatCapabilities(const boost::json::object& owner,
                                                   const std::string& where, int list_code,
                                                   ValidFormat valid) {
  const std::string list_where = where + ".formatTypeCapabilities";
  auto list = NonEmptyList(owner, "formatTypeCapabilities", list_where, list_code);
  if (!list.ok()) return list.error();
  boost::json::array out;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const std::string item_where = At(list_where, i);
    const boost::json::value& item = (**list)[i];
    if (!item.is_object()) return Error::Of(list_code, item_where + " is not an object");
    const auto format_type = StringMember(item.get_object(), "formatType");
    if (!format_type || !IsFormatType(*format_type)) {
      return Error::Of(kFormatTypeInvalid, item_where + ".formatType is missing or unknown");
    }
    if (!valid(*format_type)) {
      return Error::Of(kCombinationInvalid,
                       item_where + ".formatType " + std::string(*format_type) + " does not fit");
    }
    auto restrictions =
        ParseFieldRestrictions(item.get_object(), item_where + ".capabilityFieldRestriction");
    if (!restrictions.ok()) return restrictions.error();
    boost::json::object normalised;
    normalised["formatType"] = *format_type;
    if (Member(item.get_object(), "capabilityFieldRestriction") != nullptr) {
      normalised["capabilityFieldRestriction"] = std::move(restrictions).value();
    }
    out.push_back(std::move(normalised));
  }
  return out;
}

Result<boost::json::array> ParseMessageTypeCapabilities(const boost::json::object& entry,
                                                        const std::string& where) {
  const std::string list_where = where + ".messageTypeCapabilities";
  auto list = NonEmptyList(entry, "messageTypeCapabilities", list_where, kParameterInvalid);
  if (!list.ok()) return list.error();
  boost::json::array out;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const std::string item_where = At(list_where, i);
    const boost::json::value& item = (**list)[i];
    if (!item.is_object()) return Error::Of(kParameterInvalid, item_where + " is not an object");
    const auto message_type = StringMember(item.get_object(), "messageType");
    if (!message_type || !IsMessageType(*message_type)) {
      return Error::Of(kMessageTypeInvalid, item_where + ".messageType is missing or unknown");
    }
    auto formats = ParseFormatCapabilities(
        item.get_object(), item_where, kParameterInvalid, [&](std::string_view format_type) {
          return IsValidMessageFormat(*message_type, format_type);
        });
    if (!formats.ok()) return formats.error();
    boost::json::object normalised;
    normalised["messageType"] = *message_type;
    normalised["formatTypeCapabilities"] = std::move(formats).value();
    out.push_back(std::move(normalised));
  }
  return out;
}

// nullopt when absent (or null); otherwise the validated list.
Result<std::optional<boost::json::array>> ParseProgressIndicatorCapabilities(
    const boost::json::object& entry, const std::string& where) {
  if (Member(entry, "progressIndicatorTypeCapabilities") == nullptr) {
    return std::optional<boost::json::array>();
  }
  const std::string list_where = where + ".progressIndicatorTypeCapabilities";
  auto list = NonEmptyList(entry, "progressIndicatorTypeCapabilities", list_where,
                           kProgressIndicatorInvalid);
  if (!list.ok()) return list.error();
  boost::json::array out;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const std::string item_where = At(list_where, i);
    const boost::json::value& item = (**list)[i];
    if (!item.is_object()) {
      return Error::Of(kProgressIndicatorInvalid, item_where + " is not an object");
    }
    const auto indicator = StringMember(item.get_object(), "progressIndicatorType");
    if (!indicator || *indicator != kProgressUpdateIndicator) {
      return Error::Of(kProgressIndicatorInvalid,
                       item_where + ".progressIndicatorType is missing or unknown");
    }
    auto formats =
        ParseFormatCapabilities(item.get_object(), item_where, kProgressIndicatorInvalid,
                                [&](std::string_view format_type) {
                                  return IsValidProgressIndicatorFormat(*indicator, format_type);
                                });
    if (!formats.ok()) return formats.error();
    boost::json::object normalised;
    normalised["progressIndicatorType"] = *indicator;
    normalised["formatTypeCapabilities"] = std::move(formats).value();
    out.push_back(std::move(normalised));
  }
  return std::optional<boost::json::array>(std::move(out));
}

Result<IntegrationRef> ParseCustomIntegration(const boost::json::value& value,
                                              const std::string& where) {
  auto invalid = [&](std::string_view why) {
    return Error::Of(kIntegrationInvalid, where + " " + std::string(why));
  };
  if (!value.is_object()) return invalid("is not an object");
  const boost::json::object& in = value.get_object();
  const auto type = StringMember(in, "customIntegrationType");
  const std::optional<IntegrationKind> kind =
      type ? ParseIntegrationKind(*type) : std::optional<IntegrationKind>();
  if (!kind) return invalid("has no known customIntegrationType");
  const std::string_view name_field = *kind == IntegrationKind::kChannelDefinition
                                          ? "conversationChannelDefinitionDevName"
                                          : "extConvParticipantIntegDefDevName";
  const auto name = StringMember(in, name_field);
  if (!IsBoundedText(name, kMaxNameLength)) {
    return invalid(std::string(name_field) + " is missing, empty or over 240 characters");
  }
  const auto integration_namespace = StringMember(in, "integrationNamespace");
  if (!IsBoundedText(integration_namespace, kMaxNameLength)) {
    return invalid("integrationNamespace is missing, empty or over 240 characters");
  }
  return IntegrationRef{*kind, std::string(*name), std::string(*integration_namespace)};
}

Result<ChannelCapabilitiesEntry> ParseChannelCapabilities(const boost::json::value& value,
                                                          const std::string& where) {
  if (!value.is_object()) return Error::Of(kParameterInvalid, where + " is not an object");
  const boost::json::object& in = value.get_object();
  ChannelCapabilitiesEntry entry;
  if (const boost::json::value* channel_type = Member(in, "channelType")) {
    if (!channel_type->is_string() || channel_type->get_string() != "custom") {
      return Error::Of(kParameterInvalid, where + ".channelType is not \"custom\"");
    }
    entry.json["channelType"] = "custom";
  }
  if (const boost::json::value* integration = Member(in, "customIntegration")) {
    auto ref = ParseCustomIntegration(*integration, where + ".customIntegration");
    if (!ref.ok()) return ref.error();
    boost::json::object normalised;
    normalised["customIntegrationType"] = IntegrationKindName(ref->kind);
    normalised["integrationNamespace"] = ref->integration_namespace;
    normalised[ref->kind == IntegrationKind::kChannelDefinition
                   ? "conversationChannelDefinitionDevName"
                   : "extConvParticipantIntegDefDevName"] = ref->developer_name;
    entry.json["customIntegration"] = std::move(normalised);
    entry.integration = std::move(ref).value();
  }
  auto messages = ParseMessageTypeCapabilities(in, where);
  if (!messages.ok()) return messages.error();
  entry.json["messageTypeCapabilities"] = std::move(messages).value();
  auto indicators = ParseProgressIndicatorCapabilities(in, where);
  if (!indicators.ok()) return indicators.error();
  if (*indicators) entry.json["progressIndicatorTypeCapabilities"] = std::move(**indicators);
  return entry;
}

bool IsNamespaceOf(std::string_view integration_namespace, const config::Org& org,
                   const config::ConnectedApp& app) {
  if (integration_namespace == org.id) return true;
  if (integration_namespace.size() == 18 && integration_namespace.substr(0, 15) == org.id &&
      std::all_of(integration_namespace.begin() + 15, integration_namespace.end(),
                  [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
    return true;
  }
  return !app.developer_prefix.empty() && integration_namespace == app.developer_prefix;
}

Status CheckIntegration(const IntegrationRef& ref, const IntegrationScope& scope,
                        const std::string& where) {
  if (!IsNamespaceOf(ref.integration_namespace, *scope.org, *scope.app)) {
    return Error::Of(kIntegrationInvalid,
                     where + ".integrationNamespace '" + ref.integration_namespace +
                         "' is neither the org id nor the developer prefix of the token's app");
  }
  const std::string* owner = nullptr;
  if (ref.kind == IntegrationKind::kChannelDefinition) {
    if (const auto* definition = scope.org->FindChannelDefinition(ref.developer_name)) {
      owner = &definition->connected_app;
    }
  } else if (const auto* definition = scope.org->FindBotIntegration(ref.developer_name)) {
    owner = &definition->connected_app;
  }
  if (owner == nullptr) {
    return Error::Of(kIntegrationInvalid, where + ": no " +
                                              std::string(IntegrationKindName(ref.kind)) + " '" +
                                              ref.developer_name + "' in this org");
  }
  if (*owner != scope.app->name) {
    return Error::Of(kIntegrationInvalid, where + ": '" + ref.developer_name +
                                              "' belongs to connected app '" + *owner + "'");
  }
  return OkStatus();
}

// The registration's channelCapabilities array, or nullptr.
const boost::json::array* EntriesOf(const boost::json::value& registration) {
  if (!registration.is_object()) return nullptr;
  const boost::json::value* entries = registration.get_object().if_contains("channelCapabilities");
  return entries != nullptr && entries->is_array() ? &entries->get_array() : nullptr;
}

const boost::json::array* ArrayMember(const boost::json::value& value, std::string_view key) {
  if (!value.is_object()) return nullptr;
  const boost::json::value* member = value.get_object().if_contains(key);
  return member != nullptr && member->is_array() ? &member->get_array() : nullptr;
}

bool StringIs(const boost::json::value& value, std::string_view key, std::string_view expected) {
  if (!value.is_object()) return false;
  const auto text = StringMember(value.get_object(), key);
  return text && *text == expected;
}

// Calls `visit(format capability object)` for every format capability registered under
// (`list_key` item whose `type_key` is `type`) with formatType `format_type`.
template <typename Visit>
void ForEachFormat(const boost::json::array& entries, std::string_view list_key,
                   std::string_view type_key, std::string_view type, std::string_view format_type,
                   Visit visit) {
  for (const boost::json::value& entry : entries) {
    const boost::json::array* owners = ArrayMember(entry, list_key);
    if (owners == nullptr) continue;
    for (const boost::json::value& owner : *owners) {
      if (!StringIs(owner, type_key, type)) continue;
      const boost::json::array* formats = ArrayMember(owner, "formatTypeCapabilities");
      if (formats == nullptr) continue;
      for (const boost::json::value& format : *formats) {
        if (StringIs(format, "formatType", format_type)) visit(format.get_object());
      }
    }
  }
}

CapabilitySupport Support(const boost::json::value& registration, std::string_view list_key,
                          std::string_view type_key, std::string_view type,
                          std::string_view format_type) {
  const boost::json::array* entries = EntriesOf(registration);
  if (entries == nullptr) return CapabilitySupport::kNotRegistered;
  bool found = false;
  ForEachFormat(*entries, list_key, type_key, type, format_type,
                [&](const boost::json::object&) { found = true; });
  return found ? CapabilitySupport::kSupported : CapabilitySupport::kNotSupported;
}

}  // namespace

std::string_view IntegrationKindName(IntegrationKind kind) {
  return kind == IntegrationKind::kChannelDefinition ? "CustomChannelIntegration"
                                                     : "CustomBotIntegration";
}

std::optional<IntegrationKind> ParseIntegrationKind(std::string_view name) {
  if (name == "CustomChannelIntegration") return IntegrationKind::kChannelDefinition;
  if (name == "CustomBotIntegration") return IntegrationKind::kBotIntegration;
  return std::nullopt;
}

bool IsMessageType(std::string_view message_type) { return OneOf(kMessageTypes, message_type); }

bool IsFormatType(std::string_view format_type) { return OneOf(kFormatTypes, format_type); }

bool IsValidMessageFormat(std::string_view message_type, std::string_view format_type) {
  return std::any_of(kMessageFormats.begin(), kMessageFormats.end(), [&](const MessageFormat& f) {
    return f.message_type == message_type && f.format_type == format_type;
  });
}

bool IsValidProgressIndicatorFormat(std::string_view indicator_type, std::string_view format_type) {
  // AbstractProgressMessage (outbound contract) maps only Text.
  return indicator_type == kProgressUpdateIndicator && format_type == "Text";
}

std::span<const MessageFormat> ValidMessageFormats() { return kMessageFormats; }

Result<CapabilitiesRequest> ParseCapabilitiesRequest(std::string_view json_text) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(json_text, ec);
  if (ec) return Error::Of(kBodyInvalid, "body is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Of(kBodyInvalid, "body is not a JSON object");
  const boost::json::value* capabilities_value = Member(root.get_object(), "capabilities");
  if (capabilities_value == nullptr) return Error::Of(kBodyInvalid, "no capabilities");
  if (!capabilities_value->is_object()) {
    return Error::Of(kParameterInvalid, "capabilities is not an object");
  }
  const boost::json::object& capabilities = capabilities_value->get_object();
  CapabilitiesRequest request;
  const auto app_type = StringMember(capabilities, "appType");
  if (!app_type || !OneOf(kAppTypes, *app_type)) {
    return Error::Of(kParameterInvalid, "capabilities.appType is missing or unknown");
  }
  request.app_type = std::string(*app_type);
  const std::string where = "capabilities.channelCapabilities";
  auto list = NonEmptyList(capabilities, "channelCapabilities", where, kParameterInvalid);
  if (!list.ok()) return list.error();
  for (size_t i = 0; i < (*list)->size(); ++i) {
    auto entry = ParseChannelCapabilities((**list)[i], At(where, i));
    if (!entry.ok()) return entry.error();
    request.entries.push_back(std::move(entry).value());
  }
  return request;
}

Result<std::vector<CapabilitiesRegistration>> ResolveRegistrations(
    const CapabilitiesRequest& request, const IntegrationScope& scope) {
  std::vector<CapabilitiesRegistration> registrations;
  for (size_t i = 0; i < request.entries.size(); ++i) {
    const ChannelCapabilitiesEntry& entry = request.entries[i];
    IntegrationKind kind = IntegrationKind::kChannelDefinition;
    std::string name;
    if (entry.integration) {
      if (auto status = CheckIntegration(*entry.integration, scope,
                                         At("capabilities.channelCapabilities", i));
          !status.ok()) {
        return status.error();
      }
      kind = entry.integration->kind;
      name = entry.integration->developer_name;
    } else if (scope.channel_definition != nullptr) {
      kind = IntegrationKind::kChannelDefinition;
      name = scope.channel_definition->developer_name;
    } else if (scope.bot_integration != nullptr) {
      kind = IntegrationKind::kBotIntegration;
      name = scope.bot_integration->developer_name;
    } else {
      return Error::Of(kIntegrationInvalid, "no customIntegration and no AuthorizationContext");
    }
    auto same = std::find_if(registrations.begin(), registrations.end(),
                             [&](const CapabilitiesRegistration& r) {
                               return r.kind == kind && r.developer_name == name;
                             });
    if (same == registrations.end()) {
      registrations.push_back({kind, name, request.app_type, {}});
      same = registrations.end() - 1;
    }
    same->channel_capabilities.push_back(entry.json);
  }
  return registrations;
}

CapabilitySupport MessageFormatSupport(const boost::json::value& registration,
                                       std::string_view message_type,
                                       std::string_view format_type) {
  return Support(registration, "messageTypeCapabilities", "messageType", message_type, format_type);
}

CapabilitySupport ProgressIndicatorSupport(const boost::json::value& registration,
                                           std::string_view indicator_type,
                                           std::string_view format_type) {
  return Support(registration, "progressIndicatorTypeCapabilities", "progressIndicatorType",
                 indicator_type, format_type);
}

std::vector<boost::json::object> FieldRestrictionsFor(const boost::json::value& registration,
                                                      std::string_view message_type,
                                                      std::string_view format_type) {
  std::vector<boost::json::object> restrictions;
  const boost::json::array* entries = EntriesOf(registration);
  if (entries == nullptr) return restrictions;
  ForEachFormat(*entries, "messageTypeCapabilities", "messageType", message_type, format_type,
                [&](const boost::json::object& format) {
                  const boost::json::value* list = format.if_contains("capabilityFieldRestriction");
                  if (list == nullptr || !list->is_array()) return;
                  for (const boost::json::value& item : list->get_array()) {
                    if (item.is_object()) restrictions.push_back(item.get_object());
                  }
                });
  return restrictions;
}

}  // namespace interactiond::domain
