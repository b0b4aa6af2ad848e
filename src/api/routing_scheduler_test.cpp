// The routing pass (api/routing_scheduler.h): DecidePass fails partner routing requests past
// their deadline and offers unassigned PSRs to available reps; the scheduler runs it against the
// store.
#include "api/routing_scheduler.h"

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "store/sqlite_store.h"
#include "util/ids.h"
#include "util/temp_dir.h"

namespace interactiond::api {
namespace {

using domain::ConversationChange;
using domain::ConversationState;
using domain::Result;

constexpr char kOrg[] = "00D000000000001";
constexpr char kQueue[] = "00G000000000001";
constexpr char kAlice[] = "005000000000001";
constexpr char kBob[] = "005000000000002";
constexpr char kPsr[] = "0JR8c0000000100";
constexpr int64_t kNow = 1'700'000'000'123;
constexpr auto kWait = std::chrono::seconds(30);

config::Org MakeOrg() {
  config::Org org;
  org.id = kOrg;
  config::ChannelDefinition definition;
  definition.developer_name = "P_Def";
  definition.custom_platform_event = "P_Event__e";
  org.channel_definitions.push_back(definition);
  config::MessagingChannel channel;
  channel.id = "0Mj000000000001";
  channel.channel_address_identifier = "addr-1";
  channel.channel_definition = "P_Def";
  channel.default_queue = kQueue;
  org.channels.push_back(channel);
  org.queues = {{kQueue, "Queue"}};
  for (const char* id : {kAlice, kBob}) {
    config::User user;
    user.id = id;
    user.name = id == std::string(kAlice) ? "Alice" : "Bob";
    user.queues = {kQueue};
    org.users.push_back(user);
  }
  return org;
}

boost::json::object Entry(const events::OutboundEvent& event) {
  return boost::json::parse(*event.payload).at("payload").at("entryPayload").as_object();
}

// --- DecidePass -------------------------------------------------------------------------------

class RoutingSchedulerDecidePassTest : public ::testing::Test {
 protected:
  void SetUp() override {
    orgs_ = std::make_unique<config::OrgDirectory>(std::vector<config::Org>{MakeOrg()});
    state_.conversation_identifier = "11111111-2222-4333-8444-555555555555";
    state_.org_id = kOrg;
    state_.channel_address = "addr-1";
    state_.channel_definition = "P_Def";
    state_.end_user_client_id = "end-user-1";
    state_.session_id = "0Mw8c0000000001";
    state_.session_status = "Active";
    state_.participants.push_back({"custom", "end-user-1", "EndUser", "", 1});
    state_.rep_availability = [this](const std::string& user_id) {
      auto it = presence_.find(user_id);
      return it == presence_.end() ? domain::RepAvailability{} : it->second;
    };
    state_.waiting_in_queue = [](const std::string&) { return 0; };
    state_.next_record_id = [this](const std::string& prefix) {
      return util::RecordId(prefix, ++ids_[prefix]);
    };
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
  static domain::PendingRouting Psr() {
    domain::PendingRouting psr;
    psr.id = kPsr;
    psr.queue_id = kQueue;
    psr.routing_correlation_id = "corr-1";
    return psr;
  }

  Result<ConversationChange> Pass(int64_t now_ms = kNow) {
    return RoutingScheduler::DecidePass(*orgs_, state_, now_ms);
  }

  std::unique_ptr<config::OrgDirectory> orgs_;
  ConversationState state_;
  std::map<std::string, domain::RepAvailability> presence_;
  std::map<std::string, uint64_t> ids_;
};

TEST_F(RoutingSchedulerDecidePassTest, AConversationOfAnUnknownOrgOrDefinitionFails) {
  state_.org_id = "00D000000000009";
  auto unknown_org = Pass();
  ASSERT_FALSE(unknown_org.ok());
  EXPECT_EQ(unknown_org.error().code, 500);
  state_.org_id = kOrg;
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
  state_.psrs = {Psr()};
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
  state_.psrs = {Psr()};
  auto change = Pass();
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->works.empty());
  EXPECT_TRUE(change->events.empty());  // the queue position was reported when it opened
}

TEST_F(RoutingSchedulerDecidePassTest, FailsExpiredRequestsAndAssignsInOnePass) {
  state_.psrs = {Psr()};
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
    orgs_ = std::make_shared<const config::OrgDirectory>(std::vector<config::Org>{MakeOrg()});
    store_ =
        std::make_unique<store::SqliteStore>(dir_.path(), config::Durability::kNormal, nullptr);
  }

  std::string NewConversation(const std::string& end_user = "end-user-1") {
    store::InboundWrite write;
    write.org_id = kOrg;
    write.channel_id = "0Mj000000000001";
    write.channel_address = "addr-1";
    write.channel_definition = "P_Def";
    write.end_user_client_id = end_user;
    write.request_id = "req-" + end_user;
    write.entry_id = "e-1";
    write.entry_type = "Message";
    write.client_timestamp = kNow;
    write.received_at_ms = kNow;
    write.payload_json = R"({"id":"e-1","entryType":"Message"})";
    std::promise<Result<store::InboundWriteResult>> promise;
    auto future = promise.get_future();
    store_->SubmitInbound(std::move(write), [&promise](Result<store::InboundWriteResult> result) {
      promise.set_value(std::move(result));
    });
    EXPECT_EQ(future.wait_for(kWait), std::future_status::ready);
    auto result = future.get();
    EXPECT_TRUE(result.ok());
    return result.ok() ? result->conversation_identifier : "";
  }

  // Opens an unassigned PSR on the conversation, as a waiting Salesforce-owned routing would.
  void OpenPsr(const std::string& conversation, const std::string& psr_id = kPsr,
               int64_t created_at = kNow) {
    std::promise<Result<ConversationChange>> promise;
    auto future = promise.get_future();
    store_->SubmitConversationChange(
        conversation,
        [psr_id, created_at](const ConversationState&) -> Result<ConversationChange> {
          ConversationChange change;
          domain::PendingRouting psr;
          psr.id = psr_id;
          psr.queue_id = kQueue;
          psr.routing_correlation_id = "corr-" + psr_id;
          psr.created_at = created_at;
          change.psrs.push_back(psr);
          change.session_status = "Waiting";
          return change;
        },
        [&promise](Result<ConversationChange> result) { promise.set_value(std::move(result)); });
    ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
    ASSERT_TRUE(future.get().ok());
  }

  void SetPresence(const std::string& user, bool online, int capacity) {
    std::promise<domain::Status> promise;
    auto future = promise.get_future();
    store_->SetRepPresence(kOrg, user, online, capacity, kNow,
                           [&promise](domain::Status status) { promise.set_value(status); });
    ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
    ASSERT_TRUE(future.get().ok());
  }

  int RunPass() {
    std::promise<Result<int>> promise;
    auto future = promise.get_future();
    const config::OrgDirectory& orgs = *orgs_;
    store_->SubmitRoutingPass(
        kNow,
        [&orgs](const ConversationState& state) {
          return RoutingScheduler::DecidePass(orgs, state, kNow);
        },
        [&promise](Result<int> result) { promise.set_value(std::move(result)); });
    EXPECT_EQ(future.wait_for(kWait), std::future_status::ready);
    auto result = future.get();
    EXPECT_TRUE(result.ok());
    return result.ok() ? *result : -1;
  }

  boost::json::array AgentWork(const std::string& conversation) {
    auto view = store_->GetConversation(conversation);
    EXPECT_TRUE(view.ok());
    return view.ok() ? view->at("agentWork").as_array() : boost::json::array();
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
  auto scheduler =
      std::make_unique<RoutingScheduler>(io.get_executor(), store_.get(), orgs_, &clock_);
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
