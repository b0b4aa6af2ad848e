#include "auth/secrets.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstddef>
#include <stdexcept>
#include <utility>

#include "util/files.h"
#include "util/openssl_handles.h"
#include "util/self_signed_certificate.h"

namespace interactiond::auth {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kTokenSecretSize = 32;
constexpr int kDemoCertValidityDays = 3653;  // 10 years, leap days included
constexpr char kDemoCertCommonName[] = "interactiond demo connected app";

std::string CheckedSecret(std::string content, const fs::path& path) {
  if (content.size() != kTokenSecretSize) {
    throw std::runtime_error("token signing key " + path.string() + " holds " +
                             std::to_string(content.size()) + " bytes, expected " +
                             std::to_string(kTokenSecretSize) +
                             " (delete it to create a new one; existing tokens become invalid)");
  }
  return content;
}

KeyPair GenerateDemoKeyPair() {
  // RSA: the demo user signs RS256 JWT-bearer assertions with this key.
  util::SelfSignedCertificate generated = util::GenerateSelfSignedCertificate({
      .key_type = util::KeyType::kRsa2048,
      .common_name = kDemoCertCommonName,
      .validity_days = kDemoCertValidityDays,
      .subject_key_identifier = true,
  });
  KeyPair pair;
  pair.private_key_pem = std::move(generated.private_key_pem);
  pair.certificate_pem = std::move(generated.certificate_pem);
  return pair;
}

}  // namespace

std::string LoadOrCreateTokenSecret(const fs::path& data_dir) {
  const fs::path dir = data_dir / "secrets";
  const fs::path path = dir / "token-signing.key";
  if (auto existing = util::ReadFileIfExists(path))
    return CheckedSecret(std::move(*existing), path);

  util::EnsureDirectory(dir, fs::perms::owner_all);
  std::string secret(kTokenSecretSize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()),
                 static_cast<int>(secret.size())) != 1) {
    util::ThrowOpenSsl("RAND_bytes failed");
  }
  if (util::WriteFileAtomically(path, secret, 0600, util::Install::kKeepExisting)) return secret;
  // Another process created it between our read and our link: use theirs, so both agree.
  OPENSSL_cleanse(secret.data(), secret.size());
  auto existing = util::ReadFileIfExists(path);
  if (!existing) throw std::runtime_error("token signing key " + path.string() + " vanished");
  return CheckedSecret(std::move(*existing), path);
}

KeyPair LoadOrCreateDemoAppKeys(const fs::path& data_dir) {
  const fs::path dir = data_dir / "demo";
  const fs::path key_path = dir / "connected-app.key";
  const fs::path cert_path = dir / "connected-app.crt";

  auto key_pem = util::ReadFileIfExists(key_path);
  auto cert_pem = util::ReadFileIfExists(cert_path);
  // Unusable files (unparsable, or a certificate of another key) are regenerated below.
  if (key_pem && cert_pem && util::CertificateMatchesKey(*cert_pem, *key_pem)) {
    return KeyPair{std::move(*key_pem), std::move(*cert_pem), key_path, cert_path};
  }

  util::EnsureDirectory(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
  KeyPair pair = GenerateDemoKeyPair();
  pair.private_key_file = key_path;
  pair.certificate_file = cert_path;
  // Key first: a crash in between leaves a new key with an old certificate, which the next start
  // detects (X509_check_private_key) and repairs.
  util::WriteFileAtomically(key_path, pair.private_key_pem, 0600, util::Install::kReplace);
  util::WriteFileAtomically(cert_path, pair.certificate_pem, 0644, util::Install::kReplace);
  return pair;
}

}  // namespace interactiond::auth
