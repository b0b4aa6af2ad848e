// Test-only helpers for the Pub/Sub service tests: an in-memory event log and managed replay
// store, a small org directory, and a fixture that serves PubSubService through a real gRPC server
// on 127.0.0.1 (ephemeral port, plaintext) with the generated stub. Header-only on purpose: only
// *_test.cpp files include it, so it never lands in the core library.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pubsub/pubsub_server.h"
#include "pubsub/pubsub_service.h"
#include "store/store.h"
#include "util/clock.h"

namespace interactiond::pubsub::test_support {

using namespace std::chrono_literals;

inline constexpr char kOrg[] = "00D000000000001";
inline constexpr char kOtherOrg[] = "00D000000000002";
inline constexpr char kTopic[] = "/event/Partner1_Event__e";
inline constexpr char kOtherTopic[] = "/event/Partner2_Event__e";
// Managed subscriptions of kOrg (TestOrgs).
inline constexpr char kManagedId[] = "18x000000000001";  // on kTopic, LATEST / LATEST
inline constexpr char kManagedName[] = "Partner1_Managed";
inline constexpr char kEarliestId[] = "18x000000000002";         // on kTopic, EARLIEST / EARLIEST
inline constexpr char kStoppedId[] = "18x000000000003";          // state STOP
inline constexpr char kOtherOrgManagedId[] = "18x000000000009";  // kOtherOrg's

// An in-memory event log with the EventLog contract: one increasing replay id sequence across
// orgs and topics, a retention floor, listeners called (like the store's writer thread) on the
// appending thread.
class FakeEventLog final : public events::EventLog {
 public:
  domain::Result<std::vector<events::OutboundEvent>> QueryEvents(
      const events::EventQuery& query) override {
    std::lock_guard lock(mutex_);
    std::vector<events::OutboundEvent> out;
    for (const auto& event : events_) {
      if (out.size() < query.limit && query.Matches(event)) out.push_back(event);
    }
    return out;
  }
  domain::Result<std::vector<events::OutboundEvent>> ReadEvents(const std::string& org_id,
                                                                const std::string& topic,
                                                                uint64_t after_replay_id,
                                                                size_t limit) override {
    std::lock_guard lock(mutex_);
    std::vector<events::OutboundEvent> out;
    for (const auto& event : events_) {
      if (out.size() >= limit) break;
      if (event.org_id == org_id && event.topic == topic && event.replay_id > after_replay_id &&
          event.replay_id > floor_) {
        out.push_back(event);
      }
    }
    return out;
  }
  uint64_t LatestReplayId(const std::string& org_id, const std::string& topic) override {
    std::lock_guard lock(mutex_);
    ++position_lookups_;
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (it->org_id == org_id && it->topic == topic) return it->replay_id;
    }
    return next_id_ - 1;
  }
  uint64_t RetentionFloor(const std::string&, const std::string&) override {
    std::lock_guard lock(mutex_);
    ++position_lookups_;
    return floor_;
  }
  bool IsValidResumePoint(const std::string& org_id, uint64_t replay_id) override {
    std::lock_guard lock(mutex_);
    if (replay_id == 0 || replay_id == floor_) return true;
    if (replay_id < floor_) return false;
    return std::any_of(events_.begin(), events_.end(), [&](const auto& e) {
      return e.org_id == org_id && e.replay_id == replay_id;
    });
  }
  uint64_t AddListener(AppendListener listener) override {
    std::lock_guard lock(mutex_);
    listeners_[++listener_seq_] = std::move(listener);
    return listener_seq_;
  }
  void RemoveListener(uint64_t id) override {
    std::lock_guard lock(mutex_);
    listeners_.erase(id);
  }
  void Publish(std::vector<events::OutboundEvent> events,
               std::function<void(domain::Result<std::vector<uint64_t>>)> done) override {
    {
      std::lock_guard lock(mutex_);
      if (fail_publishes_) {
        --fail_publishes_;
        done(domain::Error::Of(500, "injected"));
        return;
      }
    }
    std::vector<uint64_t> ids;
    for (auto& e : Append(std::move(events))) ids.push_back(e.replay_id);
    done(std::move(ids));
  }

  std::vector<events::OutboundEvent> Append(std::vector<events::OutboundEvent> events) {
    std::vector<AppendListener> listeners;
    {
      std::lock_guard lock(mutex_);
      for (auto& e : events) {
        e.replay_id = next_id_++;
        events_.push_back(e);
      }
      for (const auto& [id, listener] : listeners_) listeners.push_back(listener);
    }
    for (const auto& listener : listeners) listener(events);
    return events;
  }
  // Appends `n` events to (org, topic) with payload "<prefix><i>"; returns their replay ids.
  std::vector<uint64_t> AppendN(int n, const std::string& org = kOrg,
                                const std::string& topic = kTopic,
                                const std::string& prefix = "e") {
    std::vector<events::OutboundEvent> batch;
    for (int i = 0; i < n; ++i) {
      events::OutboundEvent e;
      e.org_id = org;
      e.topic = topic;
      e.created_date = 1700000000000 + i;
      e.created_by_id = "005000000000001";
      e.event_type_field = "EventType__c";
      e.payload_field = "Payload__c";
      e.event_type = "Interaction";
      e.payload = prefix + std::to_string(i);
      batch.push_back(std::move(e));
    }
    std::vector<uint64_t> ids;
    for (const auto& e : Append(std::move(batch))) ids.push_back(e.replay_id);
    return ids;
  }
  // Waits until subscriptions have looked up `count` start positions in total (a LATEST
  // subscription that has done so sees every later append).
  bool WaitForPositionLookups(int count) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mutex_);
        if (position_lookups_ >= count) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  void SetFloor(uint64_t floor) {
    std::lock_guard lock(mutex_);
    floor_ = floor;
  }
  // The next `n` Publish calls fail (as a failed commit would).
  void FailPublishes(int n) {
    std::lock_guard lock(mutex_);
    fail_publishes_ = n;
  }
  size_t size() {
    std::lock_guard lock(mutex_);
    return events_.size();
  }

 private:
  std::mutex mutex_;
  std::vector<events::OutboundEvent> events_;
  uint64_t next_id_ = 1;
  uint64_t floor_ = 0;
  uint64_t listener_seq_ = 0;
  int position_lookups_ = 0;
  int fail_publishes_ = 0;
  std::map<uint64_t, AppendListener> listeners_;
};

// An in-memory ManagedReplayStore; completions run on the calling thread, or are held back until
// Release when `hold` is set (to observe commits in flight).
class FakeManagedStore final : public store::ManagedReplayStore {
 public:
  void CommitManagedReplay(const std::string& org_id, const std::string& subscription_id,
                           uint64_t replay_id, int64_t,
                           std::function<void(domain::Status)> done) override {
    std::unique_lock lock(mutex_);
    ++commits_;
    if (fail_) {
      lock.unlock();
      done(domain::Error::Of(500, "injected"));
      return;
    }
    committed_[org_id + "/" + subscription_id] = replay_id;
    if (hold_) {
      held_.push_back(std::move(done));
      return;
    }
    lock.unlock();
    done(domain::OkStatus());
  }
  domain::Result<std::optional<uint64_t>> LoadManagedReplay(
      const std::string& org_id, const std::string& subscription_id) override {
    std::lock_guard lock(mutex_);
    if (fail_) return domain::Error::Of(500, "injected");
    const auto it = committed_.find(org_id + "/" + subscription_id);
    if (it == committed_.end()) return std::optional<uint64_t>();
    return std::optional<uint64_t>(it->second);
  }

  std::optional<uint64_t> Committed(const std::string& org_id, const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto it = committed_.find(org_id + "/" + id);
    return it == committed_.end() ? std::nullopt : std::optional<uint64_t>(it->second);
  }
  void Set(const std::string& org_id, const std::string& id, uint64_t replay_id) {
    std::lock_guard lock(mutex_);
    committed_[org_id + "/" + id] = replay_id;
  }
  void SetFailing(bool fail) {
    std::lock_guard lock(mutex_);
    fail_ = fail;
  }
  void Hold() {
    std::lock_guard lock(mutex_);
    hold_ = true;
  }
  // Runs the held completions and stops holding.
  void Release() {
    std::vector<std::function<void(domain::Status)>> held;
    {
      std::lock_guard lock(mutex_);
      hold_ = false;
      held.swap(held_);
    }
    for (auto& done : held) done(domain::OkStatus());
  }
  int commits() {
    std::lock_guard lock(mutex_);
    return commits_;
  }
  size_t held() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, uint64_t> committed_;
  bool fail_ = false;
  bool hold_ = false;
  int commits_ = 0;
  std::vector<std::function<void(domain::Status)>> held_;
};

inline std::shared_ptr<const config::OrgDirectory> TestOrgs() {
  config::Org org;
  org.id = kOrg;
  config::ChannelDefinition definition;
  definition.developer_name = "Partner1_Definition";
  definition.custom_platform_event = "Partner1_Event__e";
  org.channel_definitions.push_back(definition);
  config::BotIntegrationDefinition bot;
  bot.developer_name = "Bot_Integration";
  bot.custom_platform_event = "Partner2_Event__e";
  org.bot_integrations.push_back(bot);
  config::ManagedSubscription managed;
  managed.id = kManagedId;
  managed.developer_name = kManagedName;
  managed.topic_name = kTopic;
  org.managed_subscriptions.push_back(managed);
  managed.id = kEarliestId;
  managed.developer_name = "Partner1_Earliest";
  managed.default_replay = config::ManagedReplayPreset::kEarliest;
  managed.error_recovery_replay = config::ManagedReplayPreset::kEarliest;
  org.managed_subscriptions.push_back(managed);
  managed = {};
  managed.id = kStoppedId;
  managed.developer_name = "Partner1_Stopped";
  managed.topic_name = kTopic;
  managed.state = config::ManagedSubscriptionState::kStop;
  org.managed_subscriptions.push_back(managed);
  config::Org other;
  other.id = kOtherOrg;
  definition.custom_platform_event = "Other_Event__e";
  other.channel_definitions.push_back(definition);
  managed = {};
  managed.id = kOtherOrgManagedId;
  managed.developer_name = "Other_Managed";
  managed.topic_name = "/event/Other_Event__e";
  other.managed_subscriptions.push_back(managed);
  return std::make_shared<const config::OrgDirectory>(std::vector<config::Org>{org, other});
}

inline std::string Trailer(const grpc::ClientContext& context, const std::string& key) {
  const auto& trailers = context.GetServerTrailingMetadata();
  const auto it = trailers.find(key);
  return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
}

// A client stream with a background reader, so tests can wait for responses with a timeout and
// assert that nothing more arrives.
template <typename Req, typename Resp>
class TestStream {
 public:
  using Open =
      std::function<std::unique_ptr<grpc::ClientReaderWriter<Req, Resp>>(grpc::ClientContext*)>;
  TestStream(const Open& open, const std::function<void(grpc::ClientContext&)>& auth) {
    auth(context_);
    stream_ = open(&context_);
    reader_ = std::thread([this] {
      Resp response;
      while (stream_->Read(&response)) {
        std::lock_guard lock(mutex_);
        responses_.push_back(response);
        arrived_.notify_all();
      }
      std::lock_guard lock(mutex_);
      ended_ = true;
      arrived_.notify_all();
    });
  }
  ~TestStream() {
    context_.TryCancel();
    reader_.join();
  }
  TestStream(const TestStream&) = delete;
  TestStream& operator=(const TestStream&) = delete;

  bool Send(const Req& request) { return stream_->Write(request); }
  // Subscribe streams: asks for `n` more events (of `topic`).
  bool Request(int n, const std::string& topic = kTopic) {
    Req request;
    request.set_topic_name(topic);
    request.set_num_requested(n);
    return Send(request);
  }
  std::optional<Resp> Next(std::chrono::milliseconds timeout = 3s) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, timeout, [&] { return !responses_.empty() || ended_; });
    if (responses_.empty()) return std::nullopt;
    Resp response = responses_.front();
    responses_.pop_front();
    return response;
  }
  // Collects responses until `count` events arrived or `timeout` passed (subscriptions).
  std::vector<Resp> Events(int count, std::chrono::milliseconds timeout = 3s) {
    std::vector<Resp> out;
    int seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (seen < count) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) break;
      auto response = Next(left);
      if (!response) break;
      seen += response->events_size();
      out.push_back(*response);
    }
    return out;
  }
  // Half-closes the client side (once).
  bool WritesDone() {
    if (writes_done_) return true;
    writes_done_ = true;
    return stream_->WritesDone();
  }
  // True once the server ended the stream (within `timeout`).
  bool Ended(std::chrono::milliseconds timeout = 3s) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return ended_; });
  }
  // Waits for the server to end the stream; returns its status.
  grpc::Status Finish() {
    {
      std::unique_lock lock(mutex_);
      arrived_.wait_for(lock, 5s, [&] { return ended_; });
    }
    WritesDone();
    return stream_->Finish();
  }
  std::string Trailer(const std::string& key) const { return test_support::Trailer(context_, key); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<Req, Resp>> stream_;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<Resp> responses_;
  bool ended_ = false;
  bool writes_done_ = false;  // the test thread's only
};

using SubscribeStream = TestStream<eventbus::v1::FetchRequest, eventbus::v1::FetchResponse>;
using ManagedStream =
    TestStream<eventbus::v1::ManagedFetchRequest, eventbus::v1::ManagedFetchResponse>;
using PublishingStream = TestStream<eventbus::v1::PublishRequest, eventbus::v1::PublishResponse>;

// Serves the service over plaintext on an ephemeral port, with a fake log and managed store.
class PubSubTestBase : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(ServiceOptions{}); }
  void TearDown() override {
    if (server_) server_->Shutdown(1s);
  }

  void StartServer(ServiceOptions options) {
    if (server_) server_->Shutdown(1s);
    server_ = std::make_unique<PubSubServer>(orgs_, &signer_, &log_, &clock_, &managed_);
    PubSubServerOptions server_options;
    server_options.tls_port = -1;
    server_options.plaintext_port = 0;
    server_options.service = options;
    server_->Start(server_options);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->plaintext_port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = eventbus::v1::PubSub::NewStub(channel_);
  }

  std::string Token(const std::string& org = kOrg, int64_t ttl_ms = 3'600'000) {
    auth::TokenClaims claims;
    claims.org_id = org;
    claims.connected_app = "App";
    claims.user_id = "005000000000009";
    claims.issued_at_ms = clock_.NowMs();
    claims.expires_at_ms = clock_.NowMs() + ttl_ms;
    return signer_.Mint(claims);
  }

  void Authenticate(grpc::ClientContext& context, const std::string& tenant = kOrg) {
    context.AddMetadata("accesstoken", Token(tenant.substr(0, 15)));
    context.AddMetadata("instanceurl", "https://localhost:8085");
    context.AddMetadata("tenantid", tenant);
  }

  std::string SchemaId() {
    grpc::ClientContext context;
    Authenticate(context);
    eventbus::v1::TopicRequest request;
    request.set_topic_name(kTopic);
    eventbus::v1::TopicInfo info;
    EXPECT_TRUE(stub_->GetTopic(&context, request, &info).ok());
    return info.schema_id();
  }

  std::function<void(grpc::ClientContext&)> Auth(const std::string& tenant = kOrg) {
    return [this, tenant](grpc::ClientContext& c) { Authenticate(c, tenant); };
  }

  std::unique_ptr<SubscribeStream> Subscribe() {
    return std::make_unique<SubscribeStream>(
        [this](grpc::ClientContext* c) { return stub_->Subscribe(c); }, Auth());
  }
  std::unique_ptr<ManagedStream> ManagedSubscribe(const std::string& tenant = kOrg) {
    return std::make_unique<ManagedStream>(
        [this](grpc::ClientContext* c) { return stub_->ManagedSubscribe(c); }, Auth(tenant));
  }
  std::unique_ptr<PublishingStream> PublishStream(
      std::function<void(grpc::ClientContext&)> auth = nullptr) {
    return std::make_unique<PublishingStream>(
        [this](grpc::ClientContext* c) { return stub_->PublishStream(c); }, auth ? auth : Auth());
  }

  template <typename Response>
  static std::vector<uint64_t> ReplayIds(const std::vector<Response>& responses) {
    std::vector<uint64_t> ids;
    for (const auto& response : responses) {
      for (const auto& event : response.events()) ids.push_back(*DecodeReplayId(event.replay_id()));
    }
    return ids;
  }

  util::ManualClock clock_{1'700'000'000'000};
  auth::TokenSigner signer_{"test-secret-test-secret-test-secret"};
  FakeEventLog log_;
  FakeManagedStore managed_;
  std::shared_ptr<const config::OrgDirectory> orgs_ = TestOrgs();
  std::unique_ptr<PubSubServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<eventbus::v1::PubSub::Stub> stub_;
};

}  // namespace interactiond::pubsub::test_support
