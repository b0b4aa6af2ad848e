// Typed configuration: one struct for the server, loaded from a YAML file (or the built-in demo
// org), then overridden by command-line flags. Validated once at start-up.
//
// Errors: LoadConfig* throw ConfigError with a message naming the offending key; configuration
// errors are start-up failures, never runtime ones.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "config/org_model.h"

namespace interactiond::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Durability {
  kFull,    // fsync of the write-ahead log before a request is acknowledged (default)
  kNormal,  // SQLite synchronous=NORMAL: survives process crashes, not power loss
  kOff,     // no syncs (benchmarks of everything but the disk)
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8085;
  int threads = 0;  // 0 = one per core
  std::filesystem::path data_dir = "./data";
  Durability durability = Durability::kFull;
  bool request_log = true;
  std::string instance_url;                            // empty = http://<host>:<port>
  uint64_t max_body_bytes = 64ull * 1024 * 1024;       // multipart endpoints
  uint64_t max_json_body_bytes = 1ull * 1024 * 1024;   // JSON endpoints
  int64_t token_ttl_ms = 2ll * 60 * 60 * 1000;         // access tokens from the token endpoint
  int64_t event_retention_ms = 72ll * 60 * 60 * 1000;  // outbound events are kept this long
  // How long the partner has to answer a rep's transfer or conference (RoutingRequested) under
  // partner-owned routing before it fails (api-notes §7.3).
  int64_t routing_window_ms = 60'000;
  int shutdown_grace_ms = 5000;
  // Pub/Sub API (gRPC). Ports: 0 = ephemeral, -1 = listener off.
  int pubsub_port = 7443;                   // TLS
  int pubsub_plaintext_port = 7080;         // plaintext
  int64_t pubsub_keepalive_ms = 270'000;    // empty FetchResponse after this long without one
  int64_t pubsub_idle_timeout_ms = 70'000;  // close a stream that has had no credit this long
  std::string pubsub_tls_certificate_file;  // PEM; empty = self-signed, made in <data>/tls/
  std::string pubsub_tls_key_file;          // PEM; required with the certificate
};

struct Config {
  ServerConfig server;
  std::shared_ptr<const OrgDirectory> orgs;
  std::string source;  // "built-in demo org" or the file path, for the start-up banner
};

// Parses a configuration document. `base_dir` resolves relative `file:` references;
// `demo_certificate_pem` replaces `certificate: demo-generated` (empty: such apps get no
// certificate and cannot use the JWT-bearer flow).
Config LoadConfigFromYaml(const std::string& yaml_text, const std::filesystem::path& base_dir,
                          const std::string& demo_certificate_pem, const std::string& source);

Config LoadConfigFile(const std::filesystem::path& file, const std::string& demo_certificate_pem);

// The built-in demo org (config/demo-org.yaml, embedded at build time).
Config LoadDemoConfig(const std::string& demo_certificate_pem);

}  // namespace interactiond::config
