#include "auth/secrets.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "auth/auth_test_support.h"

namespace interactiond::auth {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

std::unique_ptr<X509, decltype(&X509_free)> ParseCert(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return {PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free};
}

TEST(TokenSecretTest, CreatesThirtyTwoRandomBytesWithMode0600) {
  TempDir dir;
  std::string secret = LoadOrCreateTokenSecret(dir.path());
  EXPECT_EQ(secret.size(), 32u);
  const fs::path file = dir.path() / "secrets" / "token-signing.key";
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ(ModeOf(file), 0600u);
  EXPECT_EQ(ModeOf(dir.path() / "secrets"), 0700u);
  // No temporary files are left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "secrets"), {}), 1);
}

TEST(TokenSecretTest, ReusesTheStoredSecret) {
  TempDir dir;
  std::string first = LoadOrCreateTokenSecret(dir.path());
  std::string second = LoadOrCreateTokenSecret(dir.path());
  EXPECT_EQ(first, second);
}

TEST(TokenSecretTest, DifferentDirectoriesGetDifferentSecrets) {
  TempDir a, b;
  EXPECT_NE(LoadOrCreateTokenSecret(a.path()), LoadOrCreateTokenSecret(b.path()));
}

TEST(TokenSecretTest, ConcurrentCreatorsAllGetTheSameSecret) {
  // Stands in for several processes starting on one fresh data directory: whoever links the file
  // first wins and the others adopt it.
  for (int round = 0; round < 5; ++round) {
    TempDir dir;
    std::vector<std::string> secrets(6);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < secrets.size(); ++i) {
      threads.emplace_back([&, i] { secrets[i] = LoadOrCreateTokenSecret(dir.path()); });
    }
    for (auto& thread : threads) thread.join();
    for (const std::string& secret : secrets) EXPECT_EQ(secret, secrets[0]);
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "secrets"), {}), 1);
  }
}

TEST(TokenSecretTest, CorruptFileIsAnErrorNotReplaced) {
  TempDir dir;
  fs::create_directories(dir.path() / "secrets");
  const fs::path file = dir.path() / "secrets" / "token-signing.key";
  WriteFile(file, "short");
  EXPECT_THROW(LoadOrCreateTokenSecret(dir.path()), std::runtime_error);
  std::ifstream in(file);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "short");
}

TEST(TokenSecretTest, UnreadableKeyPathThrows) {
  TempDir dir;
  fs::create_directories(dir.path() / "secrets" / "token-signing.key");  // a directory
  EXPECT_THROW(LoadOrCreateTokenSecret(dir.path()), std::runtime_error);
}

TEST(TokenSecretTest, PathThatIsAFileThrows) {
  TempDir dir;
  WriteFile(dir.path() / "not-a-dir", "x");
  EXPECT_THROW(LoadOrCreateTokenSecret(dir.path() / "not-a-dir"), std::runtime_error);
}

TEST(DemoAppKeysTest, CreatesMatchingKeyAndSelfSignedCertificate) {
  TempDir dir;
  KeyPair pair = LoadOrCreateDemoAppKeys(dir.path());
  EXPECT_EQ(pair.private_key_file, dir.path() / "demo" / "connected-app.key");
  EXPECT_EQ(pair.certificate_file, dir.path() / "demo" / "connected-app.crt");
  EXPECT_EQ(ModeOf(pair.private_key_file), 0600u);
  EXPECT_NE(pair.private_key_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_NE(pair.certificate_pem.find("BEGIN CERTIFICATE"), std::string::npos);

  auto cert = ParseCert(pair.certificate_pem);
  ASSERT_TRUE(cert);
  std::array<char, 256> cn{};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn.data(),
                            static_cast<int>(cn.size()));
  EXPECT_STREQ(cn.data(), "interactiond demo connected app");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())), 0);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 2048);
  EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);  // self-signed

  // Valid now, and for about ten years.
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())),
            1);
  EXPECT_GE(days, 3650);
  EXPECT_LE(days, 3654);
  EXPECT_LE(X509_cmp_current_time(X509_get0_notBefore(cert.get())), 0);

  // The certificate belongs to the key.
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pair.private_key_pem.data(), static_cast<int>(pair.private_key_pem.size())),
      BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  ASSERT_TRUE(key);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
}

TEST(DemoAppKeysTest, ReusesExistingPair) {
  TempDir dir;
  KeyPair first = LoadOrCreateDemoAppKeys(dir.path());
  KeyPair second = LoadOrCreateDemoAppKeys(dir.path());
  EXPECT_EQ(first.private_key_pem, second.private_key_pem);
  EXPECT_EQ(first.certificate_pem, second.certificate_pem);
}

TEST(DemoAppKeysTest, RegeneratesWhenCertificateIsMissingOrForeign) {
  TempDir dir;
  KeyPair first = LoadOrCreateDemoAppKeys(dir.path());
  fs::remove(first.certificate_file);
  KeyPair second = LoadOrCreateDemoAppKeys(dir.path());
  EXPECT_NE(first.private_key_pem, second.private_key_pem);

  // A certificate of another key: detected and repaired.
  WriteFile(second.certificate_file, testing::OtherTestKeys().certificate_pem);
  KeyPair third = LoadOrCreateDemoAppKeys(dir.path());
  EXPECT_NE(third.certificate_pem, testing::OtherTestKeys().certificate_pem);
  KeyPair fourth = LoadOrCreateDemoAppKeys(dir.path());
  EXPECT_EQ(third.private_key_pem, fourth.private_key_pem);
  EXPECT_EQ(third.certificate_pem, fourth.certificate_pem);
}

}  // namespace
}  // namespace interactiond::auth
