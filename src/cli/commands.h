// The binary's subcommands. Each returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace interactiond::cli {

struct CommonOptions {
  std::optional<std::string> config_file;
  std::optional<std::string> data_dir;
  std::optional<std::string> host;
  std::optional<uint16_t> port;
};

struct ServeOptions {
  CommonOptions common;
  std::optional<int> threads;
  std::optional<std::string> durability;
  bool no_request_log = false;
};

struct TokenOptions {
  CommonOptions common;
  std::optional<std::string> org_id;
  std::optional<std::string> app;
  std::optional<std::string> user;
  std::vector<std::string> scopes;
  int64_t ttl_seconds = 2 * 60 * 60;
};

int Serve(const ServeOptions& options);
int DemoEnv(const CommonOptions& options);
int Token(const TokenOptions& options);

}  // namespace interactiond::cli
