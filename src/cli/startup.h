// Start-up steps shared by the subcommands: resolve the data dir, create or load the secrets in it,
// load the configuration, and describe the demo values.
//
// Errors: throw config::ConfigError / std::runtime_error with a message for the operator.
#pragma once

#include <filesystem>
#include <string>

#include "auth/secrets.h"
#include "cli/commands.h"
#include "config/config.h"

namespace interactiond::cli {

struct Startup {
  config::Config config;
  std::filesystem::path data_dir;
  std::string token_secret;
  auth::KeyPair demo_keys;
  std::string base_url;
};

Startup PrepareStartup(const CommonOptions& options);

// The first org / app / definition / channel / user of the configuration: what the banner and
// demo-env describe.
struct DemoValues {
  const config::Org* org = nullptr;
  const config::ConnectedApp* app = nullptr;
  const config::ChannelDefinition* definition = nullptr;
  const config::MessagingChannel* channel = nullptr;
  const config::User* user = nullptr;
};
DemoValues DescribeDemo(const config::Config& config);

}  // namespace interactiond::cli
