#include "domain/conversation_history.h"

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace interactiond::domain {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kHour = 60ll * 60 * 1000;

object Participant(const std::string& subject, const std::string& role, const std::string& app_type,
                   int64_t joined, std::optional<int64_t> left = std::nullopt) {
  object p;
  p["participant"] = {{"subject", subject}, {"role", role}, {"appType", app_type}};
  p["displayName"] = subject + " name";
  p["joinedTime"] = joined;
  if (left) p["leftTime"] = *left;
  return p;
}

object Text(const std::string& id, const std::string& text) {
  object payload;
  payload["entryType"] = "Message";
  payload["id"] = id;
  payload["abstractMessage"] = {{"messageType", "StaticContentMessage"},
                                {"id", id},
                                {"staticContent", {{"formatType", "Text"}, {"text", text}}}};
  return payload;
}

object Entry(int64_t timestamp, const std::string& subject, const std::string& role,
             const std::string& app_type, object payload) {
  object e;
  e["clientTimestamp"] = timestamp;
  e["sender"] = {{"subject", subject}, {"role", role}, {"appType", app_type}};
  e["entryPayload"] = std::move(payload);
  return e;
}

object FromUser(int64_t timestamp, const std::string& id) {
  return Entry(timestamp, "user-1", "EndUser", "custom", Text(id, "hi from the user"));
}

object FromBot(int64_t timestamp, object payload) {
  return Entry(timestamp, "bot-1", "Chatbot", "chatbot", std::move(payload));
}

// A valid body: an end user and a bot (who left an hour ago), two entries, an ended session.
object Base() {
  object body;
  body["channelAddressIdentifier"] = "demo-ccaas-channel";
  body["conversationParticipants"] =
      array{Participant("user-1", "EndUser", "custom", kNow - 3 * kHour),
            Participant("bot-1", "Chatbot", "chatbot", kNow - 3 * kHour, kNow - kHour)};
  body["conversationEntries"] =
      array{FromUser(kNow - 150 * 60 * 1000, "m-1"), FromBot(kNow - 2 * kHour, Text("m-2", "hi"))};
  body["messagingSession"] = {
      {"messagingSessionRequestType", "EstablishMessagingSession"},
      {"payload", {{"startTime", kNow - 3 * kHour}, {"endTime", kNow - 30 * 60 * 1000}}}};
  return body;
}

HistoryRules Rules(bool history_with_session = true) {
  HistoryRules rules;
  rules.now_ms = kNow;
  rules.history_with_session = history_with_session;
  return rules;
}

Result<HistoryRequest> Parse(const object& body, const HistoryRules& rules = Rules()) {
  return ParseConversationHistoryRequest(boost::json::serialize(body), rules);
}

int CodeOf(const object& body, const HistoryRules& rules = Rules()) {
  auto parsed = Parse(body, rules);
  return parsed.ok() ? 0 : parsed.error().code;
}

object& Participants(object& body, size_t i) {
  return body["conversationParticipants"].as_array()[i].as_object();
}
object& Entries(object& body, size_t i) {
  return body["conversationEntries"].as_array()[i].as_object();
}
object& SessionPayload(object& body) {
  return body["messagingSession"].as_object()["payload"].as_object();
}

TEST(ConversationHistoryParseTest, ValidRequest) {
  auto parsed = Parse(Base());
  ASSERT_TRUE(parsed.ok()) << parsed.error().code << " " << parsed.error().log_detail;
  EXPECT_EQ(parsed->channel_address_identifier, "demo-ccaas-channel");
  ASSERT_EQ(parsed->participants.size(), 2u);
  EXPECT_EQ(parsed->EndUser().subject, "user-1");
  EXPECT_EQ(parsed->participants[1].role, "Chatbot");
  EXPECT_EQ(parsed->participants[1].display_name, "bot-1 name");
  EXPECT_EQ(parsed->participants[1].joined_time, kNow - 3 * kHour);
  EXPECT_EQ(parsed->participants[1].left_time, kNow - kHour);
  EXPECT_FALSE(parsed->participants[0].left_time);
  ASSERT_EQ(parsed->entries.size(), 2u);
  EXPECT_EQ(parsed->entries[0].entry_id, "m-1");
  EXPECT_EQ(parsed->entries[0].sender_role, "EndUser");
  EXPECT_EQ(parsed->entries[1].sender_subject, "bot-1");
  EXPECT_EQ(parsed->entries[1].entry_type, "Message");
  EXPECT_EQ(boost::json::parse(parsed->entries[1].payload_json), value(Text("m-2", "hi")));
  EXPECT_EQ(parsed->session_mode, HistorySessionMode::kEstablish);
  EXPECT_EQ(parsed->session_start_time, kNow - 3 * kHour);
  EXPECT_EQ(parsed->session_end_time, kNow - 30 * 60 * 1000);
  EXPECT_FALSE(parsed->chatbot_without_left_time);
  EXPECT_EQ(parsed->MessageIds(), (std::vector<std::string>{"m-1", "m-2"}));
}

TEST(ConversationHistoryParseTest, EntriesAreSortedIntoConversationOrder) {
  object body = Base();
  body["conversationEntries"] =
      array{FromUser(kNow - kHour - 1, "late"), FromUser(kNow - 2 * kHour, "early"),
            FromUser(kNow - kHour - 1, "late-too")};
  body.erase("messagingSession");
  Participants(body, 1)["leftTime"] = kNow - kHour;
  auto parsed = Parse(body);
  ASSERT_TRUE(parsed.ok()) << parsed.error().log_detail;
  ASSERT_EQ(parsed->entries.size(), 3u);
  EXPECT_EQ(parsed->entries[0].entry_id, "early");
  EXPECT_EQ(parsed->entries[1].entry_id, "late");  // equal timestamps keep the request order
  EXPECT_EQ(parsed->entries[2].entry_id, "late-too");
  EXPECT_EQ(parsed->session_mode, HistorySessionMode::kNone);
}

TEST(ConversationHistoryParseTest, BodyAndChannel) {
  EXPECT_EQ(ParseConversationHistoryRequest("x", Rules()).error().code, 10100);
  EXPECT_EQ(ParseConversationHistoryRequest("[1]", Rules()).error().code, 10100);
  EXPECT_EQ(ParseConversationHistoryRequest("{", Rules()).error().code, 10100);
  object body = Base();
  body.erase("channelAddressIdentifier");
  EXPECT_EQ(CodeOf(body), 10069);
  body["channelAddressIdentifier"] = "";
  EXPECT_EQ(CodeOf(body), 10069);
  body["channelAddressIdentifier"] = 7;
  EXPECT_EQ(CodeOf(body), 10069);
  body["channelAddressIdentifier"] = std::string(241, 'c');
  EXPECT_EQ(CodeOf(body), 10069);
  body["channelAddressIdentifier"] = std::string(240, 'c');
  EXPECT_EQ(CodeOf(body), 0);
  // The channel comes before everything else.
  body["channelAddressIdentifier"] = nullptr;
  body["conversationParticipants"] = array{};
  EXPECT_EQ(CodeOf(body), 10069);
}

TEST(ConversationHistoryParseTest, ParticipantListShape) {
  object body = Base();
  body.erase("conversationParticipants");
  EXPECT_EQ(CodeOf(body), 10039);
  body["conversationParticipants"] = nullptr;
  EXPECT_EQ(CodeOf(body), 10039);
  body["conversationParticipants"] = array{};
  EXPECT_EQ(CodeOf(body), 10039);
  body["conversationParticipants"] = object{};
  EXPECT_EQ(CodeOf(body), 10078);
  body["conversationParticipants"] =
      array{Participant("user-1", "EndUser", "custom", kNow - 3 * kHour),
            Participant("bot-1", "Chatbot", "chatbot", kNow - 3 * kHour, kNow - kHour),
            Participant("bot-2", "Chatbot", "chatbot", kNow - 3 * kHour, kNow - kHour),
            Participant("bot-3", "Chatbot", "chatbot", kNow - 3 * kHour, kNow - kHour)};
  EXPECT_EQ(CodeOf(body), 10078);  // more than 3
  body["conversationParticipants"].as_array().pop_back();
  EXPECT_EQ(CodeOf(body), 0);  // 3 is the limit
}

TEST(ConversationHistoryParseTest, ParticipantFields) {
  auto code_with = [](const std::function<void(object&)>& change) {
    object body = Base();
    change(Participants(body, 1));
    return CodeOf(body);
  };
  EXPECT_EQ(code_with([](object& p) { p = object{}; }), 10078);
  EXPECT_EQ(code_with([](object& p) { p["participant"] = "bot"; }), 10078);
  EXPECT_EQ(code_with([](object& p) { p["participant"].as_object()["role"] = "Agent"; }), 10043);
  EXPECT_EQ(code_with([](object& p) { p["participant"].as_object()["role"] = "System"; }), 10043);
  EXPECT_EQ(code_with([](object& p) { p["participant"].as_object().erase("role"); }), 10043);
  EXPECT_EQ(code_with([](object& p) { p["participant"].as_object()["role"] = 1; }), 10043);
  EXPECT_EQ(code_with([](object& p) { p["participant"].as_object()["appType"] = "robot"; }), 10078);
  EXPECT_EQ(code_with([](object& p) { p["participant"].as_object()["subject"] = ""; }), 10078);
  EXPECT_EQ(
      code_with([](object& p) { p["participant"].as_object()["subject"] = std::string(256, 's'); }),
      10078);
  EXPECT_EQ(code_with([](object& p) { p.erase("joinedTime"); }), 10078);
  EXPECT_EQ(code_with([](object& p) { p["joinedTime"] = "soon"; }), 10078);
  EXPECT_EQ(code_with([](object& p) { p["joinedTime"] = 0; }), 10078);
  EXPECT_EQ(code_with([](object& p) { p["joinedTime"] = true; }), 10078);
  EXPECT_EQ(code_with([](object& p) { p["leftTime"] = "later"; }), 10078);
  EXPECT_EQ(code_with([](object& p) { p["displayName"] = 5; }), 10078);
  EXPECT_EQ(code_with([](object& p) { p["displayName"] = std::string(256, 'd'); }), 10078);
  // Lenient like the other endpoints: decimal strings for times, null for an absent field.
  EXPECT_EQ(code_with([](object& p) { p["joinedTime"] = std::to_string(kNow - 3 * kHour); }), 0);
  EXPECT_EQ(code_with([](object& p) { p["displayName"] = nullptr; }), 0);
}

TEST(ConversationHistoryParseTest, RolesDuplicatesAndEndUserCount) {
  object body = Base();
  // Roles are checked participant by participant before duplicates and counts.
  body["conversationParticipants"] =
      array{Participant("bot-1", "Chatbot", "chatbot", kNow - 3 * kHour, kNow - kHour),
            Participant("bot-1", "Chatbot", "chatbot", kNow - 3 * kHour, kNow - kHour),
            Participant("rep", "Agent", "agent", kNow - 3 * kHour)};
  EXPECT_EQ(CodeOf(body), 10043);
  body["conversationParticipants"].as_array().pop_back();
  EXPECT_EQ(CodeOf(body), 10101);
  // Same subject and role with other details is still the same participant.
  body["conversationParticipants"] =
      array{Participant("user-1", "EndUser", "custom", kNow - 3 * kHour),
            Participant("user-1", "EndUser", "custom", kNow - 2 * kHour)};
  EXPECT_EQ(CodeOf(body), 10101);
  // The same subject in another role is another participant.
  body["conversationParticipants"] =
      array{Participant("user-1", "EndUser", "custom", kNow - 3 * kHour),
            Participant("user-1", "Chatbot", "chatbot", kNow - 3 * kHour, kNow - kHour)};
  EXPECT_EQ(CodeOf(body), 10068);  // valid participants; the bot entry's sender is bot-1
  body["conversationParticipants"] =
      array{Participant("bot-1", "Chatbot", "chatbot", kNow - 3 * kHour, kNow - kHour)};
  EXPECT_EQ(CodeOf(body), 10042);
  body["conversationParticipants"] =
      array{Participant("user-1", "EndUser", "custom", kNow - 3 * kHour),
            Participant("user-2", "EndUser", "custom", kNow - 3 * kHour)};
  EXPECT_EQ(CodeOf(body), 10044);
  body["conversationParticipants"] = array{Participant("user-1", "EndUser", "chatbot", kNow)};
  EXPECT_EQ(CodeOf(body), 10078);  // the end user is appType custom
}

TEST(ConversationHistoryParseTest, JoinedAndLeftTimes) {
  object body = Base();
  Participants(body, 0)["leftTime"] = kNow - kHour;
  EXPECT_EQ(CodeOf(body), 10065);
  Participants(body, 0)["leftTime"] = nullptr;  // null is no leftTime
  EXPECT_EQ(CodeOf(body), 0);
  Participants(body, 1)["leftTime"] = kNow - 3 * kHour;  // = joinedTime
  EXPECT_EQ(CodeOf(body), 10067);
  Participants(body, 1)["leftTime"] = kNow - 4 * kHour;
  EXPECT_EQ(CodeOf(body), 10067);
}

TEST(ConversationHistoryParseTest, ChatbotLeftTimeIsRequiredUnlessTheSessionStaysOpen) {
  object body = Base();
  Participants(body, 1).erase("leftTime");
  EXPECT_EQ(CodeOf(body), 10066);  // Establish with an endTime: the conversation has ended
  body.erase("messagingSession");
  EXPECT_EQ(CodeOf(body), 10066);  // no session: a finished transcript
  body["messagingSession"] = {{"messagingSessionRequestType", "EstablishMessagingSession"},
                              {"payload", {{"startTime", kNow - 3 * kHour}}}};
  auto open = Parse(body);
  ASSERT_TRUE(open.ok()) << open.error().log_detail;
  EXPECT_TRUE(open->chatbot_without_left_time);
  EXPECT_FALSE(open->session_end_time);
  body["messagingSession"] = {{"messagingSessionRequestType", "AttachMessagingSession"},
                              {"payload", {{"sessionId", "0Mw8c0000000001"}}}};
  auto attach = Parse(body);  // decided against the stored session
  ASSERT_TRUE(attach.ok());
  EXPECT_TRUE(attach->chatbot_without_left_time);
}

TEST(ConversationHistoryParseTest, EntryListShape) {
  object body = Base();
  body.erase("conversationEntries");
  EXPECT_EQ(CodeOf(body), 10078);
  body["conversationEntries"] = "entries";
  EXPECT_EQ(CodeOf(body), 10078);
  body["conversationEntries"] = array{};
  EXPECT_EQ(CodeOf(body), 10078);
  array many;
  for (int i = 0; i < 26; ++i) many.push_back(FromUser(kNow - kHour, "m-" + std::to_string(i)));
  body["conversationEntries"] = many;
  EXPECT_EQ(CodeOf(body), 10078);
  many.pop_back();
  body["conversationEntries"] = many;
  SessionPayload(body)["endTime"] = kNow;
  EXPECT_EQ(CodeOf(body), 0);  // 25 is the limit
}

TEST(ConversationHistoryParseTest, EntryEnvelopeAndSender) {
  auto code_with = [](const std::function<void(object&)>& change) {
    object body = Base();
    change(Entries(body, 0));
    return CodeOf(body);
  };
  EXPECT_EQ(code_with([](object& e) { e = object{}; }), 10045);
  EXPECT_EQ(code_with([](object& e) { e.erase("clientTimestamp"); }), 10045);
  EXPECT_EQ(code_with([](object& e) { e["clientTimestamp"] = "yesterday"; }), 10045);
  EXPECT_EQ(code_with([](object& e) { e["clientTimestamp"] = 1.5; }), 10045);
  EXPECT_EQ(code_with([](object& e) { e.erase("sender"); }), 10045);
  EXPECT_EQ(code_with([](object& e) { e["sender"].as_object().erase("role"); }), 10045);
  EXPECT_EQ(code_with([](object& e) { e.erase("entryPayload"); }), 10045);
  EXPECT_EQ(code_with([](object& e) { e["entryPayload"] = "Hi"; }), 10045);
  EXPECT_EQ(code_with([](object& e) { e["sender"].as_object()["subject"] = "stranger"; }), 10068);
  EXPECT_EQ(code_with([](object& e) { e["sender"].as_object()["role"] = "Chatbot"; }), 10068);
  EXPECT_EQ(code_with([](object& e) { e["sender"].as_object()["appType"] = "iamessage"; }), 10068);
  // The sender is checked before the payload.
  EXPECT_EQ(code_with([](object& e) {
              e["sender"].as_object()["subject"] = "stranger";
              e["entryPayload"].as_object()["entryType"] = "Note";
            }),
            10068);
}

TEST(ConversationHistoryParseTest, EntryPayload) {
  auto code_with = [](const std::function<void(object&)>& change) {
    object body = Base();
    change(Entries(body, 0)["entryPayload"].as_object());
    return CodeOf(body);
  };
  auto message = [](object& p) -> object& { return p["abstractMessage"].as_object(); };
  EXPECT_EQ(code_with([](object& p) { p["entryType"] = "TypingStartedIndicator"; }), 10045);
  EXPECT_EQ(code_with([](object& p) { p.erase("entryType"); }), 10045);
  EXPECT_EQ(code_with([](object& p) { p.erase("id"); }), 10045);
  EXPECT_EQ(code_with([](object& p) { p["id"] = ""; }), 10045);
  EXPECT_EQ(code_with([](object& p) { p["id"] = 12; }), 10045);
  EXPECT_EQ(code_with([](object& p) { p.erase("abstractMessage"); }), 10045);
  EXPECT_EQ(code_with([&](object& p) { message(p).erase("id"); }), 10045);
  EXPECT_EQ(code_with([&](object& p) { message(p)["messageType"] = "Telegram"; }), 10047);
  EXPECT_EQ(code_with([&](object& p) { message(p).erase("messageType"); }), 10047);
  EXPECT_EQ(code_with([&](object& p) {
              message(p)["staticContent"].as_object()["formatType"] = "Hologram";
            }),
            10048);
  EXPECT_EQ(code_with([&](object& p) {
              message(p)["staticContent"].as_object()["formatType"] = "Buttons";
            }),
            10049);
  EXPECT_EQ(code_with([&](object& p) { message(p)["staticContent"].as_object().erase("text"); }),
            10045);
  EXPECT_EQ(code_with([&](object& p) { message(p).erase("staticContent"); }), 10045);
  // An end user sends no ChoicesMessage / FormMessage (as for /interactions).
  EXPECT_EQ(code_with([&](object& p) { message(p)["messageType"] = "ChoicesMessage"; }), 10062);
  // Entry and message ids may differ in history (the README samples use two placeholders).
  EXPECT_EQ(code_with([&](object& p) { message(p)["id"] = "another-id"; }), 0);
}

object BotMessage(const std::string& type, object content) {
  object payload;
  payload["entryType"] = "Message";
  payload["id"] = "bot-message";
  object message{{"messageType", type}, {"id", "bot-message"}};
  message[type == "ChoicesMessage" ? "choices" : "form"] = std::move(content);
  payload["abstractMessage"] = std::move(message);
  return payload;
}

int BotCode(const std::string& type, object content) {
  object body = Base();
  Entries(body, 1) = FromBot(kNow - 2 * kHour, BotMessage(type, std::move(content)));
  return CodeOf(body);
}

TEST(ConversationHistoryParseTest, ChatbotsMaySendChoicesAndForms) {
  const array options{object{{"title", "Yes"}}};
  EXPECT_EQ(BotCode("ChoicesMessage",
                    {{"formatType", "Buttons"}, {"text", "Pick"}, {"optionItems", options}}),
            0);
  EXPECT_EQ(BotCode("ChoicesMessage",
                    {{"formatType", "QuickReplies"}, {"text", "Pick"}, {"optionItems", options}}),
            0);
  EXPECT_EQ(BotCode("ChoicesMessage",
                    {{"formatType", "ListPicker"}, {"title", "Pick"}, {"optionItems", options}}),
            0);
  EXPECT_EQ(BotCode("ChoicesMessage", {{"formatType", "Carousel"}, {"items", options}}), 0);
  EXPECT_EQ(BotCode("ChoicesMessage", {{"formatType", "TimePicker"}, {"calendarEvent", object{}}}),
            0);
  EXPECT_EQ(BotCode("ChoicesMessage", {{"formatType", "MessageDefinition"},
                                       {"messageDefinitionNameOrId", "Def"},
                                       {"options", options}}),
            0);
  EXPECT_EQ(BotCode("FormMessage", {{"formatType", "Inputs"},
                                    {"formTitle", object{{"title", "Form"}}},
                                    {"sections", array{object{}}}}),
            0);
  EXPECT_EQ(BotCode("FormMessage",
                    {{"formatType", "MessageDefinition"}, {"messageDefinitionNameOrId", "Def"}}),
            0);
  // Required content, unknown and unmapped formats (the rules of POST /conversationEntry).
  EXPECT_EQ(BotCode("ChoicesMessage",
                    {{"formatType", "QuickReplies"}, {"text", 5}, {"optionItems", options}}),
            10045);
  EXPECT_EQ(
      BotCode("FormMessage",
              {{"formatType", "Inputs"}, {"formTitle", "Form"}, {"sections", array{object{}}}}),
      10045);
  EXPECT_EQ(BotCode("ChoicesMessage", {{"formatType", "Buttons"}, {"text", "Pick"}}), 10045);
  EXPECT_EQ(BotCode("ChoicesMessage",
                    {{"formatType", "Buttons"}, {"text", "Pick"}, {"optionItems", array{}}}),
            10045);
  EXPECT_EQ(BotCode("ChoicesMessage", {{"formatType", "TimePicker"}}), 10045);
  EXPECT_EQ(BotCode("FormMessage", {{"formatType", "Inputs"}, {"sections", array{object{}}}}),
            10045);
  EXPECT_EQ(BotCode("ChoicesMessage", {{"formatType", "Selections"}}), 10049);
  EXPECT_EQ(BotCode("FormMessage", {{"formatType", "Text"}}), 10049);
  EXPECT_EQ(BotCode("ChoicesMessage", {{"formatType", "Smoke"}}), 10048);
  EXPECT_EQ(BotCode("FormMessage", object{}), 10048);
  object body = Base();
  Entries(body, 1) = FromBot(kNow - 2 * kHour, BotMessage("ChoicesMessage", {}));
  Entries(body, 1)["entryPayload"].as_object()["abstractMessage"].as_object().erase("choices");
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ConversationHistoryParseTest, EntriesNoOlderThanADayAndNotInTheFuture) {
  auto code_at = [](int64_t timestamp) {
    object body = Base();
    body.erase("messagingSession");
    Participants(body, 0)["joinedTime"] = 1;
    Entries(body, 0)["clientTimestamp"] = timestamp;
    return CodeOf(body);
  };
  EXPECT_EQ(code_at(kNow - kHistoryMaxAgeMs), 0);
  EXPECT_EQ(code_at(kNow - kHistoryMaxAgeMs - 1), 10046);
  EXPECT_EQ(code_at(1), 10046);
  EXPECT_EQ(code_at(kNow), 0);
  EXPECT_EQ(code_at(kNow + kHistoryClockSkewMs), 0);
  EXPECT_EQ(code_at(kNow + kHistoryClockSkewMs + 1), 10046);
  // The age is checked before the sender's window.
  object body = Base();
  Entries(body, 0)["clientTimestamp"] = kNow - 25 * kHour;
  EXPECT_EQ(CodeOf(body), 10046);
}

TEST(ConversationHistoryParseTest, EntriesWithinTheSendersWindow) {
  object body = Base();
  Entries(body, 0)["clientTimestamp"] = kNow - 3 * kHour - 1;  // before the user joined
  EXPECT_EQ(CodeOf(body), 10074);
  body = Base();
  Entries(body, 1)["clientTimestamp"] = kNow - kHour + 1;  // after the bot left
  EXPECT_EQ(CodeOf(body), 10074);
  body = Base();
  Entries(body, 1)["clientTimestamp"] = kNow - kHour;      // as it left
  Entries(body, 0)["clientTimestamp"] = kNow - 3 * kHour;  // as the user joined
  EXPECT_EQ(CodeOf(body), 0);
}

TEST(ConversationHistoryParseTest, DuplicateIdsInTheRequest) {
  object body = Base();
  Entries(body, 1) = FromUser(kNow - 2 * kHour, "m-1");
  EXPECT_EQ(CodeOf(body), 10073);
  body = Base();
  // Another entry's message id clashes with the first entry id.
  Entries(body, 1)["entryPayload"].as_object()["abstractMessage"].as_object()["id"] = "m-1";
  EXPECT_EQ(CodeOf(body), 10073);
  body = Base();
  Entries(body, 1)["entryPayload"].as_object()["id"] = "m-2-entry";
  auto parsed = Parse(body);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->MessageIds(), (std::vector<std::string>{"m-1", "m-2", "m-2-entry"}));
}

TEST(ConversationHistoryParseTest, SessionNeedsTheOrgFeature) {
  object body = Base();
  EXPECT_EQ(CodeOf(body, Rules(false)), 10063);
  body["messagingSession"] = "anything";
  EXPECT_EQ(CodeOf(body, Rules(false)), 10063);
  body["messagingSession"] = nullptr;  // null is no session
  EXPECT_EQ(CodeOf(body, Rules(false)), 0);
  body.erase("messagingSession");
  EXPECT_EQ(CodeOf(body, Rules(false)), 0);
}

TEST(ConversationHistoryParseTest, SessionShape) {
  object body = Base();
  body["messagingSession"] = "Establish";
  EXPECT_EQ(CodeOf(body), 10078);
  body["messagingSession"] = {{"payload", {{"startTime", kNow - 3 * kHour}}}};
  EXPECT_EQ(CodeOf(body), 10078);
  body["messagingSession"] = {{"messagingSessionRequestType", "CreateMessagingSession"},
                              {"payload", {{"startTime", kNow - 3 * kHour}}}};
  EXPECT_EQ(CodeOf(body), 10078);
  body["messagingSession"] = {{"messagingSessionRequestType", "EstablishMessagingSession"}};
  EXPECT_EQ(CodeOf(body), 10078);
  body["messagingSession"] = {{"messagingSessionRequestType", "AttachMessagingSession"},
                              {"payload", "0Mw8c0000000001"}};
  EXPECT_EQ(CodeOf(body), 10078);
}

TEST(ConversationHistoryParseTest, EstablishTimes) {
  auto code_with = [](const std::function<void(object&)>& change) {
    object body = Base();
    change(SessionPayload(body));
    return CodeOf(body);
  };
  EXPECT_EQ(code_with([](object& p) { p.erase("startTime"); }), 10061);
  EXPECT_EQ(code_with([](object& p) { p["startTime"] = "now"; }), 10061);
  EXPECT_EQ(code_with([](object& p) { p["startTime"] = 0; }), 10061);
  EXPECT_EQ(code_with([](object& p) { p["startTime"] = -5; }), 10061);
  EXPECT_EQ(code_with([](object& p) { p["startTime"] = kNow - 150 * 60 * 1000 + 1; }),
            10061);  // after the first entry
  EXPECT_EQ(code_with([](object& p) {
              p["startTime"] = kNow + kHistoryClockSkewMs + 1;
              p.erase("endTime");
            }),
            10061);  // in the future
  EXPECT_EQ(code_with([](object& p) { p["startTime"] = kNow - 150 * 60 * 1000; }), 0);
  // The README sample quotes the times: decimal strings are accepted.
  EXPECT_EQ(code_with([](object& p) { p["startTime"] = std::to_string(kNow - 3 * kHour); }), 0);
  // A session may have started more than a day ago; only entries have the age limit.
  EXPECT_EQ(code_with([](object& p) { p["startTime"] = kNow - 48 * kHour; }), 0);

  EXPECT_EQ(code_with([](object& p) { p["endTime"] = "later"; }), 10064);
  EXPECT_EQ(code_with([](object& p) { p["endTime"] = kNow - 3 * kHour - 1; }), 10064);
  EXPECT_EQ(code_with([](object& p) { p["endTime"] = kNow - 2 * kHour - 1; }),
            10064);  // before the last entry
  EXPECT_EQ(code_with([](object& p) { p["endTime"] = kNow + kHistoryClockSkewMs + 1; }), 10064);
  EXPECT_EQ(code_with([](object& p) { p["endTime"] = kNow - 2 * kHour; }), 0);
  // null is no endTime: the session stays open (the bot has left, so no 10066).
  EXPECT_EQ(code_with([](object& p) { p["endTime"] = nullptr; }), 0);
}

TEST(ConversationHistoryParseTest, AttachSessionId) {
  auto attach = [](value id) {
    object body = Base();
    object payload;
    if (!id.is_null()) payload["sessionId"] = id;
    body["messagingSession"] = {{"messagingSessionRequestType", "AttachMessagingSession"},
                                {"payload", payload}};
    return Parse(body);
  };
  for (value bad :
       {value(nullptr), value(""), value(15), value("0Mw8c000000001"), value("0Mw8c00000000012"),
        value("0058c0000000001"), value("0Mw8c00000000-1"), value("0Mw8c0000000001ABCD")}) {
    auto parsed = attach(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, 10072) << bad;
  }
  auto parsed = attach("0Mw8c0000000001");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->session_mode, HistorySessionMode::kAttach);
  EXPECT_EQ(parsed->attach_session_id, "0Mw8c0000000001");
  parsed = attach("0Mw8c0000000001AAA");  // the 18-character form
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->attach_session_id, "0Mw8c0000000001");
}

TEST(ConversationHistoryParseTest, OrderOfTheSections) {
  // Participants before entries before the session.
  object body = Base();
  Participants(body, 0)["leftTime"] = kNow;
  Entries(body, 0) = object{};
  body["messagingSession"] = 5;
  EXPECT_EQ(CodeOf(body), 10065);
  Participants(body, 0).erase("leftTime");
  EXPECT_EQ(CodeOf(body), 10045);
  body = Base();
  body["messagingSession"] = 5;
  EXPECT_EQ(CodeOf(body), 10078);
}

TEST(ConversationHistoryTest, OnlyCcaasDefinitionsMayCall) {
  config::ChannelDefinition definition;
  definition.developer_name = "Partner1_ChannelDefinition1";
  definition.vendor_type = config::VendorType::kMessaging;
  EXPECT_EQ(CheckHistoryAccess(definition).error().code, 10057);
  definition.vendor_type = config::VendorType::kCcaas;
  EXPECT_TRUE(CheckHistoryAccess(definition).ok());
}

TEST(ConversationHistoryTest, ChannelCodes) {
  config::Org org;
  config::ChannelDefinition ccaas;
  ccaas.developer_name = "P_CCaaS";
  ccaas.vendor_type = config::VendorType::kCcaas;
  ccaas.vendor_name = "Vendor";
  auto channel = [](std::string address, std::string definition) {
    config::MessagingChannel c;
    c.id = "0Mj000000000001";
    c.channel_address_identifier = std::move(address);
    c.channel_definition = std::move(definition);
    c.provider = "Vendor";
    return c;
  };
  org.channels.push_back(channel("ok", "P_CCaaS"));
  org.channels.push_back(channel("other", "P_Messaging"));
  org.channels.push_back(channel("none", ""));
  org.channels.push_back(channel("inactive", "P_CCaaS"));
  org.channels.back().active = false;
  org.channels.push_back(channel("voice", "P_CCaaS"));
  org.channels.back().kind = "Voice";
  auto code = [&](std::string_view address) {
    auto result = ResolveHistoryChannel(org, ccaas, address);
    return result.ok() ? 0 : result.error().code;
  };
  EXPECT_EQ(code("ok"), 0);
  EXPECT_EQ(code("missing"), 10069);
  EXPECT_EQ(code("other"), 10070);
  EXPECT_EQ(code("none"), 10026);
  EXPECT_EQ(code("inactive"), 10031);
  EXPECT_EQ(code("voice"), 10002);
}

TEST(ConversationHistoryTest, RulesOverTheStoredConversation) {
  object body = Base();
  auto establish = Parse(body);
  ASSERT_TRUE(establish.ok());
  StoredHistoryFacts facts;
  EXPECT_TRUE(CheckHistoryAgainstStored(*establish, facts).ok());
  facts.taken_ids = {"m-1"};
  EXPECT_EQ(CheckHistoryAgainstStored(*establish, facts).error().code, 10073);

  Participants(body, 1).erase("leftTime");
  body["messagingSession"] = {{"messagingSessionRequestType", "AttachMessagingSession"},
                              {"payload", {{"sessionId", "0Mw8c0000000001"}}}};
  auto attach = Parse(body);
  ASSERT_TRUE(attach.ok());
  StoredHistoryFacts none;
  EXPECT_EQ(CheckHistoryAgainstStored(*attach, none).error().code, 10071);
  StoredHistoryFacts ended;
  ended.conversation_exists = true;
  ended.attached_session_status = "Ended";
  EXPECT_EQ(CheckHistoryAgainstStored(*attach, ended).error().code, 10066);
  StoredHistoryFacts active = ended;
  active.attached_session_status = "Active";
  EXPECT_TRUE(CheckHistoryAgainstStored(*attach, active).ok());
  active.taken_ids = {"m-2"};
  EXPECT_EQ(CheckHistoryAgainstStored(*attach, active).error().code, 10073);
  // With every bot gone, an Ended session takes more history.
  Participants(body, 1)["leftTime"] = kNow - kHour;
  auto closed = Parse(body);
  ASSERT_TRUE(closed.ok());
  EXPECT_TRUE(CheckHistoryAgainstStored(*closed, ended).ok());
}

}  // namespace
}  // namespace interactiond::domain
