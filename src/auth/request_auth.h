// The header checks every /api/v1 request goes through before its body is looked at.
//
// Order (the first failing rule decides the code; see docs/design.md "Validation order"):
//   (a) required headers present and non-empty, in the order Authorization, OrgId,
//       AuthorizationContext, RequestId, then AuthorizationContextType when required → 10016;
//       Authorization not `Bearer <token>` (scheme case-insensitive, one or more spaces) → 10016
//   (b) token fails TokenSigner::Verify, or its org / connected app is not in the directory → 10004
//   (c) token scopes lack `interaction_api` → 10003
//   (d) OrgId not a 15- or 18-character alphanumeric id starting "00D" → 10016;
//       OrgId (its first 15 characters) is not the token's org → 10004
//   (e) AuthorizationContext must name, in the token's org, a ChannelDefinition
//   (kChannelDefinition)
//       or BotIntegrationDefinition (kBotIntegration; kEither tries both) whose connected app is
//       the token's, and start with that app's developer_prefix + "_" → else 10005
//   (f) AuthorizationContextType, when present: one of the three enum names, case-insensitively
//       (the README shows upper-case variants) → else 10093; 10093 too when it contradicts what
//       the context named (ExternalConversationParticipant for a channel definition,
//       ConversationChannelDefinition / EmbeddedMessagingChannel for a bot integration).
// RequestId: any non-empty value (the real demo connector sends one constant UUID).
// Every error's log_detail says precisely which rule failed and on what value.
//
// Thread-safety: pure; safe from any thread. The pointers in AuthorizedRequest point into `orgs`
// and are valid as long as that OrgDirectory is alive (hold its shared_ptr for the request).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/access_token.h"
#include "config/org_model.h"
#include "domain/result.h"

namespace interactiond::auth {

struct RequestHeaders {
  std::optional<std::string_view> authorization;
  std::optional<std::string_view> org_id;
  std::optional<std::string_view> authorization_context;
  std::optional<std::string_view> authorization_context_type;
  std::optional<std::string_view> request_id;
};

enum class ContextKind { kChannelDefinition, kBotIntegration, kEither };

struct AuthRequirements {
  ContextKind context_kind = ContextKind::kChannelDefinition;
  bool context_type_required = false;
};

enum class AuthorizationContextType {
  kConversationChannelDefinition,
  kEmbeddedMessagingChannel,
  kExternalConversationParticipant,
};

struct AuthorizedRequest {
  const config::Org* org = nullptr;
  const config::ConnectedApp* app = nullptr;
  const config::ChannelDefinition* channel_definition = nullptr;      // null for bots
  const config::BotIntegrationDefinition* bot_integration = nullptr;  // null for channels
  TokenClaims claims;
  std::optional<AuthorizationContextType> context_type;
  std::string request_id;
};

domain::Result<AuthorizedRequest> AuthorizeRequest(const RequestHeaders& headers,
                                                   const AuthRequirements& requirements,
                                                   const config::OrgDirectory& orgs,
                                                   const TokenSigner& signer, std::int64_t now_ms);

// The credentials of an Authorization header value `<scheme> <credentials>`: the scheme matched
// case-insensitively, one or more spaces (or tabs) after it, credentials non-empty and without
// whitespace (trailing whitespace is ignored). nullopt when the value is not of that form.
std::optional<std::string_view> ParseAuthorizationCredentials(std::string_view header_value,
                                                              std::string_view scheme);

// nullopt for anything but the three names (case-insensitive).
std::optional<AuthorizationContextType> ParseAuthorizationContextType(std::string_view value);

}  // namespace interactiond::auth
