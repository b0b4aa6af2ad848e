// Reading and durably writing the files the daemon keeps in its data directory (secrets, keys,
// certificates, attachment bytes).
//
// Errors: every function throws std::runtime_error naming the path and the OS reason.
// Thread-safety: no shared state. Concurrent writers of one target (threads or processes) each
// use their own temporary file, so readers only ever see no file or a complete one.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace interactiond::util {

// The whole file; nullopt when it does not exist (ENOENT). Any other failure (permission denied,
// a directory) throws: a caller that silently treated that as "missing" might replace a secret.
std::optional<std::string> ReadFileIfExists(const std::filesystem::path& path);

enum class Install {
  kReplace,       // rename over the target: the last writer wins
  kKeepExisting,  // hard-link into place: fails if the target exists, so the first writer wins
};

// Writes `content` to a new temporary file beside `target` with exactly `mode` (whatever the
// umask), fsyncs it, installs it as `install` says, then fsyncs the directory so the new name is
// durable. Returns false only for kKeepExisting when `target` already existed (nothing changed;
// read the existing file so two starting processes agree on one content). The temporary file is
// removed on every path.
bool WriteFileAtomically(const std::filesystem::path& target, std::string_view content, mode_t mode,
                         Install install);

// Creates `dir` and missing parents; only a directory this call creates gets `mode` (an existing
// one is left as the operator set it).
void EnsureDirectory(const std::filesystem::path& dir, std::filesystem::perms mode);

}  // namespace interactiond::util
