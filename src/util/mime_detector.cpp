#include "util/mime_detector.h"

#include <magic.h>

#include <array>
#include <utility>

namespace interactiond::util {
namespace {

class MagicHandle {
 public:
  MagicHandle() : cookie_(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR)) {
    if (cookie_ != nullptr && magic_load(cookie_, nullptr) != 0) {
      magic_close(cookie_);
      cookie_ = nullptr;
    }
  }
  ~MagicHandle() {
    if (cookie_ != nullptr) magic_close(cookie_);
  }
  MagicHandle(const MagicHandle&) = delete;
  MagicHandle& operator=(const MagicHandle&) = delete;
  magic_t get() const { return cookie_; }

 private:
  magic_t cookie_;
};

// libmagic's names for types the service lists under another name.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kAliases = {{
    {"image/x-ms-bmp", "image/bmp"},
    {"image/x-bmp", "image/bmp"},
    {"audio/x-m4a", "audio/mp4"},
    {"video/x-m4v", "video/mp4"},
    {"audio/x-mpeg", "audio/mpeg"},
}};

}  // namespace

std::string DetectMimeType(std::string_view bytes) {
  thread_local MagicHandle handle;
  if (handle.get() == nullptr || bytes.empty()) return {};
  const char* detected = magic_buffer(handle.get(), bytes.data(), bytes.size());
  if (detected == nullptr) return {};
  std::string_view type(detected);
  if (type == "application/octet-stream" || type.rfind("inode/", 0) == 0) return {};
  for (const auto& [alias, name] : kAliases) {
    if (type == alias) return std::string(name);
  }
  return std::string(type);
}

}  // namespace interactiond::util
