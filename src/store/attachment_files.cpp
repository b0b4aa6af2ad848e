#include "store/attachment_files.h"

#include <cctype>

#include <openssl/evp.h>

#include "util/files.h"

namespace interactiond::store {

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
  const std::string sha = Sha256Hex(bytes);
  const std::filesystem::path dir = root_ / sha.substr(0, 2);
  const std::filesystem::path final_path = dir / sha;
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec)) return sha;
  try {
    std::filesystem::create_directories(dir);
    // Content-addressed: when another request stored the same bytes first, its file is ours too.
    util::WriteFileAtomically(final_path, bytes, 0644, util::Install::kKeepExisting);
  } catch (const std::exception& e) {
    return domain::Error::Of(500, std::string("attachment write: ") + e.what());
  }
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
