// SqliteStore's routing records (sqlite_store_routing.cpp): PSRs, AgentWork and partner routing
// requests written from a change and loaded into the next state, rep presence and the load the
// router sees, the routing pass, the routing lookups, the admin views, and durability.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/routing_test_support.h"
#include "store/sqlite_store.h"
#include "store/store_test_support.h"
#include "util/temp_dir.h"

namespace interactiond::store {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test fixtures only
using domain::ConversationChange;
using domain::ConversationState;
using domain::Result;

constexpr char kOrg[] = "00D000000000001";
constexpr char kOtherOrg[] = "00D000000000002";
constexpr char kQueue1[] = "00G000000000001";
constexpr char kQueue2[] = "00G000000000002";
constexpr char kAlice[] = "005000000000001";
constexpr char kBob[] = "005000000000002";
constexpr int64_t kNow = 1'700'000'000'000;

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

domain::PendingRouting Psr(const std::string& id, const std::string& queue, int64_t created_at) {
  domain::PendingRouting psr;
  psr.id = id;
  psr.queue_id = queue;
  psr.routing_correlation_id = "corr-" + id;
  psr.created_at = created_at;
  return psr;
}

domain::AgentWork Work(const std::string& id, const std::string& user, const std::string& status,
                       const std::string& session, const std::string& psr_id = "") {
  domain::AgentWork work = domain::testing::Work(id, user, status, psr_id);
  work.session_id = session;
  work.created_at = kNow;
  work.updated_at = kNow;
  return work;
}

class SqliteStoreRoutingTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_ = std::make_unique<SqliteStore>(dir_.path(), config::Durability::kFull, nullptr);
  }
  void Reopen() {
    store_.reset();
    Open();
  }

  // A conversation of `end_user` (its first inbound message); its identifier and session.
  InboundWriteResult Conversation(const std::string& end_user, const std::string& org = kOrg) {
    auto result = SubmitInboundAndWait(*store_, EndUserMessage(org, end_user, kNow));
    EXPECT_TRUE(result.ok());
    return result.ok() ? *result : InboundWriteResult{};
  }

  Result<ConversationChange> Change(const std::string& conversation, Store::Decide decide) {
    return SubmitChangeAndWait(*store_, conversation, std::move(decide));
  }

  // Writes `change` to the conversation, asserting that it succeeds.
  void Write(const std::string& conversation, ConversationChange change) {
    auto result = Change(conversation, [change](const ConversationState&) { return change; });
    EXPECT_TRUE(result.ok()) << (result.ok() ? 0 : result.error().code);
  }

  // Runs `look` over the conversation's state inside the writer's transaction (where the state's
  // store callbacks are valid), changing nothing.
  void Peek(const std::string& conversation, std::function<void(const ConversationState&)> look) {
    auto result = Change(conversation, [&look](const ConversationState& state) {
      look(state);
      return Result<ConversationChange>(ConversationChange{});
    });
    EXPECT_TRUE(result.ok());
  }

  ConversationState Loaded(const std::string& conversation) {
    ConversationState copy;
    Peek(conversation, [&copy](const ConversationState& state) {
      copy = state;
      copy.rep_availability = nullptr;  // valid only inside the transaction
      copy.waiting_in_queue = nullptr;
      copy.next_record_id = nullptr;
      copy.find_entry = nullptr;
    });
    return copy;
  }

  domain::RepAvailability Availability(const std::string& conversation, const std::string& user) {
    domain::RepAvailability availability;
    Peek(conversation,
         [&](const ConversationState& state) { availability = state.rep_availability(user); });
    return availability;
  }

  int Waiting(const std::string& conversation, const std::string& queue) {
    int waiting = -1;
    Peek(conversation,
         [&](const ConversationState& state) { waiting = state.waiting_in_queue(queue); });
    return waiting;
  }

  void SetPresence(const std::string& org, const std::string& user, bool online, int capacity) {
    ASSERT_TRUE(SetRepPresenceAndWait(*store_, org, user, online, capacity, kNow).ok());
  }

  Result<int> Pass(int64_t now_ms, Store::Decide decide) {
    return SubmitRoutingPassAndWait(*store_, now_ms, std::move(decide));
  }

  // The conversations a pass at `now_ms` visits, in order (it changes nothing).
  std::vector<std::string> Visited(int64_t now_ms) {
    std::vector<std::string> visited;
    auto count = Pass(now_ms, [&visited](const ConversationState& state) {
      visited.push_back(state.conversation_identifier);
      return Result<ConversationChange>(ConversationChange{});
    });
    EXPECT_TRUE(count.ok());
    EXPECT_EQ(count.ok() ? *count : -1, 0);
    return visited;
  }

  boost::json::object View(const std::string& conversation) {
    return ConversationView(*store_, conversation);
  }

  boost::json::object Rep(const std::string& org, const std::string& user) {
    auto rep = store_->GetRep(org, user);
    EXPECT_TRUE(rep.ok());
    return rep.ok() ? rep->as_object() : boost::json::object();
  }

  util::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

// --- ApplyRouting / LoadRouting ---------------------------------------------------------------

TEST_F(SqliteStoreRoutingTest, EveryFieldOfPsrsWorkAndRequestsIsWrittenAndLoadedBack) {
  const auto conversation = Conversation("alice");
  ConversationChange change;
  domain::PendingRouting psr = Psr("0JR8c0000000001", kQueue1, kNow + 1);
  psr.routing_type = "Transfer";
  psr.flow_id = "300000000000001";
  psr.target_user = kBob;
  psr.target_bot = "1JZ000000000001";
  psr.initiator_subject = kAlice;
  change.psrs.push_back(psr);
  domain::AgentWork weighted =
      Work("0Bz8c0000000001", kAlice, "Opened", conversation.session_id, psr.id);
  weighted.routing_type = "Conference";
  weighted.routing_correlation_id = "corr-w";
  weighted.capacity_weight = 2.5;
  weighted.agent_action_visibilities_json = R"([{"agentAction":"Transfer","visible":true}])";
  weighted.created_at = kNow + 2;
  weighted.updated_at = kNow + 3;
  domain::AgentWork by_percentage =
      Work("0Bz8c0000000002", "", "Assigned", conversation.session_id);
  by_percentage.bot_id = "1JZ000000000001";
  by_percentage.context_type = "Chatbot";
  by_percentage.capacity_percentage = 40;
  by_percentage.created_at = kNow + 4;
  change.works = {weighted, by_percentage};
  domain::RoutingRequest request{"event-1", "Transfer", kAlice,   "queue",
                                 kQueue2,   "Pending",  kNow + 5, kNow + 6};
  change.routing_requests.push_back(request);
  Write(conversation.conversation_identifier, change);

  const ConversationState state = Loaded(conversation.conversation_identifier);
  ASSERT_EQ(state.psrs.size(), 1u);
  const domain::PendingRouting& loaded_psr = state.psrs[0];
  EXPECT_EQ(loaded_psr.id, psr.id);
  EXPECT_EQ(loaded_psr.routing_type, "Transfer");
  EXPECT_EQ(loaded_psr.queue_id, kQueue1);
  EXPECT_EQ(loaded_psr.flow_id, "300000000000001");
  EXPECT_EQ(loaded_psr.target_user, kBob);
  EXPECT_EQ(loaded_psr.target_bot, "1JZ000000000001");
  EXPECT_EQ(loaded_psr.routing_correlation_id, "corr-0JR8c0000000001");
  EXPECT_EQ(loaded_psr.initiator_subject, kAlice);
  EXPECT_EQ(loaded_psr.created_at, kNow + 1);
  EXPECT_FALSE(loaded_psr.deleted);

  ASSERT_EQ(state.works.size(), 2u);
  const domain::AgentWork& first = state.works[0];
  EXPECT_EQ(first.id, "0Bz8c0000000001");
  EXPECT_EQ(first.user_id, kAlice);
  EXPECT_EQ(first.bot_id, "");
  EXPECT_EQ(first.context_type, "Agent");
  EXPECT_EQ(first.status, "Opened");
  EXPECT_EQ(first.session_id, conversation.session_id);
  EXPECT_EQ(first.psr_id, psr.id);
  EXPECT_EQ(first.queue_id, kQueue1);
  EXPECT_EQ(first.routing_type, "Conference");
  EXPECT_EQ(first.routing_correlation_id, "corr-w");
  EXPECT_EQ(first.capacity_weight, 2.5);
  EXPECT_FALSE(first.capacity_percentage.has_value());
  EXPECT_EQ(first.agent_action_visibilities_json, weighted.agent_action_visibilities_json);
  EXPECT_EQ(first.created_at, kNow + 2);
  EXPECT_EQ(first.updated_at, kNow + 3);
  const domain::AgentWork& second = state.works[1];
  EXPECT_EQ(second.bot_id, "1JZ000000000001");
  EXPECT_EQ(second.user_id, "");
  EXPECT_EQ(second.context_type, "Chatbot");
  EXPECT_FALSE(second.capacity_weight.has_value());
  EXPECT_EQ(second.capacity_percentage, 40.0);

  ASSERT_EQ(state.routing_requests.size(), 1u);
  const domain::RoutingRequest& loaded_request = state.routing_requests[0];
  EXPECT_EQ(loaded_request.event_id, "event-1");
  EXPECT_EQ(loaded_request.routing_type, "Transfer");
  EXPECT_EQ(loaded_request.requested_by, kAlice);
  EXPECT_EQ(loaded_request.target_kind, "queue");
  EXPECT_EQ(loaded_request.target_id, kQueue2);
  EXPECT_EQ(loaded_request.status, "Pending");
  EXPECT_EQ(loaded_request.requested_at, kNow + 5);
  EXPECT_EQ(loaded_request.deadline, kNow + 6);
}

TEST_F(SqliteStoreRoutingTest, ADeletedPsrIsRemoved) {
  const auto conversation = Conversation("alice");
  ConversationChange opening;
  opening.psrs = {Psr("0JR8c0000000001", kQueue1, kNow), Psr("0JR8c0000000002", kQueue1, kNow + 1)};
  Write(conversation.conversation_identifier, opening);
  ConversationChange removal;
  domain::PendingRouting deleted = Psr("0JR8c0000000001", kQueue1, kNow);
  deleted.deleted = true;
  removal.psrs = {deleted};
  Write(conversation.conversation_identifier, removal);
  const ConversationState state = Loaded(conversation.conversation_identifier);
  ASSERT_EQ(state.psrs.size(), 1u);
  EXPECT_EQ(state.psrs[0].id, "0JR8c0000000002");
}

TEST_F(SqliteStoreRoutingTest, AWorkIsReplacedById) {
  const auto conversation = Conversation("alice");
  ConversationChange assign;
  assign.works = {Work("0Bz8c0000000001", kAlice, "Assigned", conversation.session_id)};
  Write(conversation.conversation_identifier, assign);
  ConversationChange acceptance;
  domain::AgentWork opened = Work("0Bz8c0000000001", kAlice, "Opened", conversation.session_id);
  opened.updated_at = kNow + 10;
  acceptance.works = {opened};
  Write(conversation.conversation_identifier, acceptance);
  const ConversationState state = Loaded(conversation.conversation_identifier);
  ASSERT_EQ(state.works.size(), 1u);
  EXPECT_EQ(state.works[0].status, "Opened");
  EXPECT_EQ(state.works[0].updated_at, kNow + 10);
}

TEST_F(SqliteStoreRoutingTest, PsrsAndWorkLoadInCreationOrderSoTheNewestPsrIsOpen) {
  const auto conversation = Conversation("alice");
  ConversationChange change;
  change.psrs = {Psr("0JR8c0000000002", kQueue1, kNow + 20), Psr("0JR8c0000000001", kQueue1, kNow)};
  domain::AgentWork later = Work("0Bz8c0000000001", kAlice, "Closed", conversation.session_id);
  later.created_at = kNow + 20;
  change.works = {later, Work("0Bz8c0000000002", kBob, "Closed", conversation.session_id)};
  Write(conversation.conversation_identifier, change);
  const ConversationState state = Loaded(conversation.conversation_identifier);
  ASSERT_EQ(state.psrs.size(), 2u);
  EXPECT_EQ(state.psrs[0].id, "0JR8c0000000001");
  ASSERT_NE(state.OpenPsr(), nullptr);
  EXPECT_EQ(state.OpenPsr()->id, "0JR8c0000000002");
  ASSERT_EQ(state.works.size(), 2u);
  EXPECT_EQ(state.works[0].id, "0Bz8c0000000002");
  EXPECT_EQ(state.works[1].id, "0Bz8c0000000001");
}

TEST_F(SqliteStoreRoutingTest, OnlyPendingRoutingRequestsAreLoaded) {
  const auto conversation = Conversation("alice");
  ConversationChange change;
  change.routing_requests = {
      {"event-1", "Transfer", kAlice, "queue", kQueue1, "Pending", kNow, kNow + 100},
      {"event-2", "Transfer", kAlice, "queue", kQueue1, "Completed", kNow, kNow + 100},
      {"event-3", "Conference", kAlice, "user", kBob, "Failed", kNow, kNow + 100}};
  Write(conversation.conversation_identifier, change);
  ConversationState state = Loaded(conversation.conversation_identifier);
  ASSERT_EQ(state.routing_requests.size(), 1u);
  EXPECT_EQ(state.routing_requests[0].event_id, "event-1");

  ConversationChange complete;
  domain::RoutingRequest completed = state.routing_requests[0];
  completed.status = "Completed";
  complete.routing_requests = {completed};
  Write(conversation.conversation_identifier, complete);
  EXPECT_TRUE(Loaded(conversation.conversation_identifier).routing_requests.empty());
}

TEST_F(SqliteStoreRoutingTest, WorkOfEarlierSessionsIsLoadedOnlyWhileActive) {
  const auto conversation = Conversation("alice");
  ConversationChange change;
  change.works = {Work("0Bz8c0000000001", kAlice, "Closed", "0Mw8c0000000999"),
                  Work("0Bz8c0000000002", kAlice, "Opened", "0Mw8c0000000999"),
                  Work("0Bz8c0000000003", kBob, "Declined", conversation.session_id)};
  Write(conversation.conversation_identifier, change);
  const ConversationState state = Loaded(conversation.conversation_identifier);
  std::vector<std::string> ids;
  for (const auto& work : state.works) ids.push_back(work.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"0Bz8c0000000002", "0Bz8c0000000003"}));
}

TEST_F(SqliteStoreRoutingTest, RecordIdsAre15CharactersWithTheirPrefixAndNeverRepeat) {
  const auto conversation = Conversation("alice");
  std::vector<std::string> works;
  std::string psr;
  Peek(conversation.conversation_identifier, [&](const ConversationState& state) {
    works.push_back(state.next_record_id("0Bz"));
    works.push_back(state.next_record_id("0Bz"));
    psr = state.next_record_id("0JR");
  });
  ASSERT_EQ(works.size(), 2u);
  for (const auto& id : works) {
    EXPECT_EQ(id.size(), 15u) << id;
    EXPECT_EQ(id.substr(0, 3), "0Bz") << id;
  }
  EXPECT_LT(works[0], works[1]);
  EXPECT_EQ(psr.size(), 15u);
  EXPECT_EQ(psr.substr(0, 3), "0JR");

  Reopen();
  std::string after;
  Peek(conversation.conversation_identifier,
       [&](const ConversationState& state) { after = state.next_record_id("0Bz"); });
  EXPECT_GT(after, works[1]);
}

// --- Presence and load ------------------------------------------------------------------------

TEST_F(SqliteStoreRoutingTest, ARepWithoutPresenceIsOfflineWithNoCapacity) {
  const auto conversation = Conversation("alice");
  const domain::RepAvailability availability =
      Availability(conversation.conversation_identifier, kAlice);
  EXPECT_FALSE(availability.online);
  EXPECT_EQ(availability.capacity, 0);
  EXPECT_EQ(availability.load, 0);
}

TEST_F(SqliteStoreRoutingTest, PresenceSetsOnlineAndCapacityAndCanBeReplaced) {
  const auto conversation = Conversation("alice");
  SetPresence(kOrg, kAlice, true, 4);
  domain::RepAvailability availability = Availability(conversation.conversation_identifier, kAlice);
  EXPECT_TRUE(availability.online);
  EXPECT_EQ(availability.capacity, 4);
  EXPECT_EQ(availability.load, 0);
  SetPresence(kOrg, kAlice, false, 3);
  availability = Availability(conversation.conversation_identifier, kAlice);
  EXPECT_FALSE(availability.online);
  EXPECT_EQ(availability.capacity, 3);
}

TEST_F(SqliteStoreRoutingTest, PresenceIsPerOrg) {
  SetPresence(kOrg, kAlice, true, 4);
  const auto other = Conversation("olga", kOtherOrg);
  EXPECT_FALSE(Availability(other.conversation_identifier, kAlice).online);
}

TEST_F(SqliteStoreRoutingTest, LoadSumsActiveWorkAcrossConversationsByWeightPercentageOrOne) {
  SetPresence(kOrg, kAlice, true, 4);
  const auto first = Conversation("alice");
  const auto second = Conversation("bob");
  const auto other_org = Conversation("olga", kOtherOrg);
  ConversationChange in_first;
  in_first.works = {Work("0Bz8c0000000001", kAlice, "Assigned", first.session_id),  // 1
                    Work("0Bz8c0000000002", kBob, "Opened", first.session_id)};     // Bob's
  Write(first.conversation_identifier, in_first);
  ConversationChange in_second;
  domain::AgentWork weighted = Work("0Bz8c0000000003", kAlice, "Opened", second.session_id);
  weighted.capacity_weight = 2.5;
  domain::AgentWork by_percentage = Work("0Bz8c0000000004", kAlice, "Opened", second.session_id);
  by_percentage.capacity_percentage = 25;  // of 4 → 1
  domain::AgentWork closed = Work("0Bz8c0000000005", kAlice, "Closed", second.session_id);
  closed.capacity_weight = 10;
  domain::AgentWork declined = Work("0Bz8c0000000006", kAlice, "Declined", second.session_id);
  in_second.works = {weighted, by_percentage, closed, declined};
  Write(second.conversation_identifier, in_second);
  ConversationChange elsewhere;
  elsewhere.works = {Work("0Bz8c0000000007", kAlice, "Opened", other_org.session_id)};
  Write(other_org.conversation_identifier, elsewhere);

  const domain::RepAvailability availability = Availability(first.conversation_identifier, kAlice);
  EXPECT_TRUE(availability.online);
  EXPECT_EQ(availability.capacity, 4);
  EXPECT_DOUBLE_EQ(availability.load, 1 + 2.5 + 1);
}

TEST_F(SqliteStoreRoutingTest, APercentageLoadScalesWithTheRepsCapacity) {
  const auto conversation = Conversation("alice");
  domain::AgentWork half = Work("0Bz8c0000000001", kAlice, "Opened", conversation.session_id);
  half.capacity_percentage = 50;
  ConversationChange change;
  change.works = {half};
  Write(conversation.conversation_identifier, change);
  SetPresence(kOrg, kAlice, true, 6);
  EXPECT_DOUBLE_EQ(Availability(conversation.conversation_identifier, kAlice).load, 3);
  SetPresence(kOrg, kAlice, true, 10);
  EXPECT_DOUBLE_EQ(Availability(conversation.conversation_identifier, kAlice).load, 5);
}

// --- Sessions waiting in a queue --------------------------------------------------------------

TEST_F(SqliteStoreRoutingTest, WaitingInQueueCountsOtherConversationsUnassignedPsrsOfTheQueue) {
  const auto self = Conversation("self");
  const auto waiting = Conversation("waiting");
  const auto declined = Conversation("declined");
  const auto assigned = Conversation("assigned");
  const auto opened = Conversation("opened");
  const auto other_queue = Conversation("other-queue");
  const auto other_org = Conversation("other-org", kOtherOrg);
  auto open_psr = [this](const InboundWriteResult& at, const std::string& psr_id,
                         const std::string& queue, const std::string& work_status) {
    ConversationChange change;
    change.psrs = {Psr(psr_id, queue, kNow)};
    if (!work_status.empty()) {
      change.works = {Work("0Bz" + psr_id.substr(3), kAlice, work_status, at.session_id, psr_id)};
    }
    Write(at.conversation_identifier, change);
  };
  open_psr(self, "0JR8c0000000001", kQueue1, "");
  open_psr(waiting, "0JR8c0000000002", kQueue1, "");
  open_psr(declined, "0JR8c0000000003", kQueue1, "Declined");
  open_psr(assigned, "0JR8c0000000004", kQueue1, "Assigned");
  open_psr(opened, "0JR8c0000000005", kQueue1, "Opened");
  open_psr(other_queue, "0JR8c0000000006", kQueue2, "");
  open_psr(other_org, "0JR8c0000000007", kQueue1, "");
  EXPECT_EQ(Waiting(self.conversation_identifier, kQueue1), 2);  // waiting, declined
  EXPECT_EQ(Waiting(self.conversation_identifier, kQueue2), 1);
  EXPECT_EQ(Waiting(waiting.conversation_identifier, kQueue1), 2);  // self, declined
  EXPECT_EQ(Waiting(other_org.conversation_identifier, kQueue1), 0);
}

// --- SubmitRoutingPass ------------------------------------------------------------------------

TEST_F(SqliteStoreRoutingTest, APassVisitsConversationsWithUnassignedPsrsOldestFirst) {
  const auto newest = Conversation("newest");
  const auto oldest = Conversation("oldest");
  const auto declined = Conversation("declined");
  const auto assigned = Conversation("assigned");
  Conversation("no-routing");
  ConversationChange change;
  change.psrs = {Psr("0JR8c0000000001", kQueue1, kNow + 300)};
  Write(newest.conversation_identifier, change);
  change.psrs = {Psr("0JR8c0000000002", kQueue1, kNow + 100)};
  Write(oldest.conversation_identifier, change);
  change.psrs = {Psr("0JR8c0000000003", kQueue1, kNow + 200)};
  change.works = {
      Work("0Bz8c0000000003", kAlice, "Declined", declined.session_id, "0JR8c0000000003")};
  Write(declined.conversation_identifier, change);
  change.psrs = {Psr("0JR8c0000000004", kQueue1, kNow)};
  change.works = {
      Work("0Bz8c0000000004", kAlice, "Assigned", assigned.session_id, "0JR8c0000000004")};
  Write(assigned.conversation_identifier, change);

  EXPECT_EQ(Visited(kNow + 1000), (std::vector<std::string>{oldest.conversation_identifier,
                                                            declined.conversation_identifier,
                                                            newest.conversation_identifier}));
}

TEST_F(SqliteStoreRoutingTest, APassVisitsAPendingRequestOnlyFromItsDeadline) {
  const auto conversation = Conversation("alice");
  const auto completed = Conversation("bob");
  ConversationChange change;
  change.routing_requests = {
      {"event-1", "Transfer", kAlice, "queue", kQueue1, "Pending", kNow, kNow + 500}};
  Write(conversation.conversation_identifier, change);
  change.routing_requests = {
      {"event-2", "Transfer", kAlice, "queue", kQueue1, "Completed", kNow, kNow + 100}};
  Write(completed.conversation_identifier, change);
  EXPECT_TRUE(Visited(kNow + 499).empty());
  EXPECT_EQ(Visited(kNow + 500), (std::vector<std::string>{conversation.conversation_identifier}));
}

// The cheap pass of every second: deadlines only, waiting PSRs are left to full passes.
TEST_F(SqliteStoreRoutingTest, ADeadlinePassVisitsOnlyOverdueRequests) {
  const auto waiting = Conversation("waiting");
  const auto overdue = Conversation("overdue");
  ConversationChange change;
  change.psrs = {Psr("0JR8c0000000001", kQueue1, kNow)};
  Write(waiting.conversation_identifier, change);
  change.psrs.clear();
  change.routing_requests = {
      {"event-1", "Transfer", kAlice, "queue", kQueue1, "Pending", kNow, kNow + 100}};
  Write(overdue.conversation_identifier, change);
  std::vector<std::string> visited;
  auto count = Await<int>([&](auto done) {
    store_->SubmitDeadlinePass(
        kNow + 1000,
        [&visited](const ConversationState& state) {
          visited.push_back(state.conversation_identifier);
          return Result<ConversationChange>(ConversationChange{});
        },
        std::move(done));
  });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(visited, (std::vector<std::string>{overdue.conversation_identifier}));
}

// A PSR left on a session that is no longer the conversation's current one is not routed.
TEST_F(SqliteStoreRoutingTest, APsrOfAnEarlierSessionIsNeitherLoadedNorVisited) {
  const auto conversation = Conversation("alice");
  ConversationChange change;
  change.psrs = {Psr("0JR8c0000000001", kQueue1, kNow)};
  Write(conversation.conversation_identifier, change);
  // The session ends and the end user comes back: a new current session.
  ConversationChange ended;
  ended.session_status = "Ended";
  Write(conversation.conversation_identifier, ended);
  const auto next = Conversation("alice");
  ASSERT_EQ(next.conversation_identifier, conversation.conversation_identifier);
  ASSERT_NE(next.session_id, conversation.session_id);
  EXPECT_TRUE(Visited(kNow + 1000).empty());
}

TEST_F(SqliteStoreRoutingTest, APassOrdersDeadlinesAndPsrsByTheirTime) {
  const auto psr_early = Conversation("psr-early");
  const auto overdue = Conversation("overdue");
  const auto psr_late = Conversation("psr-late");
  ConversationChange change;
  change.psrs = {Psr("0JR8c0000000001", kQueue1, kNow + 100)};
  Write(psr_early.conversation_identifier, change);
  change.psrs = {Psr("0JR8c0000000002", kQueue1, kNow + 200)};
  Write(psr_late.conversation_identifier, change);
  change.psrs.clear();
  change.routing_requests = {
      {"event-1", "Transfer", kAlice, "queue", kQueue1, "Pending", kNow, kNow + 150}};
  Write(overdue.conversation_identifier, change);
  EXPECT_EQ(Visited(kNow + 1000), (std::vector<std::string>{psr_early.conversation_identifier,
                                                            overdue.conversation_identifier,
                                                            psr_late.conversation_identifier}));
}

TEST_F(SqliteStoreRoutingTest, APassWritesEachChangeWithItsEventsAndCountsThem) {
  const auto first = Conversation("alice");
  const auto second = Conversation("bob");
  ConversationChange opening;
  opening.psrs = {Psr("0JR8c0000000001", kQueue1, kNow)};
  Write(first.conversation_identifier, opening);
  opening.psrs = {Psr("0JR8c0000000002", kQueue1, kNow + 1)};  // the pass visits it second
  Write(second.conversation_identifier, opening);
  const int64_t created = WallClockMs();
  auto count = Pass(kNow, [created](const ConversationState& state) -> Result<ConversationChange> {
    ConversationChange change;
    domain::AgentWork work;
    work.id = state.next_record_id("0Bz");
    work.user_id = kAlice;
    work.context_type = "Agent";
    work.session_id = state.session_id;
    work.psr_id = state.OpenPsr()->id;
    change.works.push_back(work);
    events::OutboundEvent event;
    event.org_id = kOrg;
    event.topic = "/event/P_Event__e";
    event.created_date = created;
    event.created_by_id = kAlice;
    event.event_type_field = "EventType__c";
    event.payload_field = "Payload__c";
    event.event_type = "Interaction";
    event.payload = R"({"for":")" + state.conversation_identifier + R"("})";
    event.conversation_identifier = state.conversation_identifier;
    event.entry_type = "RoutingWorkResult";
    change.events.push_back(event);
    return change;
  });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
  for (const auto& at : {first, second}) {
    const auto works = View(at.conversation_identifier).at("agentWork").as_array();
    ASSERT_EQ(works.size(), 1u);
    EXPECT_EQ(works[0].at("status"), "Assigned");
  }
  auto events = store_->ReadEvents(kOrg, "/event/P_Event__e", 0, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].conversation_identifier, first.conversation_identifier);
  EXPECT_EQ((*events)[1].conversation_identifier, second.conversation_identifier);
  EXPECT_GT((*events)[1].replay_id, (*events)[0].replay_id);
  // Both PSRs have active work now: the next pass has nothing to do.
  EXPECT_TRUE(Visited(kNow).empty());
}

TEST_F(SqliteStoreRoutingTest, APassSkipsAConversationWhoseDecisionFails) {
  const auto failing = Conversation("failing");
  const auto fine = Conversation("fine");
  ConversationChange change;
  change.psrs = {Psr("0JR8c0000000001", kQueue1, kNow)};
  Write(failing.conversation_identifier, change);
  change.psrs = {Psr("0JR8c0000000002", kQueue1, kNow + 1)};
  Write(fine.conversation_identifier, change);
  const std::string failing_id = failing.conversation_identifier;
  auto count =
      Pass(kNow, [failing_id](const ConversationState& state) -> Result<ConversationChange> {
        if (state.conversation_identifier == failing_id) return domain::Error::Of(500, "boom");
        ConversationChange written;
        written.works = {
            Work("0Bz8c0000000009", kAlice, "Assigned", state.session_id, state.OpenPsr()->id)};
        return written;
      });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
  EXPECT_TRUE(View(failing.conversation_identifier).at("agentWork").as_array().empty());
  EXPECT_EQ(View(fine.conversation_identifier).at("agentWork").as_array().size(), 1u);
}

TEST_F(SqliteStoreRoutingTest, APassWithNothingDueIsZero) {
  Conversation("alice");
  auto count = Pass(kNow, [](const ConversationState&) -> Result<ConversationChange> {
    ADD_FAILURE() << "nothing is due";
    return ConversationChange{};
  });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

// --- Lookups ----------------------------------------------------------------------------------

TEST_F(SqliteStoreRoutingTest, FindConversationOfWorkTakes15Or18CharactersWithinTheOrg) {
  const auto conversation = Conversation("alice");
  ConversationChange change;
  change.works = {Work("0Bz8c0000000001", kAlice, "Assigned", conversation.session_id)};
  Write(conversation.conversation_identifier, change);
  auto found = store_->FindConversationOfWork(kOrg, "0Bz8c0000000001");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, conversation.conversation_identifier);
  auto long_id = store_->FindConversationOfWork(kOrg, "0Bz8c0000000001AAA");
  ASSERT_TRUE(long_id.ok());
  EXPECT_EQ(*long_id, conversation.conversation_identifier);
  auto other_org = store_->FindConversationOfWork(kOtherOrg, "0Bz8c0000000001");
  ASSERT_TRUE(other_org.ok());
  EXPECT_FALSE(other_org->has_value());
  auto unknown = store_->FindConversationOfWork(kOrg, "0Bz8c0000000099");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

TEST_F(SqliteStoreRoutingTest, FindConversationOfSessionTakes15Or18CharactersWithinTheOrg) {
  const auto conversation = Conversation("alice");
  auto found = store_->FindConversationOfSession(kOrg, conversation.session_id);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, conversation.conversation_identifier);
  auto long_id = store_->FindConversationOfSession(kOrg, conversation.session_id + "AAA");
  ASSERT_TRUE(long_id.ok());
  EXPECT_EQ(*long_id, conversation.conversation_identifier);
  auto other_org = store_->FindConversationOfSession(kOtherOrg, conversation.session_id);
  ASSERT_TRUE(other_org.ok());
  EXPECT_FALSE(other_org->has_value());
  auto unknown = store_->FindConversationOfSession(kOrg, "0Mw8c0000000999");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

// --- Admin views ------------------------------------------------------------------------------

TEST_F(SqliteStoreRoutingTest, GetRepOfAnUnknownRepIsOfflineWithoutWork) {
  EXPECT_EQ(Rep(kOrg, kAlice), boost::json::parse(R"({"userId":"005000000000001",
      "presence":{"status":"Offline","capacity":0},"work":[]})"));
}

TEST_F(SqliteStoreRoutingTest, GetRepListsPresenceAndActiveWorkOfTheOrg) {
  const auto conversation = Conversation("alice");
  const auto other_org = Conversation("olga", kOtherOrg);
  SetPresence(kOrg, kAlice, true, 3);
  ConversationChange change;
  domain::AgentWork weighted =
      Work("0Bz8c0000000001", kAlice, "Opened", conversation.session_id, "0JR8c0000000001");
  weighted.capacity_weight = 2;
  weighted.routing_type = "Transfer";
  change.works = {weighted, Work("0Bz8c0000000002", kAlice, "Closed", conversation.session_id),
                  Work("0Bz8c0000000003", kBob, "Opened", conversation.session_id)};
  Write(conversation.conversation_identifier, change);
  ConversationChange elsewhere;
  elsewhere.works = {Work("0Bz8c0000000004", kAlice, "Opened", other_org.session_id)};
  Write(other_org.conversation_identifier, elsewhere);

  const boost::json::object rep = Rep(kOrg, kAlice);
  EXPECT_EQ(rep.at("userId"), kAlice);
  EXPECT_EQ(rep.at("presence"), boost::json::parse(R"({"status":"Online","capacity":3})"));
  const auto& work = rep.at("work").as_array();
  ASSERT_EQ(work.size(), 1u);
  const boost::json::value expected = {
      {"workId", "0Bz8c0000000001"},
      {"conversationIdentifier", conversation.conversation_identifier},
      {"workItemId", conversation.session_id},
      {"contextType", "Agent"},
      {"status", "Opened"},
      {"userId", kAlice},
      {"psrId", "0JR8c0000000001"},
      {"queueId", kQueue1},
      {"routingType", "Transfer"},
      {"capacityWeight", 2.0},
      {"createdAt", kNow},
      {"updatedAt", kNow}};
  EXPECT_EQ(work[0], expected);

  SetPresence(kOrg, kAlice, false, 3);
  EXPECT_EQ(Rep(kOrg, kAlice).at("presence").at("status"), "Offline");
}

TEST_F(SqliteStoreRoutingTest, TheAdminViewShowsPsrsAndEveryWorkOfTheConversation) {
  const auto conversation = Conversation("alice");
  ConversationChange change;
  domain::PendingRouting psr = Psr("0JR8c0000000001", kQueue1, kNow);
  psr.flow_id = "300000000000001";
  change.psrs = {psr};
  domain::AgentWork bot = Work("0Bz8c0000000001", "", "Closed", conversation.session_id);
  bot.bot_id = "1JZ000000000001";
  bot.context_type = "Chatbot";
  bot.queue_id.clear();
  domain::AgentWork percentage =
      Work("0Bz8c0000000002", kAlice, "Assigned", conversation.session_id, psr.id);
  percentage.capacity_percentage = 30;
  percentage.created_at = kNow + 1;
  change.works = {bot, percentage};
  Write(conversation.conversation_identifier, change);

  const boost::json::object view = View(conversation.conversation_identifier);
  EXPECT_EQ(view.at("pendingServiceRoutings"), boost::json::parse(R"([{
      "psrId":"0JR8c0000000001","routingType":"Initial","queueId":"00G000000000001",
      "flowId":"300000000000001","userId":"","botId":"","createdAt":1700000000000}])"));
  const auto& works = view.at("agentWork").as_array();
  ASSERT_EQ(works.size(), 2u);
  EXPECT_EQ(works[0].at("botId"), "1JZ000000000001");
  EXPECT_FALSE(works[0].as_object().contains("userId"));
  EXPECT_TRUE(works[0].at("psrId").is_null());
  EXPECT_TRUE(works[0].at("queueId").is_null());
  EXPECT_EQ(works[0].at("status"), "Closed");
  EXPECT_EQ(works[1].at("userId"), kAlice);
  EXPECT_EQ(works[1].at("psrId"), "0JR8c0000000001");
  EXPECT_EQ(works[1].at("capacityPercentage"), 30.0);
  EXPECT_FALSE(works[1].as_object().contains("capacityWeight"));
  EXPECT_EQ(works[1].at("conversationIdentifier"), conversation.conversation_identifier.c_str());
}

TEST_F(SqliteStoreRoutingTest, AConversationWithoutRoutingShowsEmptyLists) {
  const auto conversation = Conversation("alice");
  const boost::json::object view = View(conversation.conversation_identifier);
  EXPECT_TRUE(view.at("pendingServiceRoutings").as_array().empty());
  EXPECT_TRUE(view.at("agentWork").as_array().empty());
}

// --- Durability -------------------------------------------------------------------------------

TEST_F(SqliteStoreRoutingTest, RoutingRecordsAndPresenceSurviveReopening) {
  const auto conversation = Conversation("alice");
  SetPresence(kOrg, kAlice, true, 4);
  ConversationChange change;
  change.psrs = {Psr("0JR8c0000000001", kQueue1, kNow)};
  change.works = {
      Work("0Bz8c0000000001", kAlice, "Assigned", conversation.session_id, "0JR8c0000000001")};
  change.routing_requests = {
      {"event-1", "Transfer", kAlice, "queue", kQueue1, "Pending", kNow, kNow + 100}};
  Write(conversation.conversation_identifier, change);

  Reopen();

  const ConversationState state = Loaded(conversation.conversation_identifier);
  ASSERT_EQ(state.psrs.size(), 1u);
  EXPECT_EQ(state.psrs[0].id, "0JR8c0000000001");
  ASSERT_EQ(state.works.size(), 1u);
  EXPECT_EQ(state.works[0].status, "Assigned");
  ASSERT_EQ(state.routing_requests.size(), 1u);
  EXPECT_EQ(state.routing_requests[0].event_id, "event-1");
  const domain::RepAvailability availability =
      Availability(conversation.conversation_identifier, kAlice);
  EXPECT_TRUE(availability.online);
  EXPECT_EQ(availability.capacity, 4);
  EXPECT_DOUBLE_EQ(availability.load, 1);
  auto found = store_->FindConversationOfWork(kOrg, "0Bz8c0000000001");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, conversation.conversation_identifier);
}

}  // namespace
}  // namespace interactiond::store
