#include "pubsub/publish_stream.h"

#include <utility>
#include <variant>

#include "pubsub/publish_batch.h"
#include "pubsub/session_reactor.h"

namespace interactiond::pubsub {

using eventbus::v1::PublishRequest;
using eventbus::v1::PublishResponse;

namespace {

class PublishStreamReactor final
    : public SessionReactor<PublishStreamReactor, PublishRequest, PublishResponse, PublishSession>,
      public PublishStreamIo {
 public:
  PublishStreamReactor(std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
                       grpc::CallbackServerContext* context) {
    Begin(std::make_shared<PublishSession>(std::move(hub), std::move(caller), std::move(rpc_id),
                                           context, this));
  }

  bool Accept(const PublishRequest& request) { return session_->OnRequest(request); }

  void Write(const PublishResponse* response) override { StartWrite(response); }
  void Read() override { StartRead(&request_); }
  void Finish(const grpc::Status& status) override {
    grpc::ServerBidiReactor<PublishRequest, PublishResponse>::Finish(status);
  }
};

}  // namespace

grpc::ServerBidiReactor<PublishRequest, PublishResponse>* NewPublishStreamReactor(
    std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
    grpc::CallbackServerContext* context) {
  return new PublishStreamReactor(std::move(hub), std::move(caller), std::move(rpc_id), context);
}

PublishSession::PublishSession(std::shared_ptr<PubSubService::Hub> hub, Caller caller,
                               std::string rpc_id, grpc::CallbackServerContext* context,
                               PublishStreamIo* io)
    : hub_(std::move(hub)),
      caller_(std::move(caller)),
      rpc_id_(std::move(rpc_id)),
      context_(context),
      io_(io),
      last_request_(SteadyClock::now()) {}

void PublishSession::Register() {
  std::lock_guard lock(hub_->mutex);
  if (!hub_->shutting_down) hub_->publishers.insert(shared_from_this());
}

bool PublishSession::OnRequest(const PublishRequest& request) {
  std::unique_lock lock(mutex_);
  if (finish_requested_ || finish_after_drain_) return false;
  const AvroCodec* codec = codec_;
  std::optional<Failure> failure;
  if (!started_) {
    auto topic = PublishTopic(caller_, request.topic_name());
    if (auto* refused = std::get_if<Failure>(&topic)) {
      failure = std::move(*refused);
    } else {
      codec = std::get<const AvroCodec*>(topic);
    }
  } else if (!request.topic_name().empty() && request.topic_name() != topic_) {
    failure = Failure{grpc::StatusCode::INVALID_ARGUMENT, error_codes::kPublishTopicMismatch,
                      "The topic in the publish request, " + request.topic_name() +
                          ", does not match the stream's topic, " + topic_ + "."};
  }
  if (!failure) failure = CheckEventCount(request);
  if (failure) {
    FailAfterDrainLocked(lock, *failure);
    return false;
  }
  if (!started_) {
    started_ = true;
    topic_ = request.topic_name();
    codec_ = codec;
  }
  last_request_ = SteadyClock::now();
  auto slot = std::make_shared<Slot>();
  queue_.push_back(slot);
  const bool read_more = queue_.size() < hub_->options.max_pipelined_publishes;
  reading_paused_ = !read_more;
  const std::string topic = topic_;
  lock.unlock();

  // The slot is not ready, so nothing else touches its response until OnSlotReady.
  PublishBatch batch = PreparePublish(caller_, *codec, topic, request, hub_->clock->NowMs(),
                                      rpc_id_, &slot->response);
  if (batch.events.empty()) {
    OnSlotReady(slot);
  } else {
    hub_->log->Publish(std::move(batch.events),
                       [self = shared_from_this(), slot, index = std::move(batch.result_index),
                        org_id = caller_.org_id](domain::Result<std::vector<uint64_t>> ids) {
                         // Runs on the store's writer thread; writing does not block.
                         CompletePublish(index, org_id, ids, &slot->response);
                         self->OnSlotReady(slot);
                       });
  }
  return read_more;
}

void PublishSession::OnSlotReady(const std::shared_ptr<Slot>& slot) {
  std::unique_lock lock(mutex_);
  slot->ready = true;
  WriteNextLocked(lock);
}

void PublishSession::WriteNextLocked(std::unique_lock<std::mutex>& lock) {
  if (finish_requested_ || write_in_flight_ || io_ == nullptr) {
    lock.unlock();
    return;
  }
  if (!queue_.empty()) {
    if (!queue_.front()->ready) {
      lock.unlock();
      return;  // answered in request order: the front one comes first
    }
    write_in_flight_ = true;
    const PublishResponse* response = &queue_.front()->response;
    PublishStreamIo* io = io_;
    lock.unlock();
    io->Write(response);
    return;
  }
  if (finish_after_drain_) {
    const Failure failure = *finish_after_drain_;
    finish_after_drain_.reset();
    FinishLocked(lock, failure);
    return;
  }
  if (reads_done_) {
    FinishLocked(lock, {grpc::StatusCode::OK, "", ""});
    return;
  }
  lock.unlock();
}

void PublishSession::FailAfterDrainLocked(std::unique_lock<std::mutex>& lock,
                                          const Failure& failure) {
  finish_after_drain_ = failure;
  WriteNextLocked(lock);
}

void PublishSession::OnReadsDone() {
  std::unique_lock lock(mutex_);
  reads_done_ = true;
  WriteNextLocked(lock);
}

void PublishSession::OnWriteDone(bool ok) {
  std::unique_lock lock(mutex_);
  write_in_flight_ = false;
  if (deferred_finish_) {
    const Failure failure = *deferred_finish_;
    deferred_finish_.reset();
    finish_requested_ = false;  // FinishLocked sets it again and really finishes
    FinishLocked(lock, failure);
    return;
  }
  if (!ok) {  // the stream is broken (client gone)
    FinishLocked(lock, {grpc::StatusCode::CANCELLED, error_codes::kServiceUnavailable,
                        "The stream was cancelled."});
    return;
  }
  queue_.pop_front();
  if (reading_paused_ && !reads_done_ && !finish_after_drain_ &&
      queue_.size() < hub_->options.max_pipelined_publishes) {
    reading_paused_ = false;
    PublishStreamIo* io = io_;
    lock.unlock();
    io->Read();
    lock.lock();
  }
  WriteNextLocked(lock);
}

void PublishSession::OnCancel() {
  Finish({grpc::StatusCode::CANCELLED, error_codes::kServiceUnavailable,
          "The publish stream was cancelled."});
}

void PublishSession::OnDone() {
  {
    std::lock_guard lock(mutex_);
    io_ = nullptr;
  }
  std::lock_guard lock(hub_->mutex);
  hub_->publishers.erase(shared_from_this());
}

void PublishSession::Tick(SteadyClock::time_point now) {
  std::unique_lock lock(mutex_);
  // Publishes in flight or responses owed keep the stream alive.
  if (finish_requested_ || io_ == nullptr || write_in_flight_ || !queue_.empty() ||
      finish_after_drain_) {
    return;
  }
  const auto timeout = hub_->options.publish_stream_timeout;
  if (now - last_request_ < timeout) return;
  FinishLocked(
      lock, {grpc::StatusCode::DEADLINE_EXCEEDED, error_codes::kPublishStreamTimeout,
             "No publish request arrived in the last " +
                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                 " seconds; the publish stream is closed. Open a new one to publish."});
}

void PublishSession::Finish(const Failure& failure) {
  std::unique_lock lock(mutex_);
  FinishLocked(lock, failure);
}

void PublishSession::FinishLocked(std::unique_lock<std::mutex>& lock, const Failure& failure) {
  if (finish_requested_ || io_ == nullptr) {
    lock.unlock();
    return;
  }
  finish_requested_ = true;
  if (write_in_flight_) {
    deferred_finish_ = failure;
    lock.unlock();
    return;
  }
  PublishStreamIo* io = io_;
  lock.unlock();
  // The context is only touched here, once, just before Finish.
  const grpc::Status status = failure.code == grpc::StatusCode::OK
                                  ? grpc::Status::OK
                                  : ToStatus(context_, rpc_id_, failure);
  io->Finish(status);
}

}  // namespace interactiond::pubsub
