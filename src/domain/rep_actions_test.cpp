#include "domain/rep_actions.h"

#include "domain/outbound_payloads.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace interactiond::domain {
namespace {

class RepActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    definition_.developer_name = "P_Def";
    definition_.custom_platform_event = "P_Event__e";
    definition_.event_type_field = "Type__c";
    definition_.payload_field = "Body__c";
    org_.id = "00D000000000001";
    rep_.id = "005000000000001";
    rep_.name = "Alice";
    context_ = {&org_, &definition_, &rep_, 1700000000123};
    state_.conversation_identifier = "conv-1";
    state_.org_id = org_.id;
    state_.channel_address = "channel-1";
    state_.end_user_client_id = "end-user-1";
    state_.session_id = "0Mw8c0000000001";
    state_.session_status = "New";
    state_.session_start_time = 1700000000000;
    state_.participants.push_back({"custom", "end-user-1", "EndUser", "", 1700000000000});
  }

  static boost::json::object Payload(const events::OutboundEvent& event) {
    return boost::json::parse(*event.payload).as_object();
  }
  static boost::json::object Entry(const events::OutboundEvent& event) {
    return Payload(event).at("payload").at("entryPayload").as_object();
  }

  config::ChannelDefinition definition_;
  config::Org org_;
  config::User rep_;
  RepContext context_;
  ConversationState state_;
};

TEST_F(RepActionsTest, JoinAddsTheRepActivatesTheSessionAndReportsBoth) {
  auto change = RepJoin(state_, context_);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->joined.size(), 1u);
  EXPECT_EQ(change->joined[0].role, "Agent");
  EXPECT_EQ(change->session_status, "Active");
  ASSERT_EQ(change->events.size(), 2u);
  const auto& joined = change->events[0];
  EXPECT_EQ(joined.topic, "/event/P_Event__e");
  EXPECT_EQ(joined.event_type_field, "Type__c");
  EXPECT_EQ(joined.payload_field, "Body__c");
  EXPECT_EQ(joined.created_by_id, rep_.id);
  EXPECT_EQ(joined.entry_type, "ParticipantChanged");
  EXPECT_EQ(Entry(joined).at("entries").as_array()[0].at("operation"), "add");
  const auto status = Entry(change->events[1]);
  EXPECT_EQ(status.at("sessionStatus"), "Active");
  EXPECT_EQ(status.at("sessionStatusPrev"), "New");
  EXPECT_EQ(status.at("sessionId"), state_.session_id.c_str());
  EXPECT_TRUE(status.at("sessionEndedByRole").is_null());
  const auto payload = Payload(joined);
  EXPECT_EQ(payload.at("conversationIdentifier"), "conv-1");
  EXPECT_EQ(payload.at("recipient").at("subject"), "end-user-1");
  EXPECT_EQ(payload.at("payload").at("sender").at("role"), "Agent");
}

TEST_F(RepActionsTest, JoinTwiceChangesNothing) {
  state_.participants.push_back({"agent", rep_.id, "Agent", "Alice", 1});
  auto change = RepJoin(state_, context_);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->events.empty());
  EXPECT_FALSE(change->session_status.has_value());
}

TEST_F(RepActionsTest, RulesAndTheirCodes) {
  EXPECT_EQ(
      RepSendMessage(state_, context_, {{"messageType", "StaticContentMessage"}}).error().code,
      10045);  // no id
  boost::json::object text = {{"messageType", "StaticContentMessage"},
                              {"id", "m1"},
                              {"staticContent", {{"formatType", "Text"}, {"text", "hi"}}}};
  EXPECT_EQ(RepSendMessage(state_, context_, text).error().code, 10036);  // not joined
  config::User no_partner = rep_;
  no_partner.partner_messaging = false;
  RepContext lacking = context_;
  lacking.rep = &no_partner;
  EXPECT_EQ(RepJoin(state_, lacking).error().code, 15105);
  RepContext unknown = context_;
  unknown.rep = nullptr;
  EXPECT_EQ(RepJoin(state_, unknown).error().code, 15106);
  state_.session_status = "Ended";
  EXPECT_EQ(RepJoin(state_, context_).error().code, 10071);
}

TEST_F(RepActionsTest, OutboundMessageChecks) {
  EXPECT_EQ(
      CheckOutboundMessage({{"messageType", "ChoicesResponseMessage"}, {"id", "x"}}).error().code,
      10047);  // an end user's type, not a rep's
  EXPECT_EQ(
      CheckOutboundMessage(
          {{"messageType", "ChoicesMessage"}, {"id", "x"}, {"choices", {{"formatType", "Nope"}}}})
          .error()
          .code,
      10048);
  EXPECT_TRUE(
      CheckOutboundMessage(
          {{"messageType", "FormMessage"}, {"id", "x"}, {"form", {{"formatType", "Inputs"}}}})
          .ok());
}

TEST_F(RepActionsTest, MessageIsStoredAndReportedWithTheSameId) {
  state_.participants.push_back({"agent", rep_.id, "Agent", "Alice", 1});
  boost::json::object text = {{"messageType", "StaticContentMessage"},
                              {"id", "m1"},
                              {"staticContent", {{"formatType", "Text"}, {"text", "hi"}}}};
  auto change = RepSendMessage(state_, context_, text);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->entries.size(), 1u);
  EXPECT_EQ(change->entries[0].entry_id, "m1");
  EXPECT_EQ(change->entries[0].sender_role, "Agent");
  ASSERT_EQ(change->events.size(), 1u);
  const auto entry = Entry(change->events[0]);
  EXPECT_EQ(entry.at("id"), "m1");
  EXPECT_TRUE(entry.at("messageReason").is_null());
  EXPECT_EQ(Payload(change->events[0]).at("payload").at("identifier"), "m1");
}

TEST_F(RepActionsTest, EndLeavesEveryoneButTheEndUserAndEndsTheSession) {
  state_.session_status = "Active";
  state_.participants.push_back({"agent", rep_.id, "Agent", "Alice", 1});
  auto change = RepEnd(state_, context_);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->left.size(), 1u);
  EXPECT_EQ(change->left[0].first, rep_.id);
  EXPECT_EQ(change->session_status, "Ended");
  EXPECT_EQ(change->session_end_time, context_.now_ms);
  ASSERT_EQ(change->events.size(), 2u);
  const auto status = Entry(change->events[1]);
  EXPECT_EQ(status.at("sessionStatus"), "Ended");
  EXPECT_EQ(status.at("sessionStatusPrev"), "Active");
  EXPECT_EQ(status.at("sessionEndedByRole"), "Agent");
  EXPECT_EQ(status.at("sessionEndTime"), context_.now_ms);
}

TEST_F(RepActionsTest, TypingIsAnEventOnly) {
  state_.participants.push_back({"agent", rep_.id, "Agent", "Alice", 1});
  auto change = RepTyping(state_, context_, false);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->entries.empty());
  ASSERT_EQ(change->events.size(), 1u);
  EXPECT_EQ(change->events[0].entry_type, "TypingStoppedIndicator");
  EXPECT_EQ(Entry(change->events[0]).at("timestamp"), context_.now_ms);
}

TEST(OutboundPayloadsTest, AttachmentUploadedEntryMarksEveryAttachmentCompleted) {
  boost::json::object original = boost::json::parse(R"({"id":"a","entryType":"Message",
    "abstractMessage":{"messageType":"StaticContentMessage","id":"a","staticContent":{
    "formatType":"Attachments","attachments":[{"id":"a","name":"n","mimeType":"image/png",
    "url":"u"}]}}})")
                                     .as_object();
  auto entry = AttachmentUploadedEntry("e1", original);
  EXPECT_EQ(entry.at("entryType"), "MessageUpdated");
  EXPECT_EQ(entry.at("id"), "e1");
  EXPECT_EQ(entry.at("updatedMessage")
                .at("staticContent")
                .at("attachments")
                .as_array()[0]
                .at("attachmentUploadResult")
                .at("resultType"),
            "CompletedAttachmentUploadResult");
}

}  // namespace
}  // namespace interactiond::domain
