// Internals of PubSubService shared by its translation units (pubsub_service.cpp, subscription.cpp,
// managed_subscription.cpp, publish_batch.cpp, publish_stream.cpp). Not for use outside
// src/pubsub.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "pubsub/pubsub_service.h"

namespace interactiond::pubsub {

using SteadyClock = std::chrono::steady_clock;

// A failed call: the gRPC code, the `error-code` trailer and the human-readable description.
// OK as the code means "end the stream normally".
struct Failure {
  grpc::StatusCode code;
  std::string error_code;
  std::string message;
};

// Adds the trailers the platform sends with an error and returns the status to finish with.
// Must run before the call's Finish, on the thread that finishes it.
grpc::Status ToStatus(grpc::CallbackServerContext* context, const std::string& rpc_id,
                      const Failure& failure);

struct OrgTopics {
  std::map<std::string, std::shared_ptr<const AvroCodec>, std::less<>> by_topic;
  std::map<std::string, std::shared_ptr<const AvroCodec>, std::less<>> by_schema_id;
};

// Who is calling, once authenticated.
struct Caller {
  std::string org_id;   // the configured (15-character) org id
  std::string user_id;  // the token's user, may be empty
  const OrgTopics* topics = nullptr;
  const config::Org* org = nullptr;  // in the service's (immutable) org directory
};

const AvroCodec* FindTopic(const Caller& caller, const std::string& topic);
Failure TopicNotFound(const std::string& topic);
Failure TopicEmpty();

// A stream refused before it read anything: finishes with `status` at once.
template <typename Request, typename Response>
class RefusedStream final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit RefusedStream(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

class Subscription;
class PublishSession;

// State shared by the service, its streams and the event log listener. Kept in a shared_ptr so
// that a listener or store completion racing with teardown finds it alive.
struct PubSubService::Hub {
  std::shared_ptr<const config::OrgDirectory> orgs;
  const auth::TokenSigner* tokens = nullptr;
  events::EventLog* log = nullptr;
  store::ManagedReplayStore* managed_store = nullptr;  // null: ManagedSubscribe is unavailable
  const util::Clock* clock = nullptr;
  ServiceOptions options;
  std::map<std::string, OrgTopics, std::less<>> topics_by_org;  // by the configured org id
  uint64_t listener_id = 0;

  // Dispatcher state. Lock order: this mutex before a stream's own.
  mutable std::mutex mutex;
  std::condition_variable wake;
  std::set<std::shared_ptr<Subscription>> live;
  std::set<std::shared_ptr<PublishSession>> publishers;
  std::deque<std::shared_ptr<Subscription>> ready;
  // "<org id>/<subscription id>" of every managed subscription with an open stream: a managed
  // subscription serves one client at a time.
  std::set<std::string> active_managed;
  bool stopping = false;       // dispatcher thread exits
  bool shutting_down = false;  // BeginShutdown called
  std::thread dispatcher;

  std::variant<Caller, Failure> Authenticate(const grpc::CallbackServerContext* context) const;
  bool ShuttingDown() const;
  void Schedule(const std::shared_ptr<Subscription>& subscription);
  void Remove(const std::shared_ptr<Subscription>& subscription);
  void OnAppended(const std::vector<events::OutboundEvent>& appended);
  void RunDispatcher();
  // Claims the managed subscription `key` for one stream; false when another stream holds it.
  bool AcquireManaged(const std::string& key);
  void ReleaseManaged(const std::string& key);
  std::chrono::milliseconds Tick() const;
};

}  // namespace interactiond::pubsub
