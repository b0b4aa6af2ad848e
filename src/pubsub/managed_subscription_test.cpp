// ManagedSubscribe through a real gRPC server over the fake event log and managed replay store
// (pubsub_test_support.h).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "pubsub/pubsub_service.h"
#include "pubsub/pubsub_test_support.h"
#include "util/ids.h"

namespace interactiond::pubsub {
namespace {

using eventbus::v1::ManagedFetchRequest;
using eventbus::v1::ManagedFetchResponse;
using namespace std::chrono_literals;
using namespace test_support;

class PubSubManagedSubscribeTest : public PubSubTestBase {
 protected:
  static ManagedFetchRequest ById(const std::string& id, int num_requested) {
    ManagedFetchRequest request;
    request.set_subscription_id(id);
    request.set_num_requested(num_requested);
    return request;
  }
  static ManagedFetchRequest Commit(const std::string& commit_request_id, std::string replay_id,
                                    int num_requested = 0) {
    ManagedFetchRequest request;
    request.set_subscription_id(kManagedId);
    request.set_num_requested(num_requested);
    request.mutable_commit_replay_id_request()->set_commit_request_id(commit_request_id);
    request.mutable_commit_replay_id_request()->set_replay_id(std::move(replay_id));
    return request;
  }
  // The next response that carries a commit response (skipping keepalives).
  static std::optional<ManagedFetchResponse> NextCommit(ManagedStream& stream) {
    for (int i = 0; i < 20; ++i) {
      auto response = stream.Next();
      if (!response) return std::nullopt;
      if (response->has_commit_response()) return response;
      EXPECT_EQ(response->events_size(), 0) << "an event where a commit response was expected";
    }
    return std::nullopt;
  }
  // A managed stream on kManagedId with `n` credit, positioned (its start looked up).
  std::unique_ptr<ManagedStream> Positioned(int n, int lookups_so_far = 0) {
    auto stream = ManagedSubscribe();
    EXPECT_TRUE(stream->Send(ById(kManagedId, n)));
    EXPECT_TRUE(log_.WaitForPositionLookups(lookups_so_far + 1));
    return stream;
  }
};

TEST_F(PubSubManagedSubscribeTest, NeverCommittedStartsAtLatestAndDeliversWithinCredit) {
  log_.AppendN(3);  // before the stream: not delivered (LATEST)
  auto stream = Positioned(2);
  const auto ids = log_.AppendN(3, kOrg, kTopic, "new");
  log_.AppendN(2, kOrg, kOtherTopic);  // another topic: never delivered here
  auto responses = stream->Events(2);
  EXPECT_EQ(ReplayIds(responses), (std::vector<uint64_t>{ids[0], ids[1]}));
  EXPECT_EQ(responses.back().latest_replay_id(), EncodeReplayId(ids[1]));
  EXPECT_EQ(responses.back().pending_num_requested(), 0);
  EXPECT_TRUE(util::IsUuid(responses.back().rpc_id()));
  EXPECT_FALSE(responses.back().has_commit_response());
  const auto& event = responses.front().events(0).event();
  EXPECT_EQ(event.id(), EventUuid(kOrg, ids[0]));
  EXPECT_EQ(event.schema_id(), SchemaId());
  EXPECT_FALSE(stream->Next(300ms)) << "more events than requested";
  // More credit, with the subscription named again by developer name (allowed).
  ManagedFetchRequest more;
  more.set_developer_name(kManagedName);
  more.set_num_requested(5);
  ASSERT_TRUE(stream->Send(more));
  EXPECT_EQ(ReplayIds(stream->Events(1)), (std::vector<uint64_t>{ids[2]}));
}

TEST_F(PubSubManagedSubscribeTest, NamedByDeveloperNameAnyCaseOrBy18CharacterId) {
  for (const auto& request :
       {[] {
          ManagedFetchRequest r;
          r.set_developer_name("partner1_MANAGED");
          r.set_num_requested(1);
          return r;
        }(),
        ById(std::string(kEarliestId) + "AAA", 1)}) {  // two subscriptions: both stay open
    auto stream = ManagedSubscribe();
    ASSERT_TRUE(stream->Send(request));
    // The stream is open: ending it ourselves is the only way out.
    EXPECT_FALSE(stream->Ended(300ms)) << request.ShortDebugString();
  }
}

TEST_F(PubSubManagedSubscribeTest, CommitIsStoredThenAnswered) {
  const auto ids = log_.AppendN(2);
  managed_.Set(kOrg, kManagedId, 0);  // start before both
  auto stream = ManagedSubscribe();
  ASSERT_TRUE(stream->Send(ById(kManagedId, 2)));
  ASSERT_EQ(ReplayIds(stream->Events(2)), ids);
  clock_.Advance(1234);
  ASSERT_TRUE(stream->Send(Commit("commit-1", EncodeReplayId(ids[0]))));
  auto response = NextCommit(*stream);
  ASSERT_TRUE(response);
  const auto& commit = response->commit_response();
  EXPECT_EQ(commit.commit_request_id(), "commit-1");
  EXPECT_EQ(commit.replay_id(), EncodeReplayId(ids[0]));
  EXPECT_FALSE(commit.has_error());
  EXPECT_EQ(commit.process_time(), clock_.NowMs());
  EXPECT_EQ(response->events_size(), 0);
  EXPECT_EQ(response->latest_replay_id(), EncodeReplayId(ids[1]));  // the position so far
  EXPECT_EQ(managed_.Committed(kOrg, kManagedId), ids[0]);
  // The commit only request added no credit: nothing more is delivered.
  log_.AppendN(1);
  EXPECT_FALSE(stream->Next(300ms));
}

TEST_F(PubSubManagedSubscribeTest, AReconnectingSubscriberResumesRightAfterItsCommit) {
  const auto ids = log_.AppendN(4);
  managed_.Set(kOrg, kManagedId, 0);
  {
    auto stream = ManagedSubscribe();
    ASSERT_TRUE(stream->Send(ById(kManagedId, 10)));
    ASSERT_EQ(ReplayIds(stream->Events(4)), ids);
    ASSERT_TRUE(stream->Send(Commit("c", EncodeReplayId(ids[1]))));
    ASSERT_TRUE(NextCommit(*stream));
  }  // the client goes away (cancels)
  // The slot is free again once the server saw the cancellation.
  for (int attempt = 0;; ++attempt) {
    auto stream = ManagedSubscribe();
    ASSERT_TRUE(stream->Send(ById(kManagedId, 10)));
    auto responses = stream->Events(2, 1s);
    if (responses.empty() && stream->Ended(0ms) && attempt < 20) {
      EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::ALREADY_EXISTS);
      continue;  // the old stream's cancellation had not arrived yet
    }
    EXPECT_EQ(ReplayIds(responses), (std::vector<uint64_t>{ids[2], ids[3]}));
    EXPECT_FALSE(stream->Next(300ms)) << "nothing before or after";
    break;
  }
}

TEST_F(PubSubManagedSubscribeTest, CommitOnlyRequestsNeedNoCreditOthersDo) {
  {
    auto stream = ManagedSubscribe();
    ASSERT_TRUE(stream->Send(Commit("first", EncodeReplayId(0))));  // commit-only first request
    auto response = NextCommit(*stream);
    ASSERT_TRUE(response);
    EXPECT_FALSE(response->commit_response().has_error());
    EXPECT_EQ(managed_.Committed(kOrg, kManagedId), 0u);
  }
  for (int n : {0, -1}) {
    auto stream = ManagedSubscribe();
    stream->Send(ById(kManagedId, n));
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT) << n;
    EXPECT_EQ(stream->Trailer("error-code"), error_codes::kRequestedEventsInvalid) << n;
  }
  {
    auto stream = Positioned(1, 0);
    stream->Send(Commit("negative", EncodeReplayId(0), -5));
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(stream->Trailer("error-code"), error_codes::kRequestedEventsInvalid);
  }
}

TEST_F(PubSubManagedSubscribeTest, BadCommitsAreAnsweredWithACommitErrorAndTheStreamGoesOn) {
  const auto ids = log_.AppendN(4);
  log_.SetFloor(ids[1]);  // the first two events have expired
  managed_.Set(kOrg, kManagedId, ids[2]);
  auto stream = ManagedSubscribe();
  ASSERT_TRUE(stream->Send(ById(kManagedId, 5)));
  ASSERT_EQ(ReplayIds(stream->Events(1)), (std::vector<uint64_t>{ids[3]}));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"short", "abcd"}, {"unknown", EncodeReplayId(999)}, {"expired", EncodeReplayId(ids[0])}};
  for (const auto& [name, replay_id] : bad) {
    ASSERT_TRUE(stream->Send(Commit(name, replay_id)));
    auto response = NextCommit(*stream);
    ASSERT_TRUE(response) << name;
    EXPECT_EQ(response->commit_response().commit_request_id(), name);
    EXPECT_EQ(response->commit_response().replay_id(), replay_id);
    EXPECT_EQ(response->commit_response().error().code(), eventbus::v1::COMMIT) << name;
    EXPECT_FALSE(response->commit_response().error().msg().empty());
  }
  EXPECT_EQ(managed_.Committed(kOrg, kManagedId), ids[2]) << "unchanged";
  // A failing store answers with a commit error too.
  managed_.SetFailing(true);
  ASSERT_TRUE(stream->Send(Commit("store-down", EncodeReplayId(ids[3]))));
  auto failed = NextCommit(*stream);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->commit_response().error().code(), eventbus::v1::COMMIT);
  managed_.SetFailing(false);
  // And a good one still works.
  ASSERT_TRUE(stream->Send(Commit("good", EncodeReplayId(ids[3]))));
  auto good = NextCommit(*stream);
  ASSERT_TRUE(good);
  EXPECT_FALSE(good->commit_response().has_error());
  EXPECT_EQ(managed_.Committed(kOrg, kManagedId), ids[3]);
  EXPECT_FALSE(stream->Ended(0ms));
}

TEST_F(PubSubManagedSubscribeTest, CommitsQueuedBehindOneInFlightAreFoldedIntoTheLast) {
  const auto ids = log_.AppendN(3);
  auto stream = Positioned(1);
  managed_.Hold();
  ASSERT_TRUE(stream->Send(Commit("a", EncodeReplayId(ids[0]))));
  for (int i = 0; i < 200 && managed_.held() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(managed_.held(), 1u);
  ASSERT_TRUE(stream->Send(Commit("b", EncodeReplayId(ids[1]))));
  ASSERT_TRUE(stream->Send(Commit("c", EncodeReplayId(ids[2]))));
  std::this_thread::sleep_for(200ms);  // b and c arrive while a is being stored
  managed_.Release();
  auto first = NextCommit(*stream);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->commit_response().commit_request_id(), "a");
  auto last = NextCommit(*stream);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->commit_response().commit_request_id(), "c");
  EXPECT_EQ(last->commit_response().replay_id(), EncodeReplayId(ids[2]));
  EXPECT_EQ(managed_.Committed(kOrg, kManagedId), ids[2]);
  EXPECT_EQ(managed_.commits(), 2);
}

TEST_F(PubSubManagedSubscribeTest, TheFirstRequestMustNameARunningSubscriptionOfTheOrg) {
  struct Case {
    std::string name;
    ManagedFetchRequest request;
    grpc::StatusCode code;
    std::string error_code;
  };
  ManagedFetchRequest none;
  none.set_num_requested(1);
  ManagedFetchRequest unknown_name;
  unknown_name.set_developer_name("Nope");
  unknown_name.set_num_requested(1);
  ManagedFetchRequest both = ById(kManagedId, 1);
  both.set_developer_name("Partner1_Earliest");
  const std::vector<Case> cases = {
      {"neither id nor name", none, grpc::StatusCode::INVALID_ARGUMENT,
       error_codes::kManagedSubscriptionEmpty},
      {"unknown id", ById("18x00000000NOPE", 1), grpc::StatusCode::NOT_FOUND,
       error_codes::kManagedSubscriptionNotFound},
      {"unknown name", unknown_name, grpc::StatusCode::NOT_FOUND,
       error_codes::kManagedSubscriptionNotFound},
      {"another org's", ById(kOtherOrgManagedId, 1), grpc::StatusCode::NOT_FOUND,
       error_codes::kManagedSubscriptionNotFound},
      {"id and name of two subscriptions", both, grpc::StatusCode::INVALID_ARGUMENT,
       error_codes::kManagedSubscriptionMismatch},
      {"stopped", ById(kStoppedId, 1), grpc::StatusCode::FAILED_PRECONDITION,
       error_codes::kManagedSubscriptionStopped},
  };
  for (const auto& c : cases) {
    auto stream = ManagedSubscribe();
    stream->Send(c.request);
    const grpc::Status status = stream->Finish();
    EXPECT_EQ(status.error_code(), c.code) << c.name;
    EXPECT_EQ(stream->Trailer("error-code"), c.error_code) << c.name;
    EXPECT_TRUE(util::IsUuid(stream->Trailer("rpc-id"))) << c.name;
    EXPECT_NE(status.error_message().find("rpcId: " + stream->Trailer("rpc-id")), std::string::npos)
        << c.name;
  }
  EXPECT_EQ(managed_.commits(), 0);
}

TEST_F(PubSubManagedSubscribeTest, ALaterRequestCannotNameAnotherSubscription) {
  for (const auto& later : {ById(kEarliestId, 1), [] {
                              ManagedFetchRequest r;
                              r.set_developer_name("Partner1_Earliest");
                              r.set_num_requested(1);
                              return r;
                            }()}) {
    auto stream = ManagedSubscribe();
    ASSERT_TRUE(stream->Send(ById(kManagedId, 1)));
    stream->Send(later);
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(stream->Trailer("error-code"), error_codes::kManagedSubscriptionMismatch);
  }
}

TEST_F(PubSubManagedSubscribeTest, OneClientAtATimePerSubscription) {
  auto first = Positioned(1);
  auto second = ManagedSubscribe();
  second->Send(ById(kManagedId, 1));
  EXPECT_EQ(second->Finish().error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(second->Trailer("error-code"), error_codes::kManagedSubscriptionActive);
  // Another subscription of the org is free.
  auto other = ManagedSubscribe();
  ASSERT_TRUE(other->Send(ById(kEarliestId, 1)));
  EXPECT_FALSE(other->Ended(300ms));
  // Once the first ends (its client half-closes with no credit left), the subscription is free.
  log_.AppendN(1);
  ASSERT_EQ(first->Events(1).size(), 1u);
  first->WritesDone();
  EXPECT_TRUE(first->Finish().ok());
  auto third = ManagedSubscribe();
  ASSERT_TRUE(third->Send(ById(kManagedId, 1)));
  EXPECT_FALSE(third->Ended(300ms));
}

TEST_F(PubSubManagedSubscribeTest, AnExpiredCommitFallsBackToTheErrorRecoveryReplay) {
  const auto ids = log_.AppendN(4);
  log_.SetFloor(ids[1]);  // ids[0] and ids[1] expired
  // LATEST recovery: only what comes next.
  managed_.Set(kOrg, kManagedId, ids[0]);
  auto latest = Positioned(10);
  const auto next = log_.AppendN(1);
  EXPECT_EQ(ReplayIds(latest->Events(1)), next);
  EXPECT_FALSE(latest->Next(200ms));
  // EARLIEST recovery: everything retained.
  managed_.Set(kOrg, kEarliestId, ids[0]);
  auto earliest = ManagedSubscribe();
  ASSERT_TRUE(earliest->Send(ById(kEarliestId, 10)));
  EXPECT_EQ(ReplayIds(earliest->Events(3)), (std::vector<uint64_t>{ids[2], ids[3], next[0]}));
}

TEST_F(PubSubManagedSubscribeTest, NeverCommittedWithEarliestDefaultReplaysTheRetainedEvents) {
  const auto ids = log_.AppendN(3);
  auto stream = ManagedSubscribe();
  ASSERT_TRUE(stream->Send(ById(kEarliestId, 10)));
  EXPECT_EQ(ReplayIds(stream->Events(3)), ids);
  EXPECT_EQ(managed_.Committed(kOrg, kEarliestId), std::nullopt) << "delivery commits nothing";
}

TEST_F(PubSubManagedSubscribeTest, KeepalivesCarryThePositionAndACommitOfItIsAccepted) {
  ServiceOptions options;
  options.keepalive = 300ms;
  StartServer(options);
  const auto ids = log_.AppendN(2);
  managed_.Set(kOrg, kManagedId, ids[1]);
  auto stream = ManagedSubscribe();
  ASSERT_TRUE(stream->Send(ById(kManagedId, 7)));
  auto keepalive = stream->Next(3s);
  ASSERT_TRUE(keepalive);
  EXPECT_EQ(keepalive->events_size(), 0);
  EXPECT_FALSE(keepalive->has_commit_response());
  EXPECT_EQ(keepalive->latest_replay_id(), EncodeReplayId(ids[1]));
  EXPECT_EQ(keepalive->pending_num_requested(), 7);
  // The docs have clients commit the id of empty responses too.
  ASSERT_TRUE(stream->Send(Commit("k", keepalive->latest_replay_id())));
  auto response = NextCommit(*stream);
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->commit_response().has_error());
}

TEST_F(PubSubManagedSubscribeTest, WithoutCreditTheStreamClosesWhenIdleAndFreesTheSubscription) {
  ServiceOptions options;
  options.idle_timeout = 300ms;
  StartServer(options);
  auto stream = Positioned(1);
  log_.AppendN(1);
  ASSERT_EQ(ReplayIds(stream->Events(1)).size(), 1u);
  EXPECT_TRUE(stream->Finish().ok());
  auto again = ManagedSubscribe();
  ASSERT_TRUE(again->Send(ById(kManagedId, 1)));
  EXPECT_FALSE(again->Ended(150ms));
}

TEST_F(PubSubManagedSubscribeTest, AnUnreadableCommitEndsTheStreamAsUnavailable) {
  managed_.SetFailing(true);
  auto stream = ManagedSubscribe();
  stream->Send(ById(kManagedId, 1));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(stream->Trailer("error-code"), error_codes::kServiceUnavailable);
}

TEST_F(PubSubManagedSubscribeTest, AuthFailureAndShutdown) {
  ManagedStream refused([this](grpc::ClientContext* c) { return stub_->ManagedSubscribe(c); },
                        [](grpc::ClientContext& c) { c.AddMetadata("accesstoken", "x"); });
  EXPECT_EQ(refused.Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(refused.Trailer("error-code"), error_codes::kAuthHeadersInvalid);

  auto stream = Positioned(1);
  EXPECT_EQ(server_->service()->subscription_count(), 1u);
  server_->Shutdown(1s);
  server_.reset();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(stream->Trailer("error-code"), error_codes::kServiceUnavailable);
}

TEST(PubSubManagedWithoutStoreTest, ManagedSubscribeIsUnavailable) {
  FakeEventLog log;  // not a ManagedReplayStore
  util::ManualClock clock(1'700'000'000'000);
  auth::TokenSigner signer("test-secret-test-secret-test-secret");
  PubSubServer server(TestOrgs(), &signer, &log, &clock);
  PubSubServerOptions options;
  options.tls_port = -1;
  options.plaintext_port = 0;
  server.Start(options);
  auto stub = eventbus::v1::PubSub::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server.plaintext_port()), grpc::InsecureChannelCredentials()));
  auth::TokenClaims claims;
  claims.org_id = kOrg;
  claims.expires_at_ms = clock.NowMs() + 60'000;
  grpc::ClientContext context;
  context.AddMetadata("accesstoken", signer.Mint(claims));
  context.AddMetadata("instanceurl", "https://localhost");
  context.AddMetadata("tenantid", kOrg);
  auto stream = stub->ManagedSubscribe(&context);
  stream->WritesDone();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Trailer(context, "error-code"), error_codes::kServiceUnavailable);
  server.Shutdown(1s);
}

}  // namespace
}  // namespace interactiond::pubsub
