// Drives PubSubService in-process through a real gRPC server on 127.0.0.1 (ephemeral port,
// plaintext) with the generated stub, over a fake event log: GetTopic, GetSchema, Subscribe,
// Publish, authentication and shutdown (PublishStream and ManagedSubscribe have their own files).
#include "pubsub/pubsub_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "pubsub/pubsub_server.h"
#include "pubsub/pubsub_test_support.h"
#include "pubsub/tls_certificate.h"
#include "util/ids.h"

namespace interactiond::pubsub {
namespace {

using eventbus::v1::FetchRequest;
using eventbus::v1::FetchResponse;
using namespace std::chrono_literals;
using namespace test_support;

class PubSubServiceTest : public PubSubTestBase {};

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
  SubscribeStream stream([this](grpc::ClientContext* c) { return stub_->Subscribe(c); },
                         [](grpc::ClientContext& c) { c.AddMetadata("accesstoken", "x"); });
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
