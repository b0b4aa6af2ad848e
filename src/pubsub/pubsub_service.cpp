#include "pubsub/pubsub_service.h"

#include <openssl/sha.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json.hpp>

#include "util/ids.h"

namespace interactiond::pubsub {

using eventbus::v1::ConsumerEvent;
using eventbus::v1::FetchRequest;
using eventbus::v1::FetchResponse;
using eventbus::v1::PublishRequest;
using eventbus::v1::PublishResponse;
using eventbus::v1::ReplayPreset;
using eventbus::v1::SchemaInfo;
using eventbus::v1::SchemaRequest;
using eventbus::v1::TopicInfo;
using eventbus::v1::TopicRequest;

namespace {

using SteadyClock = std::chrono::steady_clock;

// A failed call: the gRPC code, the `error-code` trailer and the human-readable description.
struct Failure {
  grpc::StatusCode code;
  std::string error_code;
  std::string message;
};

// Adds the trailers the platform sends with an error and returns the status to finish with.
// Must run before the call's Finish, on the thread that finishes it.
grpc::Status ToStatus(grpc::CallbackServerContext* context, const std::string& rpc_id,
                      const Failure& failure) {
  context->AddTrailingMetadata("error-code", failure.error_code);
  context->AddTrailingMetadata("rpc-id", rpc_id);
  return grpc::Status(failure.code, failure.message + " rpcId: " + rpc_id);
}

struct OrgTopics {
  std::map<std::string, std::shared_ptr<const AvroCodec>, std::less<>> by_topic;
  std::map<std::string, std::shared_ptr<const AvroCodec>, std::less<>> by_schema_id;
};

// Who is calling, once authenticated.
struct Caller {
  std::string org_id;   // the configured (15-character) org id
  std::string user_id;  // the token's user, may be empty
  const OrgTopics* topics = nullptr;
};

std::optional<std::string> Metadata(const grpc::CallbackServerContext* context, const char* key) {
  const auto& metadata = context->client_metadata();
  const auto it = metadata.find(key);
  if (it == metadata.end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

const AvroCodec* FindTopic(const Caller& caller, const std::string& topic) {
  const auto it = caller.topics->by_topic.find(topic);
  return it == caller.topics->by_topic.end() ? nullptr : it->second.get();
}

Failure TopicNotFound(const std::string& topic) {
  return {grpc::StatusCode::NOT_FOUND, error_codes::kTopicNotFound,
          "The topic " + topic + " does not exist or you do not have access to it."};
}

Failure TopicEmpty() {
  return {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kTopicEmpty,
          "The topic name is empty. Specify a topic name, for example /event/My_Event__e."};
}

// Best effort: the inspection API filters on these; a payload that is not our JSON leaves them
// empty.
void FillFilterFields(events::OutboundEvent& event) {
  if (!event.payload) return;
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(*event.payload, ec);
  if (ec || !json.is_object()) return;
  const auto& object = json.get_object();
  if (const auto* id = object.if_contains("conversationIdentifier"); id && id->is_string()) {
    event.conversation_identifier = std::string(id->get_string());
  }
  if (const auto* entry = object.if_contains("payload"); entry && entry->is_object()) {
    if (const auto* type = entry->get_object().if_contains("entryType");
        type && type->is_string()) {
      event.entry_type = std::string(type->get_string());
    }
  }
}

}  // namespace

std::string EncodeReplayId(uint64_t replay_id) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i) {
    bytes[static_cast<size_t>(i)] = static_cast<char>(replay_id & 0xff);
    replay_id >>= 8;
  }
  return bytes;
}

std::optional<uint64_t> DecodeReplayId(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

std::string EventUuid(std::string_view org_id, uint64_t replay_id) {
  const std::string name =
      "interactiond-event:" + std::string(org_id.substr(0, 15)) + ":" + std::to_string(replay_id);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x80);  // version 8 (RFC 9562)
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);  // RFC variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

class Subscription;

// State shared by the service, its subscriptions and the event log listener. Kept in a
// shared_ptr so that a listener call racing with teardown finds it alive.
struct PubSubService::Hub {
  std::shared_ptr<const config::OrgDirectory> orgs;
  const auth::TokenSigner* tokens = nullptr;
  events::EventLog* log = nullptr;
  const util::Clock* clock = nullptr;
  ServiceOptions options;
  std::map<std::string, OrgTopics, std::less<>> topics_by_org;  // by the configured org id
  uint64_t listener_id = 0;

  // Dispatcher state.
  mutable std::mutex mutex;
  std::condition_variable wake;
  std::set<std::shared_ptr<Subscription>> live;
  std::deque<std::shared_ptr<Subscription>> ready;
  bool stopping = false;       // dispatcher thread exits
  bool shutting_down = false;  // BeginShutdown called
  std::thread dispatcher;

  std::variant<Caller, Failure> Authenticate(const grpc::CallbackServerContext* context) const;
  void Schedule(const std::shared_ptr<Subscription>& subscription);
  void Remove(const std::shared_ptr<Subscription>& subscription);
  void OnAppended(const std::vector<events::OutboundEvent>& appended);
  void RunDispatcher();
  std::chrono::milliseconds Tick() const {
    const auto shortest = std::min(options.keepalive, options.idle_timeout);
    return std::clamp(shortest / 10, std::chrono::milliseconds(20),
                      std::chrono::milliseconds(1000));
  }
};

std::variant<Caller, Failure> PubSubService::Hub::Authenticate(
    const grpc::CallbackServerContext* context) const {
  const auto token = Metadata(context, "accesstoken");
  const auto instance_url = Metadata(context, "instanceurl");
  const auto tenant = Metadata(context, "tenantid");
  if (!token || token->empty() || !instance_url || instance_url->empty() || !tenant ||
      tenant->empty()) {
    return Failure{grpc::StatusCode::UNAUTHENTICATED, error_codes::kAuthHeadersInvalid,
                   "The accesstoken, instanceurl and tenantid headers are required."};
  }
  if (tenant->size() != 15 && tenant->size() != 18) {
    return Failure{grpc::StatusCode::UNAUTHENTICATED, error_codes::kAuthHeadersInvalid,
                   "The tenantid header must be a 15- or 18-character org ID."};
  }
  auto claims = tokens->Verify(*token, clock->NowMs());
  if (!claims.ok()) {
    return Failure{grpc::StatusCode::UNAUTHENTICATED, error_codes::kAuthError,
                   "Authentication failed: the access token is not valid or has expired."};
  }
  const config::Org* org = orgs->FindOrg(claims->org_id);
  if (org == nullptr || tenant->compare(0, 15, claims->org_id, 0, 15) != 0) {
    return Failure{grpc::StatusCode::UNAUTHENTICATED, error_codes::kAuthError,
                   "Authentication failed: the tenantid does not match the access token's org."};
  }
  static const OrgTopics kNoTopics;
  const auto topics = topics_by_org.find(org->id);
  return Caller{org->id, claims->user_id,
                topics == topics_by_org.end() ? &kNoTopics : &topics->second};
}

// ---------------------------------------------------------------------------------------------
// Subscribe
//
// A SubscribeReactor is owned by gRPC (deleted in OnDone) and forwards to a Subscription, which
// is shared with the dispatcher. Invariants, all under Subscription::mutex_:
//   - at most one write in flight (the callback API allows one);
//   - Finish is called exactly once, never while a write is in flight (it is deferred to
//     OnWriteDone), and the reactor is not touched after Finish;
//   - gRPC's Start*/Finish are called without our mutex held (reactions may run inline).

class SubscribeReactor;

class Subscription : public std::enable_shared_from_this<Subscription> {
 public:
  Subscription(std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
               grpc::CallbackServerContext* context, SubscribeReactor* reactor)
      : hub_(std::move(hub)),
        caller_(std::move(caller)),
        rpc_id_(std::move(rpc_id)),
        context_(context),
        reactor_(reactor),
        last_write_(SteadyClock::now()),
        zero_credit_since_(last_write_) {}

  // A FetchRequest arrived (gRPC callback thread). Returns whether to read the next one.
  bool OnRequest(const FetchRequest& request);
  // The client half-closed its side (no more requests).
  void OnReadsDone();
  void OnWriteDone(bool ok);
  void OnCancel();
  void OnDone();

  // Dispatcher thread only: resolve the start position, send events or a keepalive, or close an
  // idle stream.
  void Pump(SteadyClock::time_point now);

  // Marks new events possibly available; true when this subscription reads (org, topic).
  bool MarkIfMatches(const std::string& org_id, const std::string& topic);

  // Ends the stream with `failure` (OK when its code is OK). Any thread.
  void Finish(const Failure& failure);

 private:
  // Calls reactor Finish; `lock` holds mutex_ and is released first.
  void FinishLocked(std::unique_lock<std::mutex>& lock, const Failure& failure);
  void StartWriteLocked(std::unique_lock<std::mutex>& lock);
  void FillResponse(uint64_t latest, int pending);

  const std::shared_ptr<PubSubService::Hub> hub_;
  const Caller caller_;
  const std::string rpc_id_;
  grpc::CallbackServerContext* const context_;

  std::mutex mutex_;
  SubscribeReactor* reactor_;  // null after OnDone
  bool started_ = false;       // first FetchRequest accepted
  bool resolved_ = false;      // start position resolved (dispatcher)
  std::string topic_;
  const AvroCodec* codec_ = nullptr;
  int preset_ = eventbus::v1::LATEST;
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
  FetchResponse response_;  // owned by gRPC while a write is in flight
};

class SubscribeReactor final : public grpc::ServerBidiReactor<FetchRequest, FetchResponse> {
 public:
  SubscribeReactor(std::shared_ptr<PubSubService::Hub> hub, Caller caller, std::string rpc_id,
                   grpc::CallbackServerContext* context)
      : subscription_(std::make_shared<Subscription>(hub, std::move(caller), std::move(rpc_id),
                                                     context, this)) {
    {
      std::lock_guard lock(hub->mutex);
      if (!hub->shutting_down) hub->live.insert(subscription_);
    }
    StartRead(&request_);
  }

  // The subscription to register; started by the service after construction.
  const std::shared_ptr<Subscription>& subscription() const { return subscription_; }

  void OnReadDone(bool ok) override {
    if (!ok) {
      subscription_->OnReadsDone();
      return;
    }
    if (subscription_->OnRequest(request_)) StartRead(&request_);
  }
  void OnWriteDone(bool ok) override { subscription_->OnWriteDone(ok); }
  void OnCancel() override { subscription_->OnCancel(); }
  void OnDone() override {
    subscription_->OnDone();
    delete this;
  }

 private:
  std::shared_ptr<Subscription> subscription_;
  FetchRequest request_;
};

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
        FinishLocked(lock, {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kReplayIdCorrupted,
                            "The replay ID is not valid: it is corrupted, unknown or expired."});
        return false;
      }
      custom_replay_id_ = *replay_id;
    } else if (preset != eventbus::v1::LATEST && preset != eventbus::v1::EARLIEST) {
      FinishLocked(lock,
                   {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kReplayIdValidationFailed,
                    "The replay preset is not LATEST, EARLIEST or CUSTOM."});
      return false;
    }
    preset_ = preset;
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
  // Credit is additive and capped: a client asking for more than the cap gets the cap.
  pending_ = std::min<int64_t>(hub_->options.max_pending, pending_ + request.num_requested());
  dirty_ = true;
  lock.unlock();
  hub_->Schedule(shared_from_this());
  return true;
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
    reactor_ = nullptr;
  }
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
  if (finish_requested_ || reactor_ == nullptr) return;
  finish_requested_ = true;
  if (write_in_flight_) {
    deferred_finish_ = failure;
    return;
  }
  SubscribeReactor* reactor = reactor_;
  lock.unlock();
  // The context is only touched here, once, just before Finish.
  const grpc::Status status = failure.code == grpc::StatusCode::OK
                                  ? grpc::Status::OK
                                  : ToStatus(context_, rpc_id_, failure);
  reactor->Finish(status);
}

void Subscription::FillResponse(uint64_t latest, int pending) {
  response_.set_latest_replay_id(EncodeReplayId(latest));
  response_.set_pending_num_requested(pending);
  response_.set_rpc_id(rpc_id_);
}

void Subscription::StartWriteLocked(std::unique_lock<std::mutex>& lock) {
  write_in_flight_ = true;
  last_write_ = SteadyClock::now();
  SubscribeReactor* reactor = reactor_;
  lock.unlock();
  reactor->StartWrite(&response_);
}

void Subscription::Pump(SteadyClock::time_point now) {
  std::unique_lock lock(mutex_);
  if (finish_requested_ || write_in_flight_ || reactor_ == nullptr) return;
  if (!started_) {
    if (reads_done_) {
      FinishLocked(lock, {grpc::StatusCode::OK, "", ""});
    } else if (now - zero_credit_since_ >= hub_->options.idle_timeout) {
      FinishLocked(lock, {grpc::StatusCode::OK, "", ""});
    }
    return;
  }
  events::EventLog& log = *hub_->log;
  if (!resolved_) {
    // First pump after the first request: find where the stream starts. The log may do I/O, so
    // this runs here rather than on a gRPC thread.
    const int preset = preset_;
    const uint64_t custom = custom_replay_id_;
    lock.unlock();
    uint64_t start = 0;
    bool valid = true;
    if (preset == eventbus::v1::LATEST) {
      start = log.LatestReplayId(caller_.org_id, topic_);
    } else if (preset == eventbus::v1::EARLIEST) {
      start = log.RetentionFloor(caller_.org_id, topic_);
    } else {
      start = custom;
      valid = log.IsValidResumePoint(caller_.org_id, custom);
    }
    lock.lock();
    if (!valid) {
      FinishLocked(lock, {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kReplayIdCorrupted,
                          "The replay ID is not valid: it is corrupted, unknown or expired."});
      return;
    }
    cursor_ = start;
    resolved_ = true;
    if (finish_requested_) return;
  }

  if (pending_ > 0 && dirty_) {
    dirty_ = false;
    const uint64_t after = cursor_;
    const size_t limit = static_cast<size_t>(pending_);
    lock.unlock();
    auto read = log.ReadEvents(caller_.org_id, topic_, after, limit);
    if (!read.ok()) {
      Finish({grpc::StatusCode::UNAVAILABLE, error_codes::kServiceUnavailable,
              "The service is temporarily unavailable: the event log could not be read."});
      return;
    }
    // Only the dispatcher touches response_ while no write is in flight.
    response_.Clear();
    size_t bytes = 0;
    uint64_t last = after;
    for (const events::OutboundEvent& event : *read) {
      std::string payload = codec_->Encode(event);
      if (response_.events_size() > 0 && bytes + payload.size() > hub_->options.max_batch_bytes) {
        break;  // the rest goes in the next response
      }
      bytes += payload.size();
      ConsumerEvent* out = response_.add_events();
      out->set_replay_id(EncodeReplayId(event.replay_id));
      out->mutable_event()->set_id(EventUuid(caller_.org_id, event.replay_id));
      out->mutable_event()->set_schema_id(codec_->schema_id());
      out->mutable_event()->set_payload(std::move(payload));
      last = event.replay_id;
    }
    lock.lock();
    if (finish_requested_ || reactor_ == nullptr) return;
    if (response_.events_size() > 0) {
      cursor_ = last;
      pending_ -= response_.events_size();
      if (pending_ == 0) zero_credit_since_ = now;
      FillResponse(cursor_, static_cast<int>(pending_));
      StartWriteLocked(lock);
      return;
    }
  }

  if (pending_ > 0) {
    if (now - last_write_ >= hub_->options.keepalive) {
      // Keepalive: no events, the position so far. Never beyond the last event sent, so a
      // client that stores it cannot skip an event that is still to come.
      response_.Clear();
      FillResponse(cursor_, static_cast<int>(pending_));
      StartWriteLocked(lock);
    }
    return;
  }
  if (reads_done_ || now - zero_credit_since_ >= hub_->options.idle_timeout) {
    FinishLocked(lock, {grpc::StatusCode::OK, "", ""});
  }
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
  while (true) {
    batch.clear();
    {
      std::unique_lock lock(mutex);
      wake.wait_until(lock, next_tick, [&] { return stopping || !ready.empty(); });
      if (stopping) return;
      if (SteadyClock::now() >= next_tick) {
        // Timer pass: every subscription is looked at (keepalives, idle close).
        batch.assign(live.begin(), live.end());
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
  }
}

// ---------------------------------------------------------------------------------------------

PubSubService::PubSubService(std::shared_ptr<const config::OrgDirectory> orgs,
                             const auth::TokenSigner* tokens, events::EventLog* log,
                             const util::Clock* clock, ServiceOptions options)
    : hub_(std::make_shared<Hub>()) {
  hub_->orgs = std::move(orgs);
  hub_->tokens = tokens;
  hub_->log = log;
  hub_->clock = clock;
  hub_->options = options;
  for (const config::Org& org : hub_->orgs->orgs()) {
    OrgTopics& topics = hub_->topics_by_org[org.id];
    auto add = [&topics](const std::string& event, const std::string& type_field,
                         const std::string& payload_field) {
      if (event.empty()) return;
      const std::string topic = events::TopicOf(event);
      if (topics.by_topic.count(topic) != 0) return;  // first definition naming it wins
      auto codec = std::make_shared<const AvroCodec>(event, type_field, payload_field);
      topics.by_schema_id.emplace(codec->schema_id(), codec);
      topics.by_topic.emplace(topic, std::move(codec));
    };
    for (const auto& definition : org.channel_definitions) {
      add(definition.custom_platform_event, definition.event_type_field, definition.payload_field);
    }
    // Bot integrations name only the event; their fields are the platform's defaults.
    const config::ChannelDefinition defaults;
    for (const auto& integration : org.bot_integrations) {
      add(integration.custom_platform_event, defaults.event_type_field, defaults.payload_field);
    }
  }
  std::weak_ptr<Hub> weak = hub_;
  hub_->listener_id =
      hub_->log->AddListener([weak](const std::vector<events::OutboundEvent>& appended) {
        if (auto hub = weak.lock()) hub->OnAppended(appended);
      });
  hub_->dispatcher = std::thread([hub = hub_.get()] { hub->RunDispatcher(); });
}

PubSubService::~PubSubService() {
  hub_->log->RemoveListener(hub_->listener_id);
  {
    std::lock_guard lock(hub_->mutex);
    hub_->stopping = true;
    hub_->ready.clear();
  }
  hub_->wake.notify_all();
  hub_->dispatcher.join();
}

void PubSubService::BeginShutdown() {
  std::vector<std::shared_ptr<Subscription>> open;
  {
    std::lock_guard lock(hub_->mutex);
    hub_->shutting_down = true;
    open.assign(hub_->live.begin(), hub_->live.end());
  }
  for (const auto& subscription : open) {
    subscription->Finish({grpc::StatusCode::UNAVAILABLE, error_codes::kServiceUnavailable,
                          "The service is shutting down; subscribe again later."});
  }
}

size_t PubSubService::subscription_count() const {
  std::lock_guard lock(hub_->mutex);
  return hub_->live.size();
}

grpc::ServerBidiReactor<FetchRequest, FetchResponse>* PubSubService::Subscribe(
    grpc::CallbackServerContext* context) {
  const std::string rpc_id = util::RandomUuid();
  auto caller = hub_->Authenticate(context);
  bool shutting_down = false;
  {
    std::lock_guard lock(hub_->mutex);
    shutting_down = hub_->shutting_down;
  }
  if (std::holds_alternative<Failure>(caller) || shutting_down) {
    // Answers at once with the failure, reading nothing.
    class Refused final : public grpc::ServerBidiReactor<FetchRequest, FetchResponse> {
     public:
      explicit Refused(const grpc::Status& status) { Finish(status); }
      void OnDone() override { delete this; }
    };
    const Failure failure =
        shutting_down ? Failure{grpc::StatusCode::UNAVAILABLE, error_codes::kServiceUnavailable,
                                "The service is shutting down; subscribe again later."}
                      : std::get<Failure>(caller);
    return new Refused(ToStatus(context, rpc_id, failure));
  }
  return new SubscribeReactor(hub_, std::move(std::get<Caller>(caller)), rpc_id, context);
}

grpc::ServerUnaryReactor* PubSubService::GetTopic(grpc::CallbackServerContext* context,
                                                  const TopicRequest* request,
                                                  TopicInfo* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string rpc_id = util::RandomUuid();
  auto caller = hub_->Authenticate(context);
  if (const auto* failure = std::get_if<Failure>(&caller)) {
    reactor->Finish(ToStatus(context, rpc_id, *failure));
    return reactor;
  }
  const Caller& who = std::get<Caller>(caller);
  if (request->topic_name().empty()) {
    reactor->Finish(ToStatus(context, rpc_id, TopicEmpty()));
    return reactor;
  }
  const AvroCodec* codec = FindTopic(who, request->topic_name());
  if (codec == nullptr) {
    reactor->Finish(ToStatus(context, rpc_id, TopicNotFound(request->topic_name())));
    return reactor;
  }
  response->set_topic_name(request->topic_name());
  response->set_tenant_guid(who.org_id);
  response->set_can_publish(true);
  response->set_can_subscribe(true);
  response->set_schema_id(codec->schema_id());
  response->set_rpc_id(rpc_id);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PubSubService::GetSchema(grpc::CallbackServerContext* context,
                                                   const SchemaRequest* request,
                                                   SchemaInfo* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string rpc_id = util::RandomUuid();
  auto caller = hub_->Authenticate(context);
  if (const auto* failure = std::get_if<Failure>(&caller)) {
    reactor->Finish(ToStatus(context, rpc_id, *failure));
    return reactor;
  }
  const Caller& who = std::get<Caller>(caller);
  const auto it = who.topics->by_schema_id.find(request->schema_id());
  if (it == who.topics->by_schema_id.end()) {
    reactor->Finish(ToStatus(context, rpc_id,
                             {request->schema_id().empty() ? grpc::StatusCode::INVALID_ARGUMENT
                                                           : grpc::StatusCode::NOT_FOUND,
                              error_codes::kSchemaValidationFailed,
                              "The schema ID " + request->schema_id() + " is empty or unknown."}));
    return reactor;
  }
  response->set_schema_json(it->second->schema_json());
  response->set_schema_id(it->second->schema_id());
  response->set_rpc_id(rpc_id);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PubSubService::Publish(grpc::CallbackServerContext* context,
                                                 const PublishRequest* request,
                                                 PublishResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string rpc_id = util::RandomUuid();
  auto caller = hub_->Authenticate(context);
  if (const auto* failure = std::get_if<Failure>(&caller)) {
    reactor->Finish(ToStatus(context, rpc_id, *failure));
    return reactor;
  }
  const Caller& who = std::get<Caller>(caller);
  if (request->topic_name().empty()) {
    reactor->Finish(ToStatus(context, rpc_id, TopicEmpty()));
    return reactor;
  }
  const AvroCodec* codec = FindTopic(who, request->topic_name());
  if (codec == nullptr) {
    reactor->Finish(ToStatus(context, rpc_id, TopicNotFound(request->topic_name())));
    return reactor;
  }
  if (request->events_size() == 0) {
    reactor->Finish(
        ToStatus(context, rpc_id,
                 {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kPublishEventCountInvalid,
                  "The publish request contains no events."}));
    return reactor;
  }
  response->set_schema_id(codec->schema_id());
  response->set_rpc_id(rpc_id);

  // Each event succeeds or fails on its own; only the valid ones are appended (in order).
  std::vector<events::OutboundEvent> valid;
  std::vector<int> valid_index;
  const int64_t now_ms = hub_->clock->NowMs();
  for (int i = 0; i < request->events_size(); ++i) {
    const auto& event = request->events(i);
    auto* result = response->add_results();
    result->set_correlation_key(event.id());
    auto reject = [result](std::string message) {
      result->mutable_error()->set_code(eventbus::v1::PUBLISH);
      result->mutable_error()->set_msg(std::move(message));
    };
    if (event.schema_id() != codec->schema_id()) {
      reject("The event's schema ID " + event.schema_id() + " is not the topic's schema ID " +
             codec->schema_id() + ".");
      continue;
    }
    std::string error;
    auto fields = codec->Decode(event.payload(), &error);
    if (!fields) {
      reject("The event payload could not be decoded: " + error + ".");
      continue;
    }
    events::OutboundEvent out;
    out.org_id = who.org_id;
    out.topic = request->topic_name();
    // System fields are the platform's, as on the real service: the publish time and the
    // publishing user (the token's); the payload's values are kept only when there is no user.
    out.created_date = now_ms;
    out.created_by_id = who.user_id.empty() ? fields->created_by_id : who.user_id;
    out.event_type_field = codec->event_type_field();
    out.payload_field = codec->payload_field();
    out.event_type = std::move(fields->event_type);
    out.payload = std::move(fields->payload);
    FillFilterFields(out);
    valid.push_back(std::move(out));
    valid_index.push_back(i);
  }
  if (valid.empty()) {
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  const size_t count = valid.size();
  hub_->log->Publish(
      std::move(valid), [reactor, response, valid_index = std::move(valid_index), count,
                         org_id = who.org_id](domain::Result<std::vector<uint64_t>> ids) {
        // Runs on the store's writer thread; Finish does not block.
        for (size_t k = 0; k < count; ++k) {
          auto* result = response->mutable_results(valid_index[k]);
          if (!ids.ok() || ids->size() != count) {
            result->mutable_error()->set_code(eventbus::v1::PUBLISH);
            result->mutable_error()->set_msg("The event could not be stored; publish it again.");
            continue;
          }
          const uint64_t replay_id = (*ids)[k];
          result->set_replay_id(EncodeReplayId(replay_id));
          if (result->correlation_key().empty()) {
            result->set_correlation_key(EventUuid(org_id, replay_id));
          }
        }
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

}  // namespace interactiond::pubsub
