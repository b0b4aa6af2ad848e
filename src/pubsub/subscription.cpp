// The subscription state machine (subscription.h), the Subscribe reactor, and the hub's
// dispatcher that drives every subscription.
#include "pubsub/subscription.h"

#include <algorithm>
#include <utility>

#include "pubsub/publish_stream.h"
#include "pubsub/session_reactor.h"

namespace interactiond::pubsub {

using eventbus::v1::ConsumerEvent;
using eventbus::v1::FetchRequest;
using eventbus::v1::FetchResponse;

namespace {

Failure ReplayIdCorrupted() {
  return {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kReplayIdCorrupted,
          "The replay ID is not valid: it is corrupted, unknown or expired."};
}

class SubscribeReactor final
    : public SessionReactor<SubscribeReactor, FetchRequest, FetchResponse, Subscription>,
      public SubscriptionStream {
 public:
  SubscribeReactor(std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
                   grpc::CallbackServerContext* context) {
    Begin(std::make_shared<Subscription>(std::move(hub), std::move(caller), std::move(rpc_id),
                                         context, this));
  }

  bool Accept(const FetchRequest& request) { return session_->OnRequest(request); }

  void Write(Delivery delivery) override {
    FillResponse(response_, delivery);
    StartWrite(&response_);
  }
  void Finish(const grpc::Status& status) override {
    grpc::ServerBidiReactor<FetchRequest, FetchResponse>::Finish(status);
  }

 private:
  FetchResponse response_;  // owned by gRPC while a write is in flight
};

}  // namespace

grpc::ServerBidiReactor<FetchRequest, FetchResponse>* NewSubscribeReactor(
    std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
    grpc::CallbackServerContext* context) {
  return new SubscribeReactor(std::move(hub), std::move(caller), std::move(rpc_id), context);
}

Subscription::Subscription(std::shared_ptr<PubSubService::Hub> hub, Caller caller,
                           std::string rpc_id, grpc::CallbackServerContext* context,
                           SubscriptionStream* stream)
    : hub_(std::move(hub)),
      caller_(std::move(caller)),
      rpc_id_(std::move(rpc_id)),
      context_(context),
      stream_(stream),
      last_write_(SteadyClock::now()),
      zero_credit_since_(last_write_) {}

void Subscription::Register() {
  std::lock_guard lock(hub_->mutex);
  if (!hub_->shutting_down) hub_->live.insert(shared_from_this());
}

bool Subscription::OnRequest(const FetchRequest& request) {
  std::unique_lock lock(mutex_);
  if (finish_requested_) return false;
  if (!started_) {
    if (request.topic_name().empty()) {
      FinishLocked(lock, TopicEmpty());
      return false;
    }
    const AvroCodec* codec = FindTopic(caller_, request.topic_name());
    if (codec == nullptr) {
      FinishLocked(lock, TopicNotFound(request.topic_name()));
      return false;
    }
    const int preset = request.replay_preset();
    if (preset == eventbus::v1::CUSTOM) {
      if (request.replay_id().empty()) {
        FinishLocked(lock,
                     {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kReplayIdValidationFailed,
                      "The replay ID validation failed: a CUSTOM replay preset needs a "
                      "replay ID."});
        return false;
      }
      const auto replay_id = DecodeReplayId(request.replay_id());
      if (!replay_id) {
        FinishLocked(lock, ReplayIdCorrupted());
        return false;
      }
      custom_replay_id_ = *replay_id;
      start_ = Start::kCustom;
    } else if (preset == eventbus::v1::LATEST || preset == eventbus::v1::EARLIEST) {
      start_ = preset == eventbus::v1::LATEST ? Start::kLatest : Start::kEarliest;
    } else {
      FinishLocked(lock,
                   {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kReplayIdValidationFailed,
                    "The replay preset is not LATEST, EARLIEST or CUSTOM."});
      return false;
    }
    topic_ = request.topic_name();
    codec_ = codec;
  } else if (!request.topic_name().empty() && request.topic_name() != topic_) {
    FinishLocked(lock, {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kFetchTopicMismatch,
                        "The topic in the fetch request, " + request.topic_name() +
                            ", does not match the subscription's topic, " + topic_ + "."});
    return false;
  }
  if (request.num_requested() <= 0) {
    FinishLocked(lock, {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kRequestedEventsInvalid,
                        "The number of requested events must be greater than 0."});
    return false;
  }
  started_ = true;
  AddCreditLocked(request.num_requested());
  lock.unlock();
  hub_->Schedule(shared_from_this());
  return true;
}

void Subscription::AddCreditLocked(int num_requested) {
  // Credit is additive and capped: a client asking for more than the cap gets the cap.
  pending_ = std::min<int64_t>(hub_->options.max_pending, pending_ + num_requested);
  dirty_ = true;
}

void Subscription::OnReadsDone() {
  {
    std::lock_guard lock(mutex_);
    reads_done_ = true;
  }
  hub_->Schedule(shared_from_this());
}

void Subscription::OnWriteDone(bool ok) {
  std::unique_lock lock(mutex_);
  write_in_flight_ = false;
  last_write_ = SteadyClock::now();
  if (deferred_finish_) {
    const Failure failure = *deferred_finish_;
    deferred_finish_.reset();
    finish_requested_ = false;  // FinishLocked sets it again and really finishes
    FinishLocked(lock, failure);
    return;
  }
  if (!ok) {  // the stream is broken (client gone): nothing more can be written
    FinishLocked(lock, {grpc::StatusCode::CANCELLED, error_codes::kServiceUnavailable,
                        "The stream was cancelled."});
    return;
  }
  dirty_ = true;  // a batch may have been cut short by the size limit
  lock.unlock();
  hub_->Schedule(shared_from_this());
}

void Subscription::OnCancel() {
  Finish({grpc::StatusCode::CANCELLED, error_codes::kServiceUnavailable,
          "The subscription was cancelled."});
}

void Subscription::OnDone() {
  {
    std::lock_guard lock(mutex_);
    stream_ = nullptr;
  }
  ReleaseManagedSlot();  // normally released when finishing; this covers every other end
  hub_->Remove(shared_from_this());
}

bool Subscription::MarkIfMatches(const std::string& org_id, const std::string& topic) {
  std::lock_guard lock(mutex_);
  if (!started_ || caller_.org_id != org_id || topic_ != topic) return false;
  dirty_ = true;
  return true;
}

void Subscription::Finish(const Failure& failure) {
  std::unique_lock lock(mutex_);
  FinishLocked(lock, failure);
}

void Subscription::FinishLocked(std::unique_lock<std::mutex>& lock, const Failure& failure) {
  if (finish_requested_ || stream_ == nullptr) return;
  finish_requested_ = true;
  if (write_in_flight_) {
    deferred_finish_ = failure;
    return;
  }
  SubscriptionStream* stream = stream_;
  lock.unlock();
  // A reconnecting client must find its managed subscription free once it sees the status.
  ReleaseManagedSlot();
  // The context is only touched here, once, just before Finish.
  const grpc::Status status = failure.code == grpc::StatusCode::OK
                                  ? grpc::Status::OK
                                  : ToStatus(context_, rpc_id_, failure);
  stream->Finish(status);
}

void Subscription::ReleaseManagedSlot() {
  std::string key;
  {
    std::lock_guard lock(mutex_);
    key = std::exchange(managed_key_, std::string());
  }
  if (!key.empty()) hub_->ReleaseManaged(key);
}

Delivery Subscription::EmptyDelivery() const {
  Delivery delivery;
  delivery.latest_replay_id = cursor_;
  delivery.pending_num_requested = static_cast<int>(pending_);
  delivery.rpc_id = rpc_id_;
  return delivery;
}

void Subscription::WriteLocked(std::unique_lock<std::mutex>& lock, Delivery delivery) {
  write_in_flight_ = true;
  last_write_ = SteadyClock::now();
  SubscriptionStream* stream = stream_;
  lock.unlock();
  stream->Write(std::move(delivery));
}

std::optional<uint64_t> Subscription::ResolveStart(Start start, uint64_t custom) {
  events::EventLog& log = *hub_->log;
  switch (start) {
    case Start::kLatest:
      return log.LatestReplayId(caller_.org_id, topic_);
    case Start::kEarliest:
      return log.RetentionFloor(caller_.org_id, topic_);
    case Start::kCustom:
      if (!log.IsValidResumePoint(caller_.org_id, custom)) {
        Finish(ReplayIdCorrupted());
        return std::nullopt;
      }
      return custom;
    case Start::kManaged:
      return ResolveManagedStart();
  }
  return std::nullopt;
}

void Subscription::Pump(SteadyClock::time_point now) {
  std::unique_lock lock(mutex_);
  if (finish_requested_ || write_in_flight_ || stream_ == nullptr) return;
  if (!started_) {
    if (reads_done_ || now - zero_credit_since_ >= hub_->options.idle_timeout) {
      FinishLocked(lock, {grpc::StatusCode::OK, "", ""});
    }
    return;
  }
  if (!resolved_) {
    // First pump after the first request: find where the stream starts. The log may do I/O, so
    // this runs here rather than on a gRPC thread.
    const Start start = start_;
    const uint64_t custom = custom_replay_id_;
    lock.unlock();
    const std::optional<uint64_t> position = ResolveStart(start, custom);
    if (!position) return;  // the stream was finished
    lock.lock();
    cursor_ = *position;
    resolved_ = true;
    if (finish_requested_) return;
  }

  // Managed: answer a stored commit before anything else, then store the latest queued one (one
  // at a time, in order; the commits queued meanwhile were folded into it).
  const auto write_commit_response = [&] {
    Delivery delivery = EmptyDelivery();
    delivery.commit = std::move(commit_response_);
    commit_response_.reset();
    WriteLocked(lock, std::move(delivery));
  };
  if (commit_response_) {
    write_commit_response();
    return;
  }
  if (queued_commit_ && !commit_in_flight_) {
    QueuedCommit commit = std::move(*queued_commit_);
    queued_commit_.reset();
    commit_in_flight_ = true;
    lock.unlock();
    StoreCommit(std::move(commit));
    lock.lock();
    if (finish_requested_ || write_in_flight_ || stream_ == nullptr) return;
    if (commit_response_) {  // answered at once (refused, or a store that completes inline)
      write_commit_response();
      return;
    }
  }

  if (pending_ > 0 && dirty_) {
    dirty_ = false;
    const uint64_t after = cursor_;
    const size_t limit = static_cast<size_t>(pending_);
    lock.unlock();
    auto read = hub_->log->ReadEvents(caller_.org_id, topic_, after, limit);
    if (!read.ok()) {
      Finish({grpc::StatusCode::UNAVAILABLE, error_codes::kServiceUnavailable,
              "The service is temporarily unavailable: the event log could not be read."});
      return;
    }
    Delivery delivery;
    size_t bytes = 0;
    uint64_t last = after;
    for (const events::OutboundEvent& event : *read) {
      std::string payload = codec_->Encode(event);
      if (!delivery.events.empty() && bytes + payload.size() > hub_->options.max_batch_bytes) {
        break;  // the rest goes in the next response
      }
      bytes += payload.size();
      ConsumerEvent* out = delivery.events.Add();
      out->set_replay_id(EncodeReplayId(event.replay_id));
      out->mutable_event()->set_id(EventUuid(caller_.org_id, event.replay_id));
      out->mutable_event()->set_schema_id(codec_->schema_id());
      out->mutable_event()->set_payload(std::move(payload));
      last = event.replay_id;
    }
    lock.lock();
    if (finish_requested_ || stream_ == nullptr) return;
    if (!delivery.events.empty()) {
      cursor_ = last;
      pending_ -= delivery.events.size();
      if (pending_ == 0) zero_credit_since_ = now;
      delivery.latest_replay_id = cursor_;
      delivery.pending_num_requested = static_cast<int>(pending_);
      delivery.rpc_id = rpc_id_;
      WriteLocked(lock, std::move(delivery));
      return;
    }
  }

  if (pending_ > 0) {
    if (now - last_write_ >= hub_->options.keepalive) {
      // Keepalive: no events, the position so far. Never beyond the last event sent, so a
      // client that stores (or commits) it cannot skip an event that is still to come.
      WriteLocked(lock, EmptyDelivery());
    }
    return;
  }
  // A commit still being stored is answered before the stream ends.
  if (queued_commit_ || commit_in_flight_) return;
  if (reads_done_ || now - zero_credit_since_ >= hub_->options.idle_timeout) {
    FinishLocked(lock, {grpc::StatusCode::OK, "", ""});
  }
}

// ---------------------------------------------------------------------------------------------
// The hub's dispatcher.

bool PubSubService::Hub::ShuttingDown() const {
  std::lock_guard lock(mutex);
  return shutting_down;
}

void PubSubService::Hub::Schedule(const std::shared_ptr<Subscription>& subscription) {
  {
    std::lock_guard lock(mutex);
    if (stopping) return;
    ready.push_back(subscription);
  }
  wake.notify_one();
}

void PubSubService::Hub::Remove(const std::shared_ptr<Subscription>& subscription) {
  std::lock_guard lock(mutex);
  live.erase(subscription);
}

bool PubSubService::Hub::AcquireManaged(const std::string& key) {
  std::lock_guard lock(mutex);
  return active_managed.insert(key).second;
}

void PubSubService::Hub::ReleaseManaged(const std::string& key) {
  std::lock_guard lock(mutex);
  active_managed.erase(key);
}

std::chrono::milliseconds PubSubService::Hub::Tick() const {
  const auto shortest =
      std::min({options.keepalive, options.idle_timeout, options.publish_stream_timeout});
  return std::clamp(shortest / 10, std::chrono::milliseconds(20), std::chrono::milliseconds(1000));
}

void PubSubService::Hub::OnAppended(const std::vector<events::OutboundEvent>& appended) {
  // Runs on the store's writer thread: mark and wake only.
  std::set<std::pair<std::string, std::string>> topics;
  for (const auto& event : appended) topics.emplace(event.org_id, event.topic);
  bool any = false;
  {
    std::lock_guard lock(mutex);
    for (const auto& subscription : live) {
      for (const auto& [org_id, topic] : topics) {
        if (subscription->MarkIfMatches(org_id, topic)) {
          ready.push_back(subscription);
          any = true;
          break;
        }
      }
    }
  }
  if (any) wake.notify_one();
}

void PubSubService::Hub::RunDispatcher() {
  auto next_tick = SteadyClock::now() + Tick();
  std::vector<std::shared_ptr<Subscription>> batch;
  std::vector<std::shared_ptr<PublishSession>> publish_streams;
  while (true) {
    batch.clear();
    publish_streams.clear();
    {
      std::unique_lock lock(mutex);
      wake.wait_until(lock, next_tick, [&] { return stopping || !ready.empty(); });
      if (stopping) return;
      if (SteadyClock::now() >= next_tick) {
        // Timer pass: every stream is looked at (keepalives, idle close, publish timeouts).
        batch.assign(live.begin(), live.end());
        publish_streams.assign(publishers.begin(), publishers.end());
        ready.clear();
        next_tick = SteadyClock::now() + Tick();
      } else {
        // Duplicates are harmless (a second pump finds nothing to do) but cheap to drop.
        std::set<std::shared_ptr<Subscription>> unique(ready.begin(), ready.end());
        batch.assign(unique.begin(), unique.end());
        ready.clear();
      }
    }
    const auto now = SteadyClock::now();
    for (const auto& subscription : batch) subscription->Pump(now);
    for (const auto& stream : publish_streams) stream->Tick(now);
  }
}

}  // namespace interactiond::pubsub
