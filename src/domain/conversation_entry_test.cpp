#include "domain/conversation_entry.h"

#include <functional>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace interactiond::domain {
namespace {

using boost::json::object;
using boost::json::value;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr char kBotId[] = "1JZ000000000001";

// A valid request body; `edit` changes it before it is serialised.
std::string Body(const std::function<void(object&)>& edit = {}) {
  object body = boost::json::parse(R"({
    "conversationIdentifier": "c0ffee00-0000-4000-8000-000000000001",
    "sender": {"appType": "custom", "subject": "1JZ000000000001", "role": "Chatbot"},
    "conversationEntries": [{
      "clientTimestamp": 1700000000000,
      "entryPayload": {
        "entryType": "Message", "id": "entry-1",
        "abstractMessage": {"messageType": "StaticContentMessage", "id": "message-1",
                            "staticContent": {"formatType": "Text", "text": "Hello"}}}}]
  })")
                    .as_object();
  if (edit) edit(body);
  return boost::json::serialize(body);
}

object& Item(object& body) { return body["conversationEntries"].as_array()[0].as_object(); }
object& Payload(object& body) { return Item(body)["entryPayload"].as_object(); }
object& Message(object& body) { return Payload(body)["abstractMessage"].as_object(); }

int CodeOf(const std::string& body) {
  auto parsed = ParsePostConversationEntry(body, kNow);
  return parsed.ok() ? 0 : parsed.error().code;
}

int MessageCode(const value& message) {
  return CodeOf(Body([&](object& body) { Payload(body)["abstractMessage"] = message; }));
}

TEST(ConversationEntryParseTest, AValidMessage) {
  auto parsed = ParsePostConversationEntry(Body(), kNow);
  ASSERT_TRUE(parsed.ok()) << parsed.error().log_detail;
  EXPECT_EQ(parsed->conversation_identifier, "c0ffee00-0000-4000-8000-000000000001");
  EXPECT_EQ(parsed->sender_subject, kBotId);
  EXPECT_EQ(parsed->entry.entry_id, "entry-1");  // the entry's id, not the message's
  EXPECT_EQ(parsed->entry.entry_type, "Message");
  EXPECT_EQ(parsed->entry.client_timestamp, kNow);
  EXPECT_TRUE(parsed->entry.entry_payload.at("messageReason").is_null());
  EXPECT_EQ(parsed->entry.entry_payload.at("abstractMessage").at("id"), "message-1");
}

TEST(ConversationEntryParseTest, TypingIndicators) {
  for (const char* type : {"TypingStartedIndicator", "TypingStoppedIndicator"}) {
    const std::string body = Body([&](object& b) {
      Payload(b) = {{"entryType", type}, {"id", "t-1"}, {"timestamp", kNow}};
    });
    auto parsed = ParsePostConversationEntry(body, kNow);
    ASSERT_TRUE(parsed.ok()) << type;
    EXPECT_EQ(parsed->entry.entry_type, type);
    EXPECT_FALSE(parsed->entry.entry_payload.contains("messageReason"));
    EXPECT_EQ(CodeOf(Body([&](object& b) {
                Payload(b) = {{"entryType", type}, {"id", "t-1"}};
              })),
              10045);  // no timestamp
    EXPECT_EQ(CodeOf(Body([&](object& b) {
                Payload(b) = {{"entryType", type}, {"id", "t-1"}, {"timestamp", "soon"}};
              })),
              10045);
  }
}

TEST(ConversationEntryParseTest, BodyAndEnvelopeRules) {
  EXPECT_EQ(CodeOf("not json"), 10100);
  EXPECT_EQ(CodeOf("[1]"), 10100);
  EXPECT_EQ(CodeOf(Body([](object& b) { b.erase("conversationIdentifier"); })), 10018);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["conversationIdentifier"] = ""; })), 10018);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["conversationIdentifier"] = 42; })), 10018);
  EXPECT_EQ(
      CodeOf(Body([](object& b) { b["conversationIdentifier"] = boost::json::string(241, 'c'); })),
      10018);
  EXPECT_EQ(
      CodeOf(Body([](object& b) { b["conversationIdentifier"] = boost::json::string(240, 'c'); })),
      0);
  EXPECT_EQ(CodeOf(Body([](object& b) { b.erase("conversationEntries"); })), 10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["conversationEntries"] = "x"; })), 10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["conversationEntries"] = boost::json::array{}; })),
            10089);
  EXPECT_EQ(CodeOf(Body([](object& b) {
              auto& list = b["conversationEntries"].as_array();
              list.push_back(list[0]);
            })),
            10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["conversationEntries"] = boost::json::array{1}; })),
            10045);
}

TEST(ConversationEntryParseTest, SenderRules) {
  EXPECT_EQ(CodeOf(Body([](object& b) { b.erase("sender"); })), 10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"] = "bot"; })), 10089);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"].as_object().erase("subject"); })), 10086);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"].as_object()["subject"] = ""; })), 10086);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"].as_object()["subject"] = 7; })), 10086);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"].as_object()["appType"] = "chatbot"; })), 10037);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"].as_object().erase("appType"); })), 10037);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"].as_object()["role"] = "EndUser"; })), 10038);
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"].as_object().erase("role"); })), 10038);
  // The subject's shape and bot are the resolver's business (domain/bot_resolution.h).
  EXPECT_EQ(CodeOf(Body([](object& b) { b["sender"].as_object()["subject"] = "whoever"; })), 0);
}

TEST(ConversationEntryParseTest, ClientTimestampFrame) {
  auto with = [](value timestamp) {
    return CodeOf(Body([&](object& b) { Item(b)["clientTimestamp"] = timestamp; }));
  };
  EXPECT_EQ(with(kNow - kMaxEntryAgeMs), 0);
  EXPECT_EQ(with(kNow - kMaxEntryAgeMs - 1), 10046);
  EXPECT_EQ(with(kNow + kMaxEntryLeadMs), 0);
  EXPECT_EQ(with(kNow + kMaxEntryLeadMs + 1), 10046);
  EXPECT_EQ(with(0), 10046);
  EXPECT_EQ(with(-1), 10046);
  EXPECT_EQ(with(value(std::to_string(kNow).c_str())), 0);  // a decimal string is accepted
  EXPECT_EQ(with("yesterday"), 10046);
  EXPECT_EQ(with(1.5), 10046);
  EXPECT_EQ(with(nullptr), 10046);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b).erase("clientTimestamp"); })), 10046);
}

TEST(ConversationEntryParseTest, EntryRules) {
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b).erase("entryPayload"); })), 10045);
  EXPECT_EQ(CodeOf(Body([](object& b) { Item(b)["entryPayload"] = "x"; })), 10045);
  EXPECT_EQ(CodeOf(Body([](object& b) { Payload(b).erase("entryType"); })), 10045);
  for (const char* type : {"MessageDeliveryFailed", "ParticipantChanged", "Note", "message"}) {
    EXPECT_EQ(CodeOf(Body([&](object& b) { Payload(b)["entryType"] = type; })), 10045) << type;
  }
  EXPECT_EQ(CodeOf(Body([](object& b) { Payload(b).erase("id"); })), 10045);
  EXPECT_EQ(CodeOf(Body([](object& b) { Payload(b)["id"] = ""; })), 10045);
  EXPECT_EQ(CodeOf(Body([](object& b) { Payload(b)["id"] = 5; })), 10045);
  EXPECT_EQ(CodeOf(Body([](object& b) { Payload(b).erase("abstractMessage"); })), 10045);
  EXPECT_EQ(CodeOf(Body([](object& b) { Message(b).erase("id"); })), 10045);
  // Unknown fields are kept.
  auto parsed = ParsePostConversationEntry(Body([](object& b) {
                                             Payload(b)["extra"] = {{"kept", true}};
                                           }),
                                           kNow);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->entry.entry_payload.at("extra").at("kept"), true);
}

TEST(ConversationEntryParseTest, MessageTypeAndFormatRules) {
  auto message = [](std::string_view type, std::string_view key, object content) {
    return value{{"messageType", type}, {"id", "m"}, {key, std::move(content)}};
  };
  EXPECT_EQ(MessageCode({{"id", "m"}}), 10047);
  EXPECT_EQ(MessageCode(message("ChoicesResponseMessage", "choicesResponse",
                                {{"formatType", "Selections"}})),
            10047);  // the end user's, not a bot's
  EXPECT_EQ(MessageCode(message("FormResponseMessage", "formResponse", {{"formatType", "Result"}})),
            10047);
  EXPECT_EQ(MessageCode(message("Bogus", "staticContent", {{"formatType", "Text"}})), 10047);
  EXPECT_EQ(MessageCode({{"messageType", "StaticContentMessage"}, {"id", "m"}}), 10045);
  EXPECT_EQ(MessageCode(message("StaticContentMessage", "staticContent", {{"text", "x"}})), 10048);
  EXPECT_EQ(MessageCode(message("StaticContentMessage", "staticContent", {{"formatType", "Gif"}})),
            10048);
  EXPECT_EQ(MessageCode(message("StaticContentMessage", "staticContent",
                                {{"formatType", "Buttons"}, {"text", "x"}})),
            10049);
  EXPECT_EQ(MessageCode(message("ChoicesMessage", "choices", {{"formatType", "Text"}})), 10049);
  EXPECT_EQ(MessageCode(message("FormMessage", "form", {{"formatType", "Selections"}})), 10049);
  EXPECT_EQ(MessageCode(message("StaticContentMessage", "staticContent", {{"formatType", "Text"}})),
            10045);  // no text
}

TEST(ConversationEntryParseTest, RequiredContentOfEachFormat) {
  struct Case {
    const char* type;
    const char* key;
    const char* valid;    // content that passes
    const char* invalid;  // content that lacks something required
  };
  const Case cases[] = {
      {"StaticContentMessage", "staticContent", R"({"formatType":"Text","text":"hi"})",
       R"({"formatType":"Text","text":3})"},
      {"StaticContentMessage", "staticContent",
       R"({"formatType":"Links","links":[{"url":"https://x"}]})",
       R"({"formatType":"Links","links":[{"url":"a"},{"url":"b"}]})"},
      {"StaticContentMessage", "staticContent", R"({"formatType":"ExperienceType","values":[{}]})",
       R"({"formatType":"ExperienceType","values":[]})"},
      {"StaticContentMessage", "staticContent",
       R"({"formatType":"Attachments","attachments":[{"id":"a","name":"n","mimeType":"image/png","url":"u"}]})",
       R"({"formatType":"Attachments","attachments":[{"id":"a","name":"n","url":"u"}]})"},
      {"ChoicesMessage", "choices",
       R"({"formatType":"Buttons","text":"Pick","optionItems":[{"optionIdentifier":"1"}]})",
       R"({"formatType":"Buttons","text":"Pick","optionItems":[]})"},
      {"ChoicesMessage", "choices",
       R"({"formatType":"QuickReplies","text":"Pick","optionItems":[{}]})",
       R"({"formatType":"QuickReplies","optionItems":[{}]})"},
      {"ChoicesMessage", "choices", R"({"formatType":"ListPicker","title":"T","optionItems":[{}]})",
       R"({"formatType":"ListPicker","text":"T","optionItems":[{}]})"},
      {"ChoicesMessage", "choices", R"({"formatType":"Carousel","items":[{}]})",
       R"({"formatType":"Carousel"})"},
      {"ChoicesMessage", "choices", R"({"formatType":"TimePicker","calendarEvent":{}})",
       R"({"formatType":"TimePicker","calendarEvent":"today"})"},
      {"ChoicesMessage", "choices",
       R"({"formatType":"MessageDefinition","messageDefinitionNameOrId":"D","options":[{}]})",
       R"({"formatType":"MessageDefinition","messageDefinitionNameOrId":"D"})"},
      {"FormMessage", "form",
       R"({"formatType":"Inputs","formTitle":{"title":"F"},"sections":[{}]})",
       R"({"formatType":"Inputs","sections":[{}]})"},
      {"FormMessage", "form",
       R"({"formatType":"MessageDefinition","messageDefinitionNameOrId":"D"})",
       R"({"formatType":"MessageDefinition"})"},
  };
  for (const Case& c : cases) {
    auto message = [&](const char* content) {
      return value{{"messageType", c.type}, {"id", "m"}, {c.key, boost::json::parse(content)}};
    };
    EXPECT_EQ(MessageCode(message(c.valid)), 0) << c.valid;
    EXPECT_EQ(MessageCode(message(c.invalid)), 10045) << c.invalid;
  }
}

// --- The decision over the conversation ------------------------------------------------------

class BotEntryDecisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    org_.id = "00D000000000001";
    config::ChannelDefinition definition;
    definition.developer_name = "P_Def";
    definition.custom_platform_event = "P_Event__e";
    definition.event_type_field = "Type__c";
    definition.payload_field = "Body__c";
    org_.channel_definitions.push_back(definition);
    bot_ = {kBotId, "Demo_Bot", "P_BotDefinition", true};
    state_.conversation_identifier = "conv-1";
    state_.org_id = org_.id;
    state_.channel_address = "channel-1";
    state_.channel_definition = "P_Def";
    state_.end_user_client_id = "end-user-1";
    state_.session_id = "0Mw000000000001";
    state_.session_status = "Active";
    state_.participants.push_back({"custom", "end-user-1", "EndUser", "", 1});
    actor_ = {&org_, &bot_, "005000000000001", kNow + 7};
    auto parsed = ParsePostConversationEntry(Body(), kNow);
    ASSERT_TRUE(parsed.ok());
    entry_ = parsed->entry;
  }

  // The bot accepted its work (PATCH /agentWork Accept): its Opened work and its participant.
  void Join() {
    state_.participants.push_back({"custom", kBotId, "Chatbot", "Demo_Bot", 2});
    OpenWork();
  }
  void OpenWork() {
    AgentWork work;
    work.id = "0Bz000000000001";
    work.bot_id = kBotId;
    work.context_type = "Chatbot";
    work.status = "Opened";
    work.session_id = state_.session_id;
    state_.works.push_back(work);
  }

  config::Org org_;
  config::Bot bot_;
  ConversationState state_;
  BotActor actor_;
  BotEntry entry_;
};

TEST_F(BotEntryDecisionTest, AJoinedBotsMessageIsStoredAndEmittedLikeARepsMessage) {
  Join();
  auto change = DecideBotEntry(state_, actor_, entry_);
  ASSERT_TRUE(change.ok()) << change.error().log_detail;
  ASSERT_EQ(change->entries.size(), 1u);
  const NewEntry& stored = change->entries[0];
  EXPECT_EQ(stored.entry_id, "entry-1");
  EXPECT_EQ(stored.entry_type, "Message");
  EXPECT_EQ(stored.sender_app_type, "custom");
  EXPECT_EQ(stored.sender_subject, kBotId);
  EXPECT_EQ(stored.sender_role, "Chatbot");
  EXPECT_EQ(stored.client_timestamp, kNow);
  EXPECT_EQ(stored.transcripted_timestamp, kNow + 7);
  EXPECT_EQ(boost::json::parse(stored.payload_json), value(entry_.entry_payload));

  ASSERT_EQ(change->events.size(), 1u);
  const events::OutboundEvent& event = change->events[0];
  EXPECT_EQ(event.org_id, org_.id);
  EXPECT_EQ(event.topic, "/event/P_Event__e");  // the partner's channel, as for a rep
  EXPECT_EQ(event.event_type_field, "Type__c");
  EXPECT_EQ(event.payload_field, "Body__c");
  EXPECT_EQ(event.event_type.value_or(""), "Interaction");
  EXPECT_EQ(event.created_by_id, "005000000000001");
  EXPECT_EQ(event.created_date, kNow + 7);
  EXPECT_EQ(event.conversation_identifier, "conv-1");
  EXPECT_EQ(event.entry_type, "Message");
  const value payload = boost::json::parse(*event.payload);
  EXPECT_EQ(payload.at("conversationIdentifier"), "conv-1");
  EXPECT_EQ(payload.at("channelAddressIdentifier"), "channel-1");
  EXPECT_EQ(payload.at("recipient"),
            value({{"appType", "custom"}, {"subject", "end-user-1"}, {"role", "EndUser"}}));
  const value& entry = payload.at("payload");
  EXPECT_EQ(entry.at("sender"),
            value({{"appType", "custom"}, {"subject", kBotId}, {"role", "Chatbot"}}));
  EXPECT_EQ(entry.at("senderDisplayName"), "Demo_Bot");
  EXPECT_EQ(entry.at("identifier"), "entry-1");
  EXPECT_EQ(entry.at("entryType"), "Message");
  EXPECT_EQ(entry.at("entryPayload"), value(entry_.entry_payload));
  EXPECT_EQ(entry.at("clientTimestamp"), kNow);
  EXPECT_EQ(entry.at("transcriptedTimestamp"), kNow + 7);
}

TEST_F(BotEntryDecisionTest, TypingIsEmittedToo) {
  Join();
  auto parsed = ParsePostConversationEntry(
      Body([](object& b) {
        Payload(b) = {{"entryType", "TypingStartedIndicator"}, {"id", "t-1"}, {"timestamp", kNow}};
      }),
      kNow);
  ASSERT_TRUE(parsed.ok());
  auto change = DecideBotEntry(state_, actor_, parsed->entry);
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(change->events.size(), 1u);
  EXPECT_EQ(change->events[0].entry_type, "TypingStartedIndicator");
  ASSERT_EQ(change->entries.size(), 1u);
  EXPECT_EQ(change->entries[0].entry_type, "TypingStartedIndicator");
}

TEST_F(BotEntryDecisionTest, TheBotMustBeAPresentParticipant) {
  EXPECT_EQ(DecideBotEntry(state_, actor_, entry_).error().code, 10068);  // never joined
  // A rep, or a bot with another id, does not make this bot a participant.
  state_.participants.push_back({"agent", "005000000000009", "Agent", "Rep", 2});
  state_.participants.push_back({"custom", "1JZ000000000009", "Chatbot", "Other", 2});
  EXPECT_EQ(DecideBotEntry(state_, actor_, entry_).error().code, 10068);
  // The bot's id as an end user is not the bot.
  state_.participants.push_back({"custom", kBotId, "EndUser", "", 2});
  EXPECT_EQ(DecideBotEntry(state_, actor_, entry_).error().code, 10068);
}

TEST_F(BotEntryDecisionTest, AParticipantRecordedWithThe18CharacterIdIsTheBot) {
  state_.participants.push_back({"custom", std::string(kBotId) + "AAA", "Chatbot", "", 2});
  OpenWork();
  auto change = DecideBotEntry(state_, actor_, entry_);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->entries[0].sender_subject, kBotId);
}

// History uploads may name the bot as a participant: without its accepted work it has not joined.
TEST_F(BotEntryDecisionTest, ABotNamedAParticipantWithoutAcceptedWorkIsRefused) {
  state_.participants.push_back({"chatbot", kBotId, "Chatbot", "", 2});
  EXPECT_EQ(DecideBotEntry(state_, actor_, entry_).error().code, 10068);
  AgentWork work;
  work.id = "0Bz000000000002";
  work.bot_id = kBotId;
  work.status = "Closed";
  state_.works.push_back(work);
  EXPECT_EQ(DecideBotEntry(state_, actor_, entry_).error().code, 10068);
}

TEST_F(BotEntryDecisionTest, TheSenderIsAlwaysCustom) {
  state_.participants.push_back({"chatbot", kBotId, "Chatbot", "", 2});
  OpenWork();
  auto change = DecideBotEntry(state_, actor_, entry_);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->entries[0].sender_app_type, "custom");
}

TEST_F(BotEntryDecisionTest, ARetryIsAnsweredAfterTheBotLeft) {
  state_.find_entry = [](const std::string&) -> std::optional<EntryRef> {
    return EntryRef{"Message", "custom", kBotId, "Chatbot"};
  };
  auto change = DecideBotEntry(state_, actor_, entry_);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->entries.empty());
  EXPECT_TRUE(change->events.empty());
}

TEST_F(BotEntryDecisionTest, AnotherOrgsConversationIsUnknown) {
  Join();
  state_.org_id = "00D000000000002";
  EXPECT_EQ(DecideBotEntry(state_, actor_, entry_).error().code, 10018);
}

TEST_F(BotEntryDecisionTest, RepeatedIdsAreReplaysOrConflicts) {
  Join();
  EntryRef mine{"Message", "custom", kBotId, "Chatbot"};
  state_.find_entry = [&](const std::string& id) -> std::optional<EntryRef> {
    if (id == "entry-1") return mine;
    return std::nullopt;
  };
  auto replay = DecideBotEntry(state_, actor_, entry_);
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE(replay->entries.empty());
  EXPECT_TRUE(replay->events.empty());
  mine = {"Message", "custom", "end-user-1", "EndUser"};
  EXPECT_EQ(DecideBotEntry(state_, actor_, entry_).error().code, 10073);
}

TEST_F(BotEntryDecisionTest, AnUnconfiguredChannelDefinitionIsAnInternalError) {
  Join();
  state_.channel_definition = "Gone_Def";
  EXPECT_EQ(DecideBotEntry(state_, actor_, entry_).error().code, 500);
}

// --- GET parameters ------------------------------------------------------------------------

int ReadCode(const char* params) {
  auto parsed = ParseEntryRead(boost::json::parse(params).as_object());
  return parsed.ok() ? 0 : parsed.error().code;
}

TEST(EntryReadParseTest, DefaultsAndValues) {
  auto minimal = ParseEntryRead({{"conversationIdentifier", "c"}, {"startTime", 1}});
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(minimal->conversation_identifier, "c");
  EXPECT_EQ(minimal->start_time, 1);
  EXPECT_FALSE(minimal->end_time.has_value());
  EXPECT_EQ(minimal->limit, 20);
  EXPECT_EQ(minimal->direction, EntryDirection::kFromEnd);

  // Query parameters arrive as strings.
  auto full = ParseEntryRead({{"conversationIdentifier", "c"},
                              {"startTime", "5"},
                              {"endTime", "6"},
                              {"limit", "1"},
                              {"direction", "FROM_START"}});
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->start_time, 5);
  EXPECT_EQ(full->end_time.value_or(0), 6);
  EXPECT_EQ(full->limit, 1);
  EXPECT_EQ(full->direction, EntryDirection::kFromStart);
}

TEST(EntryReadParseTest, RulesInOrder) {
  EXPECT_EQ(ReadCode(R"({"startTime":1})"), 10018);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"","startTime":1})"), 10018);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c"})"), 10090);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":0})"), 10090);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":-5})"), 10090);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":"soon"})"), 10090);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":null})"), 10090);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":5,"endTime":5})"), 10091);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":5,"endTime":4})"), 10091);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":5,"endTime":"x"})"), 10091);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":5,"endTime":6})"), 0);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":5,"endTime":null})"), 0);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":1,"limit":0})"), 10092);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":1,"limit":21})"), 10092);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":1,"limit":2.5})"), 10092);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":1,"limit":"many"})"), 10092);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":1,"limit":20})"), 0);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":1,"direction":"UP"})"), 10089);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":1,"direction":"from_end"})"),
            10089);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":1,"direction":1})"), 10089);
  // The first failing rule decides.
  EXPECT_EQ(ReadCode(R"({"startTime":0,"limit":0})"), 10018);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":0,"limit":0})"), 10090);
  EXPECT_EQ(ReadCode(R"({"conversationIdentifier":"c","startTime":2,"endTime":1,"limit":0})"),
            10091);
}

}  // namespace
}  // namespace interactiond::domain
