#include "auth/oauth_endpoints.h"

#include <array>
#include <boost/json.hpp>
#include <optional>
#include <span>
#include <utility>
#include <variant>

#include "auth/jwt_bearer.h"
#include "auth/request_auth.h"

namespace interactiond::auth {
namespace {

constexpr std::string_view kJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded";

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsFormContentType(std::string_view content_type) {
  std::string_view media_type = Trim(content_type.substr(0, content_type.find(';')));
  if (media_type.size() != kFormContentType.size()) return false;
  for (std::size_t i = 0; i < media_type.size(); ++i) {
    if (AsciiLower(media_type[i]) != kFormContentType[i]) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte; nullopt for a
// truncated or non-hex escape.
std::optional<std::string> FormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

struct FormField {
  explicit FormField(std::string_view field_name) : name(field_name) {}
  std::string_view name;
  bool seen = false;
  bool duplicate = false;
  std::optional<std::string> value;  // nullopt when absent or badly encoded
};

// Fills the wanted fields from the body; other fields are ignored, as OAuth servers do.
void ParseForm(std::string_view body, std::span<FormField> fields) {
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::optional<std::string> name = FormDecode(pair.substr(0, eq));
    if (!name) continue;
    for (FormField& field : fields) {
      if (*name != field.name) continue;
      if (field.seen) {
        field.duplicate = true;
      } else {
        field.seen = true;
        field.value =
            FormDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      }
    }
  }
}

std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

HttpReply ErrorReply(const OAuthError& error) {
  return HttpReply{error.http_status, error.BodyJson(), "application/json", error.log_detail};
}

HttpReply PlainForbidden(std::string word, std::string log_detail) {
  return HttpReply{403, std::move(word), "text/plain", std::move(log_detail)};
}

struct AppInOrg {
  const config::Org* org = nullptr;
  const config::ConnectedApp* app = nullptr;
};

AppInOrg FindAppByConsumerKey(const config::OrgDirectory& orgs, std::string_view consumer_key) {
  for (const config::Org& org : orgs.orgs()) {
    if (const config::ConnectedApp* app = org.FindConnectedAppByConsumerKey(consumer_key)) {
      return {&org, app};
    }
  }
  return {};
}

}  // namespace

HttpReply HandleTokenRequest(std::string_view form_urlencoded_body, std::string_view content_type,
                             const config::OrgDirectory& orgs, const TokenSigner& signer,
                             std::int64_t now_ms, const std::string& server_base_url,
                             std::int64_t token_ttl_ms) {
  using namespace oauth_errors;
  // Salesforce reads the grant from a form body only; any other body looks grant-less to it.
  if (!IsFormContentType(content_type)) {
    return ErrorReply(UnsupportedGrantType("Content-Type '" + std::string(content_type) +
                                           "' is not application/x-www-form-urlencoded"));
  }
  std::array<FormField, 2> fields{FormField{"grant_type"}, FormField{"assertion"}};
  ParseForm(form_urlencoded_body, fields);
  const FormField& grant_type = fields[0];
  const FormField& assertion = fields[1];
  if (grant_type.duplicate || assertion.duplicate) {
    // RFC 6749 §3.2: parameters must not repeat; invalid_request is its answer.
    return ErrorReply(InvalidRequest("duplicate parameter", "a form parameter is repeated"));
  }
  if (!grant_type.value || *grant_type.value != kJwtBearerGrant) {
    return ErrorReply(UnsupportedGrantType(
        "grant_type '" + grant_type.value.value_or(grant_type.seen ? "<bad encoding>" : "") +
        "' is not jwt-bearer"));
  }
  if (!assertion.value || assertion.value->empty()) {
    return ErrorReply(InvalidAssertion("no assertion parameter"));
  }

  std::optional<std::string> issuer = UnverifiedJwtIssuer(*assertion.value);
  if (!issuer) return ErrorReply(InvalidAssertion("assertion unreadable or without iss"));
  AppInOrg found = FindAppByConsumerKey(orgs, *issuer);
  if (found.app == nullptr) {
    return ErrorReply(InvalidClientId("no connected app has consumer key '" + *issuer + "'"));
  }

  const std::string base_url = WithoutTrailingSlash(server_base_url);
  const std::array<std::string, 3> audiences{"https://login.salesforce.com",
                                             "https://test.salesforce.com", base_url};
  JwtBearerResult verified =
      VerifyJwtBearerAssertion(*assertion.value, found.app->certificate_pem, audiences, now_ms);
  if (const OAuthError* error = std::get_if<OAuthError>(&verified)) {
    OAuthError annotated = *error;
    annotated.log_detail += " (connected app " + found.app->name + ")";
    return ErrorReply(annotated);
  }
  const JwtBearerClaims& claims = std::get<JwtBearerClaims>(verified);
  if (claims.iss != found.app->consumer_key) {  // cannot happen: both read the same payload
    return ErrorReply(InvalidClientId("verified iss differs from the one that chose the app"));
  }
  const config::User* user = found.org->FindUserByUsername(claims.sub);
  if (user == nullptr) {
    return ErrorReply(UserNotApproved("no user '" + claims.sub + "' in org " + found.org->id));
  }

  TokenClaims token_claims{found.org->id,     found.app->name, user->id,
                           found.app->scopes, now_ms,          now_ms + token_ttl_ms};
  std::string scope;
  for (const std::string& s : found.app->scopes) {
    if (!scope.empty()) scope += ' ';
    scope += s;
  }
  boost::json::object body;
  body.emplace("access_token", signer.Mint(token_claims));
  body.emplace("scope", scope);
  body.emplace("instance_url",
               found.org->instance_url.empty() ? base_url : found.org->instance_url);
  body.emplace("id", base_url + "/id/" + found.org->id + "/" + user->id);
  body.emplace("token_type", "Bearer");
  body.emplace("issued_at", std::to_string(now_ms));
  return HttpReply{200, boost::json::serialize(body), "application/json", {}};
}

HttpReply HandleUserInfo(std::optional<std::string_view> authorization_header,
                         const config::OrgDirectory& orgs, const TokenSigner& signer,
                         std::int64_t now_ms, const std::string& server_base_url) {
  if (!authorization_header || authorization_header->empty()) {
    return PlainForbidden("Missing_OAuth_Token", "userinfo: no Authorization header");
  }
  std::optional<std::string_view> token =
      ParseAuthorizationCredentials(*authorization_header, "Bearer");
  if (!token) token = ParseAuthorizationCredentials(*authorization_header, "OAuth");
  if (!token) return PlainForbidden("Bad_OAuth_Token", "userinfo: Authorization is not Bearer");
  domain::Result<TokenClaims> verified = signer.Verify(*token, now_ms);
  if (!verified.ok()) return PlainForbidden("Bad_OAuth_Token", verified.error().log_detail);
  const TokenClaims& claims = verified.value();
  const config::Org* org = orgs.FindOrg(claims.org_id);
  const config::User* user = org == nullptr ? nullptr : org->FindUser(claims.user_id);
  if (user == nullptr) {
    return PlainForbidden("Bad_OAuth_Token", "userinfo: token user " + claims.user_id + " of org " +
                                                 claims.org_id + " is not in the org directory");
  }

  const std::string base_url = WithoutTrailingSlash(server_base_url);
  const std::string& username = user->username;
  boost::json::object body;
  body.emplace("sub", base_url + "/id/" + org->id + "/" + user->id);
  body.emplace("user_id", user->id);
  body.emplace("organization_id", org->id);
  body.emplace("preferred_username", username);
  // Salesforce's default nickname is the username's local part.
  body.emplace("nickname", username.substr(0, username.find('@')));
  body.emplace("name", user->name);
  body.emplace("email", username);
  body.emplace("email_verified", true);
  body.emplace("active", true);
  body.emplace("user_type", "STANDARD");
  body.emplace("language", "en_US");
  body.emplace("locale", "en_US");
  body.emplace("is_app_installed", true);
  return HttpReply{200, boost::json::serialize(body), "application/json", {}};
}

}  // namespace interactiond::auth
