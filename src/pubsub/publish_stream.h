// PublishStream (internal to src/pubsub): a bidirectional stream of PublishRequests, each answered
// by one PublishResponse, in request order, validated and stored exactly as the unary Publish
// does (publish_batch.h). Requests may be pipelined: up to ServiceOptions::max_pipelined_publishes
// are stored or answered at once, then the stream stops reading until one is answered.
//
// The first request names the topic; a later one that names another topic, or a request without
// events, ends the stream (after the responses to earlier requests). A client half-close ends it
// with OK once every response is written; so does nothing. A stream with nothing in flight and no
// publish request for ServiceOptions::publish_stream_timeout ends with DEADLINE_EXCEEDED.
//
// A PublishSession (one stream) is shared by its reactor (deleted in OnDone), the store completions
// of its publishes and the dispatcher (Tick). Invariants, under its mutex: one write in flight;
// Finish once, never while a write is in flight; the reactor is called without the mutex held.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "pubsub/service_internal.h"

namespace interactiond::pubsub {

// The reactor of a publish stream as the stream sees it.
class PublishStreamIo {
 public:
  // Starts writing `response`, which stays alive until OnWriteDone.
  virtual void Write(const eventbus::v1::PublishResponse* response) = 0;
  // Starts reading the next request (after reading was paused).
  virtual void Read() = 0;
  virtual void Finish(const grpc::Status& status) = 0;

 protected:
  ~PublishStreamIo() = default;
};

class PublishSession : public std::enable_shared_from_this<PublishSession> {
 public:
  PublishSession(std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
                 grpc::CallbackServerContext* context, PublishStreamIo* io);

  // Registers with the hub (unless it is shutting down). Call once, right after construction.
  void Register();

  // A request arrived (gRPC callback thread). Returns whether to read the next one now.
  bool OnRequest(const eventbus::v1::PublishRequest& request);
  void OnReadsDone();
  void OnWriteDone(bool ok);
  void OnCancel();
  void OnDone();

  // Dispatcher timer: ends a stream idle for longer than the publish stream timeout.
  void Tick(SteadyClock::time_point now);

  // Ends the stream at once with `failure` (OK when its code is OK). Any thread.
  void Finish(const Failure& failure);

 private:
  struct Slot {
    eventbus::v1::PublishResponse response;
    bool ready = false;  // results complete
  };

  void OnSlotReady(const std::shared_ptr<Slot>& slot);
  // Writes the next ready response, or finishes a drained stream that should end. Releases
  // `lock` (which holds mutex_) in every case.
  void WriteNextLocked(std::unique_lock<std::mutex>& lock);
  // Ends the stream with `failure` once the responses still owed are written.
  void FailAfterDrainLocked(std::unique_lock<std::mutex>& lock, const Failure& failure);
  void FinishLocked(std::unique_lock<std::mutex>& lock, const Failure& failure);

  const std::shared_ptr<PubSubService::Hub> hub_;
  const Caller caller_;
  const std::string rpc_id_;
  grpc::CallbackServerContext* const context_;

  std::mutex mutex_;
  PublishStreamIo* io_;  // null after OnDone
  bool started_ = false;
  std::string topic_;
  const AvroCodec* codec_ = nullptr;
  std::deque<std::shared_ptr<Slot>> queue_;  // one per request not yet answered, in order
  bool write_in_flight_ = false;
  bool reads_done_ = false;
  bool reading_paused_ = false;
  bool finish_requested_ = false;
  std::optional<Failure> finish_after_drain_;
  std::optional<Failure> deferred_finish_;  // waiting for the write in flight
  SteadyClock::time_point last_request_;
};

// The reactor, owned by gRPC (deletes itself in OnDone).
grpc::ServerBidiReactor<eventbus::v1::PublishRequest, eventbus::v1::PublishResponse>*
NewPublishStreamReactor(std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
                        grpc::CallbackServerContext* context);

}  // namespace interactiond::pubsub
