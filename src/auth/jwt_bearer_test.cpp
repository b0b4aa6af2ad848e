#include "auth/jwt_bearer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "auth/auth_test_support.h"
#include "util/base64url.h"

namespace interactiond::auth {
namespace {

using testing::MakeRs256Jwt;
using testing::OtherTestKeys;
using testing::TestKeys;

constexpr std::int64_t kNowMs = 1'700'000'000'000;
constexpr std::int64_t kNowS = kNowMs / 1000;
const std::vector<std::string> kAudiences{"https://login.salesforce.com",
                                          "https://test.salesforce.com", "http://127.0.0.1:8085"};

std::string Payload(boost::json::object claims) { return boost::json::serialize(claims); }

boost::json::object ValidClaims() {
  return {{"iss", "3MVG9key"},
          {"sub", "ada@partner1.example"},
          {"aud", "https://login.salesforce.com"},
          {"exp", kNowS + 300}};
}

JwtBearerResult Verify(const std::string& assertion,
                       const std::string& cert = TestKeys().certificate_pem,
                       std::int64_t now_ms = kNowMs) {
  return VerifyJwtBearerAssertion(assertion, cert, kAudiences, now_ms);
}

void ExpectError(const JwtBearerResult& result, std::string_view error,
                 std::string_view description, std::string_view detail_part = {}) {
  const OAuthError* e = std::get_if<OAuthError>(&result);
  ASSERT_NE(e, nullptr) << "expected " << error << " / " << description;
  EXPECT_EQ(e->http_status, 400);
  EXPECT_EQ(e->error, error) << e->log_detail;
  EXPECT_EQ(e->error_description, description) << e->log_detail;
  EXPECT_NE(e->log_detail.find(detail_part), std::string::npos) << e->log_detail;
}

TEST(JwtBearerTest, ValidAssertion) {
  auto result = Verify(MakeRs256Jwt(Payload(ValidClaims()), TestKeys().private_key_pem));
  const JwtBearerClaims* claims = std::get_if<JwtBearerClaims>(&result);
  ASSERT_NE(claims, nullptr) << std::get<OAuthError>(result).log_detail;
  EXPECT_EQ(claims->iss, "3MVG9key");
  EXPECT_EQ(claims->sub, "ada@partner1.example");
  EXPECT_EQ(claims->aud, "https://login.salesforce.com");
  EXPECT_EQ(claims->exp_ms, (kNowS + 300) * 1000);
}

TEST(JwtBearerTest, AcceptsTypHeaderAndServerAudienceAndAudArray) {
  auto claims = ValidClaims();
  claims["aud"] = boost::json::array{"https://elsewhere.example", "http://127.0.0.1:8085/"};
  auto result = Verify(
      MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem, R"({"alg":"RS256","typ":"JWT"})"));
  ASSERT_TRUE(std::holds_alternative<JwtBearerClaims>(result))
      << std::get<OAuthError>(result).log_detail;
  EXPECT_EQ(std::get<JwtBearerClaims>(result).aud, "http://127.0.0.1:8085");
}

TEST(JwtBearerTest, AcceptsTestSalesforceAudience) {
  auto claims = ValidClaims();
  claims["aud"] = "https://test.salesforce.com";
  auto result = Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem));
  EXPECT_TRUE(std::holds_alternative<JwtBearerClaims>(result));
}

TEST(JwtBearerTest, ExpInMillisecondsAsTheInteractionApiDocsSay) {
  auto claims = ValidClaims();
  claims["exp"] = kNowMs + 60'000;
  auto result = Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem));
  ASSERT_TRUE(std::holds_alternative<JwtBearerClaims>(result));
  EXPECT_EQ(std::get<JwtBearerClaims>(result).exp_ms, kNowMs + 60'000);

  claims["exp"] = kNowMs - 1;  // milliseconds, in the past
  ExpectError(Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)), "invalid_grant",
              "expired authorization code");
}

TEST(JwtBearerTest, ExpAsNumericString) {
  auto claims = ValidClaims();
  claims["exp"] = std::to_string(kNowS + 60);
  auto result = Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem));
  ASSERT_TRUE(std::holds_alternative<JwtBearerClaims>(result));
  EXPECT_EQ(std::get<JwtBearerClaims>(result).exp_ms, (kNowS + 60) * 1000);
}

TEST(JwtBearerTest, ExpiredAssertion) {
  auto claims = ValidClaims();
  claims["exp"] = kNowS - 1;
  ExpectError(Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)), "invalid_grant",
              "expired authorization code");
  claims["exp"] = kNowS;  // exp is exclusive
  ExpectError(Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)), "invalid_grant",
              "expired authorization code");
}

TEST(JwtBearerTest, MissingOrBadExp) {
  auto claims = ValidClaims();
  claims.erase("exp");
  ExpectError(Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)), "invalid_grant",
              "invalid assertion");
  claims["exp"] = "soon";
  ExpectError(Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)), "invalid_grant",
              "invalid assertion");
}

TEST(JwtBearerTest, SignedWithTheWrongKey) {
  ExpectError(Verify(MakeRs256Jwt(Payload(ValidClaims()), OtherTestKeys().private_key_pem)),
              "invalid_grant", "invalid assertion", "signature");
}

TEST(JwtBearerTest, TamperedPayload) {
  std::string jwt = MakeRs256Jwt(Payload(ValidClaims()), TestKeys().private_key_pem);
  std::size_t first = jwt.find('.'), second = jwt.find('.', first + 1);
  auto claims = ValidClaims();
  claims["sub"] = "admin@partner1.example";
  std::string forged =
      jwt.substr(0, first + 1) + util::Base64UrlEncode(Payload(claims)) + jwt.substr(second);
  ExpectError(Verify(forged), "invalid_grant", "invalid assertion");
}

TEST(JwtBearerTest, AlgNoneIsRefused) {
  std::string jwt = util::Base64UrlEncode(R"({"alg":"none"})") + "." +
                    util::Base64UrlEncode(Payload(ValidClaims())) + ".";
  ExpectError(Verify(jwt), "invalid_grant", "invalid assertion", "alg none refused");
}

TEST(JwtBearerTest, Hs256WithThePublicKeyAsSecretIsRefused) {
  // The classic algorithm-confusion forgery: HMAC keyed with the (public) certificate key.
  std::string input = util::Base64UrlEncode(R"({"alg":"HS256"})") + "." +
                      util::Base64UrlEncode(Payload(ValidClaims()));
  for (const std::string& secret :
       {testing::PublicKeyPemOf(TestKeys().certificate_pem), TestKeys().certificate_pem}) {
    std::string jwt = input + "." + util::Base64UrlEncode(testing::HmacSha256(input, secret));
    ExpectError(Verify(jwt), "invalid_grant", "invalid assertion", "alg HS256 refused");
  }
}

TEST(JwtBearerTest, DuplicateAlgHeaderCannotSmuggleHs256) {
  // JSON parsers disagree on duplicate keys; whichever alg each side sees, no HS256 forgery with
  // the public key as secret may pass.
  for (std::string_view header :
       {R"({"alg":"RS256","alg":"HS256"})", R"({"alg":"HS256","alg":"RS256"})"}) {
    std::string input =
        util::Base64UrlEncode(header) + "." + util::Base64UrlEncode(Payload(ValidClaims()));
    std::string jwt = input + "." +
                      util::Base64UrlEncode(testing::HmacSha256(
                          input, testing::PublicKeyPemOf(TestKeys().certificate_pem)));
    ExpectError(Verify(jwt), "invalid_grant", "invalid assertion");
  }
}

TEST(JwtBearerTest, OtherAlgorithmsAreRefused) {
  for (std::string_view header : {R"({"alg":"RS512"})", R"({"alg":"rs256"})", R"({"alg":"PS256"})",
                                  R"({})", R"({"alg":256})"}) {
    ExpectError(Verify(MakeRs256Jwt(Payload(ValidClaims()), TestKeys().private_key_pem, header)),
                "invalid_grant", "invalid assertion");
  }
}

TEST(JwtBearerTest, WrongAudience) {
  auto claims = ValidClaims();
  for (boost::json::value aud :
       {boost::json::value("https://login.salesforce.com.evil.example"),
        boost::json::value("https://example.my.salesforce.com"),
        boost::json::value(boost::json::array{"https://a.example", 3}), boost::json::value(42)}) {
    claims["aud"] = aud;
    ExpectError(Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)), "invalid_grant",
                "audience is invalid");
  }
  claims.erase("aud");
  ExpectError(Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)), "invalid_grant",
              "audience is invalid");
}

TEST(JwtBearerTest, MissingIssuerOrSubject) {
  auto claims = ValidClaims();
  claims.erase("iss");
  ExpectError(Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)),
              "invalid_client_id", "client identifier invalid");
  claims = ValidClaims();
  claims.erase("sub");
  ExpectError(Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)), "invalid_grant",
              "invalid assertion");
  claims["sub"] = "";
  ExpectError(Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)), "invalid_grant",
              "invalid assertion");
}

TEST(JwtBearerTest, PrnWinsOverSubAsInSalesforce) {
  auto claims = ValidClaims();
  claims["prn"] = "principal@partner1.example";
  auto result = Verify(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem));
  ASSERT_TRUE(std::holds_alternative<JwtBearerClaims>(result));
  EXPECT_EQ(std::get<JwtBearerClaims>(result).sub, "principal@partner1.example");
}

TEST(JwtBearerTest, MalformedAssertions) {
  std::string jwt = MakeRs256Jwt(Payload(ValidClaims()), TestKeys().private_key_pem);
  for (const std::string& bad :
       {std::string(), std::string("abc"), std::string("a.b"), jwt + ".extra", "!!!." + jwt,
        std::string("e30.e30.e30"), std::string(20000, 'a')}) {
    ExpectError(Verify(bad), "invalid_grant", "invalid assertion");
  }
}

TEST(JwtBearerTest, CertificateProblemsAreInvalidAssertion) {
  std::string jwt = MakeRs256Jwt(Payload(ValidClaims()), TestKeys().private_key_pem);
  ExpectError(Verify(jwt, ""), "invalid_grant", "invalid assertion");
  ExpectError(Verify(jwt, "-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----\n"),
              "invalid_grant", "invalid assertion");
}

TEST(JwtBearerTest, BarePublicKeyPemAlsoVerifies) {
  std::string jwt = MakeRs256Jwt(Payload(ValidClaims()), TestKeys().private_key_pem);
  auto result = Verify(jwt, testing::PublicKeyPemOf(TestKeys().certificate_pem));
  EXPECT_TRUE(std::holds_alternative<JwtBearerClaims>(result));
}

TEST(JwtBearerTest, UnverifiedIssuer) {
  std::string jwt = MakeRs256Jwt(Payload(ValidClaims()), OtherTestKeys().private_key_pem);
  EXPECT_EQ(UnverifiedJwtIssuer(jwt), "3MVG9key");
  auto claims = ValidClaims();
  claims["iss"] = 7;
  EXPECT_EQ(UnverifiedJwtIssuer(MakeRs256Jwt(Payload(claims), TestKeys().private_key_pem)),
            std::nullopt);
  EXPECT_EQ(UnverifiedJwtIssuer("garbage"), std::nullopt);
  EXPECT_EQ(UnverifiedJwtIssuer("a.b.c"), std::nullopt);
}

TEST(JwtBearerTest, ErrorBodyJson) {
  OAuthError error = oauth_errors::UserNotApproved("detail");
  EXPECT_EQ(
      error.BodyJson(),
      R"({"error":"invalid_grant","error_description":"user hasn't approved this consumer"})");
}

}  // namespace
}  // namespace interactiond::auth
