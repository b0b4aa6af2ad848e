#include "domain/bot_attachment.h"

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace interactiond::domain {
namespace {

using boost::json::object;

constexpr int64_t kNow = 1'700'000'000'000;

std::string Body(const std::function<void(object&)>& edit = {}) {
  object body = boost::json::parse(R"({
    "conversationIdentifier": "conv-1",
    "sender": {"subject": "1JZ000000000001"},
    "conversationEntries": [{"clientTimestamp": 1700000000000, "id": "att-1",
                             "attachmentIndex": 0, "contentLength": 4}]
  })")
                    .as_object();
  if (edit) edit(body);
  return boost::json::serialize(body);
}

object& Item(object& body) { return body["conversationEntries"].as_array()[0].as_object(); }

int CodeOf(const std::string& body) {
  auto parsed = ParseBotAttachmentRequest(body, kNow);
  return parsed.ok() ? 0 : parsed.error().code;
}

TEST(BotAttachmentTest, ParsesTheReadmeShape) {
  auto parsed = ParseBotAttachmentRequest(Body(), kNow);
  ASSERT_TRUE(parsed.ok()) << parsed.error().log_detail;
  EXPECT_EQ(parsed->conversation_identifier, "conv-1");
  EXPECT_EQ(parsed->sender_subject, "1JZ000000000001");
  EXPECT_EQ(parsed->client_timestamp, kNow);
  EXPECT_EQ(parsed->id, "att-1");
  EXPECT_EQ(parsed->content_length, 4);
  EXPECT_EQ(parsed->attachment_index, 0);
  EXPECT_FALSE(parsed->text.has_value());
  auto captioned =
      ParseBotAttachmentRequest(Body([](object& b) { Item(b)["text"] = "see this"; }), kNow);
  ASSERT_TRUE(captioned.ok());
  EXPECT_EQ(captioned->text.value_or(""), "see this");
}

TEST(BotAttachmentTest, RulesAndTheirCodes) {
  EXPECT_EQ(CodeOf("{"), 10100);
  EXPECT_EQ(CodeOf("\"x\""), 10100);
  EXPECT_EQ(CodeOf(Body([](object& b) { b.erase("conversationIdentifier"); })), 10018);
  EXPECT_EQ(CodeOf(Body([](object& b) { b.erase("sender"); })), 10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"] = {{"role", "Chatbot"}}; })), 10086);
  // appType and role may be absent (the README sample); when present they must be the bot's.
  EXPECT_EQ(
      CodeOf(Body([](object& b) {
        b["sender"] = {{"subject", "1JZ000000000001"}, {"appType", "custom"}, {"role", "Chatbot"}};
      })),
      0);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"].as_object()["appType"] = "agent"; })), 10037);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"].as_object()["role"] = "Agent"; })), 10038);
  EXPECT_EQ(CodeOf(Body([](object& b) { b.erase("conversationEntries"); })), 10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["conversationEntries"] = boost::json::array{}; })),
            10089);
  EXPECT_EQ(CodeOf(Body([](object& b) {
              auto& list = b["conversationEntries"].as_array();
              list.push_back(list[0]);
            })),
            10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["conversationEntries"] = boost::json::array{"x"}; })),
            10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b).erase("clientTimestamp"); })), 10046);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b)["clientTimestamp"] = 1; })), 10046);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b).erase("id"); })), 10007);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b)["id"] = ""; })), 10007);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b).erase("contentLength"); })), 10010);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b)["contentLength"] = ""; })), 10010);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b)["contentLength"] = -1; })), 10010);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b)["contentLength"] = "4"; })), 0);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b).erase("attachmentIndex"); })), 10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b)["attachmentIndex"] = -1; })), 10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b)["text"] = 3; })), 10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b)["text"] = nullptr; })), 0);
}

TEST(BotAttachmentTest, FileRulesAreThoseOfInteractions) {
  auto request = ParseBotAttachmentRequest(Body(), kNow);
  ASSERT_TRUE(request.ok());
  auto code = [&](std::vector<ReceivedFile> files) {
    auto status = CheckBotAttachmentFiles(*request, files);
    return status.ok() ? 0 : status.error().code;
  };
  EXPECT_EQ(code({{4, false}}), 0);
  EXPECT_EQ(code({}), 10009);
  EXPECT_EQ(code({{4, false}, {4, false}}), 10011);
  EXPECT_EQ(code({{0, false}}), 10009);
  EXPECT_EQ(code({{kMaxAttachmentBytes + 1, true}}), 10008);
  EXPECT_EQ(code({{5, false}}), 10051);
  request->attachment_index = 1;
  EXPECT_EQ(code({{4, false}}), 10011);
}

TEST(BotAttachmentTest, TheEntryIsAnAttachmentsMessage) {
  auto request =
      ParseBotAttachmentRequest(Body([](object& b) { Item(b)["text"] = "caption"; }), kNow);
  ASSERT_TRUE(request.ok());
  const BotEntry entry = BotAttachmentEntry(*request, "cat.png", "image/png", "http://h/a/1");
  EXPECT_EQ(entry.entry_id, "att-1");
  EXPECT_EQ(entry.entry_type, "Message");
  EXPECT_EQ(entry.client_timestamp, kNow);
  const auto& payload = entry.entry_payload;
  EXPECT_EQ(payload.at("entryType"), "Message");
  EXPECT_EQ(payload.at("id"), "att-1");
  EXPECT_TRUE(payload.at("messageReason").is_null());
  const auto& message = payload.at("abstractMessage").as_object();
  EXPECT_EQ(message.at("messageType"), "StaticContentMessage");
  EXPECT_EQ(message.at("id"), "att-1");
  const auto& content = message.at("staticContent").as_object();
  EXPECT_EQ(content.at("formatType"), "Attachments");
  EXPECT_EQ(content.at("text"), "caption");
  const auto& attachment = content.at("attachments").as_array().at(0).as_object();
  EXPECT_EQ(attachment.at("id"), "att-1");
  EXPECT_EQ(attachment.at("name"), "cat.png");
  EXPECT_EQ(attachment.at("mimeType"), "image/png");
  EXPECT_EQ(attachment.at("url"), "http://h/a/1");
  // What a bot would send itself as a Message passes the bot message rules.
  EXPECT_TRUE(CheckBotMessage(message).ok());
}

}  // namespace
}  // namespace interactiond::domain
