// A subscription stream's state machine, shared by Subscribe and ManagedSubscribe (internal to
// src/pubsub): the start position, additive capped credit, event delivery, keepalives, idle close
// and, for managed subscriptions, the commits of replay ids.
//
// A Subscription is shared by its gRPC reactor (which forwards the stream's reactions to it and
// is deleted in OnDone) and the dispatcher thread (which calls Pump). Invariants, all under the
// subscription's mutex:
//   - at most one write in flight (the callback API allows one);
//   - the stream's Finish is called exactly once, never while a write is in flight (it is deferred
//     to OnWriteDone), and the stream is not touched after it;
//   - the stream's Write/Finish and gRPC's Start* are called without the mutex held (reactions
//     may run inline).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "pubsub/service_internal.h"

namespace interactiond::pubsub {

// One response of a subscription stream; the reactor copies it into its own message type
// (FetchResponse or ManagedFetchResponse).
struct Delivery {
  google::protobuf::RepeatedPtrField<eventbus::v1::ConsumerEvent> events;
  uint64_t latest_replay_id = 0;
  int pending_num_requested = 0;
  std::string rpc_id;
  std::optional<eventbus::v1::CommitReplayResponse> commit;  // managed streams only
};

// Moves `delivery` into a fresh FetchResponse or ManagedFetchResponse (the fields they share).
template <typename Response>
void FillResponse(Response& response, Delivery& delivery) {
  response.Clear();
  response.mutable_events()->Swap(&delivery.events);
  response.set_latest_replay_id(EncodeReplayId(delivery.latest_replay_id));
  response.set_pending_num_requested(delivery.pending_num_requested);
  response.set_rpc_id(std::move(delivery.rpc_id));
}

// The reactor of a subscription as the state machine sees it.
class SubscriptionStream {
 public:
  // Starts writing `delivery`; the reactor's OnWriteDone then calls Subscription::OnWriteDone.
  virtual void Write(Delivery delivery) = 0;
  virtual void Finish(const grpc::Status& status) = 0;

 protected:
  ~SubscriptionStream() = default;
};

class Subscription : public std::enable_shared_from_this<Subscription> {
 public:
  Subscription(std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
               grpc::CallbackServerContext* context, SubscriptionStream* stream);

  // Registers with the hub (unless it is shutting down). Call once, right after construction.
  void Register();

  // A request arrived (gRPC callback thread). Returns whether to read the next one.
  bool OnRequest(const eventbus::v1::FetchRequest& request);
  bool OnManagedRequest(
      const eventbus::v1::ManagedFetchRequest& request);  // managed_subscription.cpp
  // The client half-closed its side (no more requests).
  void OnReadsDone();
  void OnWriteDone(bool ok);
  void OnCancel();
  void OnDone();

  // Dispatcher thread only: resolve the start position, store a commit, send a commit response,
  // events or a keepalive, or close an idle stream.
  void Pump(SteadyClock::time_point now);

  // Marks new events possibly available; true when this subscription reads (org, topic).
  bool MarkIfMatches(const std::string& org_id, const std::string& topic);

  // Ends the stream with `failure` (OK when its code is OK). Any thread.
  void Finish(const Failure& failure);

 private:
  // Where the stream starts reading; resolved by the dispatcher on its first pump.
  enum class Start { kLatest, kEarliest, kCustom, kManaged };
  // A CommitReplayRequest waiting for the dispatcher.
  struct QueuedCommit {
    std::string commit_request_id;
    std::string replay_id;  // as sent
    int64_t process_time = 0;
  };

  // Calls the stream's Finish; `lock` holds mutex_ and is released first.
  void FinishLocked(std::unique_lock<std::mutex>& lock, const Failure& failure);
  void WriteLocked(std::unique_lock<std::mutex>& lock, Delivery delivery);
  Delivery EmptyDelivery() const;
  // Adds the request's credit (> 0). Under mutex_.
  void AddCreditLocked(int num_requested);
  // The start position (dispatcher, no lock held); nullopt after finishing the stream.
  std::optional<uint64_t> ResolveStart(Start start, uint64_t custom);
  std::optional<uint64_t> ResolveManagedStart();  // managed_subscription.cpp
  // Validates and stores the queued commit (dispatcher, no lock held); the response follows.
  void StoreCommit(QueuedCommit commit);  // managed_subscription.cpp
  void ReleaseManagedSlot();

  const std::shared_ptr<PubSubService::Hub> hub_;
  const Caller caller_;
  const std::string rpc_id_;
  grpc::CallbackServerContext* const context_;

  std::mutex mutex_;
  SubscriptionStream* stream_;  // null after OnDone
  bool started_ = false;        // first request accepted
  bool resolved_ = false;       // start position resolved (dispatcher)
  std::string topic_;
  const AvroCodec* codec_ = nullptr;
  Start start_ = Start::kLatest;
  uint64_t custom_replay_id_ = 0;
  uint64_t cursor_ = 0;  // replay id of the last event sent, or the start position
  int64_t pending_ = 0;
  bool dirty_ = true;  // events may be waiting after cursor_
  bool reads_done_ = false;
  bool write_in_flight_ = false;
  bool finish_requested_ = false;
  std::optional<Failure> deferred_finish_;  // waiting for the write in flight
  SteadyClock::time_point last_write_;
  SteadyClock::time_point zero_credit_since_;

  // Managed subscriptions only.
  const config::ManagedSubscription* managed_ = nullptr;
  std::string managed_key_;  // "<org>/<subscription id>" while this stream holds it
  std::optional<QueuedCommit> queued_commit_;  // newer requests replace it (proto: batching)
  bool commit_in_flight_ = false;
  std::optional<eventbus::v1::CommitReplayResponse> commit_response_;  // waiting to be written
};

// The reactors, owned by gRPC (each deletes itself in OnDone).
grpc::ServerBidiReactor<eventbus::v1::FetchRequest, eventbus::v1::FetchResponse>*
NewSubscribeReactor(std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
                    grpc::CallbackServerContext* context);
grpc::ServerBidiReactor<eventbus::v1::ManagedFetchRequest, eventbus::v1::ManagedFetchResponse>*
NewManagedSubscribeReactor(std::shared_ptr<PubSubService::Hub> hub, Caller caller,
                           std::string rpc_id, grpc::CallbackServerContext* context);

}  // namespace interactiond::pubsub
