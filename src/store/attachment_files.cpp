#include "store/attachment_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>

#include <openssl/evp.h>

namespace interactiond::store {
namespace {

bool WriteAllAndSync(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return ::fsync(fd) == 0;
}

void SyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

AttachmentFiles::AttachmentFiles(std::filesystem::path data_dir)
    : root_(std::move(data_dir) / "attachments") {}

domain::Result<std::string> AttachmentFiles::Put(std::string_view bytes) {
  static std::atomic<uint64_t> temp_counter{0};
  const std::string sha = Sha256Hex(bytes);
  const std::filesystem::path dir = root_ / sha.substr(0, 2);
  const std::filesystem::path final_path = dir / sha;
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec)) return sha;
  std::filesystem::create_directories(dir, ec);
  if (ec) return domain::Error::Of(500, "attachments dir: " + ec.message());
  const std::filesystem::path temp =
      dir / (sha + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++temp_counter));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return domain::Error::Of(500, std::string("attachment open: ") + strerror(errno));
  const bool written = WriteAllAndSync(fd, bytes);
  ::close(fd);
  if (!written || ::rename(temp.c_str(), final_path.c_str()) != 0) {
    std::filesystem::remove(temp, ec);
    return domain::Error::Of(500, std::string("attachment write: ") + strerror(errno));
  }
  SyncDirectory(dir);
  return sha;
}

std::optional<std::filesystem::path> AttachmentFiles::Find(std::string_view sha256) const {
  if (sha256.size() != 64) return std::nullopt;
  for (char c : sha256) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  std::filesystem::path path = root_ / std::string(sha256.substr(0, 2)) / std::string(sha256);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  return path;
}

}  // namespace interactiond::store
