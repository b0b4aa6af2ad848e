// Key material that lives in the data directory: the access-token signing secret and the demo
// connected app's RSA key pair and certificate. Both are created on first start and reused, so
// tokens and the demo certificate survive restarts.
//
// Start-up edge: these functions throw std::runtime_error (with the path and the OS or OpenSSL
// reason) on any I/O or crypto failure; they are not for the request path.
// Thread-safety: call from one thread at start-up. Two processes creating the same file at once
// are tolerated for the token secret (both end up with the same one); see LoadOrCreateDemoAppKeys
// for the key pair.
#pragma once

#include <filesystem>
#include <string>

namespace interactiond::auth {

// 32 random bytes (OpenSSL RAND_bytes) kept in `<data_dir>/secrets/token-signing.key`, mode 0600
// (directory 0700). Written atomically: temporary file, fsync, link into place (never replacing
// a file another process just created), fsync of the directory. A file that exists but does not
// hold exactly 32 bytes is an error, not silently replaced: replacing it would revoke every token.
std::string LoadOrCreateTokenSecret(const std::filesystem::path& data_dir);

struct KeyPair {
  std::string private_key_pem;  // PKCS#8 "BEGIN PRIVATE KEY", unencrypted
  std::string certificate_pem;  // X.509 "BEGIN CERTIFICATE"
  std::filesystem::path private_key_file;
  std::filesystem::path certificate_file;
};

// The demo connected app's RSA-2048 key (`<data_dir>/demo/connected-app.key`, mode 0600) and its
// self-signed certificate (`<data_dir>/demo/connected-app.crt`, CN=interactiond demo connected
// app, SHA-256, valid 10 years), so a user can sign JWT-bearer assertions for the demo org.
// Existing files are reused when both parse and the certificate belongs to the key; otherwise a
// new pair is generated and both files are replaced (each atomically, key first). Two processes
// generating at the same moment each return a consistent pair, but the files keep the last one.
KeyPair LoadOrCreateDemoAppKeys(const std::filesystem::path& data_dir);

}  // namespace interactiond::auth
