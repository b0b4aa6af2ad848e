// Drives PubSubService in-process through a real gRPC server on 127.0.0.1 (ephemeral port,
// plaintext) with the generated stub, over a fake event log.
#include "pubsub/pubsub_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "pubsub/pubsub_server.h"
#include "pubsub/tls_certificate.h"
#include "util/ids.h"

namespace interactiond::pubsub {
namespace {

using eventbus::v1::FetchRequest;
using eventbus::v1::FetchResponse;
using namespace std::chrono_literals;

constexpr char kOrg[] = "00D000000000001";
constexpr char kOtherOrg[] = "00D000000000002";
constexpr char kTopic[] = "/event/Partner1_Event__e";
constexpr char kOtherTopic[] = "/event/Partner2_Event__e";

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

 private:
  std::mutex mutex_;
  std::vector<events::OutboundEvent> events_;
  uint64_t next_id_ = 1;
  uint64_t floor_ = 0;
  uint64_t listener_seq_ = 0;
  int position_lookups_ = 0;
  std::map<uint64_t, AppendListener> listeners_;
};

std::shared_ptr<const config::OrgDirectory> TestOrgs() {
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
  config::Org other;
  other.id = kOtherOrg;
  definition.custom_platform_event = "Other_Event__e";
  other.channel_definitions.push_back(definition);
  return std::make_shared<const config::OrgDirectory>(std::vector<config::Org>{org, other});
}

std::string Trailer(const grpc::ClientContext& context, const std::string& key) {
  const auto& trailers = context.GetServerTrailingMetadata();
  const auto it = trailers.find(key);
  return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
}

class PubSubServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(ServiceOptions{}); }
  void TearDown() override {
    if (server_) server_->Shutdown(1s);
  }

  void StartServer(ServiceOptions options) {
    if (server_) server_->Shutdown(1s);
    server_ = std::make_unique<PubSubServer>(orgs_, &signer_, &log_, &clock_);
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
    context.AddMetadata("accesstoken", Token());
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

  // A Subscribe stream with a background reader, so tests can wait for responses with a timeout
  // and assert that nothing more arrives.
  class Stream {
   public:
    Stream(eventbus::v1::PubSub::Stub* stub, std::function<void(grpc::ClientContext&)> auth) {
      auth(context_);
      stream_ = stub->Subscribe(&context_);
      reader_ = std::thread([this] {
        FetchResponse response;
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
    ~Stream() {
      context_.TryCancel();
      reader_.join();
    }
    bool Send(const FetchRequest& request) { return stream_->Write(request); }
    bool Request(int n, const std::string& topic = kTopic) {
      FetchRequest request;
      request.set_topic_name(topic);
      request.set_num_requested(n);
      return Send(request);
    }
    std::optional<FetchResponse> Next(std::chrono::milliseconds timeout = 3s) {
      std::unique_lock lock(mutex_);
      arrived_.wait_for(lock, timeout, [&] { return !responses_.empty() || ended_; });
      if (responses_.empty()) return std::nullopt;
      FetchResponse response = responses_.front();
      responses_.pop_front();
      return response;
    }
    // Collects responses until `count` events arrived or `timeout` passed.
    std::vector<FetchResponse> Events(int count, std::chrono::milliseconds timeout = 3s) {
      std::vector<FetchResponse> out;
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
    // Waits for the server to end the stream; returns its status.
    grpc::Status Finish() {
      {
        std::unique_lock lock(mutex_);
        arrived_.wait_for(lock, 5s, [&] { return ended_; });
      }
      stream_->WritesDone();
      return stream_->Finish();
    }
    std::string Trailer(const std::string& key) const { return pubsub::Trailer(context_, key); }

   private:
    grpc::ClientContext context_;
    std::unique_ptr<grpc::ClientReaderWriter<FetchRequest, FetchResponse>> stream_;
    std::thread reader_;
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::deque<FetchResponse> responses_;
    bool ended_ = false;
  };

  std::unique_ptr<Stream> Subscribe() {
    return std::make_unique<Stream>(stub_.get(),
                                    [this](grpc::ClientContext& c) { Authenticate(c); });
  }

  static std::vector<uint64_t> ReplayIds(const std::vector<FetchResponse>& responses) {
    std::vector<uint64_t> ids;
    for (const auto& response : responses) {
      for (const auto& event : response.events()) ids.push_back(*DecodeReplayId(event.replay_id()));
    }
    return ids;
  }

  util::ManualClock clock_{1'700'000'000'000};
  auth::TokenSigner signer_{"test-secret-test-secret-test-secret"};
  FakeEventLog log_;
  std::shared_ptr<const config::OrgDirectory> orgs_ = TestOrgs();
  std::unique_ptr<PubSubServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<eventbus::v1::PubSub::Stub> stub_;
};

TEST(ReplayIdTest, EightBytesBigEndian) {
  EXPECT_EQ(EncodeReplayId(0x0102030405060708ull), std::string("\x01\x02\x03\x04\x05\x06\x07\x08"));
  EXPECT_EQ(EncodeReplayId(1), std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_EQ(DecodeReplayId(EncodeReplayId(123456789)), 123456789u);
  EXPECT_FALSE(DecodeReplayId("1234"));
  EXPECT_FALSE(DecodeReplayId(""));
}

TEST(EventUuidTest, StableUuidPerOrgAndReplayId) {
  const std::string id = EventUuid(kOrg, 42);
  EXPECT_TRUE(util::IsUuid(id)) << id;
  EXPECT_EQ(id[14], '8');  // version 8
  EXPECT_EQ(id, EventUuid(kOrg, 42));
  EXPECT_EQ(id, EventUuid("00D000000000001AAA", 42));
  EXPECT_NE(id, EventUuid(kOrg, 43));
}

TEST_F(PubSubServiceTest, GetTopicDescribesTheTopic) {
  grpc::ClientContext context;
  Authenticate(context);
  eventbus::v1::TopicRequest request;
  request.set_topic_name(kTopic);
  eventbus::v1::TopicInfo info;
  ASSERT_TRUE(stub_->GetTopic(&context, request, &info).ok());
  EXPECT_EQ(info.topic_name(), kTopic);
  EXPECT_EQ(info.tenant_guid(), kOrg);
  EXPECT_TRUE(info.can_publish());
  EXPECT_TRUE(info.can_subscribe());
  EXPECT_EQ(info.schema_id(),
            AvroCodec("Partner1_Event__e", "EventType__c", "Payload__c").schema_id());
  EXPECT_TRUE(util::IsUuid(info.rpc_id()));
}

TEST_F(PubSubServiceTest, GetTopicKnowsBotIntegrationEvents) {
  grpc::ClientContext context;
  Authenticate(context);
  eventbus::v1::TopicRequest request;
  request.set_topic_name(kOtherTopic);
  eventbus::v1::TopicInfo info;
  EXPECT_TRUE(stub_->GetTopic(&context, request, &info).ok());
}

TEST_F(PubSubServiceTest, GetTopicUnknownOrOtherOrgsTopicIsNotFound) {
  for (const std::string topic : {"/event/Nope__e", "/event/Other_Event__e"}) {
    grpc::ClientContext context;
    Authenticate(context);
    eventbus::v1::TopicRequest request;
    request.set_topic_name(topic);
    eventbus::v1::TopicInfo info;
    const grpc::Status status = stub_->GetTopic(&context, request, &info);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << topic;
    EXPECT_EQ(Trailer(context, "error-code"), error_codes::kTopicNotFound);
    EXPECT_TRUE(util::IsUuid(Trailer(context, "rpc-id")));
    EXPECT_NE(status.error_message().find("rpcId: " + Trailer(context, "rpc-id")),
              std::string::npos);
  }
  grpc::ClientContext context;
  Authenticate(context);
  eventbus::v1::TopicInfo info;
  EXPECT_EQ(stub_->GetTopic(&context, {}, &info).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Trailer(context, "error-code"), error_codes::kTopicEmpty);
}

TEST_F(PubSubServiceTest, GetSchemaReturnsTheTopicSchema) {
  const std::string schema_id = SchemaId();
  grpc::ClientContext context;
  Authenticate(context);
  eventbus::v1::SchemaRequest request;
  request.set_schema_id(schema_id);
  eventbus::v1::SchemaInfo info;
  ASSERT_TRUE(stub_->GetSchema(&context, request, &info).ok());
  EXPECT_EQ(info.schema_id(), schema_id);
  EXPECT_EQ(info.schema_json(), BuildSchemaJson("Partner1_Event__e", "EventType__c", "Payload__c"));

  grpc::ClientContext unknown;
  Authenticate(unknown);
  request.set_schema_id("AAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(stub_->GetSchema(&unknown, request, &info).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Trailer(unknown, "error-code"), error_codes::kSchemaValidationFailed);
}

TEST_F(PubSubServiceTest, AuthFailures) {
  struct Case {
    std::string name;
    std::map<std::string, std::string> headers;
    std::string error_code;
  };
  const std::string good = Token();
  clock_.Advance(-10'000);
  const std::string expired_later = Token(kOrg, 5'000);  // expired 5 s before "now"
  clock_.Advance(10'000);
  const std::vector<Case> cases = {
      {"no headers", {}, error_codes::kAuthHeadersInvalid},
      {"no tenant",
       {{"accesstoken", good}, {"instanceurl", "https://x"}},
       error_codes::kAuthHeadersInvalid},
      {"no instance url",
       {{"accesstoken", good}, {"tenantid", kOrg}},
       error_codes::kAuthHeadersInvalid},
      {"short tenant",
       {{"accesstoken", good}, {"instanceurl", "https://x"}, {"tenantid", "00D0001"}},
       error_codes::kAuthHeadersInvalid},
      {"bad token",
       {{"accesstoken", std::string(kOrg) + "!nope"},
        {"instanceurl", "https://x"},
        {"tenantid", kOrg}},
       error_codes::kAuthError},
      {"expired token",
       {{"accesstoken", expired_later}, {"instanceurl", "https://x"}, {"tenantid", kOrg}},
       error_codes::kAuthError},
      {"other tenant",
       {{"accesstoken", good}, {"instanceurl", "https://x"}, {"tenantid", kOtherOrg}},
       error_codes::kAuthError},
  };
  for (const auto& c : cases) {
    grpc::ClientContext context;
    for (const auto& [k, v] : c.headers) context.AddMetadata(k, v);
    eventbus::v1::TopicRequest request;
    request.set_topic_name(kTopic);
    eventbus::v1::TopicInfo info;
    EXPECT_EQ(stub_->GetTopic(&context, request, &info).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << c.name;
    EXPECT_EQ(Trailer(context, "error-code"), c.error_code) << c.name;
  }
  // The 18-character form of the org id is accepted.
  grpc::ClientContext context;
  Authenticate(context, std::string(kOrg) + "AAA");
  eventbus::v1::TopicRequest request;
  request.set_topic_name(kTopic);
  eventbus::v1::TopicInfo info;
  EXPECT_TRUE(stub_->GetTopic(&context, request, &info).ok());

  // Subscribe refuses at once too.
  Stream stream(stub_.get(), [](grpc::ClientContext& c) { c.AddMetadata("accesstoken", "x"); });
  const grpc::Status status = stream.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stream.Trailer("error-code"), error_codes::kAuthHeadersInvalid);
}

TEST_F(PubSubServiceTest, LatestDeliversOnlyNewEventsWithinCredit) {
  log_.AppendN(3);  // before the subscription: not delivered with LATEST
  auto stream = Subscribe();
  ASSERT_TRUE(stream->Request(2));
  // The subscription must be positioned before publishing (LATEST).
  ASSERT_TRUE(log_.WaitForPositionLookups(1));
  const auto ids = log_.AppendN(3, kOrg, kTopic, "new");
  log_.AppendN(2, kOrg, kOtherTopic);  // other topic: never delivered here
  auto responses = stream->Events(2);
  EXPECT_EQ(ReplayIds(responses), (std::vector<uint64_t>{ids[0], ids[1]}));
  EXPECT_EQ(responses.back().pending_num_requested(), 0);
  EXPECT_EQ(responses.back().latest_replay_id(), EncodeReplayId(ids[1]));
  int pending = 2;
  for (const auto& r : responses) {
    pending -= r.events_size();
    EXPECT_EQ(r.pending_num_requested(), pending);
    EXPECT_EQ(r.latest_replay_id().size(), 8u);
  }
  EXPECT_FALSE(stream->Next(300ms)) << "more events than requested";

  ASSERT_TRUE(stream->Request(5));
  responses = stream->Events(1);
  EXPECT_EQ(ReplayIds(responses), (std::vector<uint64_t>{ids[2]}));
  EXPECT_EQ(responses.back().pending_num_requested(), 4);

  // The event as delivered: stable id, the topic schema, a payload in that schema.
  const auto& event = responses.back().events(0).event();
  EXPECT_EQ(event.id(), EventUuid(kOrg, ids[2]));
  EXPECT_EQ(event.schema_id(), SchemaId());
  AvroCodec codec("Partner1_Event__e", "EventType__c", "Payload__c");
  auto decoded = codec.Decode(event.payload());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->payload, "new2");
  EXPECT_EQ(decoded->event_type, "Interaction");
  EXPECT_EQ(decoded->created_by_id, "005000000000001");
}

TEST_F(PubSubServiceTest, CreditIsAdditiveAndCappedAt100) {
  ServiceOptions options;
  options.keepalive = 200ms;
  StartServer(options);
  auto stream = Subscribe();
  ASSERT_TRUE(stream->Request(60));
  ASSERT_TRUE(stream->Request(70));  // 130 requested: the server holds 100
  // Events appended before the server has read the second request would be delivered against
  // the first 60 alone (correctly, but not what this test is about): wait until a keepalive shows
  // both requests were taken in.
  for (;;) {
    auto keepalive = stream->Next(3s);
    ASSERT_TRUE(keepalive);
    ASSERT_EQ(keepalive->events_size(), 0);
    if (keepalive->pending_num_requested() == 100) break;
    ASSERT_EQ(keepalive->pending_num_requested(), 60);
  }
  log_.AppendN(130);
  auto responses = stream->Events(100);
  EXPECT_EQ(ReplayIds(responses).size(), 100u);
  EXPECT_EQ(responses.back().pending_num_requested(), 0);
  EXPECT_FALSE(stream->Next(300ms));
  ASSERT_TRUE(stream->Request(100));
  responses = stream->Events(30);
  EXPECT_EQ(ReplayIds(responses).size(), 30u);
  EXPECT_EQ(responses.back().pending_num_requested(), 70);
}

TEST_F(PubSubServiceTest, EarliestReplaysRetainedEvents) {
  const auto ids = log_.AppendN(5);
  log_.SetFloor(ids[1]);  // the first two have expired
  auto stream = Subscribe();
  FetchRequest request;
  request.set_topic_name(kTopic);
  request.set_replay_preset(eventbus::v1::EARLIEST);
  request.set_num_requested(10);
  ASSERT_TRUE(stream->Send(request));
  auto responses = stream->Events(3);
  EXPECT_EQ(ReplayIds(responses), (std::vector<uint64_t>{ids[2], ids[3], ids[4]}));
  EXPECT_EQ(responses.back().pending_num_requested(), 7);
}

TEST_F(PubSubServiceTest, CustomStartsAfterTheReplayId) {
  const auto ids = log_.AppendN(4);
  auto stream = Subscribe();
  FetchRequest request;
  request.set_topic_name(kTopic);
  request.set_replay_preset(eventbus::v1::CUSTOM);
  request.set_replay_id(EncodeReplayId(ids[1]));
  request.set_num_requested(10);
  ASSERT_TRUE(stream->Send(request));
  EXPECT_EQ(ReplayIds(stream->Events(2)), (std::vector<uint64_t>{ids[2], ids[3]}));
  EXPECT_FALSE(stream->Next(200ms));
}

TEST_F(PubSubServiceTest, BadReplayIdsEndTheStream) {
  const auto ids = log_.AppendN(3);
  log_.SetFloor(ids[1]);
  struct Case {
    std::string name;
    std::string replay_id;
    std::string error_code;
  };
  const std::vector<Case> cases = {
      {"missing", "", error_codes::kReplayIdValidationFailed},
      {"4 bytes", "abcd", error_codes::kReplayIdCorrupted},
      {"9 bytes", std::string(9, '\0'), error_codes::kReplayIdCorrupted},
      {"expired", EncodeReplayId(ids[0]), error_codes::kReplayIdCorrupted},
      {"unknown", EncodeReplayId(999), error_codes::kReplayIdCorrupted},
  };
  for (const auto& c : cases) {
    auto stream = Subscribe();
    FetchRequest request;
    request.set_topic_name(kTopic);
    request.set_replay_preset(eventbus::v1::CUSTOM);
    request.set_replay_id(c.replay_id);
    request.set_num_requested(1);
    stream->Send(request);
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_EQ(stream->Trailer("error-code"), c.error_code) << c.name;
  }
}

TEST_F(PubSubServiceTest, InvalidFetchRequestsEndTheStream) {
  {
    auto stream = Subscribe();
    stream->Request(0);
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(stream->Trailer("error-code"), error_codes::kRequestedEventsInvalid);
  }
  {
    auto stream = Subscribe();
    stream->Request(1);
    stream->Request(-3, "");  // later requests may omit the topic
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(stream->Trailer("error-code"), error_codes::kRequestedEventsInvalid);
  }
  {
    auto stream = Subscribe();
    stream->Request(1);
    stream->Request(1, kOtherTopic);
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(stream->Trailer("error-code"), error_codes::kFetchTopicMismatch);
  }
  {
    auto stream = Subscribe();
    stream->Request(1, "/event/Nope__e");
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(stream->Trailer("error-code"), error_codes::kTopicNotFound);
  }
}

TEST_F(PubSubServiceTest, KeepaliveCarriesTheLatestReplayIdAndPendingCredit) {
  ServiceOptions options;
  options.keepalive = 300ms;
  StartServer(options);
  const auto ids = log_.AppendN(2);
  auto stream = Subscribe();
  ASSERT_TRUE(stream->Request(7));
  const auto start = std::chrono::steady_clock::now();
  auto keepalive = stream->Next(3s);
  ASSERT_TRUE(keepalive);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  EXPECT_EQ(keepalive->events_size(), 0);
  EXPECT_EQ(keepalive->latest_replay_id(), EncodeReplayId(ids[1]));
  EXPECT_EQ(keepalive->pending_num_requested(), 7);
  EXPECT_TRUE(util::IsUuid(keepalive->rpc_id()));
  // And again, while credit is pending.
  keepalive = stream->Next(3s);
  ASSERT_TRUE(keepalive);
  EXPECT_EQ(keepalive->latest_replay_id().size(), 8u);
}

TEST_F(PubSubServiceTest, KeepaliveOnAnEmptyLogIsEightZeroBytes) {
  ServiceOptions options;
  options.keepalive = 200ms;
  StartServer(options);
  auto stream = Subscribe();
  ASSERT_TRUE(stream->Request(1));
  auto keepalive = stream->Next(3s);
  ASSERT_TRUE(keepalive);
  EXPECT_EQ(keepalive->latest_replay_id(), std::string(8, '\0'));
}

TEST_F(PubSubServiceTest, StreamWithoutCreditClosesWhenIdle) {
  ServiceOptions options;
  options.idle_timeout = 300ms;
  StartServer(options);
  auto stream = Subscribe();
  ASSERT_TRUE(stream->Request(1));
  ASSERT_TRUE(log_.WaitForPositionLookups(1));
  log_.AppendN(1);
  EXPECT_EQ(ReplayIds(stream->Events(1)).size(), 1u);
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(PubSubServiceTest, ShutdownEndsSubscriptionsAsUnavailable) {
  auto stream = Subscribe();
  ASSERT_TRUE(stream->Request(1));
  ASSERT_TRUE(log_.WaitForPositionLookups(1));
  EXPECT_EQ(server_->service()->subscription_count(), 1u);
  server_->Shutdown(1s);
  server_.reset();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(stream->Trailer("error-code"), error_codes::kServiceUnavailable);
}

TEST_F(PubSubServiceTest, PublishAppendsAndSubscribersReceive) {
  auto stream = Subscribe();
  ASSERT_TRUE(stream->Request(5));
  ASSERT_TRUE(log_.WaitForPositionLookups(1));

  AvroCodec codec("Partner1_Event__e", "EventType__c", "Payload__c");
  DecodedEvent fields;
  fields.created_date = 1;
  fields.created_by_id = "005000000000777";
  fields.event_type = "Interaction";
  fields.payload = R"({"conversationIdentifier":"c-1","payload":{"entryType":"Message"}})";
  eventbus::v1::PublishRequest request;
  request.set_topic_name(kTopic);
  auto* good = request.add_events();
  good->set_id("my-id-1");
  good->set_schema_id(codec.schema_id());
  good->set_payload(codec.Encode(fields));
  auto* wrong_schema = request.add_events();
  wrong_schema->set_id("my-id-2");
  wrong_schema->set_schema_id("AAAAAAAAAAAAAAAAAAAAAA");
  wrong_schema->set_payload(codec.Encode(fields));
  auto* garbage = request.add_events();
  garbage->set_id("my-id-3");
  garbage->set_schema_id(codec.schema_id());
  garbage->set_payload("\xff\xff\xff");
  auto* no_id = request.add_events();
  no_id->set_schema_id(codec.schema_id());
  no_id->set_payload(codec.Encode(fields));

  grpc::ClientContext context;
  Authenticate(context);
  eventbus::v1::PublishResponse response;
  ASSERT_TRUE(stub_->Publish(&context, request, &response).ok());
  EXPECT_EQ(response.schema_id(), codec.schema_id());
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).correlation_key(), "my-id-1");
  EXPECT_EQ(response.results(0).replay_id().size(), 8u);
  EXPECT_FALSE(response.results(0).has_error());
  EXPECT_EQ(response.results(1).correlation_key(), "my-id-2");
  EXPECT_EQ(response.results(1).error().code(), eventbus::v1::PUBLISH);
  EXPECT_TRUE(response.results(1).replay_id().empty());
  EXPECT_EQ(response.results(2).error().code(), eventbus::v1::PUBLISH);
  const uint64_t last = *DecodeReplayId(response.results(3).replay_id());
  EXPECT_EQ(response.results(3).correlation_key(), EventUuid(kOrg, last));

  auto responses = stream->Events(2);
  const auto ids = ReplayIds(responses);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], *DecodeReplayId(response.results(0).replay_id()));
  auto decoded = codec.Decode(responses.front().events(0).event().payload());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->payload, fields.payload);
  EXPECT_EQ(decoded->created_by_id, "005000000000009");  // the publishing (token) user
  EXPECT_EQ(decoded->created_date, clock_.NowMs());

  // An empty batch is refused as a whole.
  grpc::ClientContext empty_context;
  Authenticate(empty_context);
  eventbus::v1::PublishRequest empty;
  empty.set_topic_name(kTopic);
  EXPECT_EQ(stub_->Publish(&empty_context, empty, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Trailer(empty_context, "error-code"), error_codes::kPublishEventCountInvalid);
}

TEST_F(PubSubServiceTest, UnimplementedMethods) {
  grpc::ClientContext context;
  Authenticate(context);
  auto stream = stub_->ManagedSubscribe(&context);
  stream->WritesDone();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST(TlsMaterialTest, CreatedOnceThenReused) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("pubsub-tls-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const TlsMaterial first = LoadOrCreateTlsMaterial(dir);
  EXPECT_NE(first.certificate_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_NE(first.private_key_pem.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(std::filesystem::status(dir / "pubsub.key").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const TlsMaterial second = LoadOrCreateTlsMaterial(dir);
  EXPECT_EQ(first.certificate_pem, second.certificate_pem);
  std::filesystem::remove_all(dir);
}

TEST(PubSubServerTlsTest, ServesOverTlsWithTheGeneratedCertificate) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("pubsub-tls-server-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  FakeEventLog log;
  util::SystemClock clock;
  auth::TokenSigner signer("test-secret-test-secret-test-secret");
  PubSubServer server(TestOrgs(), &signer, &log, &clock);
  PubSubServerOptions options;
  options.tls_port = 0;
  options.plaintext_port = -1;
  options.tls = LoadOrCreateTlsMaterial(dir);
  server.Start(options);
  ASSERT_GT(server.tls_port(), 0);
  EXPECT_EQ(server.plaintext_port(), -1);
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = options.tls.certificate_pem;  // trust the self-signed certificate
  auto channel = grpc::CreateChannel("localhost:" + std::to_string(server.tls_port()),
                                     grpc::SslCredentials(ssl));
  auto stub = eventbus::v1::PubSub::NewStub(channel);
  auth::TokenClaims claims;
  claims.org_id = kOrg;
  claims.expires_at_ms = clock.NowMs() + 60'000;
  grpc::ClientContext context;
  context.AddMetadata("accesstoken", signer.Mint(claims));
  context.AddMetadata("instanceurl", "https://localhost");
  context.AddMetadata("tenantid", kOrg);
  eventbus::v1::TopicRequest request;
  request.set_topic_name(kTopic);
  eventbus::v1::TopicInfo info;
  const grpc::Status status = stub->GetTopic(&context, request, &info);
  EXPECT_TRUE(status.ok()) << status.error_message();
  server.Shutdown(1s);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace interactiond::pubsub
