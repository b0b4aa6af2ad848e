#include "pubsub/tls_certificate.h"

#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "util/files.h"
#include "util/self_signed_certificate.h"

namespace interactiond::pubsub {
namespace {

namespace fs = std::filesystem;

// An unreadable file (not only a missing one) counts as absent: the generated pair then
// replaces it, and a configured file reports "cannot read".
std::optional<std::string> ReadFile(const fs::path& path) {
  try {
    return util::ReadFileIfExists(path);
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

TlsMaterial Generate() {
  util::SelfSignedCertificate generated = util::GenerateSelfSignedCertificate({
      .key_type = util::KeyType::kEcP256,
      .common_name = "localhost",
      .subject_alt_names = {"DNS:localhost", "IP:127.0.0.1", "IP:::1"},
      .validity_days = 825,  // the longest lifetime Apple clients accept
      .backdate_seconds = 60,
      .extended_key_usage = "serverAuth",
  });
  return TlsMaterial{std::move(generated.certificate_pem), std::move(generated.private_key_pem)};
}

}  // namespace

TlsMaterial LoadOrCreateTlsMaterial(const fs::path& dir) {
  const fs::path cert_path = dir / "pubsub.crt";
  const fs::path key_path = dir / "pubsub.key";
  auto cert = ReadFile(cert_path);
  auto key = ReadFile(key_path);
  if (cert && key && util::CertificateMatchesKey(*cert, *key)) return {*cert, *key};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error("pubsub TLS: cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  try {
    TlsMaterial generated = Generate();
    util::WriteFileAtomically(key_path, generated.private_key_pem, 0600, util::Install::kReplace);
    util::WriteFileAtomically(cert_path, generated.certificate_pem, 0644, util::Install::kReplace);
    return generated;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("pubsub TLS: ") + e.what());
  }
}

TlsMaterial LoadTlsMaterial(const fs::path& certificate_file, const fs::path& private_key_file) {
  auto cert = ReadFile(certificate_file);
  if (!cert) throw std::runtime_error("pubsub TLS: cannot read " + certificate_file.string());
  auto key = ReadFile(private_key_file);
  if (!key) throw std::runtime_error("pubsub TLS: cannot read " + private_key_file.string());
  if (!util::CertificateMatchesKey(*cert, *key)) {
    throw std::runtime_error("pubsub TLS: " + private_key_file.string() +
                             " is not the key of the certificate " + certificate_file.string());
  }
  return {*cert, *key};
}

}  // namespace interactiond::pubsub
