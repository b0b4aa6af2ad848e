#include "auth/jwt_bearer.h"

#include <jwt.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <memory>
#include <utility>

#include "util/base64url.h"
#include "util/openssl_handles.h"

namespace interactiond::auth {
namespace {

// exp values above this are milliseconds (see JwtBearerClaims::exp_ms).
constexpr std::int64_t kMillisecondsThreshold = 1'000'000'000'000;
// An assertion is a few hundred bytes; refuse to spend effort on megabytes.
constexpr std::size_t kMaxAssertionSize = 16 * 1024;

using JwtPtr = std::unique_ptr<jwt_t, util::CDeleter<jwt_free>>;

struct JwtParts {
  std::string_view header, payload, signature;
};

std::optional<JwtParts> SplitCompact(std::string_view assertion) {
  const std::size_t first = assertion.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = assertion.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (assertion.find('.', second + 1) != std::string_view::npos) return std::nullopt;  // a JWE
  return JwtParts{assertion.substr(0, first), assertion.substr(first + 1, second - first - 1),
                  assertion.substr(second + 1)};
}

// A base64url JSON object. Some JWT libraries pad with '='; tolerate that (the signature covers
// the text as sent, so decoding leniency here cannot change what was signed).
std::optional<boost::json::object> DecodeJsonPart(std::string_view part) {
  while (!part.empty() && part.back() == '=') part.remove_suffix(1);
  std::optional<std::string> json = util::Base64UrlDecode(part);
  if (!json) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(*json, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

const boost::json::string* StringClaim(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  return v == nullptr ? nullptr : v->if_string();
}

// A NumericDate: a JSON number, or a string of digits (some clients quote it).
std::optional<std::int64_t> NumericClaim(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = obj.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (const std::int64_t* i = v->if_int64()) return *i;
  if (const std::uint64_t* u = v->if_uint64()) {
    if (*u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(*u);
  }
  if (const double* d = v->if_double()) {
    if (!std::isfinite(*d) || *d < 0 || *d > 9.0e18) return std::nullopt;
    return static_cast<std::int64_t>(*d);
  }
  if (const boost::json::string* s = v->if_string()) {
    std::int64_t value = 0;
    const char* end = s->data() + s->size();
    auto [ptr, ec] = std::from_chars(s->data(), end, value);
    if (ec != std::errc() || ptr != end || s->empty()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

std::string_view WithoutTrailingSlash(std::string_view url) {
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return url;
}

const std::string* MatchAudience(std::string_view aud,
                                 std::span<const std::string> accepted_audiences) {
  for (const std::string& accepted : accepted_audiences) {
    if (WithoutTrailingSlash(aud) == WithoutTrailingSlash(accepted)) return &accepted;
  }
  return nullptr;
}

// The SubjectPublicKeyInfo PEM libjwt wants, from a certificate (or a public key) PEM.
std::optional<std::string> PublicKeyPem(std::string_view certificate_pem) {
  util::PkeyPtr key;
  if (util::X509Ptr cert = util::ParseCertificatePem(certificate_pem); cert) {
    key.reset(X509_get_pubkey(cert.get()));
  } else {
    ERR_clear_error();
    if (util::BioPtr in = util::MemoryBio(certificate_pem); in) {
      key.reset(PEM_read_bio_PUBKEY(in.get(), nullptr, nullptr, nullptr));
    }
  }
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) return std::nullopt;
  util::BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PUBKEY(out.get(), key.get()) != 1) return std::nullopt;
  return util::MemoryBioContents(out.get());
}

OAuthError Make(std::string error, std::string description, std::string log_detail) {
  return OAuthError{400, std::move(error), std::move(description),
                    "jwt-bearer: " + std::move(log_detail)};
}

JwtBearerResult Fail(OAuthError error) {
  ERR_clear_error();  // leave no OpenSSL errors behind for unrelated code on this thread
  return error;
}

}  // namespace

std::string OAuthError::BodyJson() const {
  boost::json::object body;
  body.emplace("error", error);
  body.emplace("error_description", error_description);
  return boost::json::serialize(body);
}

namespace oauth_errors {
OAuthError UnsupportedGrantType(std::string log_detail) {
  return Make("unsupported_grant_type", "grant type not supported", std::move(log_detail));
}
OAuthError InvalidClientId(std::string log_detail) {
  return Make("invalid_client_id", "client identifier invalid", std::move(log_detail));
}
OAuthError InvalidAssertion(std::string log_detail) {
  return Make("invalid_grant", "invalid assertion", std::move(log_detail));
}
OAuthError AudienceInvalid(std::string log_detail) {
  return Make("invalid_grant", "audience is invalid", std::move(log_detail));
}
OAuthError AssertionExpired(std::string log_detail) {
  return Make("invalid_grant", "expired authorization code", std::move(log_detail));
}
OAuthError UserNotApproved(std::string log_detail) {
  return Make("invalid_grant", "user hasn't approved this consumer", std::move(log_detail));
}
OAuthError InvalidRequest(std::string description, std::string log_detail) {
  return Make("invalid_request", std::move(description), std::move(log_detail));
}
}  // namespace oauth_errors

std::optional<std::string> UnverifiedJwtIssuer(std::string_view assertion) {
  if (assertion.size() > kMaxAssertionSize) return std::nullopt;
  std::optional<JwtParts> parts = SplitCompact(assertion);
  if (!parts) return std::nullopt;
  std::optional<boost::json::object> payload = DecodeJsonPart(parts->payload);
  if (!payload) return std::nullopt;
  const boost::json::string* iss = StringClaim(*payload, "iss");
  if (iss == nullptr) return std::nullopt;
  return std::string(iss->data(), iss->size());
}

JwtBearerResult VerifyJwtBearerAssertion(std::string_view assertion,
                                         std::string_view certificate_pem,
                                         std::span<const std::string> accepted_audiences,
                                         std::int64_t now_ms) {
  using namespace oauth_errors;
  if (assertion.size() > kMaxAssertionSize) return Fail(InvalidAssertion("assertion too long"));
  std::optional<JwtParts> parts = SplitCompact(assertion);
  if (!parts) return Fail(InvalidAssertion("not a three-part JWS compact serialisation"));
  std::optional<boost::json::object> header = DecodeJsonPart(parts->header);
  if (!header) return Fail(InvalidAssertion("header is not base64url JSON"));
  const boost::json::string* alg = StringClaim(*header, "alg");
  if (alg == nullptr) return Fail(InvalidAssertion("header has no alg"));
  // Decided before any key is touched: libjwt would happily run HS256 with the RSA public key PEM
  // as the HMAC secret (algorithm confusion), and `none` needs no key at all.
  if (*alg != "RS256") {
    return Fail(InvalidAssertion("alg " + std::string(alg->data(), alg->size()) +
                                 " refused; only RS256 is accepted"));
  }

  std::optional<std::string> public_key = PublicKeyPem(certificate_pem);
  if (!public_key) {
    return Fail(InvalidAssertion("connected app certificate is missing or holds no RSA key"));
  }
  std::string assertion_text(assertion);  // libjwt wants a NUL-terminated string
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, assertion_text.c_str(),
                      reinterpret_cast<const unsigned char*>(public_key->data()),
                      static_cast<int>(public_key->size()));
  JwtPtr jwt(raw);
  if (rc != 0 || !jwt) {
    return Fail(InvalidAssertion("signature does not verify with the connected app certificate"));
  }
  if (jwt_get_alg(jwt.get()) != JWT_ALG_RS256) {  // belt and braces for the check above
    return Fail(InvalidAssertion("libjwt reports an algorithm other than RS256"));
  }

  // The signature covers the payload text, so parsing our own decode of it is as trustworthy as
  // asking libjwt, and lets us accept the claim shapes it cannot (array aud, string exp).
  std::optional<boost::json::object> payload = DecodeJsonPart(parts->payload);
  if (!payload) return Fail(InvalidAssertion("payload is not base64url JSON"));

  JwtBearerClaims claims;
  const boost::json::string* iss = StringClaim(*payload, "iss");
  if (iss == nullptr || iss->empty()) return Fail(InvalidClientId("assertion has no iss"));
  claims.iss.assign(iss->data(), iss->size());

  const std::string* matched = nullptr;
  std::string presented;
  if (const boost::json::value* aud = payload->if_contains("aud")) {
    if (const boost::json::string* s = aud->if_string()) {
      presented.assign(s->data(), s->size());
      matched = MatchAudience(presented, accepted_audiences);
    } else if (const boost::json::array* list = aud->if_array()) {
      for (const boost::json::value& item : *list) {
        const boost::json::string* entry = item.if_string();
        if (entry == nullptr) continue;
        if (!presented.empty()) presented += ' ';
        presented.append(entry->data(), entry->size());
        if (matched == nullptr) {
          matched =
              MatchAudience(std::string_view(entry->data(), entry->size()), accepted_audiences);
        }
      }
    }
  }
  if (matched == nullptr) {
    return Fail(AudienceInvalid("aud '" + presented + "' is not an accepted audience"));
  }
  claims.aud = *matched;

  std::optional<std::int64_t> exp = NumericClaim(*payload, "exp");
  if (!exp) return Fail(InvalidAssertion("exp missing or not a number"));
  if (*exp > kMillisecondsThreshold) {
    claims.exp_ms = *exp;
  } else if (*exp > INT64_MAX / 1000) {
    return Fail(InvalidAssertion("exp out of range"));
  } else {
    claims.exp_ms = *exp * 1000;
  }
  if (claims.exp_ms <= now_ms) {
    return Fail(AssertionExpired("exp " + std::to_string(*exp) + " (" +
                                 std::to_string(claims.exp_ms) + " ms) is not after now (" +
                                 std::to_string(now_ms) + " ms)"));
  }

  const boost::json::string* sub = StringClaim(*payload, "prn");
  if (sub == nullptr) sub = StringClaim(*payload, "sub");
  if (sub == nullptr || sub->empty()) return Fail(InvalidAssertion("assertion has no sub"));
  claims.sub.assign(sub->data(), sub->size());
  return claims;
}

}  // namespace interactiond::auth
