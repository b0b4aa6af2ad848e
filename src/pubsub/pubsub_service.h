// The Pub/Sub API service (`eventbus.v1.PubSub`, gRPC callback API): how Pub/Sub clients receive
// the outbound events of an org's channel definitions (and may publish to them).
//
//   GetTopic, GetSchema, Subscribe, Publish, PublishStream, ManagedSubscribe — implemented as the
//   real service behaves for its clients (see docs/compatibility.md, "Pub/Sub API").
//   ManagedSubscribe serves the org's configured managed subscriptions and keeps the replay ids
//   their clients commit in a store::ManagedReplayStore.
//
// Topics: `/event/<custom platform event>` of every channel definition and bot integration
// definition of the caller's org. Each topic has one Avro schema (AvroCodec).
//
// Errors: a failed call ends with a gRPC status whose message ends in "rpcId: <uuid>" and with the
// trailers `error-code` (the platform's error-code string, e.g.
// "sfdc.platform.eventbus.grpc.service.auth.error") and `rpc-id`. The strings are the constants
// below.
//
// Threading: gRPC runs the handlers on its callback threads, which never block on the event log.
// Subscriptions (Subscribe and ManagedSubscribe) are served by one dispatcher thread owned by the
// service: it reads the event log, writes responses, sends keepalives, stores commits and closes
// idle streams; it also times out idle publish streams. The event log's append listener only
// marks subscriptions and wakes the dispatcher. Publish completions run on the store's writer
// thread and only write responses.
//
// Ownership: the service does not own the token signer, clock, event log or managed replay store;
// they must outlive it.
// Destroy the service only after the grpc::Server that serves it has shut down (BeginShutdown
// first, so that open subscriptions end).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/access_token.h"
#include "config/org_model.h"
#include "events/event_log.h"
#include "proto/pubsub.grpc.pb.h"
#include "pubsub/avro_codec.h"
#include "util/clock.h"

namespace interactiond::store {
class ManagedReplayStore;
}

namespace interactiond::pubsub {

// The error-code trailer values (prefix "sfdc.platform.eventbus.grpc."), from the platform's
// published error table as summarised in the research notes.
namespace error_codes {
inline constexpr char kAuthError[] = "sfdc.platform.eventbus.grpc.service.auth.error";
inline constexpr char kAuthHeadersInvalid[] =
    "sfdc.platform.eventbus.grpc.service.auth.headers.invalid";
inline constexpr char kTopicNotFound[] = "sfdc.platform.eventbus.grpc.topic.not.found";
inline constexpr char kTopicEmpty[] = "sfdc.platform.eventbus.grpc.topic.validation.empty";
inline constexpr char kSchemaValidationFailed[] =
    "sfdc.platform.eventbus.grpc.schema.validation.failed";
inline constexpr char kReplayIdCorrupted[] =
    "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted";
inline constexpr char kReplayIdValidationFailed[] =
    "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed";
inline constexpr char kRequestedEventsInvalid[] =
    "sfdc.platform.eventbus.grpc.subscription.fetch.requested.events.invalid";
inline constexpr char kFetchTopicMismatch[] =
    "sfdc.platform.eventbus.grpc.subscription.fetch.topic.mismatch";
inline constexpr char kServiceUnavailable[] = "sfdc.platform.eventbus.grpc.service.unavailable";
inline constexpr char kPublishEventCountInvalid[] =
    "sfdc.platform.eventbus.grpc.publish.event.count.invalid";
inline constexpr char kPublishTopicMismatch[] =
    "sfdc.platform.eventbus.grpc.publish.topic.mismatch";
inline constexpr char kPublishStreamTimeout[] =
    "sfdc.platform.eventbus.grpc.publish.stream.sweeper.timeout";
// Managed subscriptions. The platform's table does not list these; "already.active" is what
// clients report seeing, the others are ours in the same family (docs/compatibility.md).
inline constexpr char kManagedSubscriptionEmpty[] =
    "sfdc.platform.eventbus.grpc.managed.subscription.validation.empty";
inline constexpr char kManagedSubscriptionNotFound[] =
    "sfdc.platform.eventbus.grpc.managed.subscription.not.found";
inline constexpr char kManagedSubscriptionMismatch[] =
    "sfdc.platform.eventbus.grpc.managed.subscription.mismatch";
inline constexpr char kManagedSubscriptionStopped[] =
    "sfdc.platform.eventbus.grpc.managed.subscription.stopped";
inline constexpr char kManagedSubscriptionActive[] =
    "sfdc.platform.eventbus.grpc.managed.subscription.already.active";
}  // namespace error_codes

struct ServiceOptions {
  // An empty FetchResponse is sent when credit is pending and nothing was sent for this long
  // (the contract promises one within 270 s).
  std::chrono::milliseconds keepalive{270'000};
  // A stream with no pending credit for this long is closed with OK (the platform closes such
  // streams too; clients resubscribe).
  std::chrono::milliseconds idle_timeout{70'000};
  // Most events a subscriber may have requested and not yet received; larger requests are capped.
  int max_pending = 100;
  // A FetchResponse holds at most this many payload bytes (clients' default receive limit is 4 MB).
  size_t max_batch_bytes = 3 * 1024 * 1024;
  // A publish stream without a publish request for this long (and nothing in flight) ends with
  // DEADLINE_EXCEEDED (publish.stream.sweeper.timeout), as the platform's sweeper does.
  std::chrono::milliseconds publish_stream_timeout{1'800'000};
  // Publish requests of one stream being stored or answered at once; the stream reads no further
  // request until one is answered (gRPC flow control then holds the client back).
  size_t max_pipelined_publishes = 32;
};

// 8-byte big-endian encoding of a replay id, and its inverse (nullopt unless exactly 8 bytes).
std::string EncodeReplayId(uint64_t replay_id);
std::optional<uint64_t> DecodeReplayId(std::string_view bytes);

// The event id subscribers see for the event at `replay_id` of `org_id`: a UUID (version 8,
// name-based on SHA-256), stable across deliveries and restarts.
std::string EventUuid(std::string_view org_id, uint64_t replay_id);

class PubSubService final : public eventbus::v1::PubSub::CallbackService {
 public:
  // Builds the topic catalogue of every org. Throws std::invalid_argument when a configured event
  // or field name is not an Avro name (start-up only). Without a `managed_store`, ManagedSubscribe
  // answers UNAVAILABLE.
  PubSubService(std::shared_ptr<const config::OrgDirectory> orgs, const auth::TokenSigner* tokens,
                events::EventLog* log, const util::Clock* clock, ServiceOptions options,
                store::ManagedReplayStore* managed_store = nullptr);
  ~PubSubService() override;
  PubSubService(const PubSubService&) = delete;
  PubSubService& operator=(const PubSubService&) = delete;

  // Ends every open subscription and publish stream with UNAVAILABLE (service.unavailable: clients
  // retry) and refuses new ones the same way. Call before grpc::Server::Shutdown so that it does
  // not wait for them.
  void BeginShutdown();

  // Number of open Subscribe and ManagedSubscribe streams, and of publish streams (tests, stats).
  size_t subscription_count() const;
  size_t publish_stream_count() const;

  grpc::ServerBidiReactor<eventbus::v1::FetchRequest, eventbus::v1::FetchResponse>* Subscribe(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* GetSchema(grpc::CallbackServerContext* context,
                                      const eventbus::v1::SchemaRequest* request,
                                      eventbus::v1::SchemaInfo* response) override;
  grpc::ServerUnaryReactor* GetTopic(grpc::CallbackServerContext* context,
                                     const eventbus::v1::TopicRequest* request,
                                     eventbus::v1::TopicInfo* response) override;
  grpc::ServerUnaryReactor* Publish(grpc::CallbackServerContext* context,
                                    const eventbus::v1::PublishRequest* request,
                                    eventbus::v1::PublishResponse* response) override;
  grpc::ServerBidiReactor<eventbus::v1::PublishRequest, eventbus::v1::PublishResponse>*
  PublishStream(grpc::CallbackServerContext* context) override;
  grpc::ServerBidiReactor<eventbus::v1::ManagedFetchRequest, eventbus::v1::ManagedFetchResponse>*
  ManagedSubscribe(grpc::CallbackServerContext* context) override;

  struct Hub;  // shared with subscriptions and the event log listener (pubsub_service.cpp)

 private:
  std::shared_ptr<Hub> hub_;
};

}  // namespace interactiond::pubsub
