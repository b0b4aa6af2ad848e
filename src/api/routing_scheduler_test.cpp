// The routing pass (api/routing_scheduler.h): DecidePass fails partner routing requests past
// their deadline and offers unassigned PSRs to available reps; the scheduler runs it against the
// store.
#include "api/routing_scheduler.h"

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "domain/routing_test_support.h"
#include "store/sqlite_store.h"
#include "store/store_test_support.h"
#include "util/temp_dir.h"

namespace interactiond::api {
namespace {

using namespace domain::testing;  // NOLINT(google-build-using-namespace): test fixtures only
using namespace store::testing;   // NOLINT(google-build-using-namespace): test fixtures only
using domain::ConversationChange;
using domain::ConversationState;
using domain::Result;

// --- DecidePass -------------------------------------------------------------------------------

// An Active session of the routing org, decided on through an org directory holding that org.
class RoutingSchedulerDecidePassTest : public RoutingTest {
 protected:
  void SetUp() override {
    RoutingTest::SetUp();
    orgs_ = std::make_unique<config::OrgDirectory>(std::vector<config::Org>{org_});
    state_.session_status = "Active";
  }

  static domain::RoutingRequest Pending(const std::string& event_id, int64_t deadline) {
    domain::RoutingRequest request;
    request.event_id = event_id;
    request.routing_type = "Transfer";
    request.requested_by = kBob;
    request.target_kind = "queue";
    request.target_id = kQueue;
    request.requested_at = deadline - 60000;
    request.deadline = deadline;
    return request;
  }
  Result<ConversationChange> Pass(int64_t now_ms = kNow) {
    return RoutingScheduler::DecidePass(*orgs_, state_, now_ms);
  }

  std::unique_ptr<config::OrgDirectory> orgs_;
};

TEST_F(RoutingSchedulerDecidePassTest, AConversationOfAnUnknownOrgOrDefinitionFails) {
  state_.org_id = "00D000000000009";
  auto unknown_org = Pass();
  ASSERT_FALSE(unknown_org.ok());
  EXPECT_EQ(unknown_org.error().code, 500);
  state_.org_id = kOrgId;
  state_.channel_definition = "Gone_Def";
  auto unknown_definition = Pass();
  ASSERT_FALSE(unknown_definition.ok());
  EXPECT_EQ(unknown_definition.error().code, 500);
}

TEST_F(RoutingSchedulerDecidePassTest, NothingToDoIsAnEmptyChange) {
  auto change = Pass();
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->events.empty());
  EXPECT_TRUE(change->works.empty());
  EXPECT_TRUE(change->routing_requests.empty());
}

TEST_F(RoutingSchedulerDecidePassTest, ARequestPastItsDeadlineFailsWithARoutingError) {
  state_.routing_requests = {Pending("event-1", kNow - 1)};
  auto change = Pass();
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->routing_requests.size(), 1u);
  EXPECT_EQ(change->routing_requests[0].event_id, "event-1");
  EXPECT_EQ(change->routing_requests[0].status, "Failed");
  EXPECT_EQ(change->routing_requests[0].deadline, kNow - 1);
  ASSERT_EQ(change->events.size(), 1u);
  const events::OutboundEvent& event = change->events[0];
  EXPECT_EQ(event.entry_type, "RoutingResult");
  EXPECT_EQ(event.topic, "/event/P_Event__e");
  EXPECT_EQ(event.created_date, kNow);
  EXPECT_EQ(event.created_by_id, kAlice);  // the org's first user acts for the system
  const auto entry = Entry(event);
  EXPECT_EQ(entry.at("failureType"), "RoutingError");
  EXPECT_EQ(entry.at("routingType"), "Transfer");
  EXPECT_EQ(entry.at("workOwnerId"), kBob);
  EXPECT_FALSE(entry.at("failureReason").as_string().empty());
  ASSERT_EQ(entry.at("errorMessages").as_array().size(), 1u);
  EXPECT_EQ(entry.at("errorMessages").as_array()[0], entry.at("failureReason"));
  EXPECT_EQ(boost::json::parse(*event.payload).at("payload").at("sender").at("role"), "System");
}

TEST_F(RoutingSchedulerDecidePassTest, ARequestFailsAtItsDeadlineExactly) {
  state_.routing_requests = {Pending("event-1", kNow)};
  auto change = Pass();
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->routing_requests.size(), 1u);
  EXPECT_EQ(change->routing_requests[0].status, "Failed");
}

TEST_F(RoutingSchedulerDecidePassTest, ARequestBeforeItsDeadlineIsLeftPending) {
  state_.routing_requests = {Pending("event-1", kNow + 1)};
  auto change = Pass();
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->routing_requests.empty());
  EXPECT_TRUE(change->events.empty());
}

TEST_F(RoutingSchedulerDecidePassTest, OnlyPendingRequestsFail) {
  domain::RoutingRequest completed = Pending("event-1", kNow - 1);
  completed.status = "Completed";
  state_.routing_requests = {completed, Pending("event-2", kNow - 1)};
  auto change = Pass();
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->routing_requests.size(), 1u);
  EXPECT_EQ(change->routing_requests[0].event_id, "event-2");
}

TEST_F(RoutingSchedulerDecidePassTest, AnUnassignedPsrGoesToAnAvailableRep) {
  state_.session_status = "Waiting";
  state_.psrs = {QueuePsr()};
  presence_[kBob] = {true, 5, 0};
  auto change = Pass();
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(change->works[0].user_id, kBob);
  EXPECT_EQ(change->works[0].status, "Assigned");
  EXPECT_EQ(change->works[0].psr_id, kPsr);
  EXPECT_EQ(change->works[0].created_at, kNow);
  ASSERT_EQ(change->events.size(), 1u);
  EXPECT_EQ(Entry(change->events[0]).at("workType"), "Assigned");
}

TEST_F(RoutingSchedulerDecidePassTest, AnUnassignedPsrWithNobodyAvailableWaitsSilently) {
  state_.session_status = "Waiting";
  state_.psrs = {QueuePsr()};
  auto change = Pass();
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->works.empty());
  EXPECT_TRUE(change->events.empty());  // the queue position was reported when it opened
}

TEST_F(RoutingSchedulerDecidePassTest, FailsExpiredRequestsAndAssignsInOnePass) {
  state_.psrs = {QueuePsr()};
  state_.routing_requests = {Pending("event-1", kNow - 5)};
  presence_[kAlice] = {true, 5, 0};
  auto change = Pass();
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->routing_requests.size(), 1u);
  EXPECT_EQ(change->works.size(), 1u);
  ASSERT_EQ(change->events.size(), 2u);
  EXPECT_EQ(change->events[0].entry_type, "RoutingResult");
  EXPECT_EQ(change->events[1].entry_type, "RoutingWorkResult");
}

// --- Against the store ------------------------------------------------------------------------

class RoutingSchedulerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    orgs_ =
        std::make_shared<const config::OrgDirectory>(std::vector<config::Org>{MakeRoutingOrg()});
    store_ =
        std::make_unique<store::SqliteStore>(dir_.path(), config::Durability::kNormal, nullptr);
  }

  std::string NewConversation(const std::string& end_user = "end-user-1") {
    auto result = SubmitInboundAndWait(*store_, EndUserMessage(kOrgId, end_user, kNow));
    EXPECT_TRUE(result.ok());
    return result.ok() ? result->conversation_identifier : "";
  }

  // Opens an unassigned PSR on the conversation, as a waiting Salesforce-owned routing would.
  void OpenPsr(const std::string& conversation, const std::string& psr_id = kPsr,
               int64_t created_at = kNow) {
    auto result = SubmitChangeAndWait(
        *store_, conversation,
        [psr_id, created_at](const ConversationState&) -> Result<ConversationChange> {
          ConversationChange change;
          domain::PendingRouting psr = QueuePsr();
          psr.id = psr_id;
          psr.routing_correlation_id = "corr-" + psr_id;
          psr.created_at = created_at;
          change.psrs.push_back(psr);
          change.session_status = "Waiting";
          return change;
        });
    ASSERT_TRUE(result.ok());
  }

  void SetPresence(const std::string& user, bool online, int capacity) {
    ASSERT_TRUE(SetRepPresenceAndWait(*store_, kOrgId, user, online, capacity, kNow).ok());
  }

  int RunPass() {
    const config::OrgDirectory& orgs = *orgs_;
    auto result = SubmitRoutingPassAndWait(*store_, kNow, [&orgs](const ConversationState& state) {
      return RoutingScheduler::DecidePass(orgs, state, kNow);
    });
    EXPECT_TRUE(result.ok());
    return result.ok() ? *result : -1;
  }

  boost::json::array AgentWork(const std::string& conversation) {
    const boost::json::object view = ConversationView(*store_, conversation);
    return view.contains("agentWork") ? view.at("agentWork").as_array() : boost::json::array();
  }

  util::TempDir dir_;
  std::shared_ptr<const config::OrgDirectory> orgs_;
  // Outlives the store: a pass still queued in the store's writer when the scheduler stops reads
  // the clock.
  util::ManualClock clock_{kNow};
  std::unique_ptr<store::SqliteStore> store_;
};

TEST_F(RoutingSchedulerStoreTest, APassAssignsTheWaitingPsrOnceARepIsOnline) {
  const std::string conversation = NewConversation();
  OpenPsr(conversation);
  EXPECT_EQ(RunPass(), 0);  // nobody online: nothing changes
  EXPECT_TRUE(AgentWork(conversation).empty());

  SetPresence(kBob, true, 3);
  EXPECT_EQ(RunPass(), 1);
  const boost::json::array works = AgentWork(conversation);
  ASSERT_EQ(works.size(), 1u);
  EXPECT_EQ(works[0].at("userId"), kBob);
  EXPECT_EQ(works[0].at("status"), "Assigned");
  EXPECT_EQ(works[0].at("psrId"), kPsr);

  EXPECT_EQ(RunPass(), 0);  // the PSR has active work now: nothing to retry
}

TEST_F(RoutingSchedulerStoreTest, APassFillsARepsCapacityOldestWaitingFirst) {
  const std::string newer = NewConversation("newer");
  const std::string older = NewConversation("older");
  OpenPsr(newer, "0JR8c0000000002", kNow + 10);
  OpenPsr(older, "0JR8c0000000001", kNow);
  SetPresence(kAlice, true, 1);
  // Each conversation's decision sees the work the pass assigned before it.
  EXPECT_EQ(RunPass(), 1);
  ASSERT_EQ(AgentWork(older).size(), 1u);
  EXPECT_EQ(AgentWork(older)[0].at("userId"), kAlice);
  EXPECT_TRUE(AgentWork(newer).empty());
  SetPresence(kBob, true, 1);
  EXPECT_EQ(RunPass(), 1);
  ASSERT_EQ(AgentWork(newer).size(), 1u);
  EXPECT_EQ(AgentWork(newer)[0].at("userId"), kBob);
}

TEST_F(RoutingSchedulerStoreTest, StartRunsAPassOnTheExecutor) {
  const std::string conversation = NewConversation();
  OpenPsr(conversation);
  SetPresence(kAlice, true, 2);
  boost::asio::io_context io;
  auto scheduler = std::make_unique<RoutingScheduler>(io.get_executor(), store_.get(), store_.get(),
                                                      orgs_, &clock_);
  boost::asio::post(io, [&scheduler] { scheduler->Start(); });
  std::thread runner([&io] { io.run(); });
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (AgentWork(conversation).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  scheduler->Stop();
  runner.join();  // Stop cancels the timer: the executor runs out of work
  const boost::json::array works = AgentWork(conversation);
  ASSERT_EQ(works.size(), 1u);
  EXPECT_EQ(works[0].at("userId"), kAlice);
}

}  // namespace
}  // namespace interactiond::api
