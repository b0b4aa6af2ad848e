#include "domain/acknowledgement.h"

#include <gtest/gtest.h>

namespace interactiond::domain {
namespace {

int CodeOf(std::string_view body) {
  auto parsed = ParseAcknowledgementRequest(body);
  return parsed.ok() ? 0 : parsed.error().code;
}

constexpr char kSender[] = R"("sender":{"appType":"custom","subject":"u","role":"EndUser"})";

std::string Body(const std::string& rest) { return std::string("{") + kSender + "," + rest + "}"; }

TEST(AcknowledgementTest, ParseRules) {
  const std::string ack =
      R"({"acknowledgementType":"Read","acknowledgedConversationEntryIdentifier":"e",)"
      R"("acknowledgmentCreatedConversationEntryIdentifier":"n","acknowledgementTimestamp":"5"})";
  EXPECT_EQ(CodeOf(Body(R"("conversationIdentifier":"c","acknowledgements":[)" + ack + "]")), 0);
  EXPECT_EQ(CodeOf(R"({"conversationIdentifier":"c","acknowledgements":[]})"), 10036);
  EXPECT_EQ(CodeOf(Body(R"("acknowledgements":[)" + ack + "]")), 10018);
  EXPECT_EQ(CodeOf(Body(R"("conversationIdentifier":"c","acknowledgements":[])")), 10089);
  std::string many;
  for (int i = 0; i < 26; ++i) many += (i ? "," : "") + ack;
  EXPECT_EQ(CodeOf(Body(R"("conversationIdentifier":"c","acknowledgements":[)" + many + "]")),
            10089);
  EXPECT_EQ(
      CodeOf(Body(
          R"("conversationIdentifier":"c","acknowledgements":[{"acknowledgementType":"Read"}])")),
      10089);
}

TEST(AcknowledgementTest, DecisionChecksSenderAndEntries) {
  config::Org org;
  org.id = "00D000000000001";
  config::ChannelDefinition definition;
  EventOrigin origin{&org, &definition, "005", {"custom", "u", "EndUser"}, "u", 9};
  ConversationState state;
  state.conversation_identifier = "c";
  state.end_user_client_id = "u";
  state.find_entry = [](const std::string& id) -> std::optional<EntryRef> {
    if (id == "rep") return EntryRef{"Message", "agent", "005R", "Agent"};
    if (id == "mine") return EntryRef{"Message", "custom", "u", "EndUser"};
    return std::nullopt;
  };
  AcknowledgementRequest request{
      "u", "c", {{"Read", "rep", "n1", 2}, {"Delivered", "rep", "n2", 1}}};
  auto change = DecideAcknowledgements(state, request, origin);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->acknowledged.size(), 2u);
  EXPECT_EQ(change->acknowledged[0].second, "Delivered");  // oldest first
  EXPECT_EQ(change->acknowledged[1].second, "Read");
  EXPECT_EQ(change->entries[1].entry_type, "ReadAcknowledgement");
  EXPECT_EQ(change->events.size(), 2u);
  request.acknowledgements = {{"Read", "mine", "n3", 1}};
  EXPECT_EQ(DecideAcknowledgements(state, request, origin).error().code, 10089);
  request.acknowledgements = {{"Read", "unknown", "n4", 1}};
  EXPECT_EQ(DecideAcknowledgements(state, request, origin).error().code, 10089);
  request.sender_subject = "v";
  EXPECT_EQ(DecideAcknowledgements(state, request, origin).error().code, 10036);
}

}  // namespace
}  // namespace interactiond::domain
