// The Pub/Sub API's gRPC server: one PubSubService behind two listeners, TLS (what every real
// client uses) and plaintext (for the Java and Go samples' plaintext mode and for tools).
//
// Lifecycle: construct, Start once, Shutdown once (the destructor shuts down if needed).
// Threading: Start and Shutdown from one thread (the serve command's); gRPC's own threads serve the
// calls. Ownership: the token signer, event log, managed replay store and clock must outlive the
// server.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "auth/access_token.h"
#include "config/org_model.h"
#include "events/event_log.h"
#include "pubsub/pubsub_service.h"
#include "pubsub/tls_certificate.h"
#include "util/clock.h"

namespace grpc {
class Server;
}

namespace interactiond::pubsub {

struct PubSubServerOptions {
  std::string host = "127.0.0.1";
  int tls_port = 7443;        // 0 = ephemeral, negative = no TLS listener
  int plaintext_port = 7080;  // 0 = ephemeral, negative = no plaintext listener
  TlsMaterial tls;            // required when tls_port >= 0
  ServiceOptions service;
};

class PubSubServer {
 public:
  // `managed_store` keeps managed subscriptions' commits; when null, the event log keeps them if it
  // is a store::ManagedReplayStore too (the SqliteStore is), else ManagedSubscribe is unavailable.
  PubSubServer(std::shared_ptr<const config::OrgDirectory> orgs, const auth::TokenSigner* tokens,
               events::EventLog* log, const util::Clock* clock,
               store::ManagedReplayStore* managed_store = nullptr);
  ~PubSubServer();
  PubSubServer(const PubSubServer&) = delete;
  PubSubServer& operator=(const PubSubServer&) = delete;

  // Binds and starts serving. Throws std::runtime_error when a port cannot be bound (or the
  // configuration names invalid topics: see PubSubService).
  void Start(const PubSubServerOptions& options);

  // The bound ports (the ephemeral ones resolved); -1 for a listener that is not open.
  int tls_port() const { return tls_port_; }
  int plaintext_port() const { return plaintext_port_; }

  // Ends open subscriptions (UNAVAILABLE, service.unavailable: clients resubscribe), lets unary
  // calls in flight finish until `deadline` has passed, then cancels what is left.
  void Shutdown(std::chrono::milliseconds deadline);

  PubSubService* service() { return service_.get(); }

 private:
  std::shared_ptr<const config::OrgDirectory> orgs_;
  const auth::TokenSigner* tokens_;
  events::EventLog* log_;
  store::ManagedReplayStore* managed_store_;
  const util::Clock* clock_;
  std::unique_ptr<PubSubService> service_;
  std::unique_ptr<grpc::Server> server_;
  int tls_port_ = -1;
  int plaintext_port_ = -1;
};

}  // namespace interactiond::pubsub
