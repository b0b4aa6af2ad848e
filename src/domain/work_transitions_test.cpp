// The AgentWork state machine (domain/work_transitions.h): Accept / Decline / Cancel / Close with
// their codes, a transfer's acceptance, declining re-offering the PSR, and the helpers that end,
// withdraw or look up routing.
#include "domain/work_transitions.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "util/ids.h"

namespace interactiond::domain {
namespace {

constexpr char kQueue[] = "00G000000000001";
constexpr char kAlice[] = "005000000000001";
constexpr char kBob[] = "005000000000002";
constexpr char kBot[] = "1JZ000000000001";
constexpr char kPsr[] = "0JR8c0000000100";
constexpr int64_t kNow = 1'700'000'000'123;

class WorkTransitionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    org_.id = "00D000000000001";
    config::ChannelDefinition definition;
    definition.developer_name = "P_Def";
    definition.custom_platform_event = "P_Event__e";
    org_.channel_definitions.push_back(definition);
    org_.queues = {{kQueue, "Queue"}};
    config::User alice;
    alice.id = kAlice;
    alice.name = "Alice";
    alice.queues = {kQueue};
    config::User bob = alice;
    bob.id = kBob;
    bob.name = "Bob";
    org_.users = {alice, bob};
    org_.bots = {{kBot, "Helper", "P_Bot", true}};
    org_.bot_integrations = {{"P_Bot", "P_App", "P_Bot_Event__e"}};

    origin_.org = &org_;
    origin_.definition = &org_.channel_definitions[0];
    origin_.created_by_id = kAlice;
    origin_.sender = {"conversation", kAlice, "System"};
    origin_.sender_display_name = "System";
    origin_.now_ms = kNow;

    state_.conversation_identifier = "11111111-2222-4333-8444-555555555555";
    state_.org_id = org_.id;
    state_.channel_address = "addr-1";
    state_.channel_definition = "P_Def";
    state_.end_user_client_id = "end-user-1";
    state_.session_id = "0Mw8c0000000001";
    state_.session_status = "Waiting";
    state_.participants.push_back({"custom", "end-user-1", "EndUser", "", 1});
    state_.rep_availability = [this](const std::string& user_id) {
      auto it = presence_.find(user_id);
      return it == presence_.end() ? RepAvailability{} : it->second;
    };
    state_.waiting_in_queue = [](const std::string&) { return 0; };
    state_.next_record_id = [this](const std::string& prefix) {
      return util::RecordId(prefix, ++ids_[prefix]);
    };
    PendingRouting psr;
    psr.id = kPsr;
    psr.queue_id = kQueue;
    psr.routing_correlation_id = "corr-1";
    state_.psrs = {psr};
  }

  AgentWork Work(const std::string& id, const std::string& user, const std::string& status,
                 const std::string& routing_type = "Initial") {
    AgentWork work;
    work.id = id;
    work.user_id = user;
    work.context_type = "Agent";
    work.status = status;
    work.session_id = state_.session_id;
    work.psr_id = kPsr;
    work.queue_id = kQueue;
    work.routing_type = routing_type;
    return work;
  }
  AgentWork BotWork(const std::string& id, const std::string& status) {
    AgentWork work = Work(id, "", status);
    work.bot_id = kBot;
    work.context_type = "Chatbot";
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
    auto change = Transition(work_id, action);
    return change.ok() ? 0 : change.error().code;
  }

  static boost::json::object Entry(const events::OutboundEvent& event) {
    return boost::json::parse(*event.payload).at("payload").at("entryPayload").as_object();
  }
  static std::vector<std::string> EntryTypes(const ConversationChange& change) {
    std::vector<std::string> types;
    for (const auto& event : change.events) types.push_back(event.entry_type);
    return types;
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

  config::Org org_;
  EventOrigin origin_;
  ConversationState state_;
  std::map<std::string, RepAvailability> presence_;
  std::map<std::string, uint64_t> ids_;
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
  for (const char* status : {"Opened", "Declined", "Canceled", "Closed", "Transferred"}) {
    state_.works = {Work("0Bz8c0000000001", kAlice, status)};
    EXPECT_EQ(CodeOf("0Bz8c0000000001", WorkAction::kAccept), 10085) << status;
  }
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
  for (const char* status : {"Opened", "Declined", "Canceled", "Closed", "Transferred"}) {
    state_.works = {Work("0Bz8c0000000001", kAlice, status)};
    EXPECT_EQ(CodeOf("0Bz8c0000000001", WorkAction::kDecline), 10085) << status;
  }
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
  for (const char* status : {"Opened", "Declined", "Canceled", "Closed", "Transferred"}) {
    state_.works = {Work("0Bz8c0000000001", kAlice, status)};
    EXPECT_EQ(CodeOf("0Bz8c0000000001", WorkAction::kCancel), 10085) << status;
  }
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
  for (const char* status : {"Assigned", "Declined", "Canceled"}) {
    state_.works = {Work("0Bz8c0000000001", kAlice, status)};
    EXPECT_EQ(CodeOf("0Bz8c0000000001", WorkAction::kClose), 10085) << status;
  }
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
