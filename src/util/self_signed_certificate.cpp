#include "util/self_signed_certificate.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstddef>
#include <cstdint>

#include "util/openssl_handles.h"

namespace interactiond::util {
namespace {

constexpr std::size_t kRsaBits = 2048;

PkeyPtr GenerateKey(KeyType type) {
  PkeyPtr key;
  switch (type) {
    case KeyType::kRsa2048:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", kRsaBits));
      break;
    case KeyType::kEcP256:
      key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
      break;
  }
  if (!key) ThrowOpenSsl("self-signed certificate: cannot generate the key");
  return key;
}

void AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    ThrowOpenSsl("self-signed certificate: cannot add extension " + value);
  }
}

std::string Join(const std::vector<std::string>& parts, char separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace

SelfSignedCertificate GenerateSelfSignedCertificate(const SelfSignedCertificateOptions& options) {
  PkeyPtr key = GenerateKey(options.key_type);
  X509Ptr cert(X509_new());
  if (!cert) ThrowOpenSsl("self-signed certificate: X509_new failed");
  std::uint64_t serial = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1) {
    ThrowOpenSsl("self-signed certificate: RAND_bytes failed");
  }
  serial &= 0x7FFFFFFFFFFFFFFFULL;  // a positive serial, as RFC 5280 requires
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial | 1) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -options.backdate_seconds) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), options.validity_days, 0, nullptr) ==
          nullptr ||
      X509_set_pubkey(cert.get(), key.get()) != 1 ||
      X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_ASC,
          reinterpret_cast<const unsigned char*>(options.common_name.c_str()), -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    ThrowOpenSsl("self-signed certificate: cannot build the certificate");
  }
  if (!options.subject_alt_names.empty()) {
    AddExtension(cert.get(), NID_subject_alt_name, Join(options.subject_alt_names, ','));
  }
  AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature");
  if (options.extended_key_usage) {
    AddExtension(cert.get(), NID_ext_key_usage, *options.extended_key_usage);
  }
  if (options.subject_key_identifier) {
    AddExtension(cert.get(), NID_subject_key_identifier, "hash");
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    ThrowOpenSsl("self-signed certificate: cannot sign the certificate");
  }

  BioPtr key_bio(BIO_new(BIO_s_mem()));
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (!key_bio || !cert_bio ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    ThrowOpenSsl("self-signed certificate: cannot encode the key pair as PEM");
  }
  return SelfSignedCertificate{MemoryBioContents(key_bio.get()), MemoryBioContents(cert_bio.get())};
}

bool CertificateMatchesKey(const std::string& certificate_pem, const std::string& private_key_pem) {
  X509Ptr cert = ParseCertificatePem(certificate_pem);
  PkeyPtr key = ParsePrivateKeyPem(private_key_pem);
  const bool matches = cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  return matches;
}

}  // namespace interactiond::util
