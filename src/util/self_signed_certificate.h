// Self-signed X.509 certificates for the key material the daemon creates on first start (the
// Pub/Sub TLS certificate, the demo connected app's certificate), and the check that a stored
// certificate still belongs to its key.
//
// Errors: GenerateSelfSignedCertificate throws std::runtime_error naming the failed step and the
// OpenSSL reason (start-up only); CertificateMatchesKey never throws.
// Thread-safety: free functions with no shared state; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace interactiond::util {

enum class KeyType {
  kRsa2048,  // what JWT-bearer (RS256) clients sign with
  kEcP256,   // small and fast for TLS
};

struct SelfSignedCertificateOptions {
  KeyType key_type = KeyType::kEcP256;
  std::string common_name{};  // subject and issuer CN (the only name component)
  // subjectAltName entries in OpenSSL config syntax ("DNS:localhost", "IP:::1"); none → no
  // subjectAltName extension.
  std::vector<std::string> subject_alt_names{};
  int validity_days = 0;  // notAfter = now + this
  // notBefore = now - this: tolerates clients whose clock is a little behind ours.
  long backdate_seconds = 0;
  // extendedKeyUsage value ("serverAuth"); nullopt → no extendedKeyUsage extension.
  std::optional<std::string> extended_key_usage{};
  bool subject_key_identifier = false;  // adds subjectKeyIdentifier=hash
};

struct SelfSignedCertificate {
  std::string private_key_pem;  // PKCS#8 "BEGIN PRIVATE KEY", unencrypted
  std::string certificate_pem;  // X.509 "BEGIN CERTIFICATE"
};

// A fresh key of `options.key_type` and a v3 certificate for it, signed with itself (SHA-256),
// with a random positive odd 63-bit serial. Extensions, in this order: subjectAltName (if any),
// basicConstraints=critical,CA:FALSE, keyUsage=critical,digitalSignature, extendedKeyUsage (if
// set), subjectKeyIdentifier (if set).
SelfSignedCertificate GenerateSelfSignedCertificate(const SelfSignedCertificateOptions& options);

// True when both PEMs parse and the certificate's public key is that of the private key. Clears
// the OpenSSL error queue, so a mismatch leaves nothing behind for unrelated code.
bool CertificateMatchesKey(const std::string& certificate_pem, const std::string& private_key_pem);

}  // namespace interactiond::util
