// The Pub/Sub API's TLS server certificate. Clients always use TLS (the Node client has no
// plaintext mode), so a fresh data dir gets a self-signed certificate that clients accept with
// certificate verification turned off (the Node client's `rejectUnauthorizedSsl: false`).
//
// Errors: throw std::runtime_error naming the path or the OpenSSL failure (start-up only).
// Thread-safety: call from one thread at start-up.
#pragma once

#include <filesystem>
#include <string>

namespace interactiond::pubsub {

struct TlsMaterial {
  std::string certificate_pem;  // X.509 "BEGIN CERTIFICATE" (may be a chain)
  std::string private_key_pem;  // PKCS#8 "BEGIN PRIVATE KEY"
};

// `<dir>/pubsub.crt` and `<dir>/pubsub.key`. When either is missing or they do not belong
// together, a new pair is generated and both files written (key mode 0600, each atomically: a
// temporary file, fsync and a rename): ECDSA P-256, self-signed, CN=localhost, subjectAltName
// DNS:localhost, IP:127.0.0.1, IP:::1, valid 825 days (the longest lifetime Apple clients accept).
TlsMaterial LoadOrCreateTlsMaterial(const std::filesystem::path& dir);

// Reads a certificate chain and key given in the configuration.
TlsMaterial LoadTlsMaterial(const std::filesystem::path& certificate_file,
                            const std::filesystem::path& private_key_file);

}  // namespace interactiond::pubsub
