// ManagedSubscribe: a subscription named by a configured managed subscription (id or developer
// name) rather than a topic, starting after the replay id its client last committed, and taking
// CommitReplayRequests on the same stream (subscription.h has the shared state machine).
#include <algorithm>
#include <cctype>
#include <utility>
#include <variant>

#include "pubsub/session_reactor.h"
#include "pubsub/subscription.h"
#include "store/store.h"

namespace interactiond::pubsub {

using eventbus::v1::CommitReplayResponse;
using eventbus::v1::ManagedFetchRequest;
using eventbus::v1::ManagedFetchResponse;

namespace {

// Record ids may come in their 18-character case-safe form: compare the 15.
std::string_view Id15(std::string_view id) { return id.size() == 18 ? id.substr(0, 15) : id; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

Failure Mismatch(const config::ManagedSubscription& subscription) {
  return {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kManagedSubscriptionMismatch,
          "The request names another managed subscription than the stream's, " +
              subscription.developer_name + " (" + subscription.id + ")."};
}

// The org's managed subscription the first request names (by id, else by developer name).
std::variant<const config::ManagedSubscription*, Failure> FindManaged(
    const Caller& caller, const ManagedFetchRequest& request) {
  const std::string& id = request.subscription_id();
  const std::string& name = request.developer_name();
  if (id.empty() && name.empty()) {
    return Failure{grpc::StatusCode::INVALID_ARGUMENT, error_codes::kManagedSubscriptionEmpty,
                   "Specify the managed subscription's ID or developer name."};
  }
  const auto& all = caller.org->managed_subscriptions;
  const auto found = std::find_if(all.begin(), all.end(), [&](const auto& subscription) {
    return id.empty() ? EqualsIgnoreCase(subscription.developer_name, name)
                      : subscription.id == Id15(id);
  });
  if (found == all.end()) {
    return Failure{grpc::StatusCode::NOT_FOUND, error_codes::kManagedSubscriptionNotFound,
                   "The managed subscription " + (id.empty() ? name : id) +
                       " does not exist or you do not have access to it."};
  }
  if (!id.empty() && !name.empty() && !EqualsIgnoreCase(found->developer_name, name)) {
    return Mismatch(*found);
  }
  if (found->state == config::ManagedSubscriptionState::kStop) {
    return Failure{grpc::StatusCode::FAILED_PRECONDITION, error_codes::kManagedSubscriptionStopped,
                   "The managed subscription " + found->developer_name +
                       " is in the STOP state; set it to RUN to subscribe."};
  }
  return &*found;
}

class ManagedSubscribeReactor final
    : public SessionReactor<ManagedSubscribeReactor, ManagedFetchRequest, ManagedFetchResponse,
                            Subscription>,
      public SubscriptionStream {
 public:
  ManagedSubscribeReactor(std::shared_ptr<PubSubService::Hub> hub, Caller caller,
                          std::string rpc_id, grpc::CallbackServerContext* context) {
    Begin(std::make_shared<Subscription>(std::move(hub), std::move(caller), std::move(rpc_id),
                                         context, this));
  }

  bool Accept(const ManagedFetchRequest& request) { return session_->OnManagedRequest(request); }

  void Write(Delivery delivery) override {
    FillResponse(response_, delivery);
    if (delivery.commit) *response_.mutable_commit_response() = std::move(*delivery.commit);
    StartWrite(&response_);
  }
  void Finish(const grpc::Status& status) override {
    grpc::ServerBidiReactor<ManagedFetchRequest, ManagedFetchResponse>::Finish(status);
  }

 private:
  ManagedFetchResponse response_;  // owned by gRPC while a write is in flight
};

}  // namespace

grpc::ServerBidiReactor<ManagedFetchRequest, ManagedFetchResponse>* NewManagedSubscribeReactor(
    std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
    grpc::CallbackServerContext* context) {
  return new ManagedSubscribeReactor(std::move(hub), std::move(caller), std::move(rpc_id), context);
}

bool Subscription::OnManagedRequest(const ManagedFetchRequest& request) {
  std::unique_lock lock(mutex_);
  if (finish_requested_) return false;
  const int num_requested = request.num_requested();
  const bool commits = request.has_commit_replay_id_request();
  // A request may only commit (num_requested 0), as clients do when they commit on their own.
  const bool valid_credit = num_requested > 0 || (num_requested == 0 && commits);
  if (!started_) {
    // Reads are sequential, so nothing else starts the stream meanwhile; the configuration is
    // immutable. The hub's lock is taken without ours (lock order).
    lock.unlock();
    auto found = FindManaged(caller_, request);
    if (auto* failure = std::get_if<Failure>(&found)) {
      Finish(*failure);
      return false;
    }
    const config::ManagedSubscription* managed =
        std::get<const config::ManagedSubscription*>(found);
    const AvroCodec* codec = FindTopic(caller_, managed->topic_name);
    if (codec == nullptr) {
      Finish(TopicNotFound(managed->topic_name));
      return false;
    }
    if (!valid_credit) {
      Finish({grpc::StatusCode::INVALID_ARGUMENT, error_codes::kRequestedEventsInvalid,
              "The number of requested events must be greater than 0."});
      return false;
    }
    std::string key = caller_.org_id + "/" + managed->id;
    if (!hub_->AcquireManaged(key)) {
      Finish({grpc::StatusCode::ALREADY_EXISTS, error_codes::kManagedSubscriptionActive,
              "The managed subscription " + managed->developer_name +
                  " is already in use by another client; try again later."});
      return false;
    }
    lock.lock();
    managed_key_ = std::move(key);
    if (finish_requested_) {  // finished meanwhile (shutdown, cancel): give the slot back
      lock.unlock();
      ReleaseManagedSlot();
      return false;
    }
    managed_ = managed;
    topic_ = managed->topic_name;
    codec_ = codec;
    start_ = Start::kManaged;
  } else {
    // The subscription cannot change within the stream; repeating it is allowed.
    if ((!request.subscription_id().empty() && Id15(request.subscription_id()) != managed_->id) ||
        (!request.developer_name().empty() &&
         !EqualsIgnoreCase(request.developer_name(), managed_->developer_name))) {
      FinishLocked(lock, Mismatch(*managed_));
      return false;
    }
    if (!valid_credit) {
      FinishLocked(lock, {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kRequestedEventsInvalid,
                          "The number of requested events must be greater than 0."});
      return false;
    }
  }
  started_ = true;
  if (commits) {
    // A commit not yet stored is replaced by a newer one: the proto lets the server answer a
    // batch of commits once, with the last one's values.
    const auto& commit = request.commit_replay_id_request();
    queued_commit_ =
        QueuedCommit{commit.commit_request_id(), commit.replay_id(), hub_->clock->NowMs()};
  }
  if (num_requested > 0) AddCreditLocked(num_requested);
  lock.unlock();
  hub_->Schedule(shared_from_this());
  return true;
}

std::optional<uint64_t> Subscription::ResolveManagedStart() {
  // managed_ and topic_ were set before started_, under the lock the dispatcher took since.
  auto committed = hub_->managed_store->LoadManagedReplay(caller_.org_id, managed_->id);
  if (!committed.ok()) {
    Finish({grpc::StatusCode::UNAVAILABLE, error_codes::kServiceUnavailable,
            "The service is temporarily unavailable: the committed replay ID could not be "
            "read."});
    return std::nullopt;
  }
  events::EventLog& log = *hub_->log;
  const auto preset = [&](config::ManagedReplayPreset which) {
    return which == config::ManagedReplayPreset::kLatest
               ? log.LatestReplayId(caller_.org_id, topic_)
               : log.RetentionFloor(caller_.org_id, topic_);
  };
  if (!*committed) return preset(managed_->default_replay);  // never committed
  if (log.IsValidResumePoint(caller_.org_id, **committed)) return **committed;
  return preset(managed_->error_recovery_replay);  // the committed event has expired
}

void Subscription::StoreCommit(QueuedCommit commit) {
  CommitReplayResponse response;
  response.set_commit_request_id(commit.commit_request_id);
  response.set_replay_id(commit.replay_id);
  response.set_process_time(commit.process_time);
  auto answer = [](const std::shared_ptr<Subscription>& self, CommitReplayResponse answered) {
    {
      std::lock_guard lock(self->mutex_);
      self->commit_in_flight_ = false;
      self->commit_response_ = std::move(answered);
    }
    self->hub_->Schedule(self);
  };
  auto refuse = [&](const char* message) {
    response.mutable_error()->set_code(eventbus::v1::COMMIT);
    response.mutable_error()->set_msg(message);
    answer(shared_from_this(), std::move(response));
  };
  const auto replay_id = DecodeReplayId(commit.replay_id);
  if (!replay_id) {
    refuse("The replay ID to commit is not valid: it must be the 8 bytes of a replay ID.");
    return;
  }
  if (!hub_->log->IsValidResumePoint(caller_.org_id, *replay_id)) {
    refuse("The replay ID to commit is not valid: it is unknown or expired.");
    return;
  }
  hub_->managed_store->CommitManagedReplay(
      caller_.org_id, managed_->id, *replay_id, hub_->clock->NowMs(),
      [self = shared_from_this(), response = std::move(response),
       answer](domain::Status stored) mutable {
        // Runs on the store's writer thread, after the commit: hand over and wake only.
        if (!stored.ok()) {
          response.mutable_error()->set_code(eventbus::v1::COMMIT);
          response.mutable_error()->set_msg("The replay ID could not be stored; commit it again.");
        }
        answer(self, std::move(response));
      });
}

}  // namespace interactiond::pubsub
