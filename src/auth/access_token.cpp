#include "auth/access_token.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <boost/json.hpp>
#include <stdexcept>
#include <utility>

#include "util/base64url.h"

namespace interactiond::auth {
namespace {

constexpr int kTokenInvalid = 10004;
constexpr std::size_t kMacSize = 32;  // SHA-256
constexpr std::size_t kMacTextSize = util::Base64UrlEncodedSize(kMacSize);
// Real tokens are ~250 bytes; the caps keep a hostile header from costing more than a few KB.
constexpr std::size_t kMaxTokenSize = 4096;
constexpr std::size_t kMaxClaimsJsonSize = 2048;

// Claim names are short because the token travels in every request header.
constexpr std::string_view kOrgKey = "org";
constexpr std::string_view kAppKey = "app";
constexpr std::string_view kUserKey = "usr";
constexpr std::string_view kScopesKey = "scp";
constexpr std::string_view kIssuedAtKey = "iat";
constexpr std::string_view kExpiresAtKey = "exp";

domain::Error Invalid(std::string detail) {
  return domain::Error::Of(kTokenInvalid, "access token: " + std::move(detail));
}

struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

bool StringField(const boost::json::object& obj, std::string_view key, std::string* out) {
  const boost::json::value* v = obj.if_contains(key);
  const boost::json::string* s = v == nullptr ? nullptr : v->if_string();
  if (s == nullptr) return false;
  out->assign(s->data(), s->size());
  return true;
}

bool Int64Field(const boost::json::object& obj, std::string_view key, std::int64_t* out) {
  const boost::json::value* v = obj.if_contains(key);
  if (v == nullptr) return false;
  const std::int64_t* i = v->if_int64();
  if (i == nullptr) return false;
  *out = *i;
  return true;
}

}  // namespace

struct TokenSigner::Impl {
  // A context already keyed with the secret; each MAC works on a copy of it, so the key schedule
  // (and the algorithm fetch, which takes a lock in OpenSSL 3) is paid once, not per request.
  // EVP_MAC_CTX_dup only reads the prototype, which is what makes concurrent Verify safe.
  MacCtxPtr prototype;

  // Writes the base64url text of HMAC-SHA256(secret, data) to `out` (kMacTextSize chars).
  bool MacText(std::string_view data, char* out) const {
    MacCtxPtr ctx(EVP_MAC_CTX_dup(prototype.get()));
    if (!ctx) return false;
    std::array<unsigned char, kMacSize> mac{};
    std::size_t mac_len = 0;
    if (EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1 ||
        EVP_MAC_final(ctx.get(), mac.data(), &mac_len, mac.size()) != 1 || mac_len != kMacSize) {
      return false;
    }
    util::Base64UrlEncodeTo(std::string_view(reinterpret_cast<const char*>(mac.data()), kMacSize),
                            out);
    OPENSSL_cleanse(mac.data(), mac.size());
    return true;
  }
};

TokenSigner::TokenSigner(std::string secret) : impl_(std::make_unique<Impl>()) {
  if (secret.empty()) throw std::invalid_argument("token signing secret is empty");
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) throw std::runtime_error("OpenSSL: HMAC is not available");
  impl_->prototype.reset(EVP_MAC_CTX_new(mac));
  EVP_MAC_free(mac);  // the context holds its own reference
  if (!impl_->prototype) throw std::runtime_error("OpenSSL: cannot create an HMAC context");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  int ok =
      EVP_MAC_init(impl_->prototype.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                   secret.size(), params);
  OPENSSL_cleanse(secret.data(), secret.size());
  if (ok != 1) throw std::runtime_error("OpenSSL: cannot key HMAC-SHA256");
}

TokenSigner::~TokenSigner() = default;
TokenSigner::TokenSigner(TokenSigner&&) noexcept = default;
TokenSigner& TokenSigner::operator=(TokenSigner&&) noexcept = default;

std::string TokenSigner::Mint(const TokenClaims& claims) const {
  boost::json::array scopes;
  scopes.reserve(claims.scopes.size());
  for (const std::string& scope : claims.scopes) scopes.emplace_back(scope);
  boost::json::object obj;
  obj.reserve(6);
  obj.emplace(kOrgKey, claims.org_id);
  obj.emplace(kAppKey, claims.connected_app);
  obj.emplace(kUserKey, claims.user_id);
  obj.emplace(kScopesKey, std::move(scopes));
  obj.emplace(kIssuedAtKey, claims.issued_at_ms);
  obj.emplace(kExpiresAtKey, claims.expires_at_ms);
  const std::string json = boost::json::serialize(obj);

  std::string token;
  token.reserve(claims.org_id.size() + 1 + util::Base64UrlEncodedSize(json.size()) + 1 +
                kMacTextSize);
  token += claims.org_id;
  token += '!';
  token += util::Base64UrlEncode(json);
  std::array<char, kMacTextSize> mac_text{};
  if (!impl_->MacText(token, mac_text.data())) {
    // Only an OpenSSL allocation failure gets here; an unsigned token must never leave.
    throw std::runtime_error("OpenSSL: HMAC-SHA256 failed while minting a token");
  }
  token += '.';
  token.append(mac_text.data(), mac_text.size());
  return token;
}

domain::Result<TokenClaims> TokenSigner::Verify(std::string_view token, std::int64_t now_ms) const {
  if (token.size() > kMaxTokenSize) return Invalid("longer than " + std::to_string(kMaxTokenSize));
  const std::size_t bang = token.find('!');
  if (bang == std::string_view::npos || bang == 0) return Invalid("no '<orgId>!' prefix");
  const std::size_t dot = token.rfind('.');
  if (dot == std::string_view::npos || dot < bang) return Invalid("no '.<mac>' suffix");
  const std::string_view org_prefix = token.substr(0, bang);
  const std::string_view claims_text = token.substr(bang + 1, dot - bang - 1);
  const std::string_view mac_text = token.substr(dot + 1);

  // Comparing the canonical base64url text of the expected MAC with the presented text is the
  // same as strict decoding followed by a byte comparison, without a decode.
  if (mac_text.size() != kMacTextSize) return Invalid("MAC has the wrong length");
  std::array<char, kMacTextSize> expected{};
  if (!impl_->MacText(token.substr(0, dot), expected.data())) {
    return Invalid("HMAC computation failed (OpenSSL)");
  }
  if (CRYPTO_memcmp(expected.data(), mac_text.data(), kMacTextSize) != 0) {
    return Invalid("MAC mismatch (tampered, or signed with another secret)");
  }

  // Authentic from here on; decoding and parsing use stack buffers only.
  const std::size_t json_size = util::Base64UrlDecodedSize(claims_text.size());
  if (json_size > kMaxClaimsJsonSize) return Invalid("claims too long");
  std::array<char, kMaxClaimsJsonSize> json;  // only the decoded prefix is read
  if (!util::Base64UrlDecodeTo(claims_text, json.data())) return Invalid("claims not base64url");

  std::array<unsigned char, 4096> arena;  // plenty for real claims; overflow goes to the heap
  boost::json::monotonic_resource resource(arena.data(), arena.size());
  boost::system::error_code ec;
  boost::json::value parsed =
      boost::json::parse(std::string_view(json.data(), json_size), ec, &resource);
  const boost::json::object* obj = ec ? nullptr : parsed.if_object();
  if (obj == nullptr) return Invalid("claims are not a JSON object");

  TokenClaims claims;
  if (!StringField(*obj, kOrgKey, &claims.org_id) || claims.org_id.empty() ||
      !StringField(*obj, kAppKey, &claims.connected_app) ||
      !StringField(*obj, kUserKey, &claims.user_id) ||
      !Int64Field(*obj, kIssuedAtKey, &claims.issued_at_ms) ||
      !Int64Field(*obj, kExpiresAtKey, &claims.expires_at_ms)) {
    return Invalid("claims incomplete");
  }
  const boost::json::value* scopes = obj->if_contains(kScopesKey);
  const boost::json::array* scope_array = scopes == nullptr ? nullptr : scopes->if_array();
  if (scope_array == nullptr) return Invalid("claims incomplete (scopes)");
  claims.scopes.reserve(scope_array->size());
  for (const boost::json::value& scope : *scope_array) {
    const boost::json::string* s = scope.if_string();
    if (s == nullptr) return Invalid("claims incomplete (scope not a string)");
    claims.scopes.emplace_back(s->data(), s->size());
  }

  if (org_prefix != claims.org_id) return Invalid("org prefix does not match the claims' org");
  if (now_ms >= claims.expires_at_ms) {
    return Invalid("expired at " + std::to_string(claims.expires_at_ms) + " (now " +
                   std::to_string(now_ms) + ")");
  }
  return claims;
}

}  // namespace interactiond::auth
