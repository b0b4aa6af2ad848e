#include "domain/bot_resolution.h"

#include <gtest/gtest.h>

namespace interactiond::domain {
namespace {

config::Org BotOrg() {
  config::Org org;
  org.id = "00D000000000001";
  org.bot_integrations = {{"P_BotDefinition", "P_App", "P_Bot_Event__e"},
                          {"P_OtherBotDefinition", "P_App", "P_Other_Event__e"}};
  org.bots = {{"1JZ000000000001", "Active_Bot", "P_BotDefinition", true},
              {"1JZ000000000002", "Inactive_Bot", "P_BotDefinition", false},
              {"1JZ000000000003", "Other_Bot", "P_OtherBotDefinition", true},
              {"1JZ000000000004", "Other_Inactive", "P_OtherBotDefinition", false}};
  return org;
}

int CodeOf(const Result<const config::Bot*>& result) {
  return result.ok() ? 0 : result.error().code;
}

TEST(BotResolutionTest, WellFormedIds) {
  EXPECT_TRUE(IsWellFormedBotId("1JZ000000000001"));
  EXPECT_TRUE(IsWellFormedBotId("1JZ000000000001AAA"));
  EXPECT_FALSE(IsWellFormedBotId(""));
  EXPECT_FALSE(IsWellFormedBotId("1JZ00000000001"));      // 14
  EXPECT_FALSE(IsWellFormedBotId("1JZ0000000000001"));    // 16
  EXPECT_FALSE(IsWellFormedBotId("1JZ00000000000-1"));    // 16, punctuation
  EXPECT_FALSE(IsWellFormedBotId("1JZ00000000000_"));     // 15, punctuation
  EXPECT_FALSE(IsWellFormedBotId("1JZ00000000000\xC3"));  // 15 bytes, not ASCII
}

TEST(BotResolutionTest, ResolvesAnActiveBotOfTheContext) {
  const config::Org org = BotOrg();
  auto bot = ResolveBot(org, &org.bot_integrations[0], "1JZ000000000001");
  ASSERT_TRUE(bot.ok());
  EXPECT_EQ((*bot)->name, "Active_Bot");
  auto long_form = ResolveBot(org, &org.bot_integrations[0], "1JZ000000000001XYZ");
  ASSERT_TRUE(long_form.ok());
  EXPECT_EQ((*long_form)->id, "1JZ000000000001");  // the canonical 15-character id
}

TEST(BotResolutionTest, EachRuleHasItsCode) {
  const config::Org org = BotOrg();
  const auto* mine = &org.bot_integrations[0];
  EXPECT_EQ(CodeOf(ResolveBot(org, mine, "nope")), 10084);
  EXPECT_EQ(CodeOf(ResolveBot(org, mine, "")), 10084);
  EXPECT_EQ(CodeOf(ResolveBot(org, mine, "1JZ000000000009")), 10086);
  EXPECT_EQ(CodeOf(ResolveBot(org, mine, "0058c00000DREP1")), 10086);  // a user, not a bot
  EXPECT_EQ(CodeOf(ResolveBot(org, mine, "1JZ000000000003")), 10087);
  EXPECT_EQ(CodeOf(ResolveBot(org, nullptr, "1JZ000000000001")), 10087);
  EXPECT_EQ(CodeOf(ResolveBot(org, mine, "1JZ000000000002")), 10088);
  // Authorization is checked before activity: another integration's inactive bot is 10087.
  EXPECT_EQ(CodeOf(ResolveBot(org, mine, "1JZ000000000004")), 10087);
  // Ids are case-sensitive, as Salesforce 15-character ids are.
  EXPECT_EQ(CodeOf(ResolveBot(org, mine, "1jz000000000001")), 10086);
}

TEST(BotResolutionTest, SenderSubjectReportsMalformedIdsAsUnknownBots) {
  const config::Org org = BotOrg();
  const auto* mine = &org.bot_integrations[0];
  EXPECT_EQ(CodeOf(ResolveSenderBot(org, mine, "not a bot")), 10086);
  EXPECT_EQ(CodeOf(ResolveSenderBot(org, mine, "1JZ000000000009")), 10086);
  EXPECT_EQ(CodeOf(ResolveSenderBot(org, mine, "1JZ000000000003")), 10087);
  EXPECT_EQ(CodeOf(ResolveSenderBot(org, mine, "1JZ000000000002")), 10088);
  EXPECT_EQ(CodeOf(ResolveSenderBot(org, mine, "1JZ000000000001")), 0);
}

TEST(BotResolutionTest, SameBotId) {
  const config::Org org = BotOrg();
  EXPECT_TRUE(IsSameBotId("1JZ000000000001", org.bots[0]));
  EXPECT_TRUE(IsSameBotId("1JZ000000000001abc", org.bots[0]));
  EXPECT_FALSE(IsSameBotId("1JZ000000000002", org.bots[0]));
  EXPECT_FALSE(IsSameBotId("1JZ00000000000", org.bots[0]));
}

}  // namespace
}  // namespace interactiond::domain
