// interactiond: a self-hosted implementation of the Interaction Service API.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"

namespace {

void AddCommon(CLI::App& command, interactiond::cli::CommonOptions& common) {
  command.add_option("--config", common.config_file,
                     "configuration file (YAML); default: the built-in demo org");
  command.add_option("--data", common.data_dir, "data directory (store, attachments, secrets)");
  command.add_option("--host", common.host, "address to listen on / to report in URLs");
  command.add_option("--port", common.port, "port (0 = ephemeral)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"interactiond — a self-hosted Interaction Service API"};
  app.require_subcommand(0, 1);

  interactiond::cli::ServeOptions serve;
  auto* serve_command = app.add_subcommand("serve", "run the server (the default)");
  AddCommon(*serve_command, serve.common);
  serve_command->add_option("--threads", serve.threads, "I/O threads (0 = one per core)");
  serve_command->add_option("--durability", serve.durability, "full | normal | off");
  serve_command->add_flag("--no-request-log", serve.no_request_log, "do not log each request");
  serve_command
      ->add_option("--pubsub-port", serve.pubsub_port,
                   "Pub/Sub API TLS port (default 7443; 0 = ephemeral, -1 = off)")
      ->check(CLI::Range(-1, 65535));
  serve_command
      ->add_option("--pubsub-plaintext-port", serve.pubsub_plaintext_port,
                   "Pub/Sub API plaintext port (default 7080; 0 = ephemeral, -1 = off)")
      ->check(CLI::Range(-1, 65535));
  serve_command
      ->add_option("--pubsub-keepalive-ms", serve.pubsub_keepalive_ms,
                   "Pub/Sub keepalive interval (default 270000)")
      ->check(CLI::Range(int64_t{100}, int64_t{270000}));
  serve_command
      ->add_option("--pubsub-idle-timeout-ms", serve.pubsub_idle_timeout_ms,
                   "close Subscribe streams without credit after this long (default 70000)")
      ->check(CLI::Range(int64_t{100}, int64_t{86400000}));

  interactiond::cli::CommonOptions demo_env;
  auto* demo_env_command =
      app.add_subcommand("demo-env", "print the demo org's values as shell KEY=VALUE lines");
  AddCommon(*demo_env_command, demo_env);

  interactiond::cli::TokenOptions token;
  auto* token_command = app.add_subcommand("token", "mint an access token");
  AddCommon(*token_command, token.common);
  token_command->add_option("--org", token.org_id, "org id (default: the first org)");
  token_command->add_option("--app", token.app, "connected app name (default: the org's first)");
  token_command->add_option("--user", token.user, "user id or username (default: the org's first)");
  token_command->add_option("--scope", token.scopes, "scope (repeatable; default: the app's)");
  token_command->add_option("--ttl", token.ttl_seconds, "lifetime in seconds (default 7200)");

  // Options of the default subcommand are accepted without naming it: `interactiond --port 0`.
  app.allow_extras();
  try {
    app.parse(argc, argv);
    if (*demo_env_command) return interactiond::cli::DemoEnv(demo_env);
    if (*token_command) return interactiond::cli::Token(token);
    if (!*serve_command && !app.remaining().empty()) {
      std::vector<std::string> rest = app.remaining();
      std::vector<std::string> args(rest.rbegin(), rest.rend());
      serve_command->parse(args);
    }
    return interactiond::cli::Serve(serve);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "interactiond: " << e.what() << "\n";
    return 1;
  }
}
