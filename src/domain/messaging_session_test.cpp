#include "domain/messaging_session.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace interactiond::domain {
namespace {

int CodeOf(std::string_view body) {
  auto parsed = ParseMessagingSessionRequest(body);
  return parsed.ok() ? 0 : parsed.error().code;
}

TEST(ParseMessagingSessionRequestTest, RulesAndCodes) {
  EXPECT_EQ(CodeOf("{"), 10100);
  EXPECT_EQ(CodeOf(R"({"endUserClientId":"u","conversationIdentifier":"c","operation":"End"})"),
            10017);
  EXPECT_EQ(
      CodeOf(R"({"channelAddressIdentifier":"a","conversationIdentifier":"c","operation":"End"})"),
      10020);
  EXPECT_EQ(CodeOf(R"({"channelAddressIdentifier":"a","endUserClientId":"u","operation":"End"})"),
            10018);
  EXPECT_EQ(
      CodeOf(
          R"({"channelAddressIdentifier":"a","endUserClientId":"u","conversationIdentifier":"c","operation":"end"})"),
      10102);
  EXPECT_EQ(
      CodeOf(
          R"({"channelAddressIdentifier":"a","endUserClientId":"u","conversationIdentifier":"c","operation":"End","operationBy":"Agent"})"),
      10103);
  EXPECT_EQ(
      CodeOf(
          R"({"channelAddressIdentifier":"a","endUserClientId":"u","conversationIdentifier":"c","operation":"Inactivate"})"),
      10106);
  auto parsed = ParseMessagingSessionRequest(
      R"({"channelAddressIdentifier":"a","endUserClientId":"u","conversationIdentifier":"c","operation":"End"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->operation_by, "EndUser");  // the default
  EXPECT_FALSE(parsed->session_id.has_value());
}

class DecideSessionOperationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    org_.id = "00D000000000001";
    definition_.developer_name = "P_Def";
    definition_.custom_platform_event = "P__e";
    origin_ = {&org_, &definition_, "005000000000001", {"custom", "u", "EndUser"}, "u", 42};
    state_.conversation_identifier = "c";
    state_.org_id = org_.id;
    state_.channel_address = "a";
    state_.channel_definition = "P_Def";
    state_.end_user_client_id = "u";
    state_.session_id = "0Mw8c0000000001";
    state_.session_status = "Active";
    state_.participants = {{"custom", "u", "EndUser", "", 1}, {"agent", "005R", "Agent", "R", 2}};
    request_ = {"a", "u", "c", "End", "System", std::nullopt};
  }
  config::Org org_;
  config::ChannelDefinition definition_;
  EventOrigin origin_;
  ConversationState state_;
  MessagingSessionRequest request_;
};

TEST_F(DecideSessionOperationTest, EndRemovesAgentsAndEnds) {
  auto change = DecideSessionOperation(state_, request_, origin_);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->session_status, "Ended");
  EXPECT_EQ(change->session_end_time, 42);
  ASSERT_EQ(change->left.size(), 1u);
  EXPECT_EQ(change->left[0].first, "005R");
  ASSERT_EQ(change->events.size(), 2u);
  auto status = boost::json::parse(*change->events[1].payload).at("payload").at("entryPayload");
  EXPECT_EQ(status.at("sessionEndedByRole"), "System");
  EXPECT_EQ(status.at("sessionStatusPrev"), "Active");
}

TEST_F(DecideSessionOperationTest, InactivateIsIdempotentAndEndedIsTerminal) {
  request_.operation = "Inactivate";
  request_.session_id = state_.session_id;
  auto change = DecideSessionOperation(state_, request_, origin_);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->session_status, "Inactive");
  EXPECT_TRUE(change->left.empty());
  state_.session_status = "Inactive";
  auto again = DecideSessionOperation(state_, request_, origin_);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->events.empty());
  state_.session_status = "Ended";
  EXPECT_EQ(DecideSessionOperation(state_, request_, origin_).error().code, 10071);
}

TEST_F(DecideSessionOperationTest, AccessEndUserAndSessionChecks) {
  auto other = request_;
  other.channel_address_identifier = "b";
  EXPECT_EQ(DecideSessionOperation(state_, other, origin_).error().code, 10104);
  other = request_;
  other.end_user_client_id = "v";
  EXPECT_EQ(DecideSessionOperation(state_, other, origin_).error().code, 10105);
  other = request_;
  other.session_id = "0Mw8c0000000002";
  EXPECT_EQ(DecideSessionOperation(state_, other, origin_).error().code, 10071);
}

}  // namespace
}  // namespace interactiond::domain
