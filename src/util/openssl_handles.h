// RAII owners for the OpenSSL (and other C library) objects the daemon creates, plus the few
// PEM/BIO conversions several units need. One definition here so every caller frees with the
// right function and reports OpenSSL failures the same way.
//
// Ownership: each alias owns its object and frees it on destruction; the parse helpers return
// owners (null when the input does not parse).
// Errors: ThrowOpenSsl throws std::runtime_error; the parse helpers never throw and leave the
// OpenSSL error queue as they found it after a failure (callers decide whether to clear it).
// Thread-safety: free functions with no shared state; OpenSSL's error queue is per thread.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

namespace interactiond::util {

// Deletes with a C library's free function, e.g. std::unique_ptr<jwt_t, CDeleter<jwt_free>>.
template <auto kFree>
struct CDeleter {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};

using BioPtr = std::unique_ptr<BIO, CDeleter<BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, CDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, CDeleter<X509_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, CDeleter<X509_EXTENSION_free>>;

// Throws std::runtime_error("<what>: <reason of the oldest queued OpenSSL error>"), or just
// "<what>" when the queue is empty. The queue is cleared either way so no stale error is
// reported by the next failure on this thread.
[[noreturn]] void ThrowOpenSsl(const std::string& what);

// A read-only memory BIO over `data`, which must outlive it. Null on allocation failure.
BioPtr MemoryBio(std::string_view data);

// Everything written to a memory BIO (BIO_s_mem) so far.
std::string MemoryBioContents(BIO* bio);

// The first PEM private key (any PEM private key format) / certificate in `pem`; null if none.
PkeyPtr ParsePrivateKeyPem(std::string_view pem);
X509Ptr ParseCertificatePem(std::string_view pem);

}  // namespace interactiond::util
