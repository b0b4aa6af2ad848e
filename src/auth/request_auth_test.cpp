#include "auth/request_auth.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/auth_test_support.h"

namespace interactiond::auth {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test fixtures only

constexpr std::int64_t kNowMs = 1'700'000'000'000;
constexpr char kRequestId[] = "a1b2c3d4-0000-4000-8000-000000000001";

class AuthorizeRequestTest : public ::testing::Test {
 protected:
  std::string MintToken(std::vector<std::string> scopes = {"interaction_api", "refresh_token"},
                        std::string org = kOrgId, std::string app = kAppName) {
    return signer_.Mint(
        {std::move(org), std::move(app), kUserId, std::move(scopes), kNowMs, kNowMs + 60'000});
  }

  // Valid headers for the channel definition; tests then break one or more of them.
  void SetUp() override {
    authorization_ = "Bearer " + MintToken();
    headers_.authorization = authorization_;
    headers_.org_id = kOrgId;
    headers_.authorization_context = kChannelDefinition;
    headers_.request_id = kRequestId;
  }

  domain::Result<AuthorizedRequest> Authorize(AuthRequirements requirements = {}) {
    return AuthorizeRequest(headers_, requirements, orgs_, signer_, kNowMs);
  }

  void ExpectCode(const domain::Result<AuthorizedRequest>& result, int code,
                  std::string_view detail_part = {}) {
    ASSERT_FALSE(result.ok()) << "expected " << code;
    EXPECT_EQ(result.error().code, code) << result.error().log_detail;
    EXPECT_NE(result.error().log_detail.find(detail_part), std::string::npos)
        << result.error().log_detail;
  }

  void SetAuthorization(std::string value) {
    authorization_ = std::move(value);
    headers_.authorization = authorization_;
  }

  config::OrgDirectory orgs_ = MakeTestDirectory();
  TokenSigner signer_{std::string(32, '\x33')};
  std::string authorization_;
  RequestHeaders headers_;
};

constexpr AuthRequirements kBot{ContextKind::kBotIntegration, false};
constexpr AuthRequirements kEither{ContextKind::kEither, false};
constexpr AuthRequirements kTypeRequired{ContextKind::kChannelDefinition, true};

TEST_F(AuthorizeRequestTest, ValidChannelRequest) {
  auto result = Authorize();
  ASSERT_TRUE(result.ok()) << result.error().log_detail;
  EXPECT_EQ(result->org, orgs_.FindOrg(kOrgId));
  EXPECT_EQ(result->app->name, kAppName);
  ASSERT_NE(result->channel_definition, nullptr);
  EXPECT_EQ(result->channel_definition->developer_name, kChannelDefinition);
  EXPECT_EQ(result->bot_integration, nullptr);
  EXPECT_EQ(result->claims.user_id, kUserId);
  EXPECT_FALSE(result->context_type.has_value());
  EXPECT_EQ(result->request_id, kRequestId);
}

TEST_F(AuthorizeRequestTest, ValidBotRequestWithUpperCaseContextType) {
  headers_.authorization_context = kBotIntegration;
  headers_.authorization_context_type = "EXTERNALCONVERSATIONPARTICIPANT";
  auto result = Authorize({ContextKind::kBotIntegration, true});
  ASSERT_TRUE(result.ok()) << result.error().log_detail;
  EXPECT_EQ(result->channel_definition, nullptr);
  ASSERT_NE(result->bot_integration, nullptr);
  EXPECT_EQ(result->bot_integration->developer_name, kBotIntegration);
  EXPECT_EQ(result->context_type, AuthorizationContextType::kExternalConversationParticipant);
}

TEST_F(AuthorizeRequestTest, EitherKindAcceptsBoth) {
  auto channel = Authorize(kEither);
  ASSERT_TRUE(channel.ok()) << channel.error().log_detail;
  EXPECT_NE(channel->channel_definition, nullptr);
  headers_.authorization_context = kBotIntegration;
  auto bot = Authorize(kEither);
  ASSERT_TRUE(bot.ok()) << bot.error().log_detail;
  EXPECT_NE(bot->bot_integration, nullptr);
}

TEST_F(AuthorizeRequestTest, EighteenCharacterOrgIdIsAccepted) {
  headers_.org_id = kOrgId18;
  EXPECT_TRUE(Authorize().ok());
}

TEST_F(AuthorizeRequestTest, AnyNonEmptyRequestIdIsAccepted) {
  headers_.request_id = "not-a-uuid";
  EXPECT_TRUE(Authorize().ok());
}

// (a) presence.
TEST_F(AuthorizeRequestTest, EachMissingOrEmptyHeaderIs10016) {
  struct Case {
    std::optional<std::string_view> RequestHeaders::*header;
    std::string_view name;
  };
  for (const Case& c : {Case{&RequestHeaders::authorization, "Authorization"},
                        Case{&RequestHeaders::org_id, "OrgId"},
                        Case{&RequestHeaders::authorization_context, "AuthorizationContext"},
                        Case{&RequestHeaders::request_id, "RequestId"}}) {
    for (std::optional<std::string_view> value :
         {std::optional<std::string_view>(), std::optional<std::string_view>("")}) {
      SetUp();
      headers_.*c.header = value;
      ExpectCode(Authorize(), 10016, std::string("missing header ") + std::string(c.name));
    }
  }
}

TEST_F(AuthorizeRequestTest, MissingHeadersAreReportedInDocumentedOrder) {
  headers_.request_id.reset();
  headers_.authorization_context.reset();
  ExpectCode(Authorize(), 10016, "AuthorizationContext");
  headers_.org_id.reset();
  ExpectCode(Authorize(), 10016, "OrgId");
  headers_.authorization.reset();
  ExpectCode(Authorize(), 10016, "Authorization");
}

TEST_F(AuthorizeRequestTest, ContextTypeOnlyRequiredWhenAsked) {
  EXPECT_TRUE(Authorize().ok());
  ExpectCode(Authorize(kTypeRequired), 10016, "AuthorizationContextType");
  headers_.authorization_context_type = "";
  ExpectCode(Authorize(kTypeRequired), 10016, "AuthorizationContextType");
  EXPECT_TRUE(Authorize().ok());  // present but empty and not required: ignored
  // RequestId is checked before the context type.
  headers_.request_id.reset();
  ExpectCode(Authorize(kTypeRequired), 10016, "RequestId");
}

TEST_F(AuthorizeRequestTest, AuthorizationMustBeBearerToken) {
  const std::string token = MintToken();
  for (const std::string& ok : {"Bearer " + token, "bearer " + token, "BEARER " + token,
                                "Bearer   " + token, "Bearer " + token + " "}) {
    SetAuthorization(ok);
    EXPECT_TRUE(Authorize().ok()) << ok;
  }
  const std::vector<std::string> bad_values{token,
                                            "Bearer",
                                            "Bearer ",
                                            "Bearer" + token,
                                            "Basic " + token,
                                            "Bearer " + token + " extra",
                                            "OAuth " + token};
  for (const std::string& bad : bad_values) {
    SetAuthorization(bad);
    ExpectCode(Authorize(), 10016, "Bearer");
  }
}

// (b) token.
TEST_F(AuthorizeRequestTest, InvalidTokenIs10004) {
  SetAuthorization("Bearer 00D000000000001!garbage.garbage");
  ExpectCode(Authorize(), 10004, "access token");
  std::string token = MintToken();
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  SetAuthorization("Bearer " + token);
  ExpectCode(Authorize(), 10004, "MAC");
  SetAuthorization(
      "Bearer " +
      TokenSigner(std::string(32, '\x44'))
          .Mint({kOrgId, kAppName, kUserId, {"interaction_api"}, kNowMs, kNowMs + 60'000}));
  ExpectCode(Authorize(), 10004, "MAC");
}

TEST_F(AuthorizeRequestTest, ExpiredTokenIs10004) {
  auto result = AuthorizeRequest(headers_, {}, orgs_, signer_, kNowMs + 60'000);
  ExpectCode(result, 10004, "expired");
}

TEST_F(AuthorizeRequestTest, TokenForUnknownOrgOrAppIs10004) {
  SetAuthorization("Bearer " + MintToken({"interaction_api"}, "00D000000000404"));
  headers_.org_id = "00D000000000404";
  ExpectCode(Authorize(), 10004, "not in the org directory");
  SetUp();
  SetAuthorization("Bearer " + MintToken({"interaction_api"}, kOrgId, "Deleted_App"));
  ExpectCode(Authorize(), 10004, "Deleted_App");
}

// (c) scope.
TEST_F(AuthorizeRequestTest, MissingInteractionApiScopeIs10003) {
  SetAuthorization("Bearer " + MintToken({"refresh_token", "api"}));
  ExpectCode(Authorize(), 10003, "interaction_api");
  SetAuthorization("Bearer " + MintToken({}));
  ExpectCode(Authorize(), 10003);
}

// (d) OrgId.
TEST_F(AuthorizeRequestTest, MalformedOrgIdIs10016) {
  for (std::string_view bad :
       {"00D00000000000", "00D0000000000012", "001000000000001", "00d000000000001",
        "00D00000000000!", "00D000000000001AA", "00D000000000001AAAA", " 00D000000000001"}) {
    headers_.org_id = bad;
    ExpectCode(Authorize(), 10016, "OrgId");
  }
}

TEST_F(AuthorizeRequestTest, OrgIdOfAnotherOrgIs10004) {
  headers_.org_id = kOtherOrgId;
  ExpectCode(Authorize(), 10004, "not the token's org");
  headers_.org_id = "00D000000000002AAA";
  ExpectCode(Authorize(), 10004, "not the token's org");
}

// (e) AuthorizationContext.
TEST_F(AuthorizeRequestTest, AuthorizationContextProblemsAre10005) {
  struct Case {
    std::string_view context;
    std::string_view detail;
  };
  for (const Case& c : {Case{"Partner1_NoSuchDefinition", "no channel definition"},
                        Case{"partner1_channeldefinition1", "no channel definition"},
                        Case{"Partner2_ChannelDefinition", "belongs to connected app"},
                        Case{"Unprefixed_Definition", "does not start with the prefix"},
                        Case{"Other_ChannelDefinition", "no channel definition"},
                        Case{kBotIntegration, "no channel definition"}}) {
    headers_.authorization_context = c.context;
    ExpectCode(Authorize(), 10005, c.detail);
  }
  headers_.authorization_context = kChannelDefinition;
  ExpectCode(Authorize(kBot), 10005, "no bot integration definition");
  headers_.authorization_context = "Partner1_Nothing";
  ExpectCode(Authorize(kEither), 10005, "no channel definition");
  ExpectCode(Authorize(kEither), 10005, "no bot integration definition");
}

TEST_F(AuthorizeRequestTest, AppWithoutDeveloperPrefixMatchesNothing) {
  std::vector<config::Org> copy = orgs_.orgs();
  copy[0].connected_apps[0].developer_prefix.clear();
  config::OrgDirectory without_prefix(std::move(copy));
  ExpectCode(AuthorizeRequest(headers_, {}, without_prefix, signer_, kNowMs), 10005,
             "no developer prefix");
}

// (f) AuthorizationContextType.
TEST_F(AuthorizeRequestTest, ContextTypeIsCaseInsensitive) {
  for (std::string_view value : {"ConversationChannelDefinition", "CONVERSATIONCHANNELDEFINITION",
                                 "conversationchanneldefinition", "EmbeddedMessagingChannel"}) {
    headers_.authorization_context_type = value;
    auto result = Authorize(kTypeRequired);
    ASSERT_TRUE(result.ok()) << value << ": " << result.error().log_detail;
  }
  headers_.authorization_context_type = "CONVERSATIONCHANNELDEFINITION";
  EXPECT_EQ(Authorize()->context_type, AuthorizationContextType::kConversationChannelDefinition);
}

TEST_F(AuthorizeRequestTest, UnknownContextTypeIs10093) {
  for (std::string_view value :
       {"Conversation", "ConversationChannelDefinitionX", " ConversationChannelDefinition", "x"}) {
    headers_.authorization_context_type = value;
    ExpectCode(Authorize(), 10093, "not a known type");
  }
}

TEST_F(AuthorizeRequestTest, ContextTypeContradictingTheContextIs10093) {
  headers_.authorization_context_type = "ExternalConversationParticipant";
  ExpectCode(Authorize(), 10093, "contradicts");
  headers_.authorization_context = kBotIntegration;
  for (std::string_view value : {"ConversationChannelDefinition", "EmbeddedMessagingChannel"}) {
    headers_.authorization_context_type = value;
    ExpectCode(Authorize(kBot), 10093, "contradicts");
    ExpectCode(Authorize(kEither), 10093, "contradicts");
  }
}

// Ordering between the rules when several fail at once.
TEST_F(AuthorizeRequestTest, MissingHeaderBeatsBadToken) {
  SetAuthorization("Bearer 00D000000000001!bad.token");
  headers_.org_id.reset();
  ExpectCode(Authorize(), 10016, "OrgId");
}

TEST_F(AuthorizeRequestTest, MissingRequiredContextTypeBeatsBadToken) {
  SetAuthorization("Bearer 00D000000000001!bad.token");
  ExpectCode(Authorize(kTypeRequired), 10016, "AuthorizationContextType");
}

TEST_F(AuthorizeRequestTest, BadAuthorizationSyntaxBeatsEverythingAfterPresence) {
  SetAuthorization("Token abc");
  headers_.org_id = "bad";
  headers_.authorization_context = "Nope";
  headers_.authorization_context_type = "Nope";
  ExpectCode(Authorize(), 10016, "Bearer");
}

TEST_F(AuthorizeRequestTest, BadTokenBeatsMalformedOrgIdAndContext) {
  SetAuthorization("Bearer 00D000000000001!bad.token");
  headers_.org_id = "bad";
  headers_.authorization_context = "Nope";
  ExpectCode(Authorize(), 10004);
}

TEST_F(AuthorizeRequestTest, MissingScopeBeatsMalformedOrgId) {
  SetAuthorization("Bearer " + MintToken({"api"}));
  headers_.org_id = "bad";
  ExpectCode(Authorize(), 10003);
}

TEST_F(AuthorizeRequestTest, MalformedOrgIdBeatsBadContext) {
  headers_.org_id = "bad";
  headers_.authorization_context = "Nope";
  ExpectCode(Authorize(), 10016, "OrgId");
}

TEST_F(AuthorizeRequestTest, OrgMismatchBeatsBadContext) {
  headers_.org_id = kOtherOrgId;
  headers_.authorization_context = "Nope";
  ExpectCode(Authorize(), 10004, "not the token's org");
}

TEST_F(AuthorizeRequestTest, BadContextBeatsBadContextType) {
  headers_.authorization_context = "Nope";
  headers_.authorization_context_type = "Nope";
  ExpectCode(Authorize(), 10005);
}

TEST(AuthorizationHeaderTest, ParseAuthorizationCredentials) {
  EXPECT_EQ(ParseAuthorizationCredentials("Bearer abc", "Bearer"), "abc");
  EXPECT_EQ(ParseAuthorizationCredentials("bEaReR \tabc\t", "Bearer"), "abc");
  EXPECT_EQ(ParseAuthorizationCredentials("OAuth abc", "OAuth"), "abc");
  EXPECT_EQ(ParseAuthorizationCredentials("Bearer", "Bearer"), std::nullopt);
  EXPECT_EQ(ParseAuthorizationCredentials("Bearerabc", "Bearer"), std::nullopt);
  EXPECT_EQ(ParseAuthorizationCredentials("Bearer a b", "Bearer"), std::nullopt);
  EXPECT_EQ(ParseAuthorizationCredentials("", "Bearer"), std::nullopt);
}

}  // namespace
}  // namespace interactiond::auth
