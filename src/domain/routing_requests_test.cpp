// The partner-facing routing endpoints' rules (domain/routing_requests.h): every code of the
// parsers (table-driven) and of the decisions over hand-built conversation states.
#include "domain/routing_requests.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/routing_test_support.h"
#include "util/ids.h"

namespace interactiond::domain {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test fixtures only

constexpr char kOtherConversation[] = "99999999-2222-4333-8444-555555555555";
constexpr char kFlowToQueue[] = "300000000000001";

struct CodeCase {
  const char* body;
  int code;  // 0: parses
};

template <typename Parse>
void ExpectCodes(Parse parse, const std::vector<CodeCase>& cases) {
  for (const auto& each : cases) {
    auto parsed = parse(each.body);
    EXPECT_EQ(parsed.ok() ? 0 : parsed.error().code, each.code) << each.body;
  }
}

std::string Substitution(const Error& error, const std::string& name) {
  for (const auto& [key, value] : error.substitutions) {
    if (key == name) return value;
  }
  return "<none>";
}

// --- IsRecordId -------------------------------------------------------------------------------

TEST(RoutingRequestIdTest, IsRecordIdNeeds15Or18AlphanumericsWithThePrefix) {
  EXPECT_TRUE(IsRecordId("0Bz8c0000000001", "0Bz"));
  EXPECT_TRUE(IsRecordId("0Bz8c0000000001AAA", "0Bz"));
  EXPECT_FALSE(IsRecordId("0Bz8c000000001", "0Bz"));       // 14
  EXPECT_FALSE(IsRecordId("0Bz8c00000000001", "0Bz"));     // 16
  EXPECT_FALSE(IsRecordId("0Bz8c0000000001AAAA", "0Bz"));  // 19
  EXPECT_FALSE(IsRecordId("0Mw8c0000000001", "0Bz"));
  EXPECT_FALSE(IsRecordId("0bz8c0000000001", "0Bz"));  // the prefix is case-sensitive
  EXPECT_FALSE(IsRecordId("0Bz8c000000-001", "0Bz"));
  EXPECT_FALSE(IsRecordId("", "0Bz"));
}

// --- ParseRouteRequest ------------------------------------------------------------------------

TEST(RoutingRequestParseRouteTest, Codes) {
  ExpectCodes(ParseRouteRequest,
              {
                  {"", 10100},
                  {"{", 10100},
                  {"[]", 10100},
                  {R"({"routingType":"Initial"})", 10018},
                  {R"({"conversationIdentifier":"c","routingType":"Initial"})", 10018},
                  {R"({"conversationIdentifier":5,"routingType":"Initial"})", 10018},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555"})", 10089},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"initial"})",
                   10089},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":1})",
                   10089},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Initial","routingInfo":"queue"})",
                   10089},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Initial","routingInfo":{"flow":"f"}})",
                   10089},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Initial","routingInfo":{"flow":{"queueId":"q"}}})",
                   10024},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Initial","routingInfo":{"flow":{"flowId":"f"}}})",
                   10024},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Initial","routingInfo":{"flow":{"flowId":"","queueId":"q"}}})",
                   10024},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Initial","routingInfo":{"queueId":5}})",
                   10032},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Initial","routingInfo":{}})",
                   10030},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Initial","routingInfo":{"queueId":""}})",
                   10030},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Initial","routingInfo":{"queueId":"q",
                       "routingAttributes":[1]}})",
                   10089},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Initial","routingInfo":{"queueId":"q",
                       "routingAttributes":{"a":{}}}})",
                   10089},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Conference"})",
                   0},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "routingType":"Transfer","routingInfo":null})",
                   0},
              });
}

TEST(RoutingRequestParseRouteTest, WithoutRoutingInfoTheTargetIsEmpty) {
  auto parsed = ParseRouteRequest(
      R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555","routingType":"Initial"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->conversation_identifier, kConversation);
  EXPECT_EQ(parsed->routing_type, "Initial");
  EXPECT_FALSE(parsed->has_routing_info);
  EXPECT_FALSE(parsed->flow_given);
  EXPECT_EQ(parsed->target.queue_id, "");
  EXPECT_EQ(parsed->target.flow_id, "");
}

TEST(RoutingRequestParseRouteTest, AQueueIdAndRoutingAttributesAreRead) {
  auto parsed = ParseRouteRequest(
      R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555","routingType":"Transfer",
          "routingInfo":{"queueId":"00G000000000001","routingAttributes":{"a":"x","n":5,"z":null}}})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->has_routing_info);
  EXPECT_EQ(parsed->target.queue_id, kQueue);
  EXPECT_EQ(parsed->routing_attributes,
            (std::vector<std::pair<std::string, std::string>>{{"a", "x"}, {"n", "5"}}));
}

TEST(RoutingRequestParseRouteTest, AFlowsFallbackQueueWinsOverTheRoutingInfoQueueId) {
  auto parsed = ParseRouteRequest(
      R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555","routingType":"Initial",
          "routingInfo":{"flow":{"flowId":"300000000000001","queueId":"00G000000000001"},
                         "queueId":"00G000000000002"}})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->flow_given);
  EXPECT_EQ(parsed->target.flow_id, kFlowToQueue);
  EXPECT_EQ(parsed->target.queue_id, kQueue);
}

// --- ParseCancelRouteRequest ------------------------------------------------------------------

TEST(RoutingRequestParseCancelTest, Codes) {
  ExpectCodes(ParseCancelRouteRequest,
              {
                  {"", 10100},
                  {"[1]", 10100},
                  {R"({})", 10018},
                  {R"({"conversationIdentifier":"not-a-uuid"})", 10018},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "cancelReason":1})",
                   10089},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "cancelReason":"Whatever"})",
                   10089},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
                       "cancelReason":"unknown"})",
                   10089},
                  {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555"})", 0},
              });
}

TEST(RoutingRequestParseCancelTest, BothSpellingsOfEveryReasonAreCanonicalised) {
  const std::vector<std::pair<const char*, const char*>> reasons = {
      {"Unknown", "Unknown"},
      {"UNKNOWN", "Unknown"},
      {"Unavailable", "Unavailable"},
      {"UNAVAILABLE", "Unavailable"},
      {"Decline", "Decline"},
      {"DECLINE", "Decline"},
      {"Cancel", "Cancel"},
      {"CANCEL", "Cancel"},
      {"EndUserEnded", "EndUserEnded"},
      {"END_USER_ENDED", "EndUserEnded"}};
  for (const auto& [given, canonical] : reasons) {
    auto parsed = ParseCancelRouteRequest(
        std::string(R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",)") +
        R"("cancelReason":")" + given + R"("})");
    ASSERT_TRUE(parsed.ok()) << given;
    EXPECT_EQ(parsed->cancel_reason, canonical);
  }
  auto without = ParseCancelRouteRequest(
      R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555"})");
  ASSERT_TRUE(without.ok());
  EXPECT_FALSE(without->cancel_reason.has_value());
}

// --- ParseAgentWorkRequest --------------------------------------------------------------------

TEST(RoutingRequestParseAgentWorkTest, Codes) {
  ExpectCodes(ParseAgentWorkRequest,
              {
                  {"", 10100},
                  {"null", 10100},
                  {R"({"workItemId":"0Mw8c0000000001"})", 15106},
                  {R"({"userId":"","workItemId":"0Mw8c0000000001"})", 15106},
                  {R"({"userId":5,"workItemId":"0Mw8c0000000001"})", 15106},
                  {R"({"userId":"005000000000001"})", 10012},
                  {R"({"userId":"005000000000001","workItemId":""})", 10012},
                  {R"({"userId":"005000000000001","workItemId":"0Bz8c0000000001"})", 15110},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c000000001"})", 15110},
                  {R"({"userId":"005000000000001","workItemId":12})", 15110},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "capacityWeight":1,"capacityPercentage":10})",
                   10013},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "capacityWeight":-1})",
                   10014},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "capacityPercentage":-0.5})",
                   10015},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "capacityPercentage":100.5})",
                   10015},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "capacityWeight":"2"})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "capacityPercentage":true})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "routingContext":"c"})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "routingContext":{"conversationIdentifier":"c","routingType":"Initial"}})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "routingContext":{"conversationIdentifier":"c","routingType":"initial",
                       "routingCorrelationId":"r"}})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "routingContext":{"routingType":"Initial","routingCorrelationId":"r"}})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "agentActionVisibilities":{}})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "agentActionVisibilities":["Transfer"]})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "agentActionVisibilities":[{"agentAction":"Hold","visible":true}]})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "agentActionVisibilities":[{"agentAction":"Transfer","visible":"yes"}]})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "agentActionVisibilities":[{"agentAction":"Transfer"}]})",
                   10089},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "capacityWeight":0})",
                   0},
                  {R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001",
                       "capacityPercentage":100})",
                   0},
              });
}

TEST(RoutingRequestParseAgentWorkTest, A15110NamesTheGivenWorkItem) {
  auto parsed =
      ParseAgentWorkRequest(R"({"userId":"005000000000001","workItemId":"0Bz8c0000000001"})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(Substitution(parsed.error(), "workItemId"), "0Bz8c0000000001");
}

TEST(RoutingRequestParseAgentWorkTest, ReadsEveryField) {
  auto parsed = ParseAgentWorkRequest(
      R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001AAA","capacityWeight":2.5,
          "routingContext":{"conversationIdentifier":"c","routingType":"Transfer",
                            "routingCorrelationId":"r-1"},
          "agentActionVisibilities":[{"agentAction":"Transfer","visible":true},
                                     {"agentAction":"Conference","visible":false}]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->user_id, kAlice);
  EXPECT_EQ(parsed->work_item_id, kSession);  // cut to 15
  EXPECT_EQ(parsed->capacity_weight, 2.5);
  EXPECT_FALSE(parsed->capacity_percentage.has_value());
  ASSERT_TRUE(parsed->routing_context.has_value());
  EXPECT_EQ(parsed->routing_context->conversation_identifier, "c");
  EXPECT_EQ(parsed->routing_context->routing_type, "Transfer");
  EXPECT_EQ(parsed->routing_context->routing_correlation_id, "r-1");
  EXPECT_TRUE(parsed->conference_visibility);
  EXPECT_EQ(boost::json::parse(parsed->agent_action_visibilities_json),
            boost::json::parse(R"([{"agentAction":"Transfer","visible":true},
                                   {"agentAction":"Conference","visible":false}])"));
}

TEST(RoutingRequestParseAgentWorkTest, ATransferVisibilityAloneIsNoConference) {
  auto parsed = ParseAgentWorkRequest(
      R"({"userId":"005000000000001","workItemId":"0Mw8c0000000001","capacityPercentage":40,
          "agentActionVisibilities":[{"agentAction":"Transfer","visible":true}]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->conference_visibility);
  EXPECT_EQ(parsed->capacity_percentage, 40.0);
}

// --- ParsePatchAgentWorkRequest ---------------------------------------------------------------

TEST(RoutingRequestParsePatchAgentWorkTest, Codes) {
  ExpectCodes(
      ParsePatchAgentWorkRequest,
      {
          {"", 10100},
          {"\"x\"", 10100},
          {R"({"contextType":"Agent","status":"Accept"})", 10082},
          {R"({"workId":"0Mw8c0000000001","contextType":"Agent","status":"Accept"})", 10082},
          {R"({"workId":"0Bz8c000000001","contextType":"Agent","status":"Accept"})", 10082},
          {R"({"workId":7,"contextType":"Agent","status":"Accept"})", 10082},
          {R"({"workId":"0Bz8c0000000001","status":"Accept"})", 10083},
          {R"({"workId":"0Bz8c0000000001","contextType":"agent","status":"Accept"})", 10083},
          {R"({"workId":"0Bz8c0000000001","contextType":"Bot","status":"Accept"})", 10083},
          {R"({"workId":"0Bz8c0000000001","contextType":"Agent"})", 10085},
          {R"({"workId":"0Bz8c0000000001","contextType":"Agent","status":"accept"})", 10085},
          {R"({"workId":"0Bz8c0000000001","contextType":"Agent","status":"Opened"})", 10085},
          {R"({"workId":"0Bz8c0000000001","contextType":"Chatbot","status":"Accept",
               "workItemId":"0Mw8c0000000001"})",
           10084},
          {R"({"workId":"0Bz8c0000000001","contextType":"Chatbot","status":"Accept",
               "botId":"","workItemId":"0Mw8c0000000001"})",
           10084},
          {R"({"workId":"0Bz8c0000000001","contextType":"Chatbot","status":"Accept",
               "botId":"1JZ000000000001"})",
           10012},
          {R"({"workId":"0Bz8c0000000001","contextType":"Chatbot","status":"Accept",
               "botId":"1JZ000000000001","workItemId":""})",
           10012},
          {R"({"workId":"0Bz8c0000000001","contextType":"Agent","status":"Close"})", 0},
      });
}

TEST(RoutingRequestParsePatchAgentWorkTest, ReadsAnAgentPatch) {
  auto parsed = ParsePatchAgentWorkRequest(
      R"({"workId":"0Bz8c0000000001AAA","contextType":"Agent","status":"Decline"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->work_id, "0Bz8c0000000001");
  EXPECT_EQ(parsed->context_type, "Agent");
  EXPECT_EQ(parsed->action, WorkAction::kDecline);
  EXPECT_EQ(parsed->bot_id, "");
}

TEST(RoutingRequestParsePatchAgentWorkTest, ReadsAChatbotPatch) {
  auto parsed = ParsePatchAgentWorkRequest(
      R"({"workId":"0Bz8c0000000001","contextType":"Chatbot","status":"Cancel",
          "botId":"1JZ000000000001","workItemId":"0Mw8c0000000001"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->context_type, "Chatbot");
  EXPECT_EQ(parsed->action, WorkAction::kCancel);
  EXPECT_EQ(parsed->bot_id, "1JZ000000000001");
  EXPECT_EQ(parsed->work_item_id, kSession);
}

// --- ParseRoutingResultRequest ----------------------------------------------------------------

TEST(RoutingRequestParseRoutingResultTest, Codes) {
  ExpectCodes(
      ParseRoutingResultRequest,
      {
          {"", 10100},
          {"1", 10100},
          {R"({"conversationIdentifier":"c","success":true,"externallyRouted":false})", 10012},
          {R"({"workItemId":"","conversationIdentifier":"c","success":true,
               "externallyRouted":false})",
           10012},
          {R"({"workItemId":15,"conversationIdentifier":"c","success":true,
               "externallyRouted":false})",
           10012},
          {R"({"workItemId":"0Mw8c000000001","conversationIdentifier":"c","success":true,
               "externallyRouted":false})",
           15110},
          {R"({"workItemId":"0Mw8c0000000001","success":true,"externallyRouted":false})", 10018},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"","success":true,
               "externallyRouted":false})",
           10018},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c",
               "externallyRouted":false})",
           10089},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":"true",
               "externallyRouted":false})",
           10089},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":true})",
           10089},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":true,
               "externallyRouted":0})",
           10089},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":true,
               "externallyRouted":false,"routingType":"Push"})",
           10089},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":true,
               "externallyRouted":false,"routingType":3})",
           10089},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":false,
               "externallyRouted":false,"errorMessage":4})",
           10089},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":true,
               "externallyRouted":false,"errorMessage":"boom"})",
           10033},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":false,
               "externallyRouted":false})",
           10034},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":false,
               "externallyRouted":false,"errorMessage":""})",
           10034},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":true,
               "externallyRouted":false,"errorMessage":""})",
           0},
          {R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":"c","success":false,
               "externallyRouted":true,"errorMessage":"no","routingType":"Conference"})",
           0},
      });
}

TEST(RoutingRequestParseRoutingResultTest, ConversationIdentifierIsLimitedTo240Characters) {
  auto body = [](const std::string& identifier) {
    return R"({"workItemId":"0Mw8c0000000001","conversationIdentifier":")" + identifier +
           R"(","success":true,"externallyRouted":false})";
  };
  EXPECT_TRUE(ParseRoutingResultRequest(body(std::string(240, 'c'))).ok());
  auto too_long = ParseRoutingResultRequest(body(std::string(241, 'c')));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, 10018);
  // Characters, not bytes: 240 two-byte characters are fine.
  std::string wide;
  for (int i = 0; i < 240; ++i) wide += "\xC3\xA9";
  EXPECT_TRUE(ParseRoutingResultRequest(body(wide)).ok());
}

TEST(RoutingRequestParseRoutingResultTest, A15110NamesTheGivenWorkItem) {
  auto parsed = ParseRoutingResultRequest(
      R"({"workItemId":"short","conversationIdentifier":"c","success":true,
          "externallyRouted":false})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, 15110);
  EXPECT_EQ(Substitution(parsed.error(), "workItemId"), "short");
}

TEST(RoutingRequestParseRoutingResultTest, ReadsEveryField) {
  auto parsed = ParseRoutingResultRequest(
      R"({"workItemId":"0Mw8c0000000001AAA","conversationIdentifier":"c","success":false,
          "externallyRouted":true,"errorMessage":"no agents","routingType":"Transfer"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->work_item_id, kSession);
  EXPECT_EQ(parsed->conversation_identifier, "c");
  EXPECT_FALSE(parsed->success);
  EXPECT_TRUE(parsed->externally_routed);
  EXPECT_EQ(parsed->error_message, "no agents");
  EXPECT_EQ(parsed->routing_type, "Transfer");
}

// --- ParseParticipantRequest ------------------------------------------------------------------

TEST(RoutingRequestParseParticipantTest, Codes) {
  ExpectCodes(
      ParseParticipantRequest,
      {
          {"", 10100},
          {"[]", 10100},
          {R"({"operation":"Remove","participants":[{"subject":"s","role":"Agent"}]})", 10018},
          {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
               "participants":[{"subject":"s","role":"Agent"}]})",
           10097},
          {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
               "operation":"remove","participants":[{"subject":"s","role":"Agent"}]})",
           10097},
          {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
               "operation":"Add","participants":[{"subject":"s","role":"Agent"}]})",
           10097},
          {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
               "operation":"Remove"})",
           10089},
          {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
               "operation":"Remove","participants":{"subject":"s","role":"Agent"}})",
           10089},
          {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
               "operation":"Remove","participants":[]})",
           10089},
          {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
               "operation":"Remove","participants":[{"subject":"s","role":"Agent"},
               {"subject":"t","role":"Agent"}]})",
           10089},
          {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
               "operation":"Remove","participants":["s"]})",
           10089},
          {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
               "operation":"Remove","participants":[{"role":"Agent"}]})",
           10089},
          {R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555",
               "operation":"Remove","participants":[{"subject":"s","role":""}]})",
           10089},
      });
}

TEST(RoutingRequestParseParticipantTest, AppTypeDefaultsToAgent) {
  auto parsed = ParseParticipantRequest(
      R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555","operation":"Remove",
          "participants":[{"subject":"005000000000001","role":"Agent"}]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->conversation_identifier, kConversation);
  EXPECT_EQ(parsed->participant.app_type, "agent");
  EXPECT_EQ(parsed->participant.subject, kAlice);
  EXPECT_EQ(parsed->participant.role, "Agent");
  auto bot = ParseParticipantRequest(
      R"({"conversationIdentifier":"11111111-2222-4333-8444-555555555555","operation":"Remove",
          "participants":[{"appType":"custom","subject":"1JZ000000000001","role":"Chatbot"}]})");
  ASSERT_TRUE(bot.ok());
  EXPECT_EQ(bot->participant.app_type, "custom");
}

// --- Decisions --------------------------------------------------------------------------------

// A contact-center definition with partner-owned routing and conference support, a channel
// variable Topic of 3 characters, a flow to the queue, and an end user implicitly opted in.
class RoutingRequestDecideTest : public RoutingTest {
 protected:
  void SetUp() override {
    RoutingTest::SetUp();
    config::ChannelDefinition& definition = org_.channel_definitions[0];
    definition.vendor_type = config::VendorType::kCcaas;
    definition.routing_owner = config::RoutingOwner::kPartner;
    definition.conference_supported = true;
    org_.channels[0].variables = {{"Topic", 3}};
    org_.flows = {{kFlowToQueue, "To the queue", kQueue, "", ""}};
    state_.consent_status = "ImplicitlyOptedIn";
  }

  // The open PSR of a transfer.
  static PendingRouting Psr() {
    PendingRouting psr = QueuePsr();
    psr.routing_type = "Transfer";
    psr.routing_correlation_id = "corr-psr";
    return psr;
  }
  static RoutingRequest Pending(const std::string& event_id, const std::string& type = "Transfer") {
    RoutingRequest request;
    request.event_id = event_id;
    request.routing_type = type;
    request.requested_by = kAlice;
    request.target_kind = "user";
    request.target_id = kBob;
    request.requested_at = kNow - 1000;
    request.deadline = kNow + 60000;
    return request;
  }

  // The codes `decide` gives for a conversation of another org, then (back in this org) for one
  // of another channel definition.
  template <typename Decide>
  std::vector<int> CodesForAnotherOrgsThenDefinitionsConversation(Decide decide) {
    std::vector<int> codes;
    state_.org_id = "00D000000000002";
    codes.push_back(CodeOf(decide()));
    state_.org_id = org_.id;
    state_.channel_definition = "Other_Def";
    codes.push_back(CodeOf(decide()));
    return codes;
  }
};

// --- DecideRoute ------------------------------------------------------------------------------

class RoutingRequestDecideRouteTest : public RoutingRequestDecideTest {
 protected:
  RouteRequest Request(const std::string& queue = kQueue, const std::string& type = "Initial") {
    RouteRequest request;
    request.conversation_identifier = kConversation;
    request.routing_type = type;
    request.has_routing_info = !queue.empty();
    request.target.queue_id = queue;
    return request;
  }
  int CodeOf(const RouteRequest& request) {
    return testing::CodeOf(DecideRoute(state_, request, origin_));
  }
};

TEST_F(RoutingRequestDecideRouteTest, AnotherOrgsConversationIs10025) {
  state_.org_id = "00D000000000002";
  EXPECT_EQ(CodeOf(Request()), 10025);
}

TEST_F(RoutingRequestDecideRouteTest, AConversationOfAChannelNoLongerConfiguredIs10025) {
  state_.channel_address = "gone";
  EXPECT_EQ(CodeOf(Request()), 10025);
}

TEST_F(RoutingRequestDecideRouteTest, AnOrgWithoutCcaasIs15102) {
  org_.features.ccaas_enabled = false;
  EXPECT_EQ(CodeOf(Request()), 15102);
}

TEST_F(RoutingRequestDecideRouteTest, AChannelNotLinkedToAContactCenterIs15104) {
  org_.channels[0].contact_center_linked = false;
  EXPECT_EQ(CodeOf(Request()), 15104);
}

TEST_F(RoutingRequestDecideRouteTest, ConferenceNeedsTheOrgFeatureAndTheDefinitionsSupport) {
  EXPECT_EQ(CodeOf(Request(kQueue, "Conference")), 0);
  org_.features.conference_routing = false;
  EXPECT_EQ(CodeOf(Request(kQueue, "Conference")), 10075);
  EXPECT_EQ(CodeOf(Request(kQueue, "Transfer")), 0);
  org_.features.conference_routing = true;
  org_.channel_definitions[0].conference_supported = false;
  EXPECT_EQ(CodeOf(Request(kQueue, "Conference")), 10075);
}

TEST_F(RoutingRequestDecideRouteTest, AnOptedOutEndUserIs15103) {
  state_.consent_status = "OptedOut";
  EXPECT_EQ(CodeOf(Request()), 15103);
}

TEST_F(RoutingRequestDecideRouteTest, AnEndedSessionIs10071) {
  state_.session_status = "Ended";
  EXPECT_EQ(CodeOf(Request()), 10071);
}

TEST_F(RoutingRequestDecideRouteTest, ARoutingAttributeLongerThanItsChannelVariableIs10096) {
  RouteRequest request = Request();
  request.routing_attributes = {{"Topic", "abcd"}};
  EXPECT_EQ(CodeOf(request), 10096);
  request.routing_attributes = {{"Topic", "abc"}, {"NotAVariable", "very long indeed"}};
  EXPECT_EQ(CodeOf(request), 0);
}

TEST_F(RoutingRequestDecideRouteTest, TargetErrorsAreTheRoutersCodes) {
  EXPECT_EQ(CodeOf(Request("00G000000000999")), 10032);
  RouteRequest flow = Request();
  flow.target.flow_id = "300000000000999";
  EXPECT_EQ(CodeOf(flow), 10024);
  org_.channels[0].default_queue.clear();
  EXPECT_EQ(CodeOf(Request("")), 10030);
}

TEST_F(RoutingRequestDecideRouteTest, OpensAPsrAndAssignsAnAvailableRep) {
  presence_[kBob] = {true, 5, 0};
  auto change = DecideRoute(state_, Request(kQueue, "Transfer"), origin_);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->psrs.size(), 1u);
  const PendingRouting& psr = change->psrs[0];
  EXPECT_EQ(psr.id, "0JR8c0000000001");
  EXPECT_EQ(psr.queue_id, kQueue);
  EXPECT_EQ(psr.routing_type, "Transfer");
  EXPECT_EQ(psr.initiator_subject, "005000000000009");
  EXPECT_TRUE(util::IsUuid(psr.routing_correlation_id));
  EXPECT_EQ(change->session_status, "Waiting");
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(change->works[0].user_id, kBob);
  EXPECT_EQ(change->works[0].routing_type, "Transfer");
  EXPECT_EQ(EntryTypes(*change),
            (std::vector<std::string>{"SessionStatusChanged", "RoutingWorkResult"}));
}

TEST_F(RoutingRequestDecideRouteTest, WithoutRoutingInfoRoutesToTheChannelDefault) {
  auto change = DecideRoute(state_, Request(""), origin_);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->psrs.size(), 1u);
  EXPECT_EQ(change->psrs[0].queue_id, kQueue);
  EXPECT_EQ(EntryTypes(*change),
            (std::vector<std::string>{"SessionStatusChanged", "QueuePosition"}));
}

TEST_F(RoutingRequestDecideRouteTest, AnswersAPendingPartnerRequestWithItsEventIdAsCorrelation) {
  state_.session_status = "Active";
  state_.routing_requests = {Pending("event-1")};
  auto change = DecideRoute(state_, Request(kQueue, "Transfer"), origin_);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->routing_requests.size(), 1u);
  EXPECT_EQ(change->routing_requests[0].event_id, "event-1");
  EXPECT_EQ(change->routing_requests[0].status, "Completed");
  ASSERT_EQ(change->psrs.size(), 1u);
  EXPECT_EQ(change->psrs[0].routing_correlation_id, "event-1");
}

TEST_F(RoutingRequestDecideRouteTest, ReplacesAnOpenPsr) {
  state_.session_status = "Waiting";
  state_.psrs = {Psr()};
  auto change = DecideRoute(state_, Request(), origin_);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->psrs.size(), 2u);
  EXPECT_TRUE(change->psrs[0].deleted);
  EXPECT_EQ(change->psrs[0].id, kPsr);
  EXPECT_FALSE(change->psrs[1].deleted);
}

// --- DecideCancelRoute ------------------------------------------------------------------------

class RoutingRequestDecideCancelTest : public RoutingRequestDecideTest {
 protected:
  Result<ConversationChange> Cancel(std::optional<std::string> reason = std::nullopt) {
    return DecideCancelRoute(state_, {kConversation, std::move(reason)}, origin_);
  }
};

TEST_F(RoutingRequestDecideCancelTest, AnotherOrgsOrDefinitionsConversationIs10025) {
  EXPECT_EQ(CodesForAnotherOrgsThenDefinitionsConversation([this] { return Cancel(); }),
            (std::vector<int>{10025, 10025}));
}

TEST_F(RoutingRequestDecideCancelTest, ACancelReasonOnAnOrgWithoutTheFeatureIs10076) {
  org_.features.cancel_reason = false;
  EXPECT_EQ(CodeOf(Cancel("Decline")), 10076);
  EXPECT_EQ(CodeOf(Cancel()), 0);
}

TEST_F(RoutingRequestDecideCancelTest, DeletesThePsrCancelsItsAssignedWorkAndReportsCancelled) {
  state_.psrs = {Psr()};
  state_.works = {Work("0Bz8c0000000001", kAlice, "Assigned"),
                  Work("0Bz8c0000000002", kBob, "Opened", "")};
  auto change = Cancel("Unavailable");
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->psrs.size(), 1u);
  EXPECT_TRUE(change->psrs[0].deleted);
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(change->works[0].id, "0Bz8c0000000001");
  EXPECT_EQ(change->works[0].status, "Canceled");
  EXPECT_EQ(change->works[0].updated_at, kNow);
  ASSERT_EQ(EntryTypes(*change), (std::vector<std::string>{"RoutingWorkResult", "RoutingResult"}));
  EXPECT_EQ(Entry(change->events[0]).at("workType"), "Cancelled");
  const auto result = Entry(change->events[1]);
  EXPECT_EQ(result.at("failureType"), "Cancelled");
  EXPECT_EQ(result.at("cancelReason"), "Unavailable");
  EXPECT_EQ(result.at("pendingServiceRoutingId"), kPsr);
  EXPECT_EQ(result.at("routingType"), "Transfer");
}

TEST_F(RoutingRequestDecideCancelTest, TheCancelReasonDefaultsToCancel) {
  state_.psrs = {Psr()};
  auto change = Cancel();
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->events.size(), 1u);
  EXPECT_EQ(Entry(change->events[0]).at("cancelReason"), "Cancel");
}

TEST_F(RoutingRequestDecideCancelTest, WithoutAPsrNothingChanges) {
  auto change = Cancel("Decline");
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->psrs.empty());
  EXPECT_TRUE(change->works.empty());
  EXPECT_TRUE(change->events.empty());
}

// --- DecideAgentWork --------------------------------------------------------------------------

class RoutingRequestDecideAgentWorkTest : public RoutingRequestDecideTest {
 protected:
  void SetUp() override {
    RoutingRequestDecideTest::SetUp();
    presence_[kAlice] = {true, 5, 0};
    presence_[kCarol] = {true, 5, 0};
  }
  // No PSR: a capacity and a routing context of this conversation.
  static AgentWorkRequest Request(const std::string& user = kAlice) {
    AgentWorkRequest request;
    request.user_id = user;
    request.work_item_id = kSession;
    request.capacity_weight = 2;
    request.routing_context = AgentWorkRoutingContext{kConversation, "Initial", "corr-req"};
    return request;
  }
  Result<ConversationChange> Decide(const AgentWorkRequest& request) {
    return DecideAgentWork(state_, request, org_.channels[0], origin_);
  }
};

TEST_F(RoutingRequestDecideAgentWorkTest, AConferenceVisibilityOnAnOrgWithoutConferenceIs10077) {
  AgentWorkRequest request = Request();
  request.conference_visibility = true;
  EXPECT_EQ(CodeOf(Decide(request)), 0);
  org_.features.conference_routing = false;
  EXPECT_EQ(CodeOf(Decide(request)), 10077);
}

TEST_F(RoutingRequestDecideAgentWorkTest, AnUnknownUserIs15106) {
  EXPECT_EQ(CodeOf(Decide(Request("005000000000999"))), 15106);
  EXPECT_EQ(CodeOf(Decide(Request("not-a-user"))), 15106);
}

TEST_F(RoutingRequestDecideAgentWorkTest, An18CharacterUserIdNamesTheRep) {
  auto change = Decide(Request(std::string(kAlice) + "AAA"));
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->works[0].user_id, kAlice);
}

TEST_F(RoutingRequestDecideAgentWorkTest, ARepWithoutPartnerMessagingIs15105) {
  EXPECT_EQ(CodeOf(Decide(Request(kCarol))), 15105);
}

TEST_F(RoutingRequestDecideAgentWorkTest, AnOfflineRepIs15112) {
  EXPECT_EQ(CodeOf(Decide(Request(kBob))), 15112);
  presence_[kBob] = {false, 5, 0};
  EXPECT_EQ(CodeOf(Decide(Request(kBob))), 15112);
  state_.rep_availability = nullptr;
  EXPECT_EQ(CodeOf(Decide(Request())), 15112);
}

TEST_F(RoutingRequestDecideAgentWorkTest, AChannelWithoutAServiceChannelIs15108) {
  org_.channels[0].service_channel = false;
  EXPECT_EQ(CodeOf(Decide(Request())), 15108);
}

TEST_F(RoutingRequestDecideAgentWorkTest, AnEndedSessionIs15110NamingTheWorkItem) {
  state_.session_status = "Ended";
  auto change = Decide(Request());
  ASSERT_FALSE(change.ok());
  EXPECT_EQ(change.error().code, 15110);
  EXPECT_EQ(Substitution(change.error(), "workItemId"), kSession);
}

TEST_F(RoutingRequestDecideAgentWorkTest, ActiveWorkOfTheSameRepOnTheSessionIs15109) {
  for (const char* status : {"Assigned", "Opened"}) {
    state_.works = {Work("0Bz8c0000000050", kAlice, status, "")};
    EXPECT_EQ(CodeOf(Decide(Request())), 15109) << status;
  }
  for (const char* status : {"Declined", "Canceled", "Closed", "Transferred"}) {
    state_.works = {Work("0Bz8c0000000050", kAlice, status, "")};
    EXPECT_EQ(CodeOf(Decide(Request())), 0) << status;
  }
}

TEST_F(RoutingRequestDecideAgentWorkTest, WithoutAPsrACapacityIsNeeded) {
  AgentWorkRequest request = Request();
  request.capacity_weight.reset();
  EXPECT_EQ(CodeOf(Decide(request)), 10013);
}

TEST_F(RoutingRequestDecideAgentWorkTest, WithoutAPsrARoutingContextIsNeeded) {
  AgentWorkRequest request = Request();
  request.routing_context.reset();
  EXPECT_EQ(CodeOf(Decide(request)), 10089);
}

TEST_F(RoutingRequestDecideAgentWorkTest, ARoutingContextOfAnotherConversationIs15107) {
  AgentWorkRequest request = Request();
  request.routing_context->conversation_identifier = kOtherConversation;
  auto change = Decide(request);
  ASSERT_FALSE(change.ok());
  EXPECT_EQ(change.error().code, 15107);
  EXPECT_EQ(Substitution(change.error(), "workItemId"), kSession);
  EXPECT_EQ(Substitution(change.error(), "conversationId"), kOtherConversation);
}

TEST_F(RoutingRequestDecideAgentWorkTest, WithoutAPsrTheWorkTakesTheRequestsCapacityAndContext) {
  AgentWorkRequest request = Request();
  request.agent_action_visibilities_json = R"([{"agentAction":"Transfer","visible":true}])";
  auto change = Decide(request);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 1u);
  const AgentWork& work = change->works[0];
  EXPECT_EQ(work.id, "0Bz8c0000000001");
  EXPECT_EQ(work.user_id, kAlice);
  EXPECT_EQ(work.context_type, "Agent");
  EXPECT_EQ(work.status, "Assigned");
  EXPECT_EQ(work.session_id, kSession);
  EXPECT_EQ(work.psr_id, "");
  EXPECT_EQ(work.capacity_weight, 2.0);
  EXPECT_FALSE(work.capacity_percentage.has_value());
  EXPECT_EQ(work.routing_type, "Initial");
  EXPECT_EQ(work.routing_correlation_id, "corr-req");
  EXPECT_EQ(work.agent_action_visibilities_json, request.agent_action_visibilities_json);
  EXPECT_EQ(work.created_at, kNow);
  EXPECT_EQ(change->session_status, "Waiting");
  EXPECT_EQ(EntryTypes(*change),
            (std::vector<std::string>{"RoutingWorkResult", "SessionStatusChanged"}));
  EXPECT_EQ(Entry(change->events[0]).at("workType"), "Assigned");
}

TEST_F(RoutingRequestDecideAgentWorkTest, WithAPsrTheWorkTakesThePsrsRoutingOnly) {
  state_.session_status = "Waiting";
  state_.psrs = {Psr()};
  AgentWorkRequest request = Request();
  request.capacity_weight.reset();
  request.routing_context.reset();
  auto change = Decide(request);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 1u);
  const AgentWork& work = change->works[0];
  EXPECT_EQ(work.psr_id, kPsr);
  EXPECT_EQ(work.queue_id, kQueue);
  EXPECT_EQ(work.routing_type, "Transfer");
  EXPECT_EQ(work.routing_correlation_id, "corr-psr");
  EXPECT_FALSE(work.capacity_weight.has_value());
  EXPECT_FALSE(change->session_status.has_value());
  EXPECT_EQ(EntryTypes(*change), (std::vector<std::string>{"RoutingWorkResult"}));
}

TEST_F(RoutingRequestDecideAgentWorkTest, WithAPsrAContextOfAnotherConversationDoesNotMatter) {
  state_.psrs = {Psr()};
  AgentWorkRequest request = Request();
  request.routing_context->conversation_identifier = kOtherConversation;
  EXPECT_EQ(CodeOf(Decide(request)), 0);
}

// agentWork meets the routing window (Answered); the partner's /routingResult completes it.
TEST_F(RoutingRequestDecideAgentWorkTest, AnswersTheRepsPendingTransferRequest) {
  presence_[kBob] = {true, 5, 0};
  state_.session_status = "Active";
  RoutingRequest other = Pending("event-2");
  other.target_id = "00G000000000001";
  other.target_kind = "queue";
  state_.routing_requests = {Pending("event-1"), other};
  auto change = Decide(Request(kBob));
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->routing_requests.size(), 1u);
  EXPECT_EQ(change->routing_requests[0].event_id, "event-1");
  EXPECT_EQ(change->routing_requests[0].status, "Answered");
}

TEST_F(RoutingRequestDecideAgentWorkTest, AnswersThePendingRequestItsCorrelationIdNames) {
  state_.session_status = "Active";
  RoutingRequest request = Pending("event-9");
  request.target_kind = "queue";
  request.target_id = kQueue;
  state_.routing_requests = {request};
  AgentWorkRequest work = Request();
  work.routing_context->routing_correlation_id = "event-9";
  auto change = Decide(work);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->routing_requests.size(), 1u);
  EXPECT_EQ(change->routing_requests[0].status, "Answered");
}

// --- DecideRoutingResult ----------------------------------------------------------------------

class RoutingRequestDecideRoutingResultTest : public RoutingRequestDecideTest {
 protected:
  static RoutingResultRequest Success(bool external = false) {
    RoutingResultRequest request;
    request.work_item_id = kSession;
    request.conversation_identifier = kConversation;
    request.success = true;
    request.externally_routed = external;
    return request;
  }
  static RoutingResultRequest Failure(const std::string& message) {
    RoutingResultRequest request = Success();
    request.success = false;
    request.error_message = message;
    return request;
  }
  Result<ConversationChange> Decide(const RoutingResultRequest& request) {
    return DecideRoutingResult(state_, request, origin_);
  }
  boost::json::object OnlyResult(const ConversationChange& change) {
    EXPECT_EQ(change.events.size(), 1u);
    return change.events.empty() ? boost::json::object() : Entry(change.events.back());
  }
};

TEST_F(RoutingRequestDecideRoutingResultTest, AnotherOrgsOrDefinitionsConversationIs10025) {
  EXPECT_EQ(CodesForAnotherOrgsThenDefinitionsConversation([this] { return Decide(Success()); }),
            (std::vector<int>{10025, 10025}));
}

TEST_F(RoutingRequestDecideRoutingResultTest, AWorkItemOtherThanTheSessionIs15111) {
  RoutingResultRequest request = Success();
  request.work_item_id = "0Mw8c0000000002";
  auto change = Decide(request);
  ASSERT_FALSE(change.ok());
  EXPECT_EQ(change.error().code, 15111);
  EXPECT_EQ(Substitution(change.error(), "workItemId"), "0Mw8c0000000002");
}

TEST_F(RoutingRequestDecideRoutingResultTest, SuccessReportsTheRoutedSessionAndPsr) {
  state_.psrs = {Psr()};
  auto change = Decide(Success());
  ASSERT_TRUE(change.ok());
  const auto result = OnlyResult(*change);
  EXPECT_EQ(result.at("entryType"), "RoutingResult");
  EXPECT_EQ(result.at("failureType"), "None");
  EXPECT_EQ(result.at("recordId"), kSession);
  EXPECT_EQ(result.at("pendingServiceRoutingId"), kPsr);
  EXPECT_EQ(result.at("routingType"), "Initial");
  EXPECT_EQ(result.at("isExternallyRouted"), false);
  EXPECT_TRUE(result.at("workOwnerId").is_null());
  EXPECT_TRUE(result.at("errorMessages").as_array().empty());
  EXPECT_TRUE(change->routing_requests.empty());
}

TEST_F(RoutingRequestDecideRoutingResultTest, FailureIsARoutingErrorWithTheMessage) {
  auto change = Decide(Failure("no agents"));
  ASSERT_TRUE(change.ok());
  const auto result = OnlyResult(*change);
  EXPECT_EQ(result.at("failureType"), "RoutingError");
  EXPECT_EQ(result.at("failureReason"), "no agents");
  EXPECT_EQ(result.at("errorMessages"), boost::json::value(boost::json::array{"no agents"}));
  EXPECT_TRUE(result.at("recordId").is_null());
}

TEST_F(RoutingRequestDecideRoutingResultTest, TheRoutingTypeIsTheRequestsThenThePendingOnes) {
  state_.routing_requests = {Pending("event-1", "Conference")};
  auto pending_type = Decide(Success());
  ASSERT_TRUE(pending_type.ok());
  EXPECT_EQ(OnlyResult(*pending_type).at("routingType"), "Conference");
  RoutingResultRequest explicit_type = Success();
  explicit_type.routing_type = "Transfer";
  auto given = Decide(explicit_type);
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(OnlyResult(*given).at("routingType"), "Transfer");
}

TEST_F(RoutingRequestDecideRoutingResultTest, CompletesOrFailsThePendingRequestForTheRep) {
  state_.routing_requests = {Pending("event-1")};
  auto success = Decide(Success());
  ASSERT_TRUE(success.ok());
  ASSERT_EQ(success->routing_requests.size(), 1u);
  EXPECT_EQ(success->routing_requests[0].status, "Completed");
  EXPECT_EQ(OnlyResult(*success).at("workOwnerId"), kAlice);
  auto failure = Decide(Failure("busy"));
  ASSERT_TRUE(failure.ok());
  ASSERT_EQ(failure->routing_requests.size(), 1u);
  EXPECT_EQ(failure->routing_requests[0].status, "Failed");
  const auto result = OnlyResult(*failure);
  EXPECT_EQ(result.at("workOwnerId"), kAlice);
  EXPECT_EQ(result.at("failureType"), "RoutingError");
}

TEST_F(RoutingRequestDecideRoutingResultTest, AnExternalTransferEndsTheRequestingRepsPart) {
  state_.session_status = "Active";
  state_.participants.push_back({"agent", kAlice, "Agent", "Alice", 2});
  state_.works = {Work("0Bz8c0000000001", kAlice, "Opened", ""),
                  Work("0Bz8c0000000002", kBob, "Opened", "")};
  state_.routing_requests = {Pending("event-1")};
  auto change = Decide(Success(true));
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(change->works[0].id, "0Bz8c0000000001");
  EXPECT_EQ(change->works[0].status, "Transferred");
  EXPECT_EQ(change->works[0].updated_at, kNow);
  EXPECT_EQ(change->left, (std::vector<std::pair<std::string, std::string>>{{kAlice, "Agent"}}));
  EXPECT_EQ(EntryTypes(*change),
            (std::vector<std::string>{"RoutingWorkResult", "ParticipantChanged", "RoutingResult"}));
  EXPECT_EQ(Entry(change->events[0]).at("workType"), "Transferred");
  EXPECT_EQ(Entry(change->events[2]).at("isExternallyRouted"), true);
}

TEST_F(RoutingRequestDecideRoutingResultTest, OnlyASuccessfulExternalTransferEndsTheRepsPart) {
  state_.works = {Work("0Bz8c0000000001", kAlice, "Opened", "")};
  state_.routing_requests = {Pending("event-1", "Conference")};
  auto conference = Decide(Success(true));
  ASSERT_TRUE(conference.ok());
  EXPECT_TRUE(conference->works.empty());
  state_.routing_requests = {Pending("event-1")};
  auto internal = Decide(Success(false));
  ASSERT_TRUE(internal.ok());
  EXPECT_TRUE(internal->works.empty());
  RoutingResultRequest failed = Failure("no");
  failed.externally_routed = true;
  auto failure = Decide(failed);
  ASSERT_TRUE(failure.ok());
  EXPECT_TRUE(failure->works.empty());
}

// --- DecideRemoveParticipant ------------------------------------------------------------------

class RoutingRequestDecideRemoveParticipantTest : public RoutingRequestDecideTest {
 protected:
  void SetUp() override {
    RoutingRequestDecideTest::SetUp();
    state_.session_status = "Active";
    state_.participants.push_back({"agent", kAlice, "Agent", "Alice", 2});
    state_.participants.push_back({"agent", kBob, "Agent", "Bob", 3});
  }
  Result<ConversationChange> Remove(const std::string& subject, const std::string& role) {
    return DecideRemoveParticipant(state_, {kConversation, {"agent", subject, role}}, origin_);
  }
};

TEST_F(RoutingRequestDecideRemoveParticipantTest, AnotherOrgsOrDefinitionsConversationIs10025) {
  EXPECT_EQ(
      CodesForAnotherOrgsThenDefinitionsConversation([this] { return Remove(kAlice, "Agent"); }),
      (std::vector<int>{10025, 10025}));
}

TEST_F(RoutingRequestDecideRemoveParticipantTest, SomeoneNotPresentOrTheEndUserIs10036) {
  EXPECT_EQ(CodeOf(Remove(kCarol, "Agent")), 10036);
  EXPECT_EQ(CodeOf(Remove(kAlice, "Chatbot")), 10036);  // the role must match too
  EXPECT_EQ(CodeOf(Remove("end-user-1", "EndUser")), 10036);
}

TEST_F(RoutingRequestDecideRemoveParticipantTest, TheRepLeavesAndOnlyTheirWorkCloses) {
  state_.works = {Work("0Bz8c0000000001", kAlice, "Opened", ""),
                  Work("0Bz8c0000000002", kBob, "Opened", "")};
  auto change = Remove(std::string(kAlice) + "AAA", "Agent");  // 18 characters
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->left, (std::vector<std::pair<std::string, std::string>>{{kAlice, "Agent"}}));
  EXPECT_EQ(change->left_time, kNow);
  ASSERT_EQ(change->works.size(), 1u);
  EXPECT_EQ(change->works[0].id, "0Bz8c0000000001");
  EXPECT_EQ(change->works[0].status, "Closed");
  ASSERT_EQ(EntryTypes(*change),
            (std::vector<std::string>{"ParticipantChanged", "RoutingWorkResult"}));
  const auto removed = Entry(change->events[0]).at("entries").as_array()[0];
  EXPECT_EQ(removed.at("operation"), "remove");
  EXPECT_EQ(removed.at("participant").at("subject"), kAlice);
  EXPECT_EQ(removed.at("displayName"), "Alice");
}

}  // namespace
}  // namespace interactiond::domain
