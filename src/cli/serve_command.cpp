// `interactiond serve`: load, open the store, listen, print the banner, serve until a signal, then
// flush and close the store.
#include <chrono>
#include <cstdio>
#include <iostream>

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "api/app_context.h"
#include "api/routes.h"
#include "api/routing_scheduler.h"
#include "cli/commands.h"
#include "cli/startup.h"
#include "http/server.h"
#include "pubsub/pubsub_server.h"
#include "store/sqlite_store.h"

namespace interactiond::cli {
namespace {

config::Durability ParseDurability(const std::string& text) {
  if (text == "full") return config::Durability::kFull;
  if (text == "normal") return config::Durability::kNormal;
  if (text == "off") return config::Durability::kOff;
  throw config::ConfigError("--durability must be full, normal or off");
}

std::shared_ptr<spdlog::logger> MakeLogger() {
  // Asynchronous: lines are written by one background thread, so stdout latency is off the
  // request path. When the queue is full the I/O thread waits rather than dropping a line: every
  // request is logged.
  spdlog::init_thread_pool(16384, 1);
  auto logger = spdlog::create_async<spdlog::sinks::stdout_sink_mt>("interactiond");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::warn);
  return logger;
}

void PrintBanner(const Startup& startup, const auth::TokenSigner& signer, int64_t now_ms,
                 double startup_ms, const pubsub::PubSubServer& pubsub) {
  const DemoValues demo = DescribeDemo(startup.config);
  std::string token;
  if (demo.org && demo.app && demo.user) {
    auth::TokenClaims claims;
    claims.org_id = demo.org->id;
    claims.connected_app = demo.app->name;
    claims.user_id = demo.user->id;
    claims.scopes = demo.app->scopes;
    claims.issued_at_ms = now_ms;
    claims.expires_at_ms = now_ms + 30ll * 24 * 60 * 60 * 1000;
    token = signer.Mint(claims);
  }
  std::printf("interactiond listening on %s (started in %.1f ms)\n", startup.base_url.c_str(),
              startup_ms);
  // Tests parse these two lines.
  const std::string& host = startup.config.server.host;
  if (pubsub.tls_port() > 0) {
    std::printf("pubsub (TLS) listening on %s:%d\n", host.c_str(), pubsub.tls_port());
  }
  if (pubsub.plaintext_port() > 0) {
    std::printf("pubsub (plaintext) listening on %s:%d\n", host.c_str(), pubsub.plaintext_port());
  }
  std::printf("  configuration: %s\n  data dir:      %s\n", startup.config.source.c_str(),
              startup.data_dir.c_str());
  if (demo.org == nullptr || demo.definition == nullptr || demo.channel == nullptr) {
    std::fflush(stdout);
    return;
  }
  std::printf("  org id:                     %s\n", demo.org->id.c_str());
  std::printf("  AuthorizationContext:       %s\n", demo.definition->developer_name.c_str());
  std::printf("  channel address identifier: %s\n",
              demo.channel->channel_address_identifier.c_str());
  std::printf("  access token (30 days):     %s\n\n", token.c_str());
  std::printf(
      "Send a message:\n"
      "curl -s -X POST %s/api/v1/interactions \\\n"
      "  -H 'Authorization: Bearer %s' \\\n"
      "  -H 'OrgId: %s' -H 'AuthorizationContext: %s' \\\n"
      "  -H \"RequestId: $(cat /proc/sys/kernel/random/uuid)\" \\\n"
      "  -F 'json={\"to\":\"%s\",\"from\":\"end-user-1\",\"interactions\":[{\"timestamp\":"
      "1700000000000,\"interactionType\":\"EntryInteraction\",\"payload\":{\"id\":"
      "\"11111111-2222-4333-8444-555555555555\",\"entryType\":\"Message\",\"abstractMessage\":{"
      "\"messageType\":\"StaticContentMessage\",\"id\":\"11111111-2222-4333-8444-555555555555\","
      "\"staticContent\":{\"formatType\":\"Text\",\"text\":\"Hello\"}}}}]};type=application/json'\n"
      "Then look: curl -s %s/admin/v1/conversations\n\n",
      startup.base_url.c_str(), token.c_str(), demo.org->id.c_str(),
      demo.definition->developer_name.c_str(), demo.channel->channel_address_identifier.c_str(),
      startup.base_url.c_str());
  std::fflush(stdout);
}

}  // namespace

int Serve(const ServeOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  Startup startup = PrepareStartup(options.common);
  auto& server_config = startup.config.server;
  if (options.threads) server_config.threads = *options.threads;
  if (options.durability) server_config.durability = ParseDurability(*options.durability);
  if (options.no_request_log) server_config.request_log = false;
  if (options.pubsub_port) server_config.pubsub_port = *options.pubsub_port;
  if (options.pubsub_plaintext_port) {
    server_config.pubsub_plaintext_port = *options.pubsub_plaintext_port;
  }
  if (options.pubsub_keepalive_ms) server_config.pubsub_keepalive_ms = *options.pubsub_keepalive_ms;
  if (options.pubsub_idle_timeout_ms) {
    server_config.pubsub_idle_timeout_ms = *options.pubsub_idle_timeout_ms;
  }

  auto logger = MakeLogger();
  // System time plus an offset the admin API can move (tests let hours pass instantly).
  util::OffsetClock clock;
  util::FaultInjector faults;
  auth::TokenSigner signer(startup.token_secret);
  store::SqliteStore store(startup.data_dir, server_config.durability, &faults);
  store.SetEventRetention(server_config.event_retention_ms);
  store.SetClock(&clock);
  store::AttachmentFiles attachments(startup.data_dir);

  api::AppContext context;
  context.server = server_config;
  context.orgs = startup.config.orgs;
  context.tokens = &signer;
  context.store = &store;
  context.events = &store;
  context.attachments = &attachments;
  context.clock = &clock;
  context.adjustable_clock = &clock;
  context.faults = &faults;

  http::ServerOptions http_options;
  http_options.host = server_config.host;
  http_options.port = server_config.port;
  http_options.threads = server_config.threads;
  http_options.max_body_bytes = server_config.max_body_bytes;
  http_options.max_json_body_bytes = server_config.max_json_body_bytes;
  http_options.request_log = server_config.request_log;
  http_options.shutdown_grace = std::chrono::milliseconds(server_config.shutdown_grace_ms);

  // The router keeps a reference to `context`; base_url is final once the port is bound.
  auto router = api::BuildRouter(context);
  http::Server server(http_options, router, logger);
  context.executor = server.executor();
  store.SetCompletionDispatcher([executor = context.executor](std::function<void()> task) {
    boost::asio::post(executor, std::move(task));
  });
  // The router's routing pass: waiting work, presence changes, partner routing deadlines.
  api::RoutingScheduler routing(context.executor, &store, &store, context.orgs, &clock);
  context.routing = &routing;
  routing.Start();
  server.Listen();
  if (server_config.port == 0) server_config.port = server.port();
  if (server_config.instance_url.empty()) {
    startup.base_url = "http://" + server_config.host + ":" + std::to_string(server.port());
  }
  context.base_url = startup.base_url;
  context.server = server_config;
  server.OnStop([&logger, &routing] {
    logger->info("stopping: finishing in-flight requests");
    routing.Stop();  // its timer would keep the I/O threads running
  });

  // The Pub/Sub API delivers the store's outbound events (the store is the event log).
  pubsub::PubSubServerOptions pubsub_options;
  pubsub_options.host = server_config.host;
  pubsub_options.tls_port = server_config.pubsub_port;
  pubsub_options.plaintext_port = server_config.pubsub_plaintext_port;
  if (pubsub_options.tls_port >= 0) {
    pubsub_options.tls = server_config.pubsub_tls_certificate_file.empty()
                             ? pubsub::LoadOrCreateTlsMaterial(startup.data_dir / "tls")
                             : pubsub::LoadTlsMaterial(server_config.pubsub_tls_certificate_file,
                                                       server_config.pubsub_tls_key_file);
  }
  pubsub_options.service.keepalive = std::chrono::milliseconds(server_config.pubsub_keepalive_ms);
  pubsub_options.service.idle_timeout =
      std::chrono::milliseconds(server_config.pubsub_idle_timeout_ms);
  pubsub::PubSubServer pubsub_server(startup.config.orgs, &signer, &store, &clock, &store);
  pubsub_server.Start(pubsub_options);

  const double startup_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  PrintBanner(startup, signer, clock.NowMs(), startup_ms, pubsub_server);
  server.Run();
  // Before the store closes: subscriptions read it and publishes write to it.
  logger->info("stopping: closing Pub/Sub streams");
  pubsub_server.Shutdown(std::chrono::milliseconds(server_config.shutdown_grace_ms));
  routing.Stop();
  store.Close();
  logger->info("stopped; store flushed and closed");
  logger->flush();
  spdlog::shutdown();
  return 0;
}

}  // namespace interactiond::cli
