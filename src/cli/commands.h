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
  std::optional<int> pubsub_port;            // TLS; 0 = ephemeral, -1 = off
  std::optional<int> pubsub_plaintext_port;  // 0 = ephemeral, -1 = off
  std::optional<int64_t> pubsub_keepalive_ms;
  std::optional<int64_t> pubsub_idle_timeout_ms;
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
