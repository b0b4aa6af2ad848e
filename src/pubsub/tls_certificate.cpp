#include "pubsub/tls_certificate.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace interactiond::pubsub {
namespace {

namespace fs = std::filesystem;

constexpr int kValidityDays = 825;

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

[[noreturn]] void ThrowOpenSsl(const std::string& what) {
  char reason[256] = "unknown error";
  if (const unsigned long code = ERR_get_error(); code != 0) {
    ERR_error_string_n(code, reason, sizeof reason);
  }
  ERR_clear_error();
  throw std::runtime_error("pubsub TLS: " + what + ": " + reason);
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& content, mode_t mode) {
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("pubsub TLS: cannot write " + temporary.string());
    ::chmod(temporary.c_str(), mode);  // before the secret is written into it
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("pubsub TLS: cannot write " + temporary.string());
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec)
    throw std::runtime_error("pubsub TLS: cannot create " + path.string() + ": " + ec.message());
}

BioPtr MemoryBio(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) ThrowOpenSsl("BIO_new_mem_buf");
  return bio;
}

bool Matches(const std::string& certificate_pem, const std::string& key_pem) {
  BioPtr cert_bio = MemoryBio(certificate_pem);
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  BioPtr key_bio = MemoryBio(key_pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  const bool ok = cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  return ok;
}

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) ThrowOpenSsl("adding an extension");
}

std::string TakeMemory(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

TlsMaterial Generate() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) ThrowOpenSsl("generating the P-256 key");
  X509Ptr cert(X509_new());
  if (!cert) ThrowOpenSsl("X509_new");
  uint64_t serial = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1) {
    ThrowOpenSsl("RAND_bytes");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), (serial >> 1) | 1) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), kValidityDays, 0, nullptr) == nullptr ||
      X509_set_pubkey(cert.get(), key.get()) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    ThrowOpenSsl("building the certificate");
  }
  AddExtension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature");
  AddExtension(cert.get(), NID_ext_key_usage, "serverAuth");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) ThrowOpenSsl("signing");
  TlsMaterial out;
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) ThrowOpenSsl("PEM");
  out.certificate_pem = TakeMemory(cert_bio.get());
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!key_bio || PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                           nullptr) != 1) {
    ThrowOpenSsl("PEM");
  }
  out.private_key_pem = TakeMemory(key_bio.get());
  return out;
}

}  // namespace

TlsMaterial LoadOrCreateTlsMaterial(const fs::path& dir) {
  const fs::path cert_path = dir / "pubsub.crt";
  const fs::path key_path = dir / "pubsub.key";
  auto cert = ReadFile(cert_path);
  auto key = ReadFile(key_path);
  if (cert && key && Matches(*cert, *key)) return {*cert, *key};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error("pubsub TLS: cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  TlsMaterial generated = Generate();
  WriteFile(key_path, generated.private_key_pem, 0600);
  WriteFile(cert_path, generated.certificate_pem, 0644);
  return generated;
}

TlsMaterial LoadTlsMaterial(const fs::path& certificate_file, const fs::path& private_key_file) {
  auto cert = ReadFile(certificate_file);
  if (!cert) throw std::runtime_error("pubsub TLS: cannot read " + certificate_file.string());
  auto key = ReadFile(private_key_file);
  if (!key) throw std::runtime_error("pubsub TLS: cannot read " + private_key_file.string());
  if (!Matches(*cert, *key)) {
    throw std::runtime_error("pubsub TLS: " + private_key_file.string() +
                             " is not the key of the certificate " + certificate_file.string());
  }
  return {*cert, *key};
}

}  // namespace interactiond::pubsub
