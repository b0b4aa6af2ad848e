#include "auth/request_auth.h"

#include <algorithm>
#include <utility>

namespace interactiond::auth {
namespace {

constexpr int kScopeMissing = 10003;
constexpr int kTokenInvalid = 10004;
constexpr int kContextInvalid = 10005;
constexpr int kHeaderInvalid = 10016;
constexpr int kContextTypeInvalid = 10093;
constexpr std::string_view kRequiredScope = "interaction_api";

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

bool Missing(const std::optional<std::string_view>& header) {
  return !header.has_value() || header->empty();
}

domain::Error Fail(int code, std::string detail) {
  return domain::Error::Of(code, std::move(detail));
}

std::string_view ContextTypeName(AuthorizationContextType type) {
  switch (type) {
    case AuthorizationContextType::kConversationChannelDefinition:
      return "ConversationChannelDefinition";
    case AuthorizationContextType::kEmbeddedMessagingChannel:
      return "EmbeddedMessagingChannel";
    case AuthorizationContextType::kExternalConversationParticipant:
      return "ExternalConversationParticipant";
  }
  return "?";
}

bool IsValidOrgIdHeader(std::string_view org_id) {
  return (org_id.size() == 15 || org_id.size() == 18) && org_id.substr(0, 3) == "00D" &&
         std::all_of(org_id.begin(), org_id.end(), IsAlnum);
}

// Why (e) fails for one kind of definition, or empty when it passes.
template <typename Definition>
std::string ContextMismatch(const Definition* definition, std::string_view kind,
                            std::string_view context, const config::ConnectedApp& app) {
  if (definition == nullptr) {
    return std::string("no ") + std::string(kind) + " named '" + std::string(context) + "'";
  }
  if (definition->connected_app != app.name) {
    return std::string(kind) + " '" + std::string(context) + "' belongs to connected app '" +
           definition->connected_app + "', the token to '" + app.name + "'";
  }
  if (app.developer_prefix.empty()) {
    return "connected app '" + app.name + "' has no developer prefix";
  }
  if (context.size() <= app.developer_prefix.size() ||
      context.substr(0, app.developer_prefix.size()) != app.developer_prefix ||
      context[app.developer_prefix.size()] != '_') {
    return "'" + std::string(context) + "' does not start with the prefix '" +
           app.developer_prefix + "_' of connected app '" + app.name + "'";
  }
  return {};
}

}  // namespace

std::optional<std::string_view> ParseAuthorizationCredentials(std::string_view header_value,
                                                              std::string_view scheme) {
  while (!header_value.empty() && IsSpace(header_value.back())) header_value.remove_suffix(1);
  if (header_value.size() <= scheme.size() ||
      !EqualsIgnoreCase(header_value.substr(0, scheme.size()), scheme) ||
      !IsSpace(header_value[scheme.size()])) {
    return std::nullopt;
  }
  std::string_view credentials = header_value.substr(scheme.size());
  while (!credentials.empty() && IsSpace(credentials.front())) credentials.remove_prefix(1);
  if (credentials.empty() || std::any_of(credentials.begin(), credentials.end(), IsSpace)) {
    return std::nullopt;
  }
  return credentials;
}

std::optional<AuthorizationContextType> ParseAuthorizationContextType(std::string_view value) {
  for (auto type : {AuthorizationContextType::kConversationChannelDefinition,
                    AuthorizationContextType::kEmbeddedMessagingChannel,
                    AuthorizationContextType::kExternalConversationParticipant}) {
    if (EqualsIgnoreCase(value, ContextTypeName(type))) return type;
  }
  return std::nullopt;
}

domain::Result<AuthorizedRequest> AuthorizeRequest(const RequestHeaders& headers,
                                                   const AuthRequirements& requirements,
                                                   const config::OrgDirectory& orgs,
                                                   const TokenSigner& signer, std::int64_t now_ms) {
  // (a) presence, in the documented order, then the Authorization syntax.
  if (Missing(headers.authorization)) return Fail(kHeaderInvalid, "missing header Authorization");
  if (Missing(headers.org_id)) return Fail(kHeaderInvalid, "missing header OrgId");
  if (Missing(headers.authorization_context)) {
    return Fail(kHeaderInvalid, "missing header AuthorizationContext");
  }
  if (Missing(headers.request_id)) return Fail(kHeaderInvalid, "missing header RequestId");
  if (requirements.context_type_required && Missing(headers.authorization_context_type)) {
    return Fail(kHeaderInvalid, "missing header AuthorizationContextType (required here)");
  }
  std::optional<std::string_view> token =
      ParseAuthorizationCredentials(*headers.authorization, "Bearer");
  if (!token) return Fail(kHeaderInvalid, "Authorization is not 'Bearer <token>'");

  // (b) the token itself.
  domain::Result<TokenClaims> verified = signer.Verify(*token, now_ms);
  if (!verified.ok()) return verified.error();
  AuthorizedRequest out;
  out.claims = std::move(verified).value();
  out.org = orgs.FindOrg(out.claims.org_id);
  if (out.org == nullptr) {
    return Fail(kTokenInvalid, "token org " + out.claims.org_id + " is not in the org directory");
  }
  out.app = out.org->FindConnectedApp(out.claims.connected_app);
  if (out.app == nullptr) {
    return Fail(kTokenInvalid, "token connected app '" + out.claims.connected_app +
                                   "' no longer exists in org " + out.org->id);
  }

  // (c) scope.
  if (std::find(out.claims.scopes.begin(), out.claims.scopes.end(), kRequiredScope) ==
      out.claims.scopes.end()) {
    return Fail(kScopeMissing, "token scopes lack interaction_api");
  }

  // (d) OrgId.
  const std::string_view org_id = *headers.org_id;
  if (!IsValidOrgIdHeader(org_id)) {
    return Fail(kHeaderInvalid,
                "OrgId '" + std::string(org_id) + "' is not a 15/18-character 00D… id");
  }
  if (org_id.substr(0, 15) != out.claims.org_id) {
    return Fail(kTokenInvalid,
                "OrgId " + std::string(org_id) + " is not the token's org " + out.claims.org_id);
  }

  // (e) AuthorizationContext.
  const std::string_view context = *headers.authorization_context;
  std::string channel_problem, bot_problem;
  if (requirements.context_kind != ContextKind::kBotIntegration) {
    const config::ChannelDefinition* definition = out.org->FindChannelDefinition(context);
    channel_problem = ContextMismatch(definition, "channel definition", context, *out.app);
    if (channel_problem.empty()) out.channel_definition = definition;
  }
  if (out.channel_definition == nullptr &&
      requirements.context_kind != ContextKind::kChannelDefinition) {
    const config::BotIntegrationDefinition* definition = out.org->FindBotIntegration(context);
    bot_problem = ContextMismatch(definition, "bot integration definition", context, *out.app);
    if (bot_problem.empty()) out.bot_integration = definition;
  }
  if (out.channel_definition == nullptr && out.bot_integration == nullptr) {
    std::string detail = "AuthorizationContext: " + channel_problem;
    if (!channel_problem.empty() && !bot_problem.empty()) detail += "; ";
    detail += bot_problem;
    return Fail(kContextInvalid, std::move(detail));
  }

  // (f) AuthorizationContextType.
  if (!Missing(headers.authorization_context_type)) {
    const std::string_view value = *headers.authorization_context_type;
    out.context_type = ParseAuthorizationContextType(value);
    if (!out.context_type) {
      return Fail(kContextTypeInvalid,
                  "AuthorizationContextType '" + std::string(value) + "' is not a known type");
    }
    const bool for_bot =
        *out.context_type == AuthorizationContextType::kExternalConversationParticipant;
    if (for_bot != (out.bot_integration != nullptr)) {
      return Fail(kContextTypeInvalid,
                  "AuthorizationContextType " + std::string(ContextTypeName(*out.context_type)) +
                      " contradicts AuthorizationContext '" + std::string(context) + "', a " +
                      (for_bot ? "channel definition" : "bot integration definition"));
    }
  }

  out.request_id = *headers.request_id;
  return out;
}

}  // namespace interactiond::auth
