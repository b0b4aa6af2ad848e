#include "auth/oauth_endpoints.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "auth/auth_test_support.h"
#include "util/base64url.h"

namespace interactiond::auth {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test fixtures only

constexpr std::int64_t kNowMs = 1'700'000'000'000;
constexpr std::int64_t kTtlMs = 2 * 3'600'000;
constexpr char kForm[] = "application/x-www-form-urlencoded";
constexpr char kGrant[] = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const std::string kBaseUrl = "http://127.0.0.1:8085";
const std::string kSecret(32, '\x11');

boost::json::object Claims() {
  return {{"iss", kConsumerKey},
          {"sub", kUsername},
          {"aud", "https://login.salesforce.com"},
          {"exp", kNowMs / 1000 + 180}};
}

std::string Assertion(const boost::json::object& claims = Claims(),
                      const std::string& key_pem = TestKeys().private_key_pem) {
  return MakeRs256Jwt(boost::json::serialize(claims), key_pem);
}

// The string a JSON value holds ("<not a string>" otherwise), for readable comparisons.
std::string Str(const boost::json::value& v) {
  if (!v.is_string()) return "<not a string>";
  return std::string(v.get_string().data(), v.get_string().size());
}

std::string FormBody(std::string_view grant, std::string_view assertion) {
  return "grant_type=" + std::string(grant) + "&assertion=" + std::string(assertion);
}

class TokenEndpointTest : public ::testing::Test {
 protected:
  HttpReply Post(const std::string& body, std::string_view content_type = kForm) {
    return HandleTokenRequest(body, content_type, orgs_, signer_, kNowMs, kBaseUrl, kTtlMs);
  }

  void ExpectError(const HttpReply& reply, std::string_view error, std::string_view description) {
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(reply.content_type, "application/json");
    boost::json::value body = boost::json::parse(reply.body);
    EXPECT_EQ(Str(body.at("error")), error) << reply.log_detail;
    EXPECT_EQ(Str(body.at("error_description")), description) << reply.log_detail;
    EXPECT_EQ(body.as_object().size(), 2u);
    EXPECT_FALSE(reply.log_detail.empty());
  }

  config::OrgDirectory orgs_ = MakeTestDirectory();
  TokenSigner signer_{kSecret};
};

TEST_F(TokenEndpointTest, IssuesATokenLikeSalesforce) {
  HttpReply reply = Post(FormBody(kGrant, Assertion()));
  ASSERT_EQ(reply.status, 200) << reply.body << " " << reply.log_detail;
  EXPECT_EQ(reply.content_type, "application/json");
  boost::json::object body = boost::json::parse(reply.body).as_object();
  std::vector<std::string> keys;
  for (const auto& entry : body) keys.emplace_back(entry.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"access_token", "scope", "instance_url", "id",
                                            "token_type", "issued_at"}));
  EXPECT_EQ(Str(body.at("scope")), "interaction_api refresh_token");
  EXPECT_EQ(Str(body.at("instance_url")), "https://test-org.example");
  EXPECT_EQ(Str(body.at("id")), kBaseUrl + "/id/" + kOrgId + "/" + kUserId);
  EXPECT_EQ(Str(body.at("token_type")), "Bearer");
  EXPECT_EQ(Str(body.at("issued_at")), std::to_string(kNowMs));

  std::string token(body.at("access_token").as_string());
  EXPECT_EQ(token.rfind(std::string(kOrgId) + "!", 0), 0u);
  auto claims = signer_.Verify(token, kNowMs);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->org_id, kOrgId);
  EXPECT_EQ(claims->connected_app, kAppName);
  EXPECT_EQ(claims->user_id, kUserId);
  EXPECT_EQ(claims->scopes, (std::vector<std::string>{"interaction_api", "refresh_token"}));
  EXPECT_EQ(claims->issued_at_ms, kNowMs);
  EXPECT_EQ(claims->expires_at_ms, kNowMs + kTtlMs);
}

TEST_F(TokenEndpointTest, PercentEncodedFormAsCurlDataUrlencodeSendsIt) {
  std::string body =
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + Assertion() +
      "&extra=ignored+value";
  HttpReply reply = Post(body, "Application/X-WWW-Form-Urlencoded; charset=UTF-8");
  EXPECT_EQ(reply.status, 200) << reply.body << " " << reply.log_detail;
  // Parameter order does not matter.
  reply = Post("assertion=" + Assertion() + "&grant_type=" + kGrant);
  EXPECT_EQ(reply.status, 200) << reply.body << " " << reply.log_detail;
}

TEST_F(TokenEndpointTest, ServerOwnBaseUrlIsAnAcceptedAudienceAndInstanceUrlFallsBackToIt) {
  // Org 2 has no instance_url and no certificate; use org 1 for the audience and a copy of the
  // directory without instance_url for the fallback.
  auto claims = Claims();
  claims["aud"] = kBaseUrl + "/";
  HttpReply reply = Post(FormBody(kGrant, Assertion(claims)));
  ASSERT_EQ(reply.status, 200) << reply.log_detail;

  std::vector<config::Org> copy = orgs_.orgs();
  copy[0].instance_url.clear();
  config::OrgDirectory without_instance(std::move(copy));
  reply = HandleTokenRequest(FormBody(kGrant, Assertion()), kForm, without_instance, signer_,
                             kNowMs, kBaseUrl + "/", kTtlMs);
  ASSERT_EQ(reply.status, 200) << reply.log_detail;
  EXPECT_EQ(Str(boost::json::parse(reply.body).at("instance_url")), kBaseUrl);
  EXPECT_EQ(Str(boost::json::parse(reply.body).at("id")),
            kBaseUrl + "/id/" + kOrgId + "/" + kUserId);
}

TEST_F(TokenEndpointTest, UnsupportedGrantType) {
  ExpectError(Post(FormBody("password", Assertion())), "unsupported_grant_type",
              "grant type not supported");
  ExpectError(Post("assertion=" + Assertion()), "unsupported_grant_type",
              "grant type not supported");
  ExpectError(Post(""), "unsupported_grant_type", "grant type not supported");
  ExpectError(Post("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer%zz"),
              "unsupported_grant_type", "grant type not supported");
}

TEST_F(TokenEndpointTest, NonFormBodyLooksGrantlessAsInSalesforce) {
  ExpectError(Post(FormBody(kGrant, Assertion()), "application/json"), "unsupported_grant_type",
              "grant type not supported");
  ExpectError(Post(FormBody(kGrant, Assertion()), ""), "unsupported_grant_type",
              "grant type not supported");
}

TEST_F(TokenEndpointTest, MissingOrMalformedAssertion) {
  ExpectError(Post(std::string("grant_type=") + kGrant), "invalid_grant", "invalid assertion");
  ExpectError(Post(FormBody(kGrant, "")), "invalid_grant", "invalid assertion");
  ExpectError(Post(FormBody(kGrant, "not.a.jwt")), "invalid_grant", "invalid assertion");
  ExpectError(Post(FormBody(kGrant, "%G0")), "invalid_grant", "invalid assertion");
}

TEST_F(TokenEndpointTest, DuplicateParameterIsInvalidRequest) {
  ExpectError(Post(FormBody(kGrant, Assertion()) + "&grant_type=password"), "invalid_request",
              "duplicate parameter");
}

TEST_F(TokenEndpointTest, UnknownConsumerKey) {
  auto claims = Claims();
  claims["iss"] = "3MVG9unknown";
  ExpectError(Post(FormBody(kGrant, Assertion(claims))), "invalid_client_id",
              "client identifier invalid");
}

TEST_F(TokenEndpointTest, WrongKeyForTheApp) {
  ExpectError(Post(FormBody(kGrant, Assertion(Claims(), OtherTestKeys().private_key_pem))),
              "invalid_grant", "invalid assertion");
}

TEST_F(TokenEndpointTest, AppWithoutCertificateCannotUseJwtBearer) {
  auto claims = Claims();
  claims["iss"] = "3MVG9other";
  claims["sub"] = "olga@other.example";
  ExpectError(Post(FormBody(kGrant, Assertion(claims))), "invalid_grant", "invalid assertion");
}

TEST_F(TokenEndpointTest, WrongAudience) {
  auto claims = Claims();
  claims["aud"] = "https://partner1.my.salesforce.com";
  ExpectError(Post(FormBody(kGrant, Assertion(claims))), "invalid_grant", "audience is invalid");
}

TEST_F(TokenEndpointTest, ExpiredAssertion) {
  auto claims = Claims();
  claims["exp"] = kNowMs / 1000 - 10;
  ExpectError(Post(FormBody(kGrant, Assertion(claims))), "invalid_grant",
              "expired authorization code");
}

TEST_F(TokenEndpointTest, UnknownUser) {
  auto claims = Claims();
  claims["sub"] = "nobody@partner1.example";
  ExpectError(Post(FormBody(kGrant, Assertion(claims))), "invalid_grant",
              "user hasn't approved this consumer");
  // A user of another org is not a user of this app's org.
  claims["sub"] = "olga@other.example";
  ExpectError(Post(FormBody(kGrant, Assertion(claims))), "invalid_grant",
              "user hasn't approved this consumer");
}

TEST_F(TokenEndpointTest, AlgorithmConfusionThroughTheEndpoint) {
  std::string input = util::Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                      util::Base64UrlEncode(boost::json::serialize(Claims()));
  std::string forged =
      input + "." +
      util::Base64UrlEncode(HmacSha256(input, PublicKeyPemOf(TestKeys().certificate_pem)));
  ExpectError(Post(FormBody(kGrant, forged)), "invalid_grant", "invalid assertion");
}

class UserInfoTest : public TokenEndpointTest {
 protected:
  std::string Token() {
    TokenClaims claims{kOrgId, kAppName, kUserId, {"interaction_api"}, kNowMs, kNowMs + kTtlMs};
    return signer_.Mint(claims);
  }
  HttpReply Get(std::optional<std::string_view> authorization, std::int64_t now = kNowMs) {
    return HandleUserInfo(authorization, orgs_, signer_, now, kBaseUrl);
  }
};

TEST_F(UserInfoTest, DescribesTheTokenUser) {
  std::string header = "Bearer " + Token();
  HttpReply reply = Get(header);
  ASSERT_EQ(reply.status, 200) << reply.body << reply.log_detail;
  EXPECT_EQ(reply.content_type, "application/json");
  boost::json::value body = boost::json::parse(reply.body);
  EXPECT_EQ(Str(body.at("sub")), kBaseUrl + "/id/" + kOrgId + "/" + kUserId);
  EXPECT_EQ(Str(body.at("user_id")), kUserId);
  EXPECT_EQ(Str(body.at("organization_id")), kOrgId);
  EXPECT_EQ(Str(body.at("preferred_username")), kUsername);
  EXPECT_EQ(Str(body.at("nickname")), "ada");
  EXPECT_EQ(Str(body.at("name")), "Ada Agent");
  EXPECT_EQ(Str(body.at("email")), kUsername);
  EXPECT_TRUE(body.at("active").as_bool());
}

TEST_F(UserInfoTest, AcceptsOAuthSchemeAndAnyCase) {
  EXPECT_EQ(Get("OAuth " + Token()).status, 200);
  EXPECT_EQ(Get("bearer  " + Token()).status, 200);
}

TEST_F(UserInfoTest, MissingTokenIs403MissingOAuthToken) {
  for (std::optional<std::string_view> header :
       {std::optional<std::string_view>(), std::optional<std::string_view>("")}) {
    HttpReply reply = Get(header);
    EXPECT_EQ(reply.status, 403);
    EXPECT_EQ(reply.body, "Missing_OAuth_Token");
    EXPECT_EQ(reply.content_type, "text/plain");
  }
}

TEST_F(UserInfoTest, BadTokenIs403BadOAuthToken) {
  std::string token = Token();
  std::string tampered = token;
  tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
  const std::string foreign = TokenSigner(std::string(32, '\x22'))
                                  .Mint({kOrgId, kAppName, kUserId, {}, kNowMs, kNowMs + 1});
  const std::vector<std::string> headers{"Bearer " + tampered, "Basic " + token, "Bearer",
                                         "Bearer x y", "Bearer " + foreign};
  for (const std::string& header : headers) {
    HttpReply reply = Get(header);
    EXPECT_EQ(reply.status, 403) << header;
    EXPECT_EQ(reply.body, "Bad_OAuth_Token");
    EXPECT_EQ(reply.content_type, "text/plain");
    EXPECT_FALSE(reply.log_detail.empty());
  }
  HttpReply expired = Get("Bearer " + token, kNowMs + kTtlMs);
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(expired.body, "Bad_OAuth_Token");
}

TEST_F(UserInfoTest, TokenForAUserNoLongerConfiguredIsBad) {
  std::string token =
      signer_.Mint({kOrgId, kAppName, "005000000000404", {}, kNowMs, kNowMs + 1000});
  EXPECT_EQ(Get("Bearer " + token).body, "Bad_OAuth_Token");
  token = signer_.Mint({"00D000000000404", kAppName, kUserId, {}, kNowMs, kNowMs + 1000});
  EXPECT_EQ(Get("Bearer " + token).body, "Bad_OAuth_Token");
}

TEST_F(UserInfoTest, TokenFromTheTokenEndpointWorks) {
  HttpReply token_reply = Post(FormBody(kGrant, Assertion()));
  ASSERT_EQ(token_reply.status, 200);
  std::string token(boost::json::parse(token_reply.body).at("access_token").as_string());
  HttpReply reply = Get("Bearer " + token);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(Str(boost::json::parse(reply.body).at("organization_id")), kOrgId);
}

}  // namespace
}  // namespace interactiond::auth
