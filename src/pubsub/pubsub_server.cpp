#include "pubsub/pubsub_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>

#include <stdexcept>

#include "store/store.h"

namespace interactiond::pubsub {
namespace {

std::string Address(const std::string& host, int port) {
  // IPv6 literals need brackets in a gRPC address.
  const bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

PubSubServer::PubSubServer(std::shared_ptr<const config::OrgDirectory> orgs,
                           const auth::TokenSigner* tokens, events::EventLog* log,
                           const util::Clock* clock, store::ManagedReplayStore* managed_store)
    : orgs_(std::move(orgs)),
      tokens_(tokens),
      log_(log),
      managed_store_(managed_store != nullptr ? managed_store
                                              : dynamic_cast<store::ManagedReplayStore*>(log)),
      clock_(clock) {}

PubSubServer::~PubSubServer() {
  if (server_) Shutdown(std::chrono::milliseconds(0));
}

void PubSubServer::Start(const PubSubServerOptions& options) {
  service_ = std::make_unique<PubSubService>(orgs_, tokens_, log_, clock_, options.service,
                                             managed_store_);
  grpc::ServerBuilder builder;
  int tls_port = -1;
  int plaintext_port = -1;
  if (options.tls_port >= 0) {
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({options.tls.private_key_pem, options.tls.certificate_pem});
    builder.AddListeningPort(Address(options.host, options.tls_port),
                             grpc::SslServerCredentials(ssl), &tls_port);
  }
  if (options.plaintext_port >= 0) {
    builder.AddListeningPort(Address(options.host, options.plaintext_port),
                             grpc::InsecureServerCredentials(), &plaintext_port);
  }
  builder.RegisterService(service_.get());
  // Clients that configure HTTP/2 pings (every 10 s or more, also between calls) are not sent
  // GOAWAY for it.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  server_ = builder.BuildAndStart();
  if (!server_ || (options.tls_port >= 0 && tls_port <= 0) ||
      (options.plaintext_port >= 0 && plaintext_port <= 0)) {
    if (server_) server_->Shutdown();
    server_.reset();
    service_.reset();
    throw std::runtime_error("pubsub: cannot listen on " + options.host + " (TLS port " +
                             std::to_string(options.tls_port) + ", plaintext port " +
                             std::to_string(options.plaintext_port) +
                             "): address in use or not available");
  }
  tls_port_ = tls_port;
  plaintext_port_ = plaintext_port;
}

void PubSubServer::Shutdown(std::chrono::milliseconds deadline) {
  if (!server_) return;
  service_->BeginShutdown();
  server_->Shutdown(std::chrono::system_clock::now() + deadline);
  server_->Wait();
  server_.reset();
  service_.reset();
}

}  // namespace interactiond::pubsub
