// Attachment bytes on disk, content-addressed: <data dir>/attachments/<2 hex>/<sha-256>. Writing
// the same bytes twice stores them once. A file is synced and renamed into place before Put
// returns, so an entry that references it is never committed ahead of its bytes.
//
// Threading: safe from any thread (files are written under unique temporary names).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace interactiond::store {

class AttachmentFiles {
 public:
  explicit AttachmentFiles(std::filesystem::path data_dir);

  // Stores the bytes; returns their SHA-256 (lower-case hex). Error 500 on I/O failure.
  domain::Result<std::string> Put(std::string_view bytes);

  // The file for a digest, when stored. Rejects anything that is not a 64-hex-digit digest.
  std::optional<std::filesystem::path> Find(std::string_view sha256) const;

 private:
  std::filesystem::path root_;
};

std::string Sha256Hex(std::string_view bytes);

}  // namespace interactiond::store
