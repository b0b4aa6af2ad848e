// The two OAuth endpoints partners and Pub/Sub clients call, as pure functions of the request
// (no HTTP types; the HTTP layer maps HttpReply onto a response):
//   POST /services/oauth2/token     JWT-bearer grant → access token
//   GET  /services/oauth2/userinfo  who the bearer of a token is (Pub/Sub clients read
//                                   `organization_id` and `user_id`)
//
// Wire strings follow the Salesforce endpoints as publicly reported (all errors HTTP 400 with
// `{"error","error_description"}` on the token endpoint):
//   unsupported_grant_type / "grant type not supported" — wrong or missing grant_type, or a body
//       that is not form-urlencoded (Salesforce then sees no grant_type);
//   invalid_client_id / "client identifier invalid" — unknown consumer key (`iss`);
//   invalid_grant / "invalid assertion" — malformed assertion, bad signature, wrong alg, no sub;
//   invalid_grant / "audience is invalid" — `aud` not accepted;
//   invalid_grant / "expired authorization code" — `exp` in the past (Salesforce's wording);
//   invalid_grant / "user hasn't approved this consumer" — `sub` names no user of the app's org.
// Userinfo answers a missing token with 403 `Missing_OAuth_Token` and a bad one with 403
// `Bad_OAuth_Token`, plain text, as the Salesforce identity service does.
//
// Thread-safety: no shared mutable state; safe from any thread while `orgs` and `signer` live.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/access_token.h"
#include "config/org_model.h"

namespace interactiond::auth {

struct HttpReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";  // "text/plain" for userinfo's 403 words
  std::string log_detail;                         // why it failed; for logs, never sent
};

// Form fields `grant_type` and `assertion` (percent-decoding, '+' as space). The content type
// must be application/x-www-form-urlencoded (parameters such as charset allowed). The assertion's
// `iss` picks the connected app (searched across all orgs), whose `certificate_pem` verifies it;
// accepted audiences are https://login.salesforce.com, https://test.salesforce.com and
// `server_base_url`. `sub` must be the username of a user of that app's org. The token carries
// the app's scopes and lives `token_ttl_ms`. 200 body:
//   {"access_token","scope" (space-separated),"instance_url" (org's, else server_base_url),
//    "id" (<server_base_url>/id/<orgId>/<userId>),"token_type":"Bearer","issued_at" (ms, string)}
HttpReply HandleTokenRequest(std::string_view form_urlencoded_body, std::string_view content_type,
                             const config::OrgDirectory& orgs, const TokenSigner& signer,
                             std::int64_t now_ms, const std::string& server_base_url,
                             std::int64_t token_ttl_ms);

// `authorization_header` is the raw Authorization value ("Bearer <token>"; Salesforce's older
// "OAuth <token>" is accepted too). 200 body: {"sub","user_id","organization_id",
// "preferred_username","nickname","name","email","email_verified","active","user_type",
// "language","locale","is_app_installed"}; the org model has no e-mail, so `email` is the
// username (Salesforce usernames are e-mail shaped).
HttpReply HandleUserInfo(std::optional<std::string_view> authorization_header,
                         const config::OrgDirectory& orgs, const TokenSigner& signer,
                         std::int64_t now_ms, const std::string& server_base_url);

}  // namespace interactiond::auth
