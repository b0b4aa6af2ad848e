// The AgentWork state machine (domain/work_transitions.h): Accept / Decline / Cancel / Close with
// their codes, a transfer's acceptance, declining re-offering the PSR, and the helpers that end,
// withdraw or look up routing.
#include "domain/work_transitions.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "domain/routing_test_support.h"

namespace interactiond::domain {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test fixtures only

// The statuses a work can have that are not Assigned.
const std::vector<std::string> kNotAssigned = {"Opened", "Declined", "Canceled", "Closed",
                                               "Transferred"};

// A Waiting session with the open PSR kPsr.
class WorkTransitionTest : public RoutingTest {
 protected:
  void SetUp() override {
    RoutingTest::SetUp();
    state_.session_status = "Waiting";
    state_.psrs = {QueuePsr()};
  }

  static AgentWork Work(const std::string& id, const std::string& user, const std::string& status,
                        const std::string& routing_type = "Initial") {
    AgentWork work = testing::Work(id, user, status);
    work.routing_type = routing_type;
    return work;
  }
  void Present(const std::string& subject, const std::string& role = "Agent") {
    state_.participants.push_back(
        {role == "Agent" ? "agent" : "custom", subject, role, subject, 2});
  }

  Result<ConversationChange> Transition(const std::string& work_id, WorkAction action) {
    return TransitionWork(state_, origin_, work_id, action);
  }
  int CodeOf(const std::string& work_id, WorkAction action) {
    return testing::CodeOf(Transition(work_id, action));
  }
  // `action` on Alice's work fails with `code` whichever of `statuses` the work has.
  void ExpectCodeForEachStatus(WorkAction action, const std::vector<std::string>& statuses,
                               int code) {
    for (const auto& status : statuses) {
      state_.works = {Work("0Bz8c0000000001", kAlice, status)};
      EXPECT_EQ(CodeOf("0Bz8c0000000001", action), code) << status;
    }
  }
  // The workType of every RoutingWorkResult of the change, in order.
  static std::vector<std::string> WorkTypes(const ConversationChange& change) {
    std::vector<std::string> types;
    for (const auto& event : change.events) {
      if (event.entry_type == "RoutingWorkResult") {
        types.emplace_back(Entry(event).at("workType").as_string());
      }
    }
    return types;
  }
};

// --- ParseWorkAction --------------------------------------------------------------------------

TEST(WorkTransitionParseTest, AcceptsTheFourActionsInExactCase) {
  EXPECT_EQ(ParseWorkAction("Accept"), WorkAction::kAccept);
  EXPECT_EQ(ParseWorkAction("Decline"), WorkAction::kDecline);
  EXPECT_EQ(ParseWorkAction("Cancel"), WorkAction::kCancel);
  EXPECT_EQ(ParseWorkAction("Close"), WorkAction::kClose);
  for (const char* other : {"accept", "ACCEPT", "Opened", "Closed", "", "Accept "}) {
    EXPECT_FALSE(ParseWorkAction(other).has_value()) << other;
  }
}

// --- Unknown work -----------------------------------------------------------------------------

TEST_F(WorkTransitionTest, WorkNotInTheConversationIs10082ForEveryAction) {
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned")};
  for (WorkAction action :
       {WorkAction::kAccept, WorkAction::kDecline, WorkAction::kCancel, WorkAction::kClose}) {
    EXPECT_EQ(CodeOf("0Bz8c0000000999", action), 10082);
  }
}

// --- Accept -----------------------------------------------------------------------------------

TEST_F(WorkTransitionTest, AcceptOpensTheWorkDeletesThePsrJoinsTheRepAndActivates) {
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned")};
  auto change = Transition("0Bz8c0000000001", WorkAction::kAccept);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(change->works[0].status, "Opened");
  EXPECT_EQ(change->works[0].updated_at, kNow);
  ASSERT_EQ(change->psrs.size(), 1u);
  EXPECT_EQ(change->psrs[0].id, kPsr);
  EXPECT_TRUE(change->psrs[0].deleted);
  ASSERT_EQ(change->joined.size(), 1u);
  EXPECT_EQ(change->joined[0].app_type, "agent");
  EXPECT_EQ(change->joined[0].subject, kAlice);
  EXPECT_EQ(change->joined[0].role, "Agent");
  EXPECT_EQ(change->joined[0].display_name, "Alice");
  EXPECT_EQ(change->joined[0].joined_time, kNow);
  EXPECT_EQ(change->session_status, "Active");
  EXPECT_EQ(EntryTypes(*change),
            (std::vector<std::string>{"RoutingWorkResult", "ParticipantChanged",
                                      "SessionStatusChanged"}));
  EXPECT_EQ(WorkTypes(*change), (std::vector<std::string>{"Accepted"}));
  const auto added = Entry(change->events[1]).at("entries").as_array()[0];
  EXPECT_EQ(added.at("operation"), "add");
  EXPECT_EQ(added.at("participant").at("subject"), kAlice);
  EXPECT_EQ(added.at("displayName"), "Alice");
  EXPECT_EQ(Entry(change->events[2]).at("sessionStatusPrev"), "Waiting");
}

TEST_F(WorkTransitionTest, AcceptByARepAlreadyPresentDoesNotAddThemAgain) {
  state_.session_status = "Active";
  Present(kAlice);
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned")};
  auto change = Transition("0Bz8c0000000001", WorkAction::kAccept);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->joined.empty());
  EXPECT_FALSE(change->session_status.has_value());
  EXPECT_EQ(EntryTypes(*change), (std::vector<std::string>{"RoutingWorkResult"}));
}

TEST_F(WorkTransitionTest, AcceptOfWorkNotAssignedIs10085) {
  ExpectCodeForEachStatus(WorkAction::kAccept, kNotAssigned, 10085);
}

TEST_F(WorkTransitionTest, AcceptInAnEndedSessionIs10071) {
  state_.session_status = "Ended";
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned")};
  EXPECT_EQ(CodeOf("0Bz8c0000000001", WorkAction::kAccept), 10071);
}

TEST_F(WorkTransitionTest, AcceptChecksTheWorksStatusBeforeTheSessions) {
  state_.session_status = "Ended";
  state_.works = {Work("0Bz8c0000000001", kAlice, "Closed")};
  EXPECT_EQ(CodeOf("0Bz8c0000000001", WorkAction::kAccept), 10085);
}

TEST_F(WorkTransitionTest, AcceptOfABotsWorkJoinsTheBotAndReportsToItsTopicToo) {
  state_.works = {BotWork("0Bz8c0000000001", "Assigned")};
  auto change = Transition("0Bz8c0000000001", WorkAction::kAccept);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->joined.size(), 1u);
  EXPECT_EQ(change->joined[0].app_type, "custom");
  EXPECT_EQ(change->joined[0].subject, kBot);
  EXPECT_EQ(change->joined[0].role, "Chatbot");
  EXPECT_EQ(change->joined[0].display_name, "Helper");
  ASSERT_GE(change->events.size(), 2u);
  EXPECT_EQ(change->events[0].topic, "/event/P_Event__e");
  EXPECT_EQ(change->events[1].topic, "/event/P_Bot_Event__e");
  EXPECT_EQ(WorkTypes(*change), (std::vector<std::string>{"Accepted", "Accepted"}));
}

TEST_F(WorkTransitionTest, AcceptingATransferMovesOthersOpenedWorkToTransferredAndTheyLeave) {
  state_.session_status = "Active";
  Present(kAlice);
  Present(kBot, "Chatbot");
  state_.works = {Work("0Bz8c0000000001", kAlice, "Opened"), BotWork("0Bz8c0000000002", "Opened"),
                  Work("0Bz8c0000000003", kBob, "Assigned", "Transfer")};
  auto change = Transition("0Bz8c0000000003", WorkAction::kAccept);
  ASSERT_TRUE(change.ok());
  std::map<std::string, std::string> statuses;
  for (const auto& work : change->works) statuses[work.id] = work.status;
  EXPECT_EQ(statuses, (std::map<std::string, std::string>{{"0Bz8c0000000001", "Transferred"},
                                                          {"0Bz8c0000000002", "Transferred"},
                                                          {"0Bz8c0000000003", "Opened"}}));
  EXPECT_EQ(change->left, (std::vector<std::pair<std::string, std::string>>{{kAlice, "Agent"},
                                                                            {kBot, "Chatbot"}}));
  EXPECT_EQ(change->left_time, kNow);
  ASSERT_EQ(change->joined.size(), 1u);
  EXPECT_EQ(change->joined[0].subject, kBob);
  // The bot's Transferred is reported to its own topic as well.
  EXPECT_EQ(WorkTypes(*change),
            (std::vector<std::string>{"Accepted", "Transferred", "Transferred", "Transferred"}));
  int removes = 0;
  for (const auto& event : change->events) {
    if (event.entry_type != "ParticipantChanged") continue;
    const auto operation = Entry(event).at("entries").as_array()[0].at("operation");
    if (operation == "remove") ++removes;
  }
  EXPECT_EQ(removes, 2);
}

TEST_F(WorkTransitionTest, AcceptingATransferLeavesOthersAssignedWorkAlone) {
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned"),
                  Work("0Bz8c0000000003", kBob, "Assigned", "Transfer")};
  auto change = Transition("0Bz8c0000000003", WorkAction::kAccept);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(change->works[0].id, "0Bz8c0000000003");
}

TEST_F(WorkTransitionTest, AcceptingInitialOrConferenceWorkKeepsTheOthers) {
  for (const char* type : {"Initial", "Conference"}) {
    state_.session_status = "Active";
    state_.participants.resize(1);
    Present(kAlice);
    state_.works = {Work("0Bz8c0000000001", kAlice, "Opened"),
                    Work("0Bz8c0000000003", kBob, "Assigned", type)};
    auto change = Transition("0Bz8c0000000003", WorkAction::kAccept);
    ASSERT_TRUE(change.ok()) << type;
    ASSERT_EQ(change->works.size(), 1u) << type;
    EXPECT_EQ(change->works[0].status, "Opened");
    EXPECT_TRUE(change->left.empty()) << type;
  }
}

TEST_F(WorkTransitionTest, AcceptOfWorkWithoutAPsrDeletesNoPsr) {
  AgentWork direct = Work("0Bz8c0000000001", kAlice, "Assigned");
  direct.psr_id.clear();
  state_.works = {direct};
  auto change = Transition("0Bz8c0000000001", WorkAction::kAccept);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->psrs.empty());
}

// --- Decline ----------------------------------------------------------------------------------

TEST_F(WorkTransitionTest, DeclineMarksTheWorkAndOffersThePsrToTheNextRep) {
  presence_[kAlice] = {true, 5, 0};
  presence_[kBob] = {true, 5, 4};
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned")};
  auto change = Transition("0Bz8c0000000001", WorkAction::kDecline);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 2u);
  EXPECT_EQ(change->works[0].id, "0Bz8c0000000001");
  EXPECT_EQ(change->works[0].status, "Declined");
  EXPECT_EQ(change->works[0].updated_at, kNow);
  EXPECT_EQ(change->works[1].status, "Assigned");
  EXPECT_EQ(change->works[1].user_id, kBob);  // Alice declined, though less loaded
  EXPECT_EQ(change->works[1].psr_id, kPsr);
  EXPECT_EQ(WorkTypes(*change), (std::vector<std::string>{"Declined", "Assigned"}));
  EXPECT_TRUE(change->psrs.empty());
}

TEST_F(WorkTransitionTest, DeclineWithNobodyElseLeavesThePsrWaitingSilently) {
  presence_[kAlice] = {true, 5, 0};
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned")};
  auto change = Transition("0Bz8c0000000001", WorkAction::kDecline);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(EntryTypes(*change), (std::vector<std::string>{"RoutingWorkResult"}));  // no position
}

TEST_F(WorkTransitionTest, ABotsDeclineIsNotOfferedBackToTheSameBot) {
  state_.psrs[0].queue_id.clear();
  state_.psrs[0].target_bot = kBot;
  state_.works = {BotWork("0Bz8c0000000001", "Assigned")};
  auto change = Transition("0Bz8c0000000001", WorkAction::kDecline);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(change->works[0].status, "Declined");
  EXPECT_EQ(WorkTypes(*change), (std::vector<std::string>{"Declined", "Declined"}));
}

TEST_F(WorkTransitionTest, DeclineOfWorkNotAssignedIs10085) {
  ExpectCodeForEachStatus(WorkAction::kDecline, kNotAssigned, 10085);
}

// --- Cancel -----------------------------------------------------------------------------------

TEST_F(WorkTransitionTest, CancelMarksAssignedWorkCanceledAndReportsCancelled) {
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned")};
  auto change = Transition("0Bz8c0000000001", WorkAction::kCancel);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(change->works[0].status, "Canceled");
  EXPECT_EQ(change->works[0].updated_at, kNow);
  EXPECT_EQ(WorkTypes(*change), (std::vector<std::string>{"Cancelled"}));
  EXPECT_TRUE(change->psrs.empty());
  EXPECT_TRUE(change->left.empty());
}

TEST_F(WorkTransitionTest, CancelOfWorkNotAssignedIs10085) {
  ExpectCodeForEachStatus(WorkAction::kCancel, kNotAssigned, 10085);
}

// --- Close ------------------------------------------------------------------------------------

TEST_F(WorkTransitionTest, CloseClosesOpenedWorkAndTheRepLeaves) {
  state_.session_status = "Active";
  Present(kAlice);
  state_.works = {Work("0Bz8c0000000001", kAlice, "Opened")};
  auto change = Transition("0Bz8c0000000001", WorkAction::kClose);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(change->works[0].status, "Closed");
  EXPECT_EQ(change->left, (std::vector<std::pair<std::string, std::string>>{{kAlice, "Agent"}}));
  EXPECT_EQ(change->left_time, kNow);
  EXPECT_EQ(EntryTypes(*change),
            (std::vector<std::string>{"RoutingWorkResult", "ParticipantChanged"}));
  EXPECT_EQ(WorkTypes(*change), (std::vector<std::string>{"Closed"}));
  EXPECT_EQ(Entry(change->events[1]).at("entries").as_array()[0].at("operation"), "remove");
  EXPECT_FALSE(change->session_status.has_value());
}

TEST_F(WorkTransitionTest, CloseOfOpenedWorkWhoseRepAlreadyLeftOnlyCloses) {
  state_.works = {Work("0Bz8c0000000001", kAlice, "Opened")};
  auto change = Transition("0Bz8c0000000001", WorkAction::kClose);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->left.empty());
  EXPECT_EQ(EntryTypes(*change), (std::vector<std::string>{"RoutingWorkResult"}));
}

TEST_F(WorkTransitionTest, CloseOfClosedOrTransferredWorkChangesNothing) {
  for (const char* status : {"Closed", "Transferred"}) {
    state_.works = {Work("0Bz8c0000000001", kAlice, status)};
    auto change = Transition("0Bz8c0000000001", WorkAction::kClose);
    ASSERT_TRUE(change.ok()) << status;
    EXPECT_TRUE(change->works.empty()) << status;
    EXPECT_TRUE(change->events.empty()) << status;
    EXPECT_TRUE(change->left.empty()) << status;
  }
}

TEST_F(WorkTransitionTest, CloseOfWorkNeverOpenedIs10085) {
  ExpectCodeForEachStatus(WorkAction::kClose, {"Assigned", "Declined", "Canceled"}, 10085);
}

// --- CloseWorkOf, EndSessionRouting, WithdrawRouting, AssignedWorkOf --------------------------

TEST_F(WorkTransitionTest, CloseWorkOfClosesOpenedAndCancelsAssignedWorkOfThatParticipant) {
  state_.works = {
      Work("0Bz8c0000000001", kAlice, "Opened"), Work("0Bz8c0000000002", kAlice, "Assigned"),
      Work("0Bz8c0000000003", kAlice, "Declined"), Work("0Bz8c0000000004", kBob, "Opened")};
  ConversationChange change;
  CloseWorkOf(state_, origin_, kAlice, change);
  ASSERT_EQ(change.works.size(), 2u);
  EXPECT_EQ(change.works[0].id, "0Bz8c0000000001");
  EXPECT_EQ(change.works[0].status, "Closed");
  EXPECT_EQ(change.works[1].id, "0Bz8c0000000002");
  EXPECT_EQ(change.works[1].status, "Canceled");
  EXPECT_EQ(WorkTypes(change), (std::vector<std::string>{"Closed", "Cancelled"}));
  EXPECT_TRUE(change.left.empty());  // the caller removes the participant
}

TEST_F(WorkTransitionTest, CloseWorkOfNamesABotByItsId) {
  state_.works = {BotWork("0Bz8c0000000001", "Opened"), Work("0Bz8c0000000002", kAlice, "Opened")};
  ConversationChange change;
  CloseWorkOf(state_, origin_, kBot, change);
  ASSERT_EQ(change.works.size(), 1u);
  EXPECT_EQ(change.works[0].id, "0Bz8c0000000001");
  EXPECT_EQ(change.works[0].status, "Closed");
}

TEST_F(WorkTransitionTest, EndSessionRoutingClosesEveryActiveWorkAndDeletesThePsrs) {
  state_.works = {Work("0Bz8c0000000001", kAlice, "Opened"),
                  Work("0Bz8c0000000002", kBob, "Assigned"),
                  Work("0Bz8c0000000003", kBob, "Closed")};
  ConversationChange change;
  EndSessionRouting(state_, origin_, change);
  ASSERT_EQ(change.works.size(), 2u);
  EXPECT_EQ(change.works[0].status, "Closed");
  EXPECT_EQ(change.works[1].status, "Canceled");
  ASSERT_EQ(change.psrs.size(), 1u);
  EXPECT_EQ(change.psrs[0].id, kPsr);
  EXPECT_TRUE(change.psrs[0].deleted);
}

TEST_F(WorkTransitionTest, WithdrawRoutingDeletesThePsrsAndCancelsOnlyTheirAssignedWork) {
  AgentWork other_psr = Work("0Bz8c0000000003", kBob, "Assigned");
  other_psr.psr_id = "0JR8c0000000001";
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned"),
                  Work("0Bz8c0000000002", kBob, "Opened"), other_psr};
  ConversationChange change;
  WithdrawRouting(state_, origin_, change);
  ASSERT_EQ(change.psrs.size(), 1u);
  EXPECT_TRUE(change.psrs[0].deleted);
  ASSERT_EQ(change.works.size(), 1u);
  EXPECT_EQ(change.works[0].id, "0Bz8c0000000001");
  EXPECT_EQ(change.works[0].status, "Canceled");
  EXPECT_EQ(WorkTypes(change), (std::vector<std::string>{"Cancelled"}));
}

TEST_F(WorkTransitionTest, WithdrawRoutingWithoutPsrsChangesNothing) {
  state_.psrs.clear();
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned")};
  ConversationChange change;
  WithdrawRouting(state_, origin_, change);
  EXPECT_TRUE(change.psrs.empty());
  EXPECT_TRUE(change.works.empty());
  EXPECT_TRUE(change.events.empty());
}

TEST_F(WorkTransitionTest, AssignedWorkOfFindsOnlyTheRepsAssignedWork) {
  state_.works = {Work("0Bz8c0000000001", kAlice, "Opened"),
                  Work("0Bz8c0000000002", kBob, "Assigned")};
  EXPECT_FALSE(AssignedWorkOf(state_, kAlice).has_value());
  EXPECT_EQ(AssignedWorkOf(state_, kBob), "0Bz8c0000000002");
  EXPECT_FALSE(AssignedWorkOf(state_, "005000000000009").has_value());
}

}  // namespace
}  // namespace interactiond::domain
