// PublishStream through a real gRPC server over the fake event log (pubsub_test_support.h).
#include "pubsub/pubsub_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>

#include "pubsub/pubsub_test_support.h"
#include "util/ids.h"

namespace interactiond::pubsub {
namespace {

using eventbus::v1::PublishRequest;
using eventbus::v1::PublishResponse;
using namespace std::chrono_literals;
using namespace test_support;

class PubSubPublishStreamTest : public PubSubTestBase {
 protected:
  // A request of `count` valid events with ids "<label>-<i>" and payloads {"n": "<label>-<i>"}.
  PublishRequest Batch(const std::string& label, int count, const std::string& topic = kTopic) {
    PublishRequest request;
    request.set_topic_name(topic);
    for (int i = 0; i < count; ++i) {
      DecodedEvent fields;
      fields.created_date = 1;
      fields.created_by_id = "005000000000777";
      fields.event_type = "Interaction";
      fields.payload = R"({"n":")" + label + "-" + std::to_string(i) + R"("})";
      auto* event = request.add_events();
      event->set_id(label + "-" + std::to_string(i));
      event->set_schema_id(codec_.schema_id());
      event->set_payload(codec_.Encode(fields));
    }
    return request;
  }

  AvroCodec codec_{"Partner1_Event__e", "EventType__c", "Payload__c"};
};

TEST_F(PubSubPublishStreamTest, PipelinedRequestsAreAnsweredOncePerRequestInOrder) {
  auto stream = PublishStream();
  // Five requests sent without waiting; later ones omit the topic (allowed) or repeat it.
  std::vector<PublishRequest> requests;
  for (int r = 0; r < 5; ++r) {
    requests.push_back(Batch("r" + std::to_string(r), r + 1, r % 2 == 0 ? kTopic : ""));
  }
  requests[0].set_topic_name(kTopic);
  // One bad event in the third request: it fails alone.
  requests[2].mutable_events(1)->set_schema_id("AAAAAAAAAAAAAAAAAAAAAA");
  for (const auto& request : requests) ASSERT_TRUE(stream->Send(request));

  std::vector<uint64_t> replay_ids;
  std::string rpc_id;
  for (int r = 0; r < 5; ++r) {
    auto response = stream->Next();
    ASSERT_TRUE(response) << "response " << r;
    EXPECT_EQ(response->schema_id(), codec_.schema_id());
    EXPECT_TRUE(util::IsUuid(response->rpc_id()));
    if (r == 0) rpc_id = response->rpc_id();
    EXPECT_EQ(response->rpc_id(), rpc_id) << "one rpc id for the stream";
    ASSERT_EQ(response->results_size(), r + 1);
    for (int i = 0; i <= r; ++i) {
      const auto& result = response->results(i);
      EXPECT_EQ(result.correlation_key(), "r" + std::to_string(r) + "-" + std::to_string(i));
      if (r == 2 && i == 1) {
        EXPECT_EQ(result.error().code(), eventbus::v1::PUBLISH);
        EXPECT_TRUE(result.replay_id().empty());
        continue;
      }
      EXPECT_FALSE(result.has_error());
      ASSERT_EQ(result.replay_id().size(), 8u);
      replay_ids.push_back(*DecodeReplayId(result.replay_id()));
    }
  }
  EXPECT_TRUE(std::is_sorted(replay_ids.begin(), replay_ids.end()));
  EXPECT_EQ(std::set<uint64_t>(replay_ids.begin(), replay_ids.end()).size(), 14u);
  EXPECT_EQ(log_.size(), 14u);
  EXPECT_FALSE(stream->Next(200ms)) << "one response per request";
  // Half-close: the stream ends with OK.
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(PubSubPublishStreamTest, StoredLikePublishAndDeliveredToSubscribers) {
  auto subscriber = Subscribe();
  ASSERT_TRUE(subscriber->Request(10));
  ASSERT_TRUE(log_.WaitForPositionLookups(1));
  auto stream = PublishStream();
  PublishRequest request = Batch("s", 2);
  request.mutable_events(1)->clear_id();  // no id: the correlation key is the event's id
  ASSERT_TRUE(stream->Send(request));
  auto response = stream->Next();
  ASSERT_TRUE(response);
  ASSERT_EQ(response->results_size(), 2);
  const uint64_t second = *DecodeReplayId(response->results(1).replay_id());
  EXPECT_EQ(response->results(1).correlation_key(), EventUuid(kOrg, second));

  auto delivered = subscriber->Events(2);
  const auto ids = ReplayIds(delivered);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], *DecodeReplayId(response->results(0).replay_id()));
  EXPECT_EQ(ids[1], second);
  auto decoded = codec_.Decode(delivered.front().events(0).event().payload());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->payload, R"({"n":"s-0"})");
  // The platform's system fields: the publishing (token) user and the publish time.
  EXPECT_EQ(decoded->created_by_id, "005000000000009");
  EXPECT_EQ(decoded->created_date, clock_.NowMs());
}

TEST_F(PubSubPublishStreamTest, TheFirstRequestMustNameAKnownTopicWithEvents) {
  struct Case {
    std::string name;
    PublishRequest request;
    grpc::StatusCode code;
    std::string error_code;
  };
  PublishRequest empty_topic = Batch("x", 1, "");
  PublishRequest no_events;
  no_events.set_topic_name(kTopic);
  const std::vector<Case> cases = {
      {"no topic", empty_topic, grpc::StatusCode::INVALID_ARGUMENT, error_codes::kTopicEmpty},
      {"unknown topic", Batch("x", 1, "/event/Nope__e"), grpc::StatusCode::NOT_FOUND,
       error_codes::kTopicNotFound},
      {"another org's topic", Batch("x", 1, "/event/Other_Event__e"), grpc::StatusCode::NOT_FOUND,
       error_codes::kTopicNotFound},
      {"no events", no_events, grpc::StatusCode::INVALID_ARGUMENT,
       error_codes::kPublishEventCountInvalid},
  };
  for (const auto& c : cases) {
    auto stream = PublishStream();
    stream->Send(c.request);
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), c.code) << c.name;
    EXPECT_EQ(stream->Trailer("error-code"), c.error_code) << c.name;
    EXPECT_TRUE(util::IsUuid(stream->Trailer("rpc-id"))) << c.name;
    EXPECT_NE(status.error_message().find("rpcId: "), std::string::npos) << c.name;
  }
  EXPECT_EQ(log_.size(), 0u);
}

TEST_F(PubSubPublishStreamTest, AnotherTopicOrAnEmptyRequestLaterEndsTheStreamAfterEarlierAnswers) {
  {
    auto stream = PublishStream();
    ASSERT_TRUE(stream->Send(Batch("a", 2)));
    stream->Send(Batch("b", 1, kOtherTopic));  // a topic of the org, but not the stream's
    auto response = stream->Next();
    ASSERT_TRUE(response) << "the first request is still answered";
    EXPECT_EQ(response->results_size(), 2);
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(stream->Trailer("error-code"), error_codes::kPublishTopicMismatch);
    EXPECT_EQ(log_.size(), 2u);
  }
  {
    auto stream = PublishStream();
    ASSERT_TRUE(stream->Send(Batch("c", 1)));
    PublishRequest empty;
    stream->Send(empty);
    EXPECT_TRUE(stream->Next());
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(stream->Trailer("error-code"), error_codes::kPublishEventCountInvalid);
  }
}

TEST_F(PubSubPublishStreamTest, AuthFailureRefusesTheStream) {
  auto stream = PublishStream([this](grpc::ClientContext& c) {
    c.AddMetadata("accesstoken", std::string(kOrg) + "!bad");
    c.AddMetadata("instanceurl", "https://x");
    c.AddMetadata("tenantid", kOrg);
  });
  stream->Send(Batch("x", 1));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stream->Trailer("error-code"), error_codes::kAuthError);
  EXPECT_EQ(log_.size(), 0u);
}

TEST_F(PubSubPublishStreamTest, AStoreFailureFailsThatRequestsEventsOnly) {
  auto stream = PublishStream();
  log_.FailPublishes(1);
  ASSERT_TRUE(stream->Send(Batch("f", 2)));
  ASSERT_TRUE(stream->Send(Batch("g", 1)));
  auto failed = stream->Next();
  ASSERT_TRUE(failed);
  ASSERT_EQ(failed->results_size(), 2);
  for (const auto& result : failed->results()) {
    EXPECT_EQ(result.error().code(), eventbus::v1::PUBLISH);
    EXPECT_TRUE(result.replay_id().empty());
  }
  auto stored = stream->Next();
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->results(0).has_error());
  EXPECT_EQ(log_.size(), 1u);
}

TEST_F(PubSubPublishStreamTest, BoundedPipelineStillAnswersEverythingInOrder) {
  ServiceOptions options;
  options.max_pipelined_publishes = 1;  // reading pauses after every request
  StartServer(options);
  auto stream = PublishStream();
  for (int r = 0; r < 20; ++r) ASSERT_TRUE(stream->Send(Batch("p" + std::to_string(r), 1)));
  stream->WritesDone();
  for (int r = 0; r < 20; ++r) {
    auto response = stream->Next();
    ASSERT_TRUE(response) << r;
    EXPECT_EQ(response->results(0).correlation_key(), "p" + std::to_string(r) + "-0");
  }
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(log_.size(), 20u);
}

TEST_F(PubSubPublishStreamTest, HalfCloseWithoutRequestsEndsWithOk) {
  auto stream = PublishStream();
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(PubSubPublishStreamTest, IdleStreamsTimeOutActiveOnesDoNot) {
  ServiceOptions options;
  options.publish_stream_timeout = 400ms;
  StartServer(options);
  auto busy = PublishStream();
  auto idle = PublishStream();
  ASSERT_TRUE(idle->Send(Batch("i", 1)));
  ASSERT_TRUE(idle->Next());
  const auto start = std::chrono::steady_clock::now();
  // `busy` publishes every 100 ms for longer than the timeout.
  for (int r = 0; r < 8; ++r) {
    ASSERT_TRUE(busy->Send(Batch("b" + std::to_string(r), 1)));
    ASSERT_TRUE(busy->Next()) << r;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(idle->Ended(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  EXPECT_EQ(idle->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(idle->Trailer("error-code"), error_codes::kPublishStreamTimeout);
  EXPECT_FALSE(busy->Ended(0ms));
  ASSERT_TRUE(busy->Send(Batch("last", 1)));
  EXPECT_TRUE(busy->Next());
}

TEST_F(PubSubPublishStreamTest, ShutdownEndsPublishStreamsAsUnavailable) {
  auto stream = PublishStream();
  ASSERT_TRUE(stream->Send(Batch("s", 1)));
  ASSERT_TRUE(stream->Next());
  EXPECT_EQ(server_->service()->publish_stream_count(), 1u);
  server_->Shutdown(1s);
  server_.reset();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(stream->Trailer("error-code"), error_codes::kServiceUnavailable);
}

}  // namespace
}  // namespace interactiond::pubsub
