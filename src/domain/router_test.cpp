// The router (domain/router.h): resolving a routing target, choosing the rep (queue membership,
// presence, Partner Messaging, free capacity, least load ratio, smallest user id, declined and
// already-working reps skipped), bots, queue positions, opening PSRs and Salesforce-owned routing
// of a new session. States are built by hand; rep presence comes from a map.
#include "domain/router.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "domain/routing_test_support.h"
#include "util/ids.h"

namespace interactiond::domain {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test fixtures only

constexpr char kFlowToQueue2[] = "300000000000001";
constexpr char kFlowToBob[] = "300000000000002";
constexpr char kFlowToBot[] = "300000000000003";
constexpr char kFlowToNowhere[] = "300000000000004";
constexpr char kDan[] = "005000000000004";  // queue 2
constexpr char kInactiveBot[] = "1JZ000000000002";

// The routing org with a second queue (Dan's), flows to it, to Bob, to the bot and to nowhere,
// and an inactive bot.
class RouterFixture : public RoutingTest {
 protected:
  void SetUp() override {
    RoutingTest::SetUp();
    org_.queues = {{kQueue, "Queue 1"}, {kQueue2, "Queue 2"}};
    org_.flows = {{kFlowToQueue2, "To queue 2", kQueue2, "", ""},
                  {kFlowToBob, "To Bob", "", kBob, ""},
                  {kFlowToBot, "To the bot", "", "", kBot},
                  {kFlowToNowhere, "Nowhere", "", "", ""}};
    org_.users.push_back(MakeUser(kDan, "Dan", {kQueue2}));
    org_.bots.push_back({kInactiveBot, "Sleeper", "P_Bot", false});
  }

  // The rep the router assigns the state's open PSR to ("" when nobody).
  std::string Assigned() {
    ConversationChange change;
    if (!AssignPendingRouting(state_, origin_, change, false)) return "";
    EXPECT_EQ(change.works.size(), 1u);
    return change.works.empty() ? "" : change.works[0].user_id;
  }
};

// --- AgentWork (routing_state.h) ----------------------------------------------------------------

TEST(RouterWorkLoadTest, OnlyAssignedAndOpenedWorkIsActive) {
  AgentWork work;
  for (const char* status : {"Assigned", "Opened"}) {
    work.status = status;
    EXPECT_TRUE(work.active()) << status;
  }
  for (const char* status : {"Declined", "Canceled", "Closed", "Transferred", ""}) {
    work.status = status;
    EXPECT_FALSE(work.active()) << status;
  }
}

TEST(RouterWorkLoadTest, LoadIsTheWeightElseThePercentageOfCapacityElseOne) {
  AgentWork work;
  EXPECT_EQ(work.load(4), 1.0);
  work.capacity_percentage = 25;
  EXPECT_EQ(work.load(4), 1.0);
  EXPECT_EQ(work.load(10), 2.5);
  work.capacity_weight = 3.5;  // the weight wins
  EXPECT_EQ(work.load(10), 3.5);
  work.capacity_weight = 0;
  EXPECT_EQ(work.load(10), 0.0);
}

// --- ResolveRouting ---------------------------------------------------------------------------

class RouterResolveTest : public RouterFixture {
 protected:
  Result<PendingRouting> Resolve(RoutingTarget target) {
    return ResolveRouting(org_, org_.channels[0], target);
  }
  int CodeOf(RoutingTarget target) {
    auto resolved = Resolve(std::move(target));
    return resolved.ok() ? 0 : resolved.error().code;
  }
};

TEST_F(RouterResolveTest, AQueueResolvesToThatQueue) {
  auto psr = Resolve({kQueue2, "", ""});
  ASSERT_TRUE(psr.ok());
  EXPECT_EQ(psr->queue_id, kQueue2);
  EXPECT_EQ(psr->flow_id, "");
  EXPECT_EQ(psr->target_user, "");
  EXPECT_EQ(psr->target_bot, "");
  EXPECT_EQ(psr->id, "");  // filled in when opened
}

TEST_F(RouterResolveTest, An18CharacterQueueIdResolvesToThe15CharacterId) {
  auto psr = Resolve({std::string(kQueue2) + "AAA", "", ""});
  ASSERT_TRUE(psr.ok());
  EXPECT_EQ(psr->queue_id, kQueue2);
}

TEST_F(RouterResolveTest, AnUnknownQueueIs10032) {
  EXPECT_EQ(CodeOf({"00G000000000999", "", ""}), 10032);
}

TEST_F(RouterResolveTest, AnUnknownFlowIs10024) {
  EXPECT_EQ(CodeOf({kQueue, "300000000000999", ""}), 10024);
}

TEST_F(RouterResolveTest, AFlowToAQueueResolvesToItsQueueNotTheFallback) {
  auto psr = Resolve({kQueue, kFlowToQueue2, ""});
  ASSERT_TRUE(psr.ok());
  EXPECT_EQ(psr->queue_id, kQueue2);
  EXPECT_EQ(psr->flow_id, kFlowToQueue2);
}

// A flow's rep or bot decides; the flow's fallback queue stays on the PSR for when the rep is not
// available.
TEST_F(RouterResolveTest, AFlowToAUserResolvesToThatRepKeepingTheFallbackQueue) {
  auto psr = Resolve({kQueue, kFlowToBob, ""});
  ASSERT_TRUE(psr.ok());
  EXPECT_EQ(psr->target_user, kBob);
  EXPECT_EQ(psr->queue_id, kQueue);
  EXPECT_EQ(psr->flow_id, kFlowToBob);
}

TEST_F(RouterResolveTest, AFlowToABotResolvesToThatBot) {
  auto psr = Resolve({kQueue, kFlowToBot, ""});
  ASSERT_TRUE(psr.ok());
  EXPECT_EQ(psr->target_bot, kBot);
  EXPECT_EQ(psr->target_user, "");
  EXPECT_EQ(psr->queue_id, kQueue);
}

TEST_F(RouterResolveTest, AnUnknownFallbackQueueIs10032) {
  EXPECT_EQ(CodeOf({"00G000000000099", kFlowToBob, ""}), 10032);
}

TEST_F(RouterResolveTest, AFlowThatRoutesNowhereUsesItsFallbackQueue) {
  auto psr = Resolve({kQueue2, kFlowToNowhere, ""});
  ASSERT_TRUE(psr.ok());
  EXPECT_EQ(psr->queue_id, kQueue2);
  EXPECT_EQ(psr->flow_id, kFlowToNowhere);
}

TEST_F(RouterResolveTest, AFlowThatRoutesNowhereWithoutAFallbackQueueIs10024) {
  EXPECT_EQ(CodeOf({"", kFlowToNowhere, ""}), 10024);
}

TEST_F(RouterResolveTest, AFlowThatRoutesNowhereWithAnUnknownFallbackQueueIs10032) {
  EXPECT_EQ(CodeOf({"00G000000000999", kFlowToNowhere, ""}), 10032);
}

TEST_F(RouterResolveTest, NoTargetUsesTheChannelsDefaultFlowFirst) {
  org_.channels[0].default_flow = kFlowToQueue2;
  auto psr = Resolve({});
  ASSERT_TRUE(psr.ok());
  EXPECT_EQ(psr->flow_id, kFlowToQueue2);
  EXPECT_EQ(psr->queue_id, kQueue2);
}

TEST_F(RouterResolveTest, NoTargetUsesTheChannelsDefaultQueueWithoutADefaultFlow) {
  auto psr = Resolve({});
  ASSERT_TRUE(psr.ok());
  EXPECT_EQ(psr->queue_id, kQueue);
  EXPECT_EQ(psr->flow_id, "");
}

TEST_F(RouterResolveTest, NoTargetOnAChannelWithoutDefaultsIs10030) {
  org_.channels[0].default_queue.clear();
  EXPECT_EQ(CodeOf({}), 10030);
}

TEST_F(RouterResolveTest, AUserTargetResolvesToThatRep) {
  auto psr = Resolve({"", "", std::string(kDan) + "AAA"});
  ASSERT_TRUE(psr.ok());
  EXPECT_EQ(psr->target_user, kDan);
  EXPECT_EQ(psr->queue_id, "");
}

TEST_F(RouterResolveTest, AnUnknownUserTargetIs15106) {
  EXPECT_EQ(CodeOf({"", "", "005000000000999"}), 15106);
}

// --- Rep selection (AssignPendingRouting) --------------------------------------------------------

class RouterAssignTest : public RouterFixture {
 protected:
  void SetUp() override {
    RouterFixture::SetUp();
    state_.session_status = "Waiting";
    state_.psrs = {QueuePsr()};
  }

  // Who gets the open PSR when Alice (idle) and Bob (busier) are online and Alice has work of
  // `status` on the session for `psr_id`: Bob when that work rules Alice out.
  std::string AssignedWhileAliceHasWork(const std::string& status, const std::string& psr_id) {
    Online(kAlice);
    Online(kBob, 5, 4);
    state_.works = {Work("0Bz8c0000000050", kAlice, status, psr_id)};
    return Assigned();
  }

  // Makes the open PSR one for that rep or bot only (no queue).
  void TargetPsrAtUser(const std::string& user) {
    state_.psrs[0].queue_id.clear();
    state_.psrs[0].target_user = user;
  }
  void TargetPsrAtBot(const std::string& bot) {
    state_.psrs[0].queue_id.clear();
    state_.psrs[0].target_bot = bot;
  }

  // Assigning (with queue positions asked for) assigns nobody and reports nothing.
  void ExpectNothingAssignedOrReported() {
    ConversationChange change;
    EXPECT_FALSE(AssignPendingRouting(state_, origin_, change, true));
    EXPECT_TRUE(change.works.empty());
    EXPECT_TRUE(change.events.empty());
  }
};

TEST_F(RouterAssignTest, CreatesAssignedWorkFromThePsrAndReportsIt) {
  state_.psrs[0].routing_type = "Transfer";
  Online(kAlice);
  ConversationChange change;
  ASSERT_TRUE(AssignPendingRouting(state_, origin_, change, true));
  ASSERT_EQ(change.works.size(), 1u);
  const AgentWork& work = change.works[0];
  EXPECT_EQ(work.id, "0Bz8c0000000001");
  EXPECT_EQ(work.user_id, kAlice);
  EXPECT_EQ(work.bot_id, "");
  EXPECT_EQ(work.context_type, "Agent");
  EXPECT_EQ(work.status, "Assigned");
  EXPECT_EQ(work.session_id, state_.session_id);
  EXPECT_EQ(work.psr_id, "0JR8c0000000100");
  EXPECT_EQ(work.queue_id, kQueue);
  EXPECT_EQ(work.routing_type, "Transfer");
  EXPECT_EQ(work.routing_correlation_id, "corr-1");
  EXPECT_EQ(work.created_at, kNow);
  EXPECT_EQ(work.updated_at, kNow);
  EXPECT_TRUE(change.psrs.empty());
  EXPECT_FALSE(change.session_status.has_value());
  ASSERT_EQ(change.events.size(), 1u);
  EXPECT_EQ(change.events[0].topic, "/event/P_Event__e");
  const auto entry = Entry(change.events[0]);
  EXPECT_EQ(entry.at("workType"), "Assigned");
  EXPECT_EQ(entry.at("workId"), "0Bz8c0000000001");
  EXPECT_EQ(entry.at("agentSessionId"), kAlice);
}

TEST_F(RouterAssignTest, SkipsRepsOutsideThePsrsQueue) {
  Online(kDan);
  EXPECT_EQ(Assigned(), "");
  state_.psrs[0].queue_id = kQueue2;
  EXPECT_EQ(Assigned(), kDan);
}

TEST_F(RouterAssignTest, SkipsOfflineReps) {
  presence_[kAlice] = {false, 5, 0};
  EXPECT_EQ(Assigned(), "");
  Online(kBob);
  EXPECT_EQ(Assigned(), kBob);
}

TEST_F(RouterAssignTest, SkipsRepsWithoutPartnerMessaging) {
  Online(kCarol);
  EXPECT_EQ(Assigned(), "");
}

TEST_F(RouterAssignTest, SkipsRepsWithoutAFreeUnitOfCapacity) {
  Online(kAlice, 2, 1.5);
  EXPECT_EQ(Assigned(), "");
  Online(kAlice, 2, 1.0);  // exactly one unit free is enough
  EXPECT_EQ(Assigned(), kAlice);
}

TEST_F(RouterAssignTest, SkipsRepsWithNoCapacity) {
  Online(kAlice, 0, 0);
  EXPECT_EQ(Assigned(), "");
}

TEST_F(RouterAssignTest, PicksTheLeastLoadedRepByRatio) {
  Online(kAlice, 4, 2);  // 0.5
  Online(kBob, 10, 3);   // 0.3, though more work in absolute terms
  EXPECT_EQ(Assigned(), kBob);
}

TEST_F(RouterAssignTest, EqualRatiosGoToTheSmallestUserId) {
  // Configuration order puts Bob first: the id, not the order, decides.
  std::swap(org_.users[0], org_.users[1]);
  Online(kBob, 4, 1);    // 0.25
  Online(kAlice, 8, 2);  // 0.25
  EXPECT_EQ(Assigned(), kAlice);
}

TEST_F(RouterAssignTest, SkipsRepsWhoDeclinedThisPsr) {
  EXPECT_EQ(AssignedWhileAliceHasWork("Declined", kPsr), kBob);
}

TEST_F(RouterAssignTest, ADeclineOfAnotherPsrDoesNotSkipTheRep) {
  EXPECT_EQ(AssignedWhileAliceHasWork("Declined", "0JR8c0000000001"), kAlice);
}

TEST_F(RouterAssignTest, SkipsRepsAlreadyWorkingTheSession) {
  EXPECT_EQ(AssignedWhileAliceHasWork("Opened", ""), kBob);
}

TEST_F(RouterAssignTest, ARepWhoseEarlierWorkClosedMayBeOfferedAgain) {
  EXPECT_EQ(AssignedWhileAliceHasWork("Closed", "0JR8c0000000001"), kAlice);
}

TEST_F(RouterAssignTest, APsrWithActiveWorkIsNotAssignedAgain) {
  Online(kBob);
  state_.works = {Work("0Bz8c0000000050", kAlice, "Assigned", state_.psrs[0].id)};
  ExpectNothingAssignedOrReported();
}

TEST_F(RouterAssignTest, NoOpenPsrAssignsNothing) {
  Online(kAlice);
  state_.psrs.clear();
  ConversationChange change;
  EXPECT_FALSE(AssignPendingRouting(state_, origin_, change, true));
  EXPECT_TRUE(change.events.empty());
}

TEST_F(RouterAssignTest, WithoutPresenceNobodyIsPicked) {
  Online(kAlice);
  state_.rep_availability = nullptr;
  EXPECT_EQ(Assigned(), "");
}

TEST_F(RouterAssignTest, APsrForAUserGoesOnlyToThatRepWhateverTheirQueues) {
  TargetPsrAtUser(kDan);
  Online(kAlice);
  Online(kDan, 5, 3);
  EXPECT_EQ(Assigned(), kDan);
}

TEST_F(RouterAssignTest, APsrForAnUnavailableUserWaitsWithoutAQueuePosition) {
  TargetPsrAtUser(kDan);
  Online(kAlice);
  ExpectNothingAssignedOrReported();
}

TEST_F(RouterAssignTest, ABotPsrGoesToTheBotAndIsReportedToTheBotsTopicToo) {
  TargetPsrAtBot(kBot);
  Online(kAlice);
  ConversationChange change;
  ASSERT_TRUE(AssignPendingRouting(state_, origin_, change, true));
  ASSERT_EQ(change.works.size(), 1u);
  EXPECT_EQ(change.works[0].bot_id, kBot);
  EXPECT_EQ(change.works[0].user_id, "");
  EXPECT_EQ(change.works[0].context_type, "Chatbot");
  EXPECT_EQ(change.works[0].status, "Assigned");
  ASSERT_EQ(change.events.size(), 2u);
  EXPECT_EQ(change.events[0].topic, "/event/P_Event__e");
  EXPECT_EQ(change.events[1].topic, "/event/P_Bot_Event__e");
  for (const auto& event : change.events) {
    EXPECT_EQ(Entry(event).at("workType"), "Assigned");
    EXPECT_EQ(Entry(event).at("botId"), kBot);
  }
}

TEST_F(RouterAssignTest, ABotThatDeclinedThePsrIsNotOfferedItAgain) {
  TargetPsrAtBot(kBot);
  state_.works = {BotWork("0Bz8c0000000050", "Declined", state_.psrs[0].id)};
  ExpectNothingAssignedOrReported();
}

TEST_F(RouterAssignTest, AnInactiveBotIsNotAssigned) {
  TargetPsrAtBot(kInactiveBot);
  ExpectNothingAssignedOrReported();
}

TEST_F(RouterAssignTest, NobodyAvailableReportsTheQueuePositionBehindTheWaitingSessions) {
  waiting_ = 3;
  ConversationChange change;
  EXPECT_FALSE(AssignPendingRouting(state_, origin_, change, true));
  EXPECT_TRUE(change.works.empty());
  EXPECT_EQ(queried_queue_, kQueue);
  ASSERT_EQ(change.events.size(), 1u);
  EXPECT_EQ(change.events[0].entry_type, "QueuePosition");
  const auto entry = Entry(change.events[0]);
  EXPECT_EQ(entry.at("position"), 4);
  EXPECT_EQ(entry.at("pendingServiceRoutingId"), "0JR8c0000000100");
  EXPECT_EQ(entry.at("workItemId"), state_.session_id.c_str());
}

TEST_F(RouterAssignTest, NobodyAvailableWithoutWaitingSessionsIsPositionOne) {
  state_.waiting_in_queue = nullptr;
  ConversationChange change;
  EXPECT_FALSE(AssignPendingRouting(state_, origin_, change, true));
  ASSERT_EQ(change.events.size(), 1u);
  EXPECT_EQ(Entry(change.events[0]).at("position"), 1);
}

TEST_F(RouterAssignTest, NobodyAvailableReportsNothingWhenNotAskedTo) {
  ConversationChange change;
  EXPECT_FALSE(AssignPendingRouting(state_, origin_, change, false));
  EXPECT_TRUE(change.events.empty());
}

// --- UnassignedPsr ----------------------------------------------------------------------------

class RouterUnassignedPsrTest : public RouterFixture {};

TEST_F(RouterUnassignedPsrTest, NoPsrIsNull) { EXPECT_EQ(UnassignedPsr(state_), nullptr); }

TEST_F(RouterUnassignedPsrTest, APsrWhoseWorkWasDeclinedIsUnassigned) {
  state_.psrs = {QueuePsr()};
  state_.works = {Work("0Bz8c0000000050", kAlice, "Declined", state_.psrs[0].id)};
  ASSERT_NE(UnassignedPsr(state_), nullptr);
  EXPECT_EQ(UnassignedPsr(state_)->id, "0JR8c0000000100");
}

TEST_F(RouterUnassignedPsrTest, APsrWithAssignedOrOpenedWorkIsNot) {
  state_.psrs = {QueuePsr()};
  for (const char* status : {"Assigned", "Opened"}) {
    state_.works = {Work("0Bz8c0000000050", kAlice, status, state_.psrs[0].id)};
    EXPECT_EQ(UnassignedPsr(state_), nullptr) << status;
  }
}

TEST_F(RouterUnassignedPsrTest, ActiveWorkOfAnotherPsrDoesNotCount) {
  state_.psrs = {QueuePsr()};
  state_.works = {Work("0Bz8c0000000050", kAlice, "Opened", "0JR8c0000000001")};
  EXPECT_NE(UnassignedPsr(state_), nullptr);
}

TEST_F(RouterUnassignedPsrTest, ItIsTheLatestPsr) {
  PendingRouting older = QueuePsr();
  older.id = "0JR8c0000000099";
  state_.psrs = {older, QueuePsr()};
  ASSERT_NE(UnassignedPsr(state_), nullptr);
  EXPECT_EQ(UnassignedPsr(state_)->id, "0JR8c0000000100");
}

// --- OpenPendingRouting -----------------------------------------------------------------------

class RouterOpenTest : public RouterFixture {
 protected:
  ConversationChange Open(PendingRouting psr) {
    ConversationChange change;
    OpenPendingRouting(state_, origin_, std::move(psr), change);
    return change;
  }
  static PendingRouting Unopened() {
    PendingRouting psr;
    psr.queue_id = kQueue;
    psr.routing_correlation_id = "corr-2";
    return psr;
  }
};

TEST_F(RouterOpenTest, FillsInTheIdAndTimeAndTheNewSessionGoesWaiting) {
  const ConversationChange change = Open(Unopened());
  ASSERT_EQ(change.psrs.size(), 1u);
  EXPECT_EQ(change.psrs[0].id, "0JR8c0000000001");
  EXPECT_EQ(change.psrs[0].created_at, kNow);
  EXPECT_FALSE(change.psrs[0].deleted);
  EXPECT_EQ(change.session_status, "Waiting");
  ASSERT_EQ(EntryTypes(change),
            (std::vector<std::string>{"SessionStatusChanged", "QueuePosition"}));
  const auto status = Entry(change.events[0]);
  EXPECT_EQ(status.at("sessionStatus"), "Waiting");
  EXPECT_EQ(status.at("sessionStatusPrev"), "New");
  EXPECT_EQ(Entry(change.events[1]).at("pendingServiceRoutingId"), "0JR8c0000000001");
}

TEST_F(RouterOpenTest, KeepsAGivenIdAndTime) {
  PendingRouting psr = Unopened();
  psr.id = "0JR8c0000000777";
  psr.created_at = 5;
  const ConversationChange change = Open(psr);
  ASSERT_EQ(change.psrs.size(), 1u);
  EXPECT_EQ(change.psrs[0].id, "0JR8c0000000777");
  EXPECT_EQ(change.psrs[0].created_at, 5);
}

TEST_F(RouterOpenTest, AnInactiveSessionGoesWaiting) {
  state_.session_status = "Inactive";
  const ConversationChange change = Open(Unopened());
  EXPECT_EQ(change.session_status, "Waiting");
  EXPECT_EQ(Entry(change.events[0]).at("sessionStatusPrev"), "Inactive");
}

TEST_F(RouterOpenTest, AnActiveSessionKeepsItsStatus) {
  state_.session_status = "Active";
  const ConversationChange change = Open(Unopened());
  EXPECT_FALSE(change.session_status.has_value());
  EXPECT_EQ(EntryTypes(change), (std::vector<std::string>{"QueuePosition"}));
}

TEST_F(RouterOpenTest, AssignsAnAvailableRepRightAway) {
  Online(kBob);
  const ConversationChange change = Open(Unopened());
  ASSERT_EQ(change.works.size(), 1u);
  EXPECT_EQ(change.works[0].user_id, kBob);
  EXPECT_EQ(change.works[0].psr_id, "0JR8c0000000001");
  EXPECT_EQ(change.works[0].routing_correlation_id, "corr-2");
  EXPECT_EQ(EntryTypes(change),
            (std::vector<std::string>{"SessionStatusChanged", "RoutingWorkResult"}));
}

TEST_F(RouterOpenTest, ReplacesTheOpenPsrAndCancelsItsAssignedWork) {
  state_.session_status = "Waiting";
  state_.psrs = {QueuePsr()};
  state_.works = {Work("0Bz8c0000000050", kAlice, "Assigned", state_.psrs[0].id)};
  const ConversationChange change = Open(Unopened());
  ASSERT_EQ(change.psrs.size(), 2u);
  EXPECT_EQ(change.psrs[0].id, "0JR8c0000000100");
  EXPECT_TRUE(change.psrs[0].deleted);
  EXPECT_EQ(change.psrs[1].id, "0JR8c0000000001");
  EXPECT_FALSE(change.psrs[1].deleted);
  ASSERT_EQ(change.works.size(), 1u);  // Alice is offline: nobody gets the new one
  EXPECT_EQ(change.works[0].id, "0Bz8c0000000050");
  EXPECT_EQ(change.works[0].status, "Canceled");
  EXPECT_EQ(change.works[0].updated_at, kNow);
  ASSERT_EQ(EntryTypes(change), (std::vector<std::string>{"RoutingWorkResult", "QueuePosition"}));
  EXPECT_EQ(Entry(change.events[0]).at("workType"), "Cancelled");
}

TEST_F(RouterOpenTest, TheRepOfTheReplacedPsrMayBeOfferedTheNewOne) {
  state_.session_status = "Waiting";
  state_.psrs = {QueuePsr()};
  state_.works = {Work("0Bz8c0000000050", kAlice, "Assigned", state_.psrs[0].id)};
  Online(kAlice, 5, 1);
  const ConversationChange change = Open(Unopened());
  ASSERT_EQ(change.works.size(), 2u);
  EXPECT_EQ(change.works[0].status, "Canceled");
  EXPECT_EQ(change.works[1].status, "Assigned");
  EXPECT_EQ(change.works[1].user_id, kAlice);
  EXPECT_EQ(change.works[1].psr_id, "0JR8c0000000001");
}

TEST_F(RouterOpenTest, OpenedWorkOfTheSessionIsKeptAndItsRepSkipped) {
  state_.session_status = "Active";
  state_.works = {Work("0Bz8c0000000050", kAlice, "Opened", "")};
  Online(kAlice);
  Online(kBob, 5, 2);
  PendingRouting transfer = Unopened();
  transfer.routing_type = "Transfer";
  const ConversationChange change = Open(transfer);
  ASSERT_EQ(change.works.size(), 1u);
  EXPECT_EQ(change.works[0].user_id, kBob);
  EXPECT_EQ(change.works[0].routing_type, "Transfer");
}

// --- RouteNewSession --------------------------------------------------------------------------

class RouterNewSessionTest : public RouterFixture {
 protected:
  ConversationChange Route() {
    auto change = RouteNewSession(state_, origin_, org_.channels[0]);
    EXPECT_TRUE(change.ok());
    return change.ok() ? *change : ConversationChange{};
  }
};

TEST_F(RouterNewSessionTest, OpensAPsrToTheChannelsDefaultQueue) {
  Online(kAlice);
  const ConversationChange change = Route();
  ASSERT_EQ(change.psrs.size(), 1u);
  EXPECT_EQ(change.psrs[0].queue_id, kQueue);
  EXPECT_EQ(change.psrs[0].routing_type, "Initial");
  EXPECT_TRUE(util::IsUuid(change.psrs[0].routing_correlation_id));
  EXPECT_EQ(change.session_status, "Waiting");
  ASSERT_EQ(change.works.size(), 1u);
  EXPECT_EQ(change.works[0].user_id, kAlice);
  EXPECT_EQ(change.works[0].routing_correlation_id, change.psrs[0].routing_correlation_id);
}

TEST_F(RouterNewSessionTest, UsesTheChannelsDefaultFlow) {
  org_.channels[0].default_flow = kFlowToBot;
  const ConversationChange change = Route();
  ASSERT_EQ(change.psrs.size(), 1u);
  EXPECT_EQ(change.psrs[0].flow_id, kFlowToBot);
  EXPECT_EQ(change.psrs[0].target_bot, kBot);
  ASSERT_EQ(change.works.size(), 1u);
  EXPECT_EQ(change.works[0].bot_id, kBot);
}

TEST_F(RouterNewSessionTest, AChannelWithNothingToRouteToLeavesTheSessionUnrouted) {
  org_.channels[0].default_queue.clear();
  auto change = RouteNewSession(state_, origin_, org_.channels[0]);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->psrs.empty());
  EXPECT_TRUE(change->events.empty());
  EXPECT_FALSE(change->session_status.has_value());
}

TEST_F(RouterNewSessionTest, AnUnknownDefaultQueueLeavesTheSessionUnrouted) {
  org_.channels[0].default_queue = "00G000000000999";
  auto change = RouteNewSession(state_, origin_, org_.channels[0]);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->psrs.empty());
}

TEST_F(RouterNewSessionTest, ASessionWithAPsrIsNotRoutedAgain) {
  state_.psrs = {QueuePsr()};
  const ConversationChange change = Route();
  EXPECT_TRUE(change.psrs.empty());
  EXPECT_TRUE(change.events.empty());
}

TEST_F(RouterNewSessionTest, ASessionWithActiveWorkIsNotRouted) {
  state_.works = {Work("0Bz8c0000000050", kAlice, "Assigned", "")};
  EXPECT_TRUE(Route().psrs.empty());
}

TEST_F(RouterNewSessionTest, InactiveWorkDoesNotPreventRouting) {
  state_.works = {Work("0Bz8c0000000050", kAlice, "Closed", "")};
  EXPECT_EQ(Route().psrs.size(), 1u);
}

TEST_F(RouterNewSessionTest, ASessionWithARepOrBotInItIsNotRouted) {
  for (const char* role : {"Agent", "Chatbot"}) {
    state_.participants = {{"custom", "end-user-1", "EndUser", "", 1},
                           {"agent", "someone", role, "", 2}};
    EXPECT_TRUE(Route().psrs.empty()) << role;
  }
}

TEST_F(RouterNewSessionTest, AnEndedSessionIsNotRouted) {
  state_.session_status = "Ended";
  EXPECT_TRUE(Route().psrs.empty());
}

TEST_F(RouterAssignTest, AFlowsRepWhoIsNotAvailableLeavesTheWorkToTheFallbackQueue) {
  PendingRouting psr = QueuePsr();
  psr.target_user = kBob;  // offline
  state_.psrs = {psr};
  Online(kAlice);
  ConversationChange change;
  ASSERT_TRUE(AssignPendingRouting(state_, origin_, change, true));
  ASSERT_EQ(change.works.size(), 1u);
  EXPECT_EQ(change.works[0].user_id, kAlice);
}

}  // namespace

}  // namespace interactiond::domain
