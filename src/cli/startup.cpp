#include "cli/startup.h"

namespace interactiond::cli {

Startup PrepareStartup(const CommonOptions& options) {
  Startup startup;
  // The configuration names the data dir, and the data dir holds the demo certificate the
  // configuration may refer to: read the server section first, then load for real.
  config::Config preliminary = options.config_file
                                   ? config::LoadConfigFile(*options.config_file, "")
                                   : config::LoadDemoConfig("");
  startup.data_dir =
      options.data_dir ? std::filesystem::path(*options.data_dir) : preliminary.server.data_dir;
  std::filesystem::create_directories(startup.data_dir);
  startup.data_dir = std::filesystem::absolute(startup.data_dir).lexically_normal();
  startup.token_secret = auth::LoadOrCreateTokenSecret(startup.data_dir);
  startup.demo_keys = auth::LoadOrCreateDemoAppKeys(startup.data_dir);
  startup.config = options.config_file ? config::LoadConfigFile(*options.config_file,
                                                                startup.demo_keys.certificate_pem)
                                       : config::LoadDemoConfig(startup.demo_keys.certificate_pem);
  auto& server = startup.config.server;
  server.data_dir = startup.data_dir;
  if (options.host) server.host = *options.host;
  if (options.port) server.port = *options.port;
  startup.base_url = server.instance_url.empty()
                         ? "http://" + server.host + ":" + std::to_string(server.port)
                         : server.instance_url;
  return startup;
}

DemoValues DescribeDemo(const config::Config& config) {
  DemoValues values;
  const auto& orgs = config.orgs->orgs();
  if (orgs.empty()) return values;
  values.org = &orgs.front();
  if (!values.org->connected_apps.empty()) values.app = &values.org->connected_apps.front();
  for (const auto& definition : values.org->channel_definitions) {
    if (values.app && definition.connected_app == values.app->name) {
      values.definition = &definition;
      break;
    }
  }
  for (const auto& channel : values.org->channels) {
    if (values.definition && channel.channel_definition == values.definition->developer_name &&
        channel.active) {
      values.channel = &channel;
      break;
    }
  }
  if (!values.org->users.empty()) values.user = &values.org->users.front();
  return values;
}

}  // namespace interactiond::cli
