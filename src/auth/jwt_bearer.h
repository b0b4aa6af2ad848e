// Verification of OAuth 2.0 JWT-bearer assertions (RFC 7523), the grant partners use to get an
// access token: `iss` = connected app consumer key, `sub` = username, `aud` = login URL, `exp`,
// signed RS256 with the key whose X.509 certificate is uploaded to the connected app.
//
// Errors are OAuth errors (`{"error","error_description"}` on the wire), not catalogue codes, so
// this module returns OAuthError rather than domain::Error. The descriptions are the strings the
// Salesforce token endpoint answers with (see oauth_endpoints.h for sources).
//
// Thread-safety: free functions without shared state; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace interactiond::auth {

struct JwtBearerClaims {
  std::string iss;  // consumer key of the connected app
  std::string sub;  // username; `prn` wins over `sub` when both are present (as in Salesforce)
  std::string aud;  // the accepted audience the assertion named
  // Expiry in milliseconds since the epoch. Salesforce's Interaction API docs tell partners to
  // send `exp` in milliseconds while RFC 7519 says seconds: values above 10^12 (year 33658 in
  // seconds) are taken as milliseconds, anything smaller as seconds.
  std::int64_t exp_ms = 0;
};

struct OAuthError {
  int http_status = 400;
  std::string error;              // e.g. "invalid_grant"
  std::string error_description;  // e.g. "invalid assertion"
  std::string log_detail;         // for logs only; never sent to the client

  // `{"error":"…","error_description":"…"}`
  std::string BodyJson() const;
};

// The errors of the Salesforce token endpoint, each with its exact wire strings.
namespace oauth_errors {
OAuthError UnsupportedGrantType(std::string log_detail);  // unsupported_grant_type
OAuthError InvalidClientId(std::string log_detail);       // invalid_client_id
OAuthError InvalidAssertion(std::string log_detail);      // invalid_grant: invalid assertion
OAuthError AudienceInvalid(std::string log_detail);       // invalid_grant: audience is invalid
OAuthError AssertionExpired(std::string log_detail);  // invalid_grant: expired authorization code
OAuthError UserNotApproved(std::string log_detail);   // invalid_grant: user hasn't approved …
OAuthError InvalidRequest(std::string description, std::string log_detail);  // invalid_request
}  // namespace oauth_errors

using JwtBearerResult = std::variant<JwtBearerClaims, OAuthError>;

// The `iss` claim of an assertion, read WITHOUT verifying anything: only to find the connected
// app whose certificate then verifies the assertion. nullopt when the assertion is not a JWS
// compact serialisation with a JSON object payload and a string `iss`.
std::optional<std::string> UnverifiedJwtIssuer(std::string_view assertion);

// Verifies `assertion` and returns its claims. Checks, in order (first failure wins):
//   shape and header → invalid assertion; header `alg` must be exactly RS256 (`none`, HS256 and
//   every other algorithm are refused before any key is used, so a public key can never serve as
//   an HMAC secret); RS256 signature against the public key of `certificate_pem` (an X.509
//   certificate; a bare "PUBLIC KEY" PEM is accepted too) → invalid assertion; `iss` present →
//   invalid_client_id; `aud` (string or array) equal to one of `accepted_audiences`, ignoring one
//   trailing '/' → audience is invalid; `exp` present and numeric (a numeric string is accepted)
//   → invalid assertion, and later than `now_ms` → expired authorization code; `sub`/`prn`
//   present → invalid assertion.
JwtBearerResult VerifyJwtBearerAssertion(std::string_view assertion,
                                         std::string_view certificate_pem,
                                         std::span<const std::string> accepted_audiences,
                                         std::int64_t now_ms);

}  // namespace interactiond::auth
