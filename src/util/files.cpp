#include "util/files.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "util/openssl_handles.h"

namespace interactiond::util {
namespace {

namespace fs = std::filesystem;

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

void FsyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) ThrowErrno("cannot open directory", dir, errno);
  if (::fsync(fd.get()) != 0) ThrowErrno("cannot fsync directory", dir, errno);
}

// Unique across processes (pid) and across threads of one process (random).
std::string RandomSuffix() {
  std::uint64_t r = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r) != 1) {
    ThrowOpenSsl("RAND_bytes failed");
  }
  return std::to_string(::getpid()) + "-" + std::to_string(r);
}

}  // namespace

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

void EnsureDirectory(const fs::path& dir, fs::perms mode) {
  std::error_code ec;
  const bool created = fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create directory " + dir.string() + ": " + ec.message());
  if (created) {
    fs::permissions(dir, mode, fs::perm_options::replace, ec);
    if (ec) throw std::runtime_error("cannot chmod " + dir.string() + ": " + ec.message());
  }
}

}  // namespace interactiond::util
