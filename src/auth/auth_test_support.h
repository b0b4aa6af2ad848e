// Test-only helpers for the auth tests: temporary directories, RSA keys, hand-built JWTs and a
// small org directory. Header-only on purpose: every .cpp under src/ that is not a *_test.cpp
// goes into the core library, which must not depend on GoogleTest.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "auth/secrets.h"
#include "config/org_model.h"
#include "util/base64url.h"
#include "util/temp_dir.h"

namespace interactiond::auth::testing {

using TempDir = util::TempDir;

// RSA key pairs made once per test binary (key generation costs ~0.1 s each).
inline const KeyPair& TestKeys() {
  static const KeyPair keys = [] {
    TempDir dir;
    return LoadOrCreateDemoAppKeys(dir.path());
  }();
  return keys;
}
inline const KeyPair& OtherTestKeys() {
  static const KeyPair keys = [] {
    TempDir dir;
    return LoadOrCreateDemoAppKeys(dir.path());
  }();
  return keys;
}

// RS256 signature of `signing_input` with a PEM private key.
inline std::string SignRs256(std::string_view signing_input, const std::string& private_key_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
    throw std::runtime_error("cannot set up RS256 signing");
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data, signing_input.size()) != 1)
    throw std::runtime_error("RS256 size query failed");
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, data,
                     signing_input.size()) != 1)
    throw std::runtime_error("RS256 signing failed");
  signature.resize(len);
  return signature;
}

inline std::string HmacSha256(std::string_view data, std::string_view key) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

// A compact JWS `b64(header).b64(payload).b64(signature)` signed RS256 with `private_key_pem`.
inline std::string MakeRs256Jwt(std::string_view payload_json, const std::string& private_key_pem,
                                std::string_view header_json = R"({"alg":"RS256"})") {
  std::string input =
      util::Base64UrlEncode(header_json) + "." + util::Base64UrlEncode(payload_json);
  return input + "." + util::Base64UrlEncode(SignRs256(input, private_key_pem));
}

// The SubjectPublicKeyInfo PEM of a certificate (what an algorithm-confusion attacker would use
// as the HMAC secret).
inline std::string PublicKeyPemOf(const std::string& certificate_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> in(
      BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr), X509_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
  if (!cert || PEM_write_bio_PUBKEY(out.get(), X509_get0_pubkey(cert.get())) != 1)
    throw std::runtime_error("cannot extract public key");
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

inline constexpr char kOrgId[] = "00D000000000001";
inline constexpr char kOrgId18[] = "00D000000000001AAA";
inline constexpr char kOtherOrgId[] = "00D000000000002";
inline constexpr char kAppName[] = "Partner1_App";
inline constexpr char kConsumerKey[] = "3MVG9testConsumerKey.partner1";
inline constexpr char kUserId[] = "005000000000001";
inline constexpr char kUsername[] = "ada@partner1.example";
inline constexpr char kChannelDefinition[] = "Partner1_ChannelDefinition1";
inline constexpr char kBotIntegration[] = "Partner1_BotIntegration1";

// Org 1: Partner1_App (prefix Partner1, interaction_api) with a channel definition and a bot
// integration; Partner2_App in the same org (no interaction_api); a definition of Partner1_App
// whose name lacks the prefix; a definition of Partner2_App. Org 2: Other_App.
inline config::OrgDirectory MakeTestDirectory() {
  config::Org org;
  org.id = kOrgId;
  org.name = "Test Org";
  org.instance_url = "https://test-org.example";
  org.connected_apps.push_back({kAppName,
                                "Partner1",
                                kConsumerKey,
                                TestKeys().certificate_pem,
                                {"interaction_api", "refresh_token"}});
  org.connected_apps.push_back({"Partner2_App",
                                "Partner2",
                                "3MVG9partner2",
                                OtherTestKeys().certificate_pem,
                                {"refresh_token"}});
  config::ChannelDefinition channel;
  channel.developer_name = kChannelDefinition;
  channel.connected_app = kAppName;
  org.channel_definitions.push_back(channel);
  channel.developer_name = "Unprefixed_Definition";  // right app, wrong prefix
  org.channel_definitions.push_back(channel);
  channel.developer_name = "Partner2_ChannelDefinition";
  channel.connected_app = "Partner2_App";
  org.channel_definitions.push_back(channel);
  org.bot_integrations.push_back({kBotIntegration, kAppName, "Partner1_Bot__e"});
  org.users.push_back({kUserId, kUsername, "Ada Agent", true, 5, {}});

  config::Org other;
  other.id = kOtherOrgId;
  other.name = "Other Org";
  other.connected_apps.push_back({"Other_App", "Other", "3MVG9other", "", {"interaction_api"}});
  config::ChannelDefinition other_channel;
  other_channel.developer_name = "Other_ChannelDefinition";
  other_channel.connected_app = "Other_App";
  other.channel_definitions.push_back(other_channel);
  other.users.push_back({"005000000000009", "olga@other.example", "Olga Other", true, 5, {}});

  std::vector<config::Org> orgs;
  orgs.push_back(std::move(org));
  orgs.push_back(std::move(other));
  return config::OrgDirectory(std::move(orgs));
}

}  // namespace interactiond::auth::testing
