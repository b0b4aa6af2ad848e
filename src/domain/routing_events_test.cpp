// The outbound events of routing (domain/routing_events.h): payload shapes of RoutingWorkResult,
// RoutingResult, QueuePosition and RoutingRequested, bot work reported to the bot's topic, and
// the bot topic definition.
#include "domain/routing_events.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/routing_test_support.h"
#include "util/ids.h"

namespace interactiond::domain {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test fixtures only

// An Active session; the definition names its event type and payload fields; work_ is Alice's
// Opened transfer work.
class RoutingEventTest : public RoutingTest {
 protected:
  void SetUp() override {
    RoutingTest::SetUp();
    org_.channel_definitions[0].event_type_field = "Type__c";
    org_.channel_definitions[0].payload_field = "Body__c";
    state_.session_status = "Active";
    work_ = Work("0Bz8c0000000001", kAlice, "Opened", "0JR8c0000000001");
    work_.routing_type = "Transfer";
  }

  static boost::json::object Payload(const events::OutboundEvent& event) {
    return boost::json::parse(*event.payload).as_object();
  }

  // The fields every event of the conversation on its channel's topic has.
  void ExpectChannelEvent(const events::OutboundEvent& event) {
    EXPECT_EQ(event.org_id, org_.id);
    EXPECT_EQ(event.topic, "/event/P_Event__e");
    EXPECT_EQ(event.event_type_field, "Type__c");
    EXPECT_EQ(event.payload_field, "Body__c");
    EXPECT_EQ(event.created_date, kNow);
    EXPECT_EQ(event.created_by_id, "005000000000009");
    EXPECT_EQ(event.conversation_identifier, kConversation);
  }

  // The fields every Interaction event of the conversation has.
  void ExpectInteractionEvent(const events::OutboundEvent& event, const std::string& entry_type) {
    ExpectChannelEvent(event);
    EXPECT_EQ(event.event_type, "Interaction");
    EXPECT_EQ(event.entry_type, entry_type);
    const auto payload = Payload(event);
    EXPECT_EQ(payload.at("conversationIdentifier"), kConversation);
    EXPECT_EQ(payload.at("channelAddressIdentifier"), "addr-1");
    EXPECT_EQ(payload.at("recipient").at("subject"), "end-user-1");
    EXPECT_EQ(payload.at("payload").at("entryType"), entry_type.c_str());
    EXPECT_EQ(payload.at("payload").at("sender").at("role"), "System");
    const auto entry = Entry(event);
    EXPECT_EQ(entry.at("entryType"), entry_type.c_str());
    EXPECT_TRUE(util::IsUuid(entry.at("id").as_string()));
    EXPECT_EQ(payload.at("payload").at("identifier"), entry.at("id"));
  }

  AgentWork work_;
};

// --- RoutingWorkResult ------------------------------------------------------------------------

TEST_F(RoutingEventTest, RoutingWorkResultOfARepsWork) {
  const auto event = RoutingWorkResultEvent(state_, origin_, work_, "Accepted");
  ExpectInteractionEvent(event, "RoutingWorkResult");
  const auto entry = Entry(event);
  EXPECT_EQ(entry.at("workType"), "Accepted");
  EXPECT_EQ(entry.at("workId"), "0Bz8c0000000001");
  EXPECT_EQ(entry.at("workTargetId"), kSession);
  EXPECT_EQ(entry.at("agentSessionId"), kAlice);
  EXPECT_TRUE(entry.at("botId").is_null());
  EXPECT_EQ(entry.at("queueId"), kQueue);
  EXPECT_EQ(entry.at("agentGroupIds"), boost::json::value(boost::json::array{kQueue}));
  EXPECT_EQ(entry.at("routingType"), "Transfer");
  EXPECT_TRUE(entry.at("errorMessages").as_array().empty());
}

TEST_F(RoutingEventTest, RoutingWorkResultOfABotsWorkWithoutAQueue) {
  work_.user_id.clear();
  work_.bot_id = kBot;
  work_.context_type = "Chatbot";
  work_.queue_id.clear();
  const auto entry = Entry(RoutingWorkResultEvent(state_, origin_, work_, "Assigned"));
  EXPECT_TRUE(entry.at("agentSessionId").is_null());
  EXPECT_EQ(entry.at("botId"), kBot);
  EXPECT_TRUE(entry.at("queueId").is_null());
  EXPECT_TRUE(entry.at("agentGroupIds").as_array().empty());
}

TEST_F(RoutingEventTest, EachRoutingWorkResultHasItsOwnId) {
  const auto first = Entry(RoutingWorkResultEvent(state_, origin_, work_, "Closed"));
  const auto second = Entry(RoutingWorkResultEvent(state_, origin_, work_, "Closed"));
  EXPECT_NE(first.at("id"), second.at("id"));
}

// --- ReportWorkEvents -------------------------------------------------------------------------

TEST_F(RoutingEventTest, ARepsWorkIsReportedOnTheChannelTopicOnly) {
  ConversationChange change;
  ReportWorkEvents(state_, origin_, work_, "Closed", change);
  ASSERT_EQ(change.events.size(), 1u);
  EXPECT_EQ(change.events[0].topic, "/event/P_Event__e");
  EXPECT_EQ(Entry(change.events[0]).at("workType"), "Closed");
}

TEST_F(RoutingEventTest, ABotsWorkIsReportedOnTheBotIntegrationsTopicToo) {
  work_.user_id.clear();
  work_.bot_id = kBot;
  ConversationChange change;
  ReportWorkEvents(state_, origin_, work_, "Assigned", change);
  ASSERT_EQ(change.events.size(), 2u);
  EXPECT_EQ(change.events[0].topic, "/event/P_Event__e");
  EXPECT_EQ(change.events[1].topic, "/event/P_Bot_Event__e");
  // The bot's copy keeps the channel definition's field names.
  EXPECT_EQ(change.events[1].event_type_field, "Type__c");
  EXPECT_EQ(change.events[1].payload_field, "Body__c");
  EXPECT_EQ(change.events[1].event_type, "Interaction");
  EXPECT_EQ(Entry(change.events[1]).at("workType"), "Assigned");
  EXPECT_EQ(Entry(change.events[1]).at("botId"), kBot);
}

TEST_F(RoutingEventTest, ABotWithoutAKnownIntegrationIsReportedOnTheChannelTopicOnly) {
  org_.bot_integrations.clear();
  work_.user_id.clear();
  work_.bot_id = kBot;
  ConversationChange change;
  ReportWorkEvents(state_, origin_, work_, "Assigned", change);
  ASSERT_EQ(change.events.size(), 1u);
  work_.bot_id = "1JZ000000000999";  // an unknown bot
  ConversationChange unknown;
  ReportWorkEvents(state_, origin_, work_, "Assigned", unknown);
  EXPECT_EQ(unknown.events.size(), 1u);
}

// --- RoutingResult ----------------------------------------------------------------------------

TEST_F(RoutingEventTest, RoutingResultOfASuccess) {
  RoutingOutcome outcome;
  outcome.psr_id = "0JR8c0000000001";
  outcome.record_id = kSession;
  const auto event = RoutingResultEvent(state_, origin_, outcome);
  ExpectInteractionEvent(event, "RoutingResult");
  const auto entry = Entry(event);
  EXPECT_EQ(entry.at("routingType"), "Initial");
  EXPECT_EQ(entry.at("failureType"), "None");
  EXPECT_TRUE(entry.at("failureReason").is_null());
  EXPECT_TRUE(entry.at("errorMessages").as_array().empty());
  EXPECT_EQ(entry.at("pendingServiceRoutingId"), "0JR8c0000000001");
  EXPECT_EQ(entry.at("recordId"), kSession);
  EXPECT_TRUE(entry.at("workOwnerId").is_null());
  EXPECT_FALSE(entry.contains("isExternallyRouted"));
  EXPECT_FALSE(entry.contains("cancelReason"));
  EXPECT_EQ(entry.at("initiator"),
            boost::json::parse(
                R"({"appType":"conversation","subject":"005000000000009","role":"System"})"));
}

TEST_F(RoutingEventTest, RoutingResultOfAFailure) {
  RoutingOutcome outcome;
  outcome.routing_type = "Transfer";
  outcome.failure_type = "RoutingError";
  outcome.failure_reason = "timed out";
  outcome.error_messages = {"timed out", "again"};
  outcome.work_owner_id = kAlice;
  outcome.externally_routed = true;
  outcome.cancel_reason = "Decline";
  const auto entry = Entry(RoutingResultEvent(state_, origin_, outcome));
  EXPECT_EQ(entry.at("routingType"), "Transfer");
  EXPECT_EQ(entry.at("failureType"), "RoutingError");
  EXPECT_EQ(entry.at("failureReason"), "timed out");
  EXPECT_EQ(entry.at("errorMessages"),
            boost::json::value(boost::json::array{"timed out", "again"}));
  EXPECT_TRUE(entry.at("pendingServiceRoutingId").is_null());
  EXPECT_TRUE(entry.at("recordId").is_null());
  EXPECT_EQ(entry.at("workOwnerId"), kAlice);
  EXPECT_EQ(entry.at("isExternallyRouted"), true);
  EXPECT_EQ(entry.at("cancelReason"), "Decline");
}

// --- QueuePosition ----------------------------------------------------------------------------

TEST_F(RoutingEventTest, QueuePositionNamesThePsrTheSessionAndThePosition) {
  const auto event = QueuePositionEvent(state_, origin_, "0JR8c0000000007", 3);
  ExpectInteractionEvent(event, "QueuePosition");
  const auto entry = Entry(event);
  EXPECT_EQ(entry.at("pendingServiceRoutingId"), "0JR8c0000000007");
  EXPECT_EQ(entry.at("workItemId"), kSession);
  EXPECT_EQ(entry.at("position"), 3);
}

// --- RoutingRequested -------------------------------------------------------------------------

class RoutingEventRequestedTest : public RoutingEventTest {
 protected:
  RoutingRequest Request(const std::string& kind, const std::string& type = "Transfer") {
    RoutingRequest request;
    request.event_id = "event-1";
    request.routing_type = type;
    request.requested_by = kAlice;
    request.target_kind = kind;
    request.target_id = "target-1";
    return request;
  }
  boost::json::object Parameters(const RoutingRequest& request) {
    const auto body = Payload(RoutingRequestedEvent(state_, origin_, request));
    return body.at("payload").at("routingParameters").as_object();
  }
};

TEST_F(RoutingEventRequestedTest, IsARoutingRequestedEventOnTheChannelTopic) {
  const auto event = RoutingRequestedEvent(state_, origin_, Request("queue"));
  ExpectChannelEvent(event);
  EXPECT_EQ(event.event_type, "RoutingRequested");
  EXPECT_EQ(event.entry_type, "RoutingRequested");
  const auto body = Payload(event);
  EXPECT_EQ(body.at("channelAddressIdentifier"), "addr-1");
  EXPECT_EQ(body.at("recipient"),
            boost::json::parse(R"({"appType":"custom","subject":"end-user-1","role":"EndUser"})"));
  const auto& payload = body.at("payload");
  EXPECT_EQ(payload.at("conversationIdentifier"), kConversation);
  EXPECT_EQ(payload.at("routingType"), "Transfer");
  EXPECT_TRUE(payload.at("workRecordId").is_null());
}

TEST_F(RoutingEventRequestedTest, ChannelDataIsAJsonStringNamingTheRequest) {
  const auto parameters = Parameters(Request("user", "Conference"));
  ASSERT_TRUE(parameters.at("channelData").is_string());
  const auto channel_data = boost::json::parse(parameters.at("channelData").as_string());
  EXPECT_EQ(channel_data, boost::json::parse(R"({"eventId":"event-1",
      "routerParticipantSubject":"005000000000001","routingType":"Conference",
      "conversationId":"11111111-2222-4333-8444-555555555555"})"));
}

TEST_F(RoutingEventRequestedTest, TheTargetFillsTheParameterOfItsKindOnly) {
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"queue", "queueId"},
      {"flow", "flowId"},
      {"user", "userId"},
      {"external", "externalContactId"}};
  for (const auto& [kind, field] : kinds) {
    const auto parameters = Parameters(Request(kind));
    for (const auto& other : kinds) {
      const std::string& other_field = other.second;
      if (other_field == field) {
        EXPECT_EQ(parameters.at(other_field), "target-1") << kind;
      } else {
        EXPECT_TRUE(parameters.at(other_field).is_null()) << kind << " " << other_field;
      }
    }
    EXPECT_TRUE(parameters.at("botId").is_null());
  }
}

TEST_F(RoutingEventRequestedTest, ParametersFlagTransfersAndTheFixedFields) {
  const auto transfer = Parameters(Request("queue", "Transfer"));
  EXPECT_EQ(transfer.at("isTransfer"), true);
  EXPECT_EQ(transfer.at("isScrt2"), true);
  EXPECT_TRUE(transfer.at("routingConfigId").is_null());
  EXPECT_TRUE(transfer.at("serviceChannelId").is_null());
  EXPECT_TRUE(transfer.at("skillsList").as_array().empty());
  EXPECT_TRUE(transfer.at("isFallbackOnPsrNotCreated").is_null());
  EXPECT_TRUE(transfer.at("isEstimatedWaitTimeRequested").is_null());
  EXPECT_TRUE(transfer.at("isUserRequired").is_null());
  EXPECT_EQ(Parameters(Request("queue", "Conference")).at("isTransfer"), false);
}

// --- BotTopicDefinition -----------------------------------------------------------------------

TEST_F(RoutingEventTest, BotTopicDefinitionSwapsOnlyThePlatformEvent) {
  const config::ChannelDefinition bot =
      BotTopicDefinition(org_.channel_definitions[0], org_.bot_integrations[0]);
  EXPECT_EQ(bot.custom_platform_event, "P_Bot_Event__e");
  EXPECT_EQ(bot.developer_name, "P_Def");
  EXPECT_EQ(bot.event_type_field, "Type__c");
  EXPECT_EQ(bot.payload_field, "Body__c");
}

}  // namespace
}  // namespace interactiond::domain
