#include "auth/secrets.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>

namespace interactiond::auth {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kTokenSecretSize = 32;
constexpr int kDemoKeyBits = 2048;
constexpr long kDemoCertValidityDays = 3653;  // 10 years, leap days included
constexpr char kDemoCertCommonName[] = "interactiond demo connected app";

template <auto kFree>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;

[[noreturn]] void ThrowOpenSsl(const std::string& what) {
  std::string message = what;
  if (unsigned long code = ERR_get_error(); code != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(code, buf.data(), buf.size());
    message += ": ";
    message += buf.data();
  }
  ERR_clear_error();
  throw std::runtime_error(message);
}

[[noreturn]] void ThrowErrno(const std::string& what, const fs::path& path, int err) {
  throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(err));
}

// Closes on scope exit so every error path releases the descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// nullopt when the file does not exist.
std::optional<std::string> ReadFileIfExists(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    ThrowErrno("cannot open", path, errno);
  }
  std::string content;
  std::array<char, 4096> buf{};
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("cannot read", path, errno);
    }
    if (n == 0) break;
    content.append(buf.data(), static_cast<std::size_t>(n));
  }
  return content;
}

void FsyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) ThrowErrno("cannot open directory", dir, errno);
  if (::fsync(fd.get()) != 0) ThrowErrno("cannot fsync directory", dir, errno);
}

std::string RandomSuffix() {
  std::uint64_t r = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r) != 1) {
    ThrowOpenSsl("RAND_bytes failed");
  }
  return std::to_string(::getpid()) + "-" + std::to_string(r);
}

enum class Install { kReplace, kKeepExisting };

// Writes `content` to a temporary file beside `target`, fsyncs it, then installs it: kReplace
// renames over `target`; kKeepExisting hard-links it into place, which fails if `target` exists
// (then nothing is changed and false is returned). The directory is fsynced so the new name is
// durable. Readers see either no file or a complete one.
bool WriteFileAtomically(const fs::path& target, std::string_view content, mode_t mode,
                         Install install) {
  const fs::path dir = target.parent_path();
  const fs::path temp = dir / ("." + target.filename().string() + ".tmp-" + RandomSuffix());
  {
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.get() < 0) ThrowErrno("cannot create", temp, errno);
    // The umask may have removed bits we want (or the mode must be exact for secrets).
    if (::fchmod(fd.get(), mode) != 0) {
      int err = errno;
      ::unlink(temp.c_str());
      ThrowErrno("cannot chmod", temp, err);
    }
    std::size_t written = 0;
    while (written < content.size()) {
      ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::unlink(temp.c_str());
        ThrowErrno("cannot write", temp, err);
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0 || ::close(fd.Release()) != 0) {
      int err = errno;
      ::unlink(temp.c_str());
      ThrowErrno("cannot flush", temp, err);
    }
  }
  bool installed = true;
  if (install == Install::kReplace) {
    if (::rename(temp.c_str(), target.c_str()) != 0) {
      int err = errno;
      ::unlink(temp.c_str());
      ThrowErrno("cannot rename into place", target, err);
    }
  } else {
    if (::link(temp.c_str(), target.c_str()) != 0) {
      int err = errno;
      ::unlink(temp.c_str());
      if (err != EEXIST) ThrowErrno("cannot link into place", target, err);
      installed = false;
    } else {
      ::unlink(temp.c_str());
    }
  }
  FsyncDirectory(dir);
  return installed;
}

// Creates `dir` (and parents); a directory this call creates gets `mode`.
void EnsureDirectory(const fs::path& dir, fs::perms mode) {
  std::error_code ec;
  bool created = fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create directory " + dir.string() + ": " + ec.message());
  if (created) {
    fs::permissions(dir, mode, fs::perm_options::replace, ec);
    if (ec) throw std::runtime_error("cannot chmod " + dir.string() + ": " + ec.message());
  }
}

std::string CheckedSecret(std::string content, const fs::path& path) {
  if (content.size() != kTokenSecretSize) {
    throw std::runtime_error("token signing key " + path.string() + " holds " +
                             std::to_string(content.size()) + " bytes, expected " +
                             std::to_string(kTokenSecretSize) +
                             " (delete it to create a new one; existing tokens become invalid)");
  }
  return content;
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

PkeyPtr ParsePrivateKey(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

X509Ptr ParseCertificate(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    ThrowOpenSsl("cannot add certificate extension");
}

KeyPair GenerateDemoKeyPair() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(kDemoKeyBits)));
  if (!key) ThrowOpenSsl("RSA key generation failed");

  X509Ptr cert(X509_new());
  if (!cert) ThrowOpenSsl("X509_new failed");
  std::uint64_t serial = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1) {
    ThrowOpenSsl("RAND_bytes failed");
  }
  serial &= 0x7FFFFFFFFFFFFFFFULL;  // a positive serial, as RFC 5280 requires
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial | 1) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), kDemoCertValidityDays, 0, nullptr) ==
          nullptr ||
      X509_set_pubkey(cert.get(), key.get()) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(kDemoCertCommonName), -1,
                                 -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    ThrowOpenSsl("cannot build the demo certificate");
  }
  AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature");
  AddExtension(cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    ThrowOpenSsl("cannot sign the demo certificate");
  }

  KeyPair pair;
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (!key_bio || !cert_bio ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    ThrowOpenSsl("cannot encode the demo key pair as PEM");
  }
  pair.private_key_pem = BioContents(key_bio.get());
  pair.certificate_pem = BioContents(cert_bio.get());
  return pair;
}

}  // namespace

std::string LoadOrCreateTokenSecret(const fs::path& data_dir) {
  const fs::path dir = data_dir / "secrets";
  const fs::path path = dir / "token-signing.key";
  if (auto existing = ReadFileIfExists(path)) return CheckedSecret(std::move(*existing), path);

  EnsureDirectory(dir, fs::perms::owner_all);
  std::string secret(kTokenSecretSize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()),
                 static_cast<int>(secret.size())) != 1) {
    ThrowOpenSsl("RAND_bytes failed");
  }
  if (WriteFileAtomically(path, secret, 0600, Install::kKeepExisting)) return secret;
  // Another process created it between our read and our link: use theirs, so both agree.
  OPENSSL_cleanse(secret.data(), secret.size());
  auto existing = ReadFileIfExists(path);
  if (!existing) throw std::runtime_error("token signing key " + path.string() + " vanished");
  return CheckedSecret(std::move(*existing), path);
}

KeyPair LoadOrCreateDemoAppKeys(const fs::path& data_dir) {
  const fs::path dir = data_dir / "demo";
  const fs::path key_path = dir / "connected-app.key";
  const fs::path cert_path = dir / "connected-app.crt";

  auto key_pem = ReadFileIfExists(key_path);
  auto cert_pem = ReadFileIfExists(cert_path);
  if (key_pem && cert_pem) {
    PkeyPtr key = ParsePrivateKey(*key_pem);
    X509Ptr cert = ParseCertificate(*cert_pem);
    if (key && cert && X509_check_private_key(cert.get(), key.get()) == 1) {
      return KeyPair{std::move(*key_pem), std::move(*cert_pem), key_path, cert_path};
    }
    ERR_clear_error();  // unusable files: fall through and regenerate them
  }

  EnsureDirectory(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  KeyPair pair = GenerateDemoKeyPair();
  pair.private_key_file = key_path;
  pair.certificate_file = cert_path;
  // Key first: a crash in between leaves a new key with an old certificate, which the next start
  // detects (X509_check_private_key) and repairs.
  WriteFileAtomically(key_path, pair.private_key_pem, 0600, Install::kReplace);
  WriteFileAtomically(cert_path, pair.certificate_pem, 0644, Install::kReplace);
  return pair;
}

}  // namespace interactiond::auth
