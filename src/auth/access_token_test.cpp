#include "auth/access_token.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <boost/json.hpp>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

#include "util/base64url.h"

namespace interactiond::auth {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
const std::string kSecret(32, '\x5a');

TokenClaims SampleClaims() {
  return TokenClaims{"00D000000000001",
                     "Partner1_App",
                     "005000000000001",
                     {"interaction_api", "refresh_token"},
                     kNow,
                     kNow + 3'600'000};
}

void ExpectInvalid(const TokenSigner& signer, std::string_view token, std::int64_t now,
                   std::string_view detail_part) {
  auto result = signer.Verify(token, now);
  ASSERT_FALSE(result.ok()) << token;
  EXPECT_EQ(result.error().code, 10004);
  EXPECT_NE(result.error().log_detail.find(detail_part), std::string::npos)
      << result.error().log_detail;
}

TEST(AccessTokenTest, RoundTrip) {
  TokenSigner signer(kSecret);
  std::string token = signer.Mint(SampleClaims());
  auto result = signer.Verify(token, kNow);
  ASSERT_TRUE(result.ok()) << result.error().log_detail;
  EXPECT_EQ(*result, SampleClaims());
}

TEST(AccessTokenTest, HasTheRealShape) {
  TokenSigner signer(kSecret);
  std::string token = signer.Mint(SampleClaims());
  ASSERT_EQ(token.rfind("00D000000000001!", 0), 0u) << token;
  std::string opaque = token.substr(16);
  std::size_t dot = opaque.find('.');
  ASSERT_NE(dot, std::string::npos);
  EXPECT_EQ(opaque.find('.', dot + 1), std::string::npos);
  EXPECT_EQ(opaque.size() - dot - 1, 43u);  // base64url of a SHA-256 MAC
  auto json = util::Base64UrlDecode(opaque.substr(0, dot));
  ASSERT_TRUE(json.has_value());
  auto parsed = boost::json::parse(*json);
  EXPECT_EQ(parsed.at("org"), "00D000000000001");
  // Header-safe: nothing that needs quoting in an HTTP header or a gRPC metadata value.
  for (char c : token)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '!' || c == '.' || c == '-' ||
                c == '_')
        << c;
}

TEST(AccessTokenTest, RoundTripsEmptyScopesAndUnusualStrings) {
  TokenSigner signer(kSecret);
  TokenClaims claims = SampleClaims();
  claims.scopes.clear();
  claims.connected_app = "App \"with\" quotes \\ and ünïcode";
  auto result = signer.Verify(signer.Mint(claims), kNow);
  ASSERT_TRUE(result.ok()) << result.error().log_detail;
  EXPECT_EQ(*result, claims);
}

TEST(AccessTokenTest, EveryByteFlipFails) {
  TokenSigner signer(kSecret);
  const std::string token = signer.Mint(SampleClaims());
  for (unsigned char mask : {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80}) {
    for (std::size_t i = 0; i < token.size(); ++i) {
      std::string tampered = token;
      tampered[i] = static_cast<char>(tampered[i] ^ mask);
      auto result = signer.Verify(tampered, kNow);
      EXPECT_FALSE(result.ok()) << "byte " << i << " mask " << int{mask};
      if (!result.ok()) {
        EXPECT_EQ(result.error().code, 10004);
      }
    }
  }
}

TEST(AccessTokenTest, TruncationAndExtensionFail) {
  TokenSigner signer(kSecret);
  const std::string token = signer.Mint(SampleClaims());
  for (std::size_t len = 0; len < token.size(); ++len) {
    EXPECT_FALSE(signer.Verify(std::string_view(token).substr(0, len), kNow).ok()) << len;
  }
  EXPECT_FALSE(signer.Verify(token + "A", kNow).ok());
  EXPECT_FALSE(signer.Verify(token + ".", kNow).ok());
  EXPECT_FALSE(signer.Verify(" " + token, kNow).ok());
}

TEST(AccessTokenTest, ExpiresAtExpiryTime) {
  TokenSigner signer(kSecret);
  TokenClaims claims = SampleClaims();
  std::string token = signer.Mint(claims);
  EXPECT_TRUE(signer.Verify(token, claims.expires_at_ms - 1).ok());
  ExpectInvalid(signer, token, claims.expires_at_ms, "expired");
  ExpectInvalid(signer, token, claims.expires_at_ms + 86'400'000, "expired");
}

TEST(AccessTokenTest, WrongSecretFails) {
  TokenSigner signer(kSecret);
  TokenSigner other(std::string(32, '\x5b'));
  ExpectInvalid(other, signer.Mint(SampleClaims()), kNow, "MAC mismatch");
}

TEST(AccessTokenTest, MalformedTokensFailWithReasons) {
  TokenSigner signer(kSecret);
  ExpectInvalid(signer, "", kNow, "prefix");
  ExpectInvalid(signer, "no-bang-here", kNow, "prefix");
  ExpectInvalid(signer, "!abc.def", kNow, "prefix");
  ExpectInvalid(signer, "00D000000000001!nodot", kNow, "suffix");
  ExpectInvalid(signer, "00D000000000001.x!abc", kNow, "suffix");
  ExpectInvalid(signer, "00D000000000001!abc.short", kNow, "length");
  ExpectInvalid(signer, std::string(5000, 'A'), kNow, "longer");
}

// A token whose MAC is right but whose content is wrong can only come from the secret's holder,
// but Verify must still refuse it; build such tokens with the secret to reach those checks.
std::string ForgeWithSecret(const std::string& org_prefix, const std::string& claims_json) {
  std::string signing_input = org_prefix + "!" + util::Base64UrlEncode(claims_json);
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &len);
  return signing_input + "." +
         util::Base64UrlEncode(std::string_view(reinterpret_cast<char*>(mac), len));
}

TEST(AccessTokenTest, MacIsStandardHmacSha256OverPrefixAndClaims) {
  TokenSigner signer(kSecret);
  std::string token = signer.Mint(SampleClaims());
  std::size_t dot = token.rfind('.');
  std::string claims_json = *util::Base64UrlDecode(token.substr(16, dot - 16));
  EXPECT_EQ(ForgeWithSecret("00D000000000001", claims_json), token);
}

TEST(AccessTokenTest, OrgPrefixMustMatchClaims) {
  TokenSigner signer(kSecret);
  std::string token = signer.Mint(SampleClaims());
  std::size_t dot = token.rfind('.');
  std::string claims_json = *util::Base64UrlDecode(token.substr(16, dot - 16));
  ExpectInvalid(signer, ForgeWithSecret("00D000000000002", claims_json), kNow, "org prefix");
}

TEST(AccessTokenTest, AuthenticButIncompleteClaimsFail) {
  TokenSigner signer(kSecret);
  const std::string org = "00D000000000001";
  ExpectInvalid(signer, ForgeWithSecret(org, "not json"), kNow, "JSON object");
  ExpectInvalid(signer, ForgeWithSecret(org, "[1,2]"), kNow, "JSON object");
  ExpectInvalid(signer, ForgeWithSecret(org, R"({"org":"00D000000000001"})"), kNow, "incomplete");
  ExpectInvalid(signer,
                ForgeWithSecret(org, R"({"org":"00D000000000001","app":"a","usr":"u",)"
                                     R"("scp":"interaction_api","iat":1,"exp":9e18})"),
                kNow, "incomplete");
  ExpectInvalid(signer,
                ForgeWithSecret(org, R"({"org":"00D000000000001","app":"a","usr":"u",)"
                                     R"("scp":[1],"iat":1,"exp":99999999999999})"),
                kNow, "incomplete");
}

TEST(AccessTokenTest, EmptySecretIsRejected) {
  EXPECT_THROW(TokenSigner(""), std::invalid_argument);
}

TEST(AccessTokenTest, ConcurrentVerifyIsSafe) {
  TokenSigner signer(kSecret);
  const std::string token = signer.Mint(SampleClaims());
  std::string bad = token;
  bad.back() = bad.back() == 'A' ? 'B' : 'A';
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!signer.Verify(token, kNow).ok()) ++failures;
        if (signer.Verify(bad, kNow).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(AccessTokenTest, MovedSignerStillWorks) {
  TokenSigner signer(kSecret);
  std::string token = signer.Mint(SampleClaims());
  TokenSigner moved(std::move(signer));
  EXPECT_TRUE(moved.Verify(token, kNow).ok());
}

}  // namespace
}  // namespace interactiond::auth
