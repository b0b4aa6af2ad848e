#include "domain/consent.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace interactiond::domain {
namespace {

int CodeOf(std::string_view body) {
  auto parsed = ParseConsentRequest(body);
  return parsed.ok() ? 0 : parsed.error().code;
}

TEST(ConsentTest, ParseRules) {
  EXPECT_EQ(CodeOf("x"), 10100);
  EXPECT_EQ(CodeOf(R"({"endUserClientId":"u","consentStatus":"OptedOut"})"), 10017);
  EXPECT_EQ(CodeOf(R"({"channelAddressIdentifier":"c","consentStatus":"OptedOut"})"), 10020);
  EXPECT_EQ(CodeOf(R"({"channelAddressIdentifier":"c","endUserClientId":"u"})"), 10021);
  EXPECT_EQ(
      CodeOf(R"({"channelAddressIdentifier":"c","endUserClientId":"u","consentStatus":"OptOut"})"),
      10021);
  EXPECT_EQ(
      CodeOf(
          R"({"channelAddressIdentifier":"c","endUserClientId":"u","consentStatus":"DoublyOptedIn"})"),
      0);
}

TEST(ConsentTest, OwnershipRules) {
  config::ChannelDefinition definition;
  EXPECT_TRUE(CheckConsentOwnership(definition).ok());
  definition.supports_keywords = true;
  EXPECT_EQ(CheckConsentOwnership(definition).error().code, 10023);
  definition.consent_owner = config::ConsentOwner::kSalesforce;
  EXPECT_EQ(CheckConsentOwnership(definition).error().code, 10022);  // owner first
}

TEST(ConsentTest, DecisionAndEvent) {
  config::Org org;
  org.id = "00D000000000001";
  config::ChannelDefinition definition;
  definition.custom_platform_event = "P__e";
  EventOrigin origin{
      &org, &definition, "005000000000001", {"conversation", "005", "System"}, "System", 7};
  ConversationState state;
  state.conversation_identifier = "c";
  state.end_user_client_id = "u";
  state.consent_status = "ImplicitlyOptedIn";
  ConsentRequest request{"u", "c", "OptedOut"};
  auto change = DecideConsent(state, request, origin);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->consent_status, "OptedOut");
  ASSERT_EQ(change->events.size(), 1u);
  auto entry = boost::json::parse(*change->events[0].payload).at("payload").at("entryPayload");
  EXPECT_EQ(entry.at("consentStatus"), "OptOut");
  EXPECT_EQ(entry.at("endUserSubject"), "u");
  EXPECT_EQ(entry.at("isEndUserInitiated"), false);
  state.consent_status = "OptedOut";
  auto same = DecideConsent(state, request, origin);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->consent_status.has_value());
  EXPECT_TRUE(same->events.empty());
}

}  // namespace
}  // namespace interactiond::domain
