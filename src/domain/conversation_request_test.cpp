#include "domain/conversation_request.h"

#include <gtest/gtest.h>

namespace interactiond::domain {
namespace {

int CodeOf(std::string_view body) {
  auto parsed = ParseConversationRequest(body);
  return parsed.ok() ? 0 : parsed.error().code;
}

constexpr char kValid[] =
    R"({"channelAddressIdentifier":"c","participants":[{"subject":"u","role":"EndUser","appType":"custom"}]})";

TEST(ParseConversationRequestTest, ValidRequest) {
  auto parsed = ParseConversationRequest(
      R"({"channelAddressIdentifier":"c","participants":[{"subject":"u","role":"EndUser",
          "appType":"custom","extra":1}],"routingAttributes":{"A":"x","B":2}})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->channel_address_identifier, "c");
  EXPECT_EQ(parsed->end_user_client_id, "u");
  ASSERT_EQ(parsed->routing_attributes.size(), 2u);
  EXPECT_EQ(parsed->routing_attributes[1].second, "2");
  EXPECT_EQ(CodeOf(kValid), 0);
}

TEST(ParseConversationRequestTest, RulesAndCodes) {
  EXPECT_EQ(CodeOf(""), 10100);
  EXPECT_EQ(CodeOf("[1]"), 10100);
  EXPECT_EQ(CodeOf(R"({"participants":[]})"), 10052);
  EXPECT_EQ(CodeOf(R"({"channelAddressIdentifier":"c"})"), 10053);
  EXPECT_EQ(CodeOf(R"({"channelAddressIdentifier":"c","participants":{}})"), 10053);
  EXPECT_EQ(CodeOf(R"({"channelAddressIdentifier":"c","participants":[]})"), 10039);
  EXPECT_EQ(CodeOf(R"({"channelAddressIdentifier":"c","participants":[1,1]})"), 10101);
  EXPECT_EQ(CodeOf(R"({"channelAddressIdentifier":"c","participants":[1,2]})"), 10053);
  EXPECT_EQ(CodeOf(R"({"channelAddressIdentifier":"c","participants":[1]})"), 10053);
  EXPECT_EQ(
      CodeOf(
          R"({"channelAddressIdentifier":"c","participants":[{"role":"EndUser","appType":"custom"}]})"),
      10054);
  EXPECT_EQ(
      CodeOf(
          R"({"channelAddressIdentifier":"c","participants":[{"subject":"u","role":"EndUser","appType":"agent"}]})"),
      10037);
  EXPECT_EQ(
      CodeOf(
          R"({"channelAddressIdentifier":"c","participants":[{"subject":"u","role":"Agent","appType":"custom"}]})"),
      10038);
  EXPECT_EQ(
      CodeOf(
          R"({"channelAddressIdentifier":"c","participants":[{"subject":"u","role":"EndUser","appType":"custom"}],"routingAttributes":[]})"),
      10089);
  EXPECT_EQ(CodeOf(std::string(R"({"channelAddressIdentifier":")") + std::string(241, 'x') +
                   R"(","participants":[]})"),
            10052);
}

TEST(ParseConversationRequestTest, OrderChannelBeforeParticipantsBeforeAttributes) {
  EXPECT_EQ(CodeOf(R"({"participants":[],"routingAttributes":7})"), 10052);
  EXPECT_EQ(CodeOf(R"({"channelAddressIdentifier":"c","participants":[],"routingAttributes":7})"),
            10039);
}

}  // namespace
}  // namespace interactiond::domain
