// Stateless access tokens in the shape of the real ones: `<orgId>!<opaque>`.
//
// opaque = base64url(claims JSON) "." base64url(HMAC-SHA256(secret, "<orgId>!" + claims part)),
// i.e. the MAC covers everything before the last '.', so the org prefix that clients parse (the
// Pub/Sub client takes the org id from it) is authenticated too. Nothing is stored server-side:
// a token is valid while its MAC verifies and it has not expired; rotating the secret revokes all.
//
// Thread-safety: a TokenSigner is immutable after construction; Mint and Verify may run
// concurrently from any number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace interactiond::auth {

struct TokenClaims {
  std::string org_id;         // 15-character org id; also the token's prefix
  std::string connected_app;  // config::ConnectedApp::name the token was issued to
  std::string user_id;        // 005… id of the user named by the JWT-bearer `sub`
  std::vector<std::string> scopes;
  std::int64_t issued_at_ms = 0;
  std::int64_t expires_at_ms = 0;

  friend bool operator==(const TokenClaims&, const TokenClaims&) = default;
};

class TokenSigner {
 public:
  // `secret` is the HMAC key (LoadOrCreateTokenSecret gives 32 random bytes). Throws
  // std::invalid_argument when it is empty and std::runtime_error when OpenSSL cannot set up
  // HMAC-SHA256 (start-up only).
  explicit TokenSigner(std::string secret);
  ~TokenSigner();

  TokenSigner(const TokenSigner&) = delete;
  TokenSigner& operator=(const TokenSigner&) = delete;
  // A moved-from signer may only be destroyed or assigned to.
  TokenSigner(TokenSigner&&) noexcept;
  TokenSigner& operator=(TokenSigner&&) noexcept;

  std::string Mint(const TokenClaims& claims) const;

  // The claims of a token this signer minted that has not expired at `now_ms`. Any failure is
  // error 10004 (token not valid) with log_detail naming the reason: bad shape, org prefix not
  // equal to the claims' org, bad base64url, bad or incomplete JSON, MAC mismatch, expired.
  // The MAC is checked (in constant time) before the claims are parsed.
  domain::Result<TokenClaims> Verify(std::string_view token, std::int64_t now_ms) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace interactiond::auth
