// PATCH /api/v1/capabilities — a partner registers which structured-content message types and
// format types (and progress indicators, with optional field restrictions) its channel or bot
// integration supports. Parsing with the contract's validation, resolution of the named
// integrations against the org, and the queries later endpoints may use on what was registered
// (docs/compatibility.md, "PATCH /api/v1/capabilities").
//
// Errors (catalogue codes): 10100 body not a JSON object / no `capabilities`; 10047 message type;
// 10048 format type; 10049 message type × format type combination; 10050 custom integration;
// 10098 progress indicator capabilities; 10089 every other invalid parameter.
//
// Pure; thread-safe. The static tables are immutable.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "config/org_model.h"
#include "domain/result.h"

namespace interactiond::domain {

// What a registration belongs to: a conversation channel definition or an external conversation
// participant integration definition (BYOB), by developer name.
enum class IntegrationKind { kChannelDefinition, kBotIntegration };

// "CustomChannelIntegration" | "CustomBotIntegration" (the contract's CustomIntegrationType).
std::string_view IntegrationKindName(IntegrationKind kind);
std::optional<IntegrationKind> ParseIntegrationKind(std::string_view name);

// One customIntegration of a request, as named (not yet checked against the org).
struct IntegrationRef {
  IntegrationKind kind = IntegrationKind::kChannelDefinition;
  std::string developer_name;
  std::string integration_namespace;
};

// One validated ChannelCapabilities entry.
struct ChannelCapabilitiesEntry {
  // nullopt: no customIntegration; the entry registers for the AuthorizationContext's own
  // integration.
  std::optional<IntegrationRef> integration;
  // The entry normalised: only the contract's fields, typed (unknown properties dropped).
  boost::json::object json;
};

struct CapabilitiesRequest {
  std::string app_type;
  std::vector<ChannelCapabilitiesEntry> entries;  // at least one
};

// Validates the whole body; the first failing rule, in document order, decides the code.
Result<CapabilitiesRequest> ParseCapabilitiesRequest(std::string_view json_text);

// What PATCH stores for one integration: it replaces whatever that integration had.
struct CapabilitiesRegistration {
  IntegrationKind kind = IntegrationKind::kChannelDefinition;
  std::string developer_name;
  std::string app_type;
  boost::json::array channel_capabilities;  // the normalised entries naming this integration
};

// Who asks: the token's org and connected app and the AuthorizationContext's definition (exactly
// one of the two definition pointers is set). Pointers are borrowed for the call.
struct IntegrationScope {
  const config::Org* org = nullptr;
  const config::ConnectedApp* app = nullptr;
  const config::ChannelDefinition* channel_definition = nullptr;
  const config::BotIntegrationDefinition* bot_integration = nullptr;
};

// Checks every named integration — it exists in the org, belongs to the token's connected app, and
// its integrationNamespace is the org id (15 or 18 characters) or the app's developer prefix —
// else 10050; then groups the entries per integration (first appearance order).
Result<std::vector<CapabilitiesRegistration>> ResolveRegistrations(
    const CapabilitiesRequest& request, const IntegrationScope& scope);

// --- The contract's vocabulary -------------------------------------------------------------

bool IsMessageType(std::string_view message_type);
bool IsFormatType(std::string_view format_type);
// Whether the contract defines `format_type` content for `message_type` (the discriminator
// mappings of the inbound and outbound message schemas).
bool IsValidMessageFormat(std::string_view message_type, std::string_view format_type);
// Whether `format_type` is a progress message format of `indicator_type`.
bool IsValidProgressIndicatorFormat(std::string_view indicator_type, std::string_view format_type);

struct MessageFormat {
  std::string_view message_type;
  std::string_view format_type;
};
// Every valid (message type, format type) pair, grouped by message type.
std::span<const MessageFormat> ValidMessageFormats();

// --- Queries on a registration -----------------------------------------------------------
// `registration` is what Store::GetCapabilities answers: an object with "channelCapabilities", or
// null when the integration registered nothing.

enum class CapabilitySupport { kNotRegistered, kSupported, kNotSupported };

// Whether the registration lists `format_type` under `message_type` in any of its entries.
CapabilitySupport MessageFormatSupport(const boost::json::value& registration,
                                       std::string_view message_type, std::string_view format_type);
// Whether it lists `format_type` under progress indicator `indicator_type`.
CapabilitySupport ProgressIndicatorSupport(const boost::json::value& registration,
                                           std::string_view indicator_type,
                                           std::string_view format_type);
// The capabilityFieldRestriction items registered for the pair (every entry), in order.
std::vector<boost::json::object> FieldRestrictionsFor(const boost::json::value& registration,
                                                      std::string_view message_type,
                                                      std::string_view format_type);

}  // namespace interactiond::domain
