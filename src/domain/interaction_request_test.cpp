#include "domain/interaction_request.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "config/config.h"

namespace interactiond::domain {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// --- Request builders --------------------------------------------------------------------------

// A valid request carrying one StaticContent Text message.
object MessageBody() {
  return boost::json::parse(R"({
    "to": "demo-messaging-channel",
    "from": "end-user-1",
    "interactions": [{
      "interactionType": "EntryInteraction",
      "timestamp": 1700000000000,
      "payload": {
        "id": "m-1",
        "entryType": "Message",
        "abstractMessage": {
          "messageType": "StaticContentMessage",
          "id": "m-1",
          "staticContent": {"formatType": "Text", "text": "Hello"}
        }
      }
    }]
  })")
      .as_object();
}

// A valid request carrying one AttachmentInteraction.
object AttachmentBody() {
  return boost::json::parse(R"({
    "to": "demo-messaging-channel",
    "from": "end-user-1",
    "interactions": [{
      "interactionType": "AttachmentInteraction",
      "timestamp": 1700000000000,
      "id": "att-1",
      "contentLength": 5,
      "attachmentIndex": 0,
      "text": "a caption"
    }]
  })")
      .as_object();
}

// A valid request carrying one typing indicator.
object TypingBody(std::string_view entry_type) {
  object body = MessageBody();
  object payload;
  payload["id"] = "t-1";
  payload["entryType"] = entry_type;
  payload["timestamp"] = 1700000000001;
  body["interactions"].as_array()[0].as_object()["payload"] = std::move(payload);
  return body;
}

// A valid request carrying one MessageDeliveryFailed entry.
object DeliveryFailedBody() {
  object body = MessageBody();
  body["interactions"].as_array()[0].as_object()["payload"] = boost::json::parse(R"({
    "id": "f-1",
    "entryType": "MessageDeliveryFailed",
    "recipient": {"appType": "custom", "subject": "end-user-1", "role": "EndUser"},
    "errorCode": "1234",
    "errorMessage": "could not deliver"
  })");
  return body;
}

object& Interaction(object& body) { return body["interactions"].as_array()[0].as_object(); }
object& Payload(object& body) { return Interaction(body)["payload"].as_object(); }
object& Message(object& body) { return Payload(body)["abstractMessage"].as_object(); }
object& Recipient(object& body) { return Payload(body)["recipient"].as_object(); }

// Replaces the message with one of `message_type` whose content object (under `content_key`) is
// `content`.
void SetMessage(object& body, std::string_view message_type, std::string_view content_key,
                value content) {
  object& message = Message(body);
  message.erase("staticContent");
  message["messageType"] = message_type;
  message[content_key] = std::move(content);
}

// The catalogue code the request fails with, 0 when it is accepted.
int CodeOfText(std::string_view json_text) {
  auto result = ParseInteractionRequest(json_text);
  return result.ok() ? 0 : result.error().code;
}
int CodeOf(const object& body) { return CodeOfText(boost::json::serialize(body)); }

InteractionRequest ParseOk(const object& body) {
  auto result = ParseInteractionRequest(boost::json::serialize(body));
  EXPECT_TRUE(result.ok()) << "code " << (result.ok() ? 0 : result.error().code) << " "
                           << (result.ok() ? "" : result.error().log_detail);
  return result.ok() ? std::move(result).value() : InteractionRequest{};
}

std::string Repeat(std::string_view unit, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += unit;
  return out;
}

// --- Accepted requests and what they decode to ---------------------------------------------------

TEST(ParseInteractionRequestTest, DecodesTextMessage) {
  const InteractionRequest request = ParseOk(MessageBody());
  EXPECT_EQ(request.to, "demo-messaging-channel");
  EXPECT_EQ(request.from, "end-user-1");
  EXPECT_EQ(request.kind, InboundKind::kMessage);
  EXPECT_EQ(request.timestamp, 1700000000000);
  EXPECT_EQ(request.interaction_id, "m-1");
  EXPECT_EQ(request.entry_type, "Message");
  EXPECT_TRUE(request.routing_attributes.empty());
  EXPECT_EQ(request.entry_payload.at("abstractMessage").at("staticContent").at("text"), "Hello");
}

TEST(ParseInteractionRequestTest, DecodesTypingIndicators) {
  const InteractionRequest started = ParseOk(TypingBody("TypingStartedIndicator"));
  EXPECT_EQ(started.kind, InboundKind::kTypingStarted);
  EXPECT_EQ(started.entry_type, "TypingStartedIndicator");
  EXPECT_EQ(started.interaction_id, "t-1");
  const InteractionRequest stopped = ParseOk(TypingBody("TypingStoppedIndicator"));
  EXPECT_EQ(stopped.kind, InboundKind::kTypingStopped);
  EXPECT_EQ(stopped.entry_type, "TypingStoppedIndicator");
}

TEST(ParseInteractionRequestTest, DecodesDeliveryFailed) {
  const InteractionRequest request = ParseOk(DeliveryFailedBody());
  EXPECT_EQ(request.kind, InboundKind::kDeliveryFailed);
  EXPECT_EQ(request.entry_type, "MessageDeliveryFailed");
  EXPECT_EQ(request.interaction_id, "f-1");
  EXPECT_EQ(request.entry_payload.at("errorCode"), "1234");
}

TEST(ParseInteractionRequestTest, DecodesAttachmentInteraction) {
  const InteractionRequest request = ParseOk(AttachmentBody());
  EXPECT_EQ(request.kind, InboundKind::kAttachment);
  EXPECT_EQ(request.entry_type, "Message");
  EXPECT_EQ(request.interaction_id, "att-1");
  EXPECT_EQ(request.attachment.id, "att-1");
  EXPECT_EQ(request.attachment.content_length, 5);
  EXPECT_EQ(request.attachment.attachment_index, 0);
  ASSERT_TRUE(request.attachment.text.has_value());
  EXPECT_EQ(*request.attachment.text, "a caption");
}

TEST(ParseInteractionRequestTest, AttachmentCaptionIsOptional) {
  object body = AttachmentBody();
  Interaction(body).erase("text");
  EXPECT_FALSE(ParseOk(body).attachment.text.has_value());
  Interaction(body)["text"] = nullptr;
  EXPECT_FALSE(ParseOk(body).attachment.text.has_value());
}

// --- Leniencies ----------------------------------------------------------------------------------

TEST(ParseInteractionRequestLeniencyTest, TimestampAsDecimalString) {
  object body = MessageBody();
  Interaction(body)["timestamp"] = "1700000000123";
  EXPECT_EQ(ParseOk(body).timestamp, 1700000000123);
}

TEST(ParseInteractionRequestLeniencyTest, TimestampAsIntegralDouble) {
  EXPECT_EQ(ParseOk(boost::json::parse(R"({"to":"a","from":"b","interactions":[{
              "interactionType":"EntryInteraction","timestamp":1.7e12,
              "payload":{"id":"m","entryType":"Message","abstractMessage":{
                "messageType":"StaticContentMessage","id":"m",
                "staticContent":{"formatType":"Text","text":"x"}}}}]})")
                        .as_object())
                .timestamp,
            1700000000000);
}

TEST(ParseInteractionRequestLeniencyTest, TypingTimestampAsStringOrDouble) {
  object body = TypingBody("TypingStartedIndicator");
  Payload(body)["timestamp"] = "1700000000001";
  EXPECT_EQ(CodeOf(body), 0);
  Payload(body)["timestamp"] = 1700000000001.0;
  EXPECT_EQ(CodeOf(body), 0);
}

TEST(ParseInteractionRequestLeniencyTest, ContentLengthAndIndexAsStringsOrDoubles) {
  object body = AttachmentBody();
  Interaction(body)["contentLength"] = "12";
  Interaction(body)["attachmentIndex"] = "0";
  InteractionRequest request = ParseOk(body);
  EXPECT_EQ(request.attachment.content_length, 12);
  EXPECT_EQ(request.attachment.attachment_index, 0);

  Interaction(body)["contentLength"] = 12.0;
  Interaction(body)["attachmentIndex"] = 0.0;
  request = ParseOk(body);
  EXPECT_EQ(request.attachment.content_length, 12);
  EXPECT_EQ(request.attachment.attachment_index, 0);
}

TEST(ParseInteractionRequestLeniencyTest, UnknownFieldsAreIgnoredAndKeptInTheEntry) {
  object body = MessageBody();
  body["somethingNew"] = object{{"nested", true}};
  Interaction(body)["extraInteractionField"] = 7;
  Payload(body)["extraPayloadField"] = "kept";
  Message(body)["extraMessageField"] = array{1, 2};
  const InteractionRequest request = ParseOk(body);
  EXPECT_EQ(request.entry_payload.at("extraPayloadField"), "kept");
  EXPECT_EQ(request.entry_payload.at("abstractMessage").at("extraMessageField"), (array{1, 2}));
}

TEST(ParseInteractionRequestLeniencyTest, NumericErrorCodeIsStoredAsString) {
  object body = DeliveryFailedBody();
  Payload(body)["errorCode"] = 500;
  InteractionRequest request = ParseOk(body);
  ASSERT_TRUE(request.entry_payload.at("errorCode").is_string());
  EXPECT_EQ(request.entry_payload.at("errorCode"), "500");

  Payload(body)["errorCode"] = -17;
  request = ParseOk(body);
  EXPECT_EQ(request.entry_payload.at("errorCode"), "-17");
}

TEST(ParseInteractionRequestLeniencyTest, DeliveryFailedErrorMessageMayBeNullOrAbsent) {
  object body = DeliveryFailedBody();
  Payload(body)["errorMessage"] = nullptr;
  EXPECT_EQ(CodeOf(body), 0);
  Payload(body).erase("errorMessage");
  EXPECT_EQ(CodeOf(body), 0);
  Payload(body)["errorMessage"] = 42;
  EXPECT_EQ(CodeOf(body), 10045);
}

// --- 10100: the json part ------------------------------------------------------------------------

TEST(ParseInteractionRequestTest, NotJsonIs10100) {
  EXPECT_EQ(CodeOfText(""), 10100);
  EXPECT_EQ(CodeOfText("{"), 10100);
  EXPECT_EQ(CodeOfText("to=a&from=b"), 10100);
  EXPECT_EQ(CodeOfText(R"({"to":"a",})"), 10100);
}

TEST(ParseInteractionRequestTest, NotAnObjectIs10100) {
  EXPECT_EQ(CodeOfText("[]"), 10100);
  EXPECT_EQ(CodeOfText(R"("text")"), 10100);
  EXPECT_EQ(CodeOfText("42"), 10100);
  EXPECT_EQ(CodeOfText("null"), 10100);
}

// --- 10027: to -----------------------------------------------------------------------------------

TEST(ParseInteractionRequestTest, ToMissingWrongTypeOrEmptyIs10027) {
  object body = MessageBody();
  body.erase("to");
  EXPECT_EQ(CodeOf(body), 10027);
  body["to"] = nullptr;
  EXPECT_EQ(CodeOf(body), 10027);
  body["to"] = 12;
  EXPECT_EQ(CodeOf(body), 10027);
  body["to"] = array{"demo-messaging-channel"};
  EXPECT_EQ(CodeOf(body), 10027);
  body["to"] = "";
  EXPECT_EQ(CodeOf(body), 10027);
}

TEST(ParseInteractionRequestTest, ToOf240CharactersIsAcceptedAnd241Is10027) {
  object body = MessageBody();
  body["to"] = std::string(240, 'c');
  EXPECT_EQ(CodeOf(body), 0);
  body["to"] = std::string(241, 'c');
  EXPECT_EQ(CodeOf(body), 10027);
}

TEST(ParseInteractionRequestTest, ToLengthCountsCharactersNotBytes) {
  object body = MessageBody();
  body["to"] = Repeat("\xC3\xA9", 240);  // é: 480 bytes, 240 characters
  EXPECT_EQ(CodeOf(body), 0);
  body["to"] = Repeat("\xC3\xA9", 241);
  EXPECT_EQ(CodeOf(body), 10027);
  body["to"] = Repeat("\xF0\x9F\x98\x80", 240);  // 😀: 4 bytes each
  EXPECT_EQ(CodeOf(body), 0);
}

// --- 10028: from ---------------------------------------------------------------------------------

TEST(ParseInteractionRequestTest, FromMissingWrongTypeOrEmptyIs10028) {
  object body = MessageBody();
  body.erase("from");
  EXPECT_EQ(CodeOf(body), 10028);
  body["from"] = nullptr;
  EXPECT_EQ(CodeOf(body), 10028);
  body["from"] = 15551234567;
  EXPECT_EQ(CodeOf(body), 10028);
  body["from"] = object{{"id", "x"}};
  EXPECT_EQ(CodeOf(body), 10028);
  body["from"] = "";
  EXPECT_EQ(CodeOf(body), 10028);
}

TEST(ParseInteractionRequestTest, FromOf255CharactersIsAcceptedAnd256Is10028) {
  object body = MessageBody();
  body["from"] = std::string(255, 'f');
  EXPECT_EQ(CodeOf(body), 0);
  body["from"] = std::string(256, 'f');
  EXPECT_EQ(CodeOf(body), 10028);
}

TEST(ParseInteractionRequestTest, FromLengthCountsCharactersNotBytes) {
  object body = MessageBody();
  body["from"] = Repeat("\xE6\x97\xA5", 255);  // 日: 765 bytes, 255 characters
  EXPECT_EQ(CodeOf(body), 0);
  body["from"] = Repeat("\xE6\x97\xA5", 256);
  EXPECT_EQ(CodeOf(body), 10028);
}

// --- 10029 / 20003: the interactions list and envelope
// ---------------------------------------------

TEST(ParseInteractionRequestTest, InteractionsMissingOrNotAListIs10029) {
  object body = MessageBody();
  body.erase("interactions");
  EXPECT_EQ(CodeOf(body), 10029);
  body["interactions"] = nullptr;
  EXPECT_EQ(CodeOf(body), 10029);
  body["interactions"] = object{};
  EXPECT_EQ(CodeOf(body), 10029);
  body["interactions"] = "EntryInteraction";
  EXPECT_EQ(CodeOf(body), 10029);
}

TEST(ParseInteractionRequestTest, InteractionsEmptyIs20003) {
  object body = MessageBody();
  body["interactions"] = array{};
  EXPECT_EQ(CodeOf(body), 20003);
}

TEST(ParseInteractionRequestTest, MoreThanOneInteractionIs10029) {
  object body = MessageBody();
  value copy = body["interactions"].as_array()[0];
  body["interactions"].as_array().push_back(copy);
  EXPECT_EQ(CodeOf(body), 10029);
}

TEST(ParseInteractionRequestTest, InteractionNotAnObjectIs10029) {
  object body = MessageBody();
  body["interactions"] = array{"EntryInteraction"};
  EXPECT_EQ(CodeOf(body), 10029);
  body["interactions"] = array{nullptr};
  EXPECT_EQ(CodeOf(body), 10029);
}

TEST(ParseInteractionRequestTest, InteractionTypeMissingOrNotAStringIs10029) {
  object body = MessageBody();
  Interaction(body).erase("interactionType");
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["interactionType"] = 1;
  EXPECT_EQ(CodeOf(body), 10029);
}

TEST(ParseInteractionRequestTest, UnknownInteractionTypeIs10029) {
  object body = MessageBody();
  Interaction(body)["interactionType"] = "ConversationInteraction";
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["interactionType"] = "entryinteraction";
  EXPECT_EQ(CodeOf(body), 10029);
}

TEST(ParseInteractionRequestTest, TimestampMissingNegativeOrNotAnIntegerIs10029) {
  object body = MessageBody();
  Interaction(body).erase("timestamp");
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["timestamp"] = nullptr;
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["timestamp"] = -1;
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["timestamp"] = "-1";
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["timestamp"] = 1.5;
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["timestamp"] = "yesterday";
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["timestamp"] = "";
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["timestamp"] = true;
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["timestamp"] = 0;
  EXPECT_EQ(CodeOf(body), 0);
}

// --- 10089: routingAttributes --------------------------------------------------------------------

TEST(ParseInteractionRequestTest, RoutingAttributesNotAnObjectIs10089) {
  object body = MessageBody();
  body["routingAttributes"] = array{"CustomerTier"};
  EXPECT_EQ(CodeOf(body), 10089);
  body["routingAttributes"] = "CustomerTier=Gold";
  EXPECT_EQ(CodeOf(body), 10089);
  body["routingAttributes"] = 3;
  EXPECT_EQ(CodeOf(body), 10089);
}

TEST(ParseInteractionRequestTest, RoutingAttributeObjectOrListValueIs10089) {
  object body = MessageBody();
  body["routingAttributes"] = object{{"CustomerTier", object{{"level", "Gold"}}}};
  EXPECT_EQ(CodeOf(body), 10089);
  body["routingAttributes"] = object{{"CustomerTier", array{"Gold"}}};
  EXPECT_EQ(CodeOf(body), 10089);
}

TEST(ParseInteractionRequestTest, RoutingAttributeScalarsAreKeptAsJsonText) {
  object body = MessageBody();
  body["routingAttributes"] =
      object{{"CustomerTier", "Gold"}, {"Age", 42}, {"Vip", true}, {"Score", 1.5}};
  const InteractionRequest request = ParseOk(body);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"CustomerTier", "Gold"}, {"Age", "42"}, {"Vip", "true"}};
  ASSERT_EQ(request.routing_attributes.size(), 4u);
  EXPECT_EQ(request.routing_attributes[0], expected[0]);
  EXPECT_EQ(request.routing_attributes[1], expected[1]);
  EXPECT_EQ(request.routing_attributes[2], expected[2]);
  EXPECT_EQ(request.routing_attributes[3].first, "Score");
  EXPECT_EQ(boost::json::parse(request.routing_attributes[3].second), value(1.5));
}

TEST(ParseInteractionRequestTest, RoutingAttributesNullIsAccepted) {
  object body = MessageBody();
  body["routingAttributes"] = nullptr;
  EXPECT_EQ(CodeOf(body), 0);
  body["routingAttributes"] = object{};
  EXPECT_EQ(CodeOf(body), 0);
}

// --- Entry rules (10045, 10059) -----------------------------------------------------------------

TEST(ParseInteractionRequestEntryTest, PayloadMissingOrNotAnObjectIs10045) {
  object body = MessageBody();
  Interaction(body).erase("payload");
  EXPECT_EQ(CodeOf(body), 10045);
  Interaction(body)["payload"] = "text";
  EXPECT_EQ(CodeOf(body), 10045);
  Interaction(body)["payload"] = array{};
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ParseInteractionRequestEntryTest, EntryTypeMissingIs10045) {
  object body = MessageBody();
  Payload(body).erase("entryType");
  EXPECT_EQ(CodeOf(body), 10045);
  Payload(body)["entryType"] = 3;
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ParseInteractionRequestEntryTest, EntryTypesNotAcceptedInboundAre10045) {
  for (const char* entry_type : {"ParticipantChanged", "RoutingWorkResult", "RoutingResult",
                                 "TypingIndicator", "message", "MessageDeliveryFailure", ""}) {
    object body = MessageBody();
    Payload(body)["entryType"] = entry_type;
    EXPECT_EQ(CodeOf(body), 10045) << entry_type;
  }
}

TEST(ParseInteractionRequestEntryTest, PayloadIdMissingOrEmptyIs10059) {
  object body = MessageBody();
  Payload(body).erase("id");
  EXPECT_EQ(CodeOf(body), 10059);
  Payload(body)["id"] = nullptr;
  EXPECT_EQ(CodeOf(body), 10059);
  Payload(body)["id"] = "";
  EXPECT_EQ(CodeOf(body), 10059);
}

TEST(ParseInteractionRequestEntryTest, PayloadIdMissingIs10059ForEveryEntryType) {
  for (object body : {TypingBody("TypingStartedIndicator"), TypingBody("TypingStoppedIndicator"),
                      DeliveryFailedBody()}) {
    Payload(body).erase("id");
    EXPECT_EQ(CodeOf(body), 10059) << Payload(body).at("entryType");
    Payload(body)["id"] = "";
    EXPECT_EQ(CodeOf(body), 10059) << Payload(body).at("entryType");
  }
}

TEST(ParseInteractionRequestEntryTest, AbstractMessageIdMissingOrEmptyIs10059) {
  object body = MessageBody();
  Message(body).erase("id");
  EXPECT_EQ(CodeOf(body), 10059);
  Message(body)["id"] = "";
  EXPECT_EQ(CodeOf(body), 10059);
}

TEST(ParseInteractionRequestEntryTest, IdPresentButNotAStringIs10045) {
  object body = MessageBody();
  Payload(body)["id"] = 1;
  Message(body)["id"] = 1;
  EXPECT_EQ(CodeOf(body), 10045);

  body = MessageBody();
  Message(body)["id"] = 1;
  EXPECT_EQ(CodeOf(body), 10045);

  body = TypingBody("TypingStartedIndicator");
  Payload(body)["id"] = object{};
  EXPECT_EQ(CodeOf(body), 10045);
}

// --- Message rules ---------------------------------------------------------------------------

TEST(ParseInteractionRequestMessageTest, AbstractMessageMissingIs10045) {
  object body = MessageBody();
  Payload(body).erase("abstractMessage");
  EXPECT_EQ(CodeOf(body), 10045);
  Payload(body)["abstractMessage"] = "Hello";
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ParseInteractionRequestMessageTest, PayloadIdDifferentFromMessageIdIs10060) {
  object body = MessageBody();
  Message(body)["id"] = "m-2";
  EXPECT_EQ(CodeOf(body), 10060);
}

TEST(ParseInteractionRequestMessageTest, MessageTypeMissingOrUnknownIs10047) {
  object body = MessageBody();
  Message(body).erase("messageType");
  EXPECT_EQ(CodeOf(body), 10047);
  Message(body)["messageType"] = "TextMessage";
  EXPECT_EQ(CodeOf(body), 10047);
  Message(body)["messageType"] = "staticcontentmessage";
  EXPECT_EQ(CodeOf(body), 10047);
  Message(body)["messageType"] = 5;
  EXPECT_EQ(CodeOf(body), 10047);
}

TEST(ParseInteractionRequestMessageTest, ChoicesMessageAndFormMessageAre10062) {
  object body = MessageBody();
  Message(body)["messageType"] = "ChoicesMessage";
  EXPECT_EQ(CodeOf(body), 10062);
  Message(body)["messageType"] = "FormMessage";
  EXPECT_EQ(CodeOf(body), 10062);
}

TEST(ParseInteractionRequestMessageTest, ContentObjectMissingIs10045) {
  object body = MessageBody();
  Message(body).erase("staticContent");
  EXPECT_EQ(CodeOf(body), 10045);

  body = MessageBody();
  SetMessage(body, "ChoicesResponseMessage", "staticContent",
             object{{"formatType", "Selections"}});  // wrong key for this type
  EXPECT_EQ(CodeOf(body), 10045);

  body = MessageBody();
  SetMessage(body, "FormResponseMessage", "choicesResponse", object{{"formatType", "Inputs"}});
  EXPECT_EQ(CodeOf(body), 10045);

  body = MessageBody();
  Message(body)["staticContent"] = "Hello";
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ParseInteractionRequestMessageTest, FormatTypeMissingOrUnknownIs10048) {
  object body = MessageBody();
  Message(body)["staticContent"].as_object().erase("formatType");
  EXPECT_EQ(CodeOf(body), 10048);
  Message(body)["staticContent"].as_object()["formatType"] = "Video";
  EXPECT_EQ(CodeOf(body), 10048);
  Message(body)["staticContent"].as_object()["formatType"] = "text";
  EXPECT_EQ(CodeOf(body), 10048);
}

TEST(ParseInteractionRequestMessageTest, StaticContentWithKnownButUnmappedFormatIs10049) {
  for (const char* format :
       {"RichLink", "Media", "Buttons", "Carousel", "QuickReplies", "ListPicker", "Selections",
        "TimePicker", "Application", "Result", "Inputs", "WebView", "Flow", "MessageDefinition"}) {
    object body = MessageBody();
    Message(body)["staticContent"].as_object()["formatType"] = format;
    EXPECT_EQ(CodeOf(body), 10049) << format;
  }
}

TEST(ParseInteractionRequestMessageTest, ChoicesResponseWithAFormatOtherThanSelectionsIs10049) {
  for (const char* format : {"Text", "Buttons", "Inputs", "Attachments", "QuickReplies"}) {
    object body = MessageBody();
    SetMessage(body, "ChoicesResponseMessage", "choicesResponse", object{{"formatType", format}});
    EXPECT_EQ(CodeOf(body), 10049) << format;
  }
}

TEST(ParseInteractionRequestMessageTest, FormResponseWithAFormatOtherThanInputsOrResultIs10049) {
  for (const char* format : {"Text", "Selections", "Links", "WebView"}) {
    object body = MessageBody();
    SetMessage(body, "FormResponseMessage", "formResponse", object{{"formatType", format}});
    EXPECT_EQ(CodeOf(body), 10049) << format;
  }
}

TEST(ParseInteractionRequestMessageTest, AcceptsEveryMappedFormat) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"staticContent", R"({"formatType":"Text","text":""})"},
      {"staticContent", R"({"formatType":"Links","links":[{"url":"https://example.com"}]})"},
      {"staticContent", R"({"formatType":"ExperienceType","values":["a"]})"},
      {"staticContent", R"({"formatType":"Attachments","attachments":[
          {"id":"a","name":"n.png","mimeType":"image/png","url":"https://x/n.png"}]})"},
      {"choicesResponse", R"({"formatType":"Selections","selectedOptions":[
          {"optionIdentifier":"o1"},{"optionIdentifier":"o2"}]})"},
      {"formResponse", R"({"formatType":"Inputs","inputValues":[]})"},
      {"formResponse", R"({"formatType":"Result","result":{}})"},
  };
  for (const auto& [key, content] : cases) {
    object body = MessageBody();
    const char* type = key == "staticContent"     ? "StaticContentMessage"
                       : key == "choicesResponse" ? "ChoicesResponseMessage"
                                                  : "FormResponseMessage";
    SetMessage(body, type, key, boost::json::parse(content));
    EXPECT_EQ(CodeOf(body), 0) << content;
  }
}

TEST(ParseInteractionRequestMessageTest, TextWithoutTextIs10045) {
  object body = MessageBody();
  Message(body)["staticContent"].as_object().erase("text");
  EXPECT_EQ(CodeOf(body), 10045);
  Message(body)["staticContent"].as_object()["text"] = 5;
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ParseInteractionRequestMessageTest, LinksNeedExactlyOneLinkWithUrl) {
  const char* bad[] = {
      R"({"formatType":"Links"})",
      R"({"formatType":"Links","links":[]})",
      R"({"formatType":"Links","links":{"url":"https://example.com"}})",
      R"({"formatType":"Links","links":[{"url":"https://a"},{"url":"https://b"}]})",
      R"({"formatType":"Links","links":[{"title":"no url"}]})",
      R"({"formatType":"Links","links":["https://example.com"]})",
  };
  for (const char* content : bad) {
    object body = MessageBody();
    Message(body)["staticContent"] = boost::json::parse(content);
    EXPECT_EQ(CodeOf(body), 10045) << content;
  }
}

TEST(ParseInteractionRequestMessageTest, ExperienceTypeNeedsValues) {
  for (const char* content :
       {R"({"formatType":"ExperienceType"})", R"({"formatType":"ExperienceType","values":[]})",
        R"({"formatType":"ExperienceType","values":"a"})"}) {
    object body = MessageBody();
    Message(body)["staticContent"] = boost::json::parse(content);
    EXPECT_EQ(CodeOf(body), 10045) << content;
  }
}

TEST(ParseInteractionRequestMessageTest, AttachmentsNeedIdNameMimeTypeAndUrl) {
  const object complete = {
      {"id", "a"}, {"name", "n.png"}, {"mimeType", "image/png"}, {"url", "https://x/n.png"}};
  for (const char* missing : {"id", "name", "mimeType", "url"}) {
    object attachment = complete;
    attachment.erase(missing);
    object body = MessageBody();
    Message(body)["staticContent"] =
        object{{"formatType", "Attachments"}, {"attachments", array{attachment}}};
    EXPECT_EQ(CodeOf(body), 10045) << missing;
  }
  for (const char* content :
       {R"({"formatType":"Attachments"})", R"({"formatType":"Attachments","attachments":[]})",
        R"({"formatType":"Attachments","attachments":["a"]})"}) {
    object body = MessageBody();
    Message(body)["staticContent"] = boost::json::parse(content);
    EXPECT_EQ(CodeOf(body), 10045) << content;
  }
  // The second of two attachments is incomplete.
  object incomplete = complete;
  incomplete.erase("url");
  object body = MessageBody();
  Message(body)["staticContent"] =
      object{{"formatType", "Attachments"}, {"attachments", array{complete, incomplete}}};
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ParseInteractionRequestMessageTest, SelectionsNeedOptionIdentifiers) {
  for (const char* content :
       {R"({"formatType":"Selections"})", R"({"formatType":"Selections","selectedOptions":[]})",
        R"({"formatType":"Selections","selectedOptions":[{"title":"x"}]})",
        R"({"formatType":"Selections","selectedOptions":[{"optionIdentifier":"a"},"b"]})"}) {
    object body = MessageBody();
    SetMessage(body, "ChoicesResponseMessage", "choicesResponse", boost::json::parse(content));
    EXPECT_EQ(CodeOf(body), 10045) << content;
  }
}

TEST(ParseInteractionRequestMessageTest, InputsNeedAListAndResultAnObject) {
  for (const char* content :
       {R"({"formatType":"Inputs"})", R"({"formatType":"Inputs","inputValues":{}})",
        R"({"formatType":"Result"})", R"({"formatType":"Result","result":[]})"}) {
    object body = MessageBody();
    SetMessage(body, "FormResponseMessage", "formResponse", boost::json::parse(content));
    EXPECT_EQ(CodeOf(body), 10045) << content;
  }
}

// --- Typing indicators ---------------------------------------------------------------------

TEST(ParseInteractionRequestTypingTest, TimestampMissingOrNotAnIntegerIs10045) {
  for (const char* entry_type : {"TypingStartedIndicator", "TypingStoppedIndicator"}) {
    object body = TypingBody(entry_type);
    Payload(body).erase("timestamp");
    EXPECT_EQ(CodeOf(body), 10045) << entry_type;
    Payload(body)["timestamp"] = "soon";
    EXPECT_EQ(CodeOf(body), 10045) << entry_type;
    Payload(body)["timestamp"] = 1.25;
    EXPECT_EQ(CodeOf(body), 10045) << entry_type;
    Payload(body)["timestamp"] = object{};
    EXPECT_EQ(CodeOf(body), 10045) << entry_type;
  }
}

// --- MessageDeliveryFailed -----------------------------------------------------------------

TEST(ParseInteractionRequestDeliveryFailedTest, RecipientMissingIs10045) {
  object body = DeliveryFailedBody();
  Payload(body).erase("recipient");
  EXPECT_EQ(CodeOf(body), 10045);
  Payload(body)["recipient"] = "end-user-1";
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ParseInteractionRequestDeliveryFailedTest, RecipientAppTypeNotCustomIs10037) {
  object body = DeliveryFailedBody();
  Recipient(body)["appType"] = "iamessage";
  EXPECT_EQ(CodeOf(body), 10037);
  Recipient(body)["appType"] = "Custom";
  EXPECT_EQ(CodeOf(body), 10037);
  Recipient(body).erase("appType");
  EXPECT_EQ(CodeOf(body), 10037);
}

TEST(ParseInteractionRequestDeliveryFailedTest, RecipientRoleNotEndUserIs10038) {
  object body = DeliveryFailedBody();
  Recipient(body)["role"] = "Agent";
  EXPECT_EQ(CodeOf(body), 10038);
  Recipient(body).erase("role");
  EXPECT_EQ(CodeOf(body), 10038);
}

TEST(ParseInteractionRequestDeliveryFailedTest, SubjectOrErrorCodeMissingIs10045) {
  object body = DeliveryFailedBody();
  Recipient(body).erase("subject");
  EXPECT_EQ(CodeOf(body), 10045);

  body = DeliveryFailedBody();
  Payload(body).erase("errorCode");
  EXPECT_EQ(CodeOf(body), 10045);
  Payload(body)["errorCode"] = nullptr;
  EXPECT_EQ(CodeOf(body), 10045);
  Payload(body)["errorCode"] = object{};
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ParseInteractionRequestDeliveryFailedTest, AppTypeIsCheckedBeforeRoleAndSubject) {
  object body = DeliveryFailedBody();
  Recipient(body)["appType"] = "other";
  Recipient(body)["role"] = "Agent";
  Recipient(body).erase("subject");
  EXPECT_EQ(CodeOf(body), 10037);
  Recipient(body)["appType"] = "custom";
  EXPECT_EQ(CodeOf(body), 10038);
  Recipient(body)["role"] = "EndUser";
  EXPECT_EQ(CodeOf(body), 10045);
}

// --- AttachmentInteraction -----------------------------------------------------------------

TEST(ParseInteractionRequestAttachmentTest, IdMissingOrEmptyIs10007) {
  object body = AttachmentBody();
  Interaction(body).erase("id");
  EXPECT_EQ(CodeOf(body), 10007);
  Interaction(body)["id"] = "";
  EXPECT_EQ(CodeOf(body), 10007);
  Interaction(body)["id"] = nullptr;
  EXPECT_EQ(CodeOf(body), 10007);
}

TEST(ParseInteractionRequestAttachmentTest, ContentLengthInvalidIs10010) {
  object body = AttachmentBody();
  Interaction(body).erase("contentLength");
  EXPECT_EQ(CodeOf(body), 10010);
  Interaction(body)["contentLength"] = nullptr;
  EXPECT_EQ(CodeOf(body), 10010);
  Interaction(body)["contentLength"] = "";
  EXPECT_EQ(CodeOf(body), 10010);
  Interaction(body)["contentLength"] = "five";
  EXPECT_EQ(CodeOf(body), 10010);
  Interaction(body)["contentLength"] = 5.5;
  EXPECT_EQ(CodeOf(body), 10010);
  Interaction(body)["contentLength"] = -1;
  EXPECT_EQ(CodeOf(body), 10010);
  Interaction(body)["contentLength"] = "-1";
  EXPECT_EQ(CodeOf(body), 10010);
  Interaction(body)["contentLength"] = false;
  EXPECT_EQ(CodeOf(body), 10010);
  Interaction(body)["contentLength"] = 0;  // a zero length is a file rule (10009), not 10010
  EXPECT_EQ(CodeOf(body), 0);
}

TEST(ParseInteractionRequestAttachmentTest, AttachmentIndexInvalidIs10029) {
  object body = AttachmentBody();
  Interaction(body).erase("attachmentIndex");
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["attachmentIndex"] = -1;
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["attachmentIndex"] = "first";
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["attachmentIndex"] = 0.5;
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["attachmentIndex"] = 3;  // valid here; CheckReceivedFiles refuses it
  EXPECT_EQ(CodeOf(body), 0);
}

TEST(ParseInteractionRequestAttachmentTest, TextNotAStringIs10029) {
  object body = AttachmentBody();
  Interaction(body)["text"] = 5;
  EXPECT_EQ(CodeOf(body), 10029);
  Interaction(body)["text"] = object{{"value", "caption"}};
  EXPECT_EQ(CodeOf(body), 10029);
}

TEST(ParseInteractionRequestAttachmentTest, IdThenContentLengthThenIndex) {
  object body = AttachmentBody();
  Interaction(body).erase("id");
  Interaction(body)["contentLength"] = -1;
  Interaction(body)["attachmentIndex"] = -1;
  Interaction(body)["text"] = 1;
  EXPECT_EQ(CodeOf(body), 10007);
  Interaction(body)["id"] = "att-1";
  EXPECT_EQ(CodeOf(body), 10010);
  Interaction(body)["contentLength"] = 1;
  EXPECT_EQ(CodeOf(body), 10029);
}

// --- Ordering between rules -------------------------------------------------------------------

TEST(ParseInteractionRequestOrderTest, BadToAndBadFromIs10027) {
  object body = MessageBody();
  body["to"] = "";
  body["from"] = "";
  EXPECT_EQ(CodeOf(body), 10027);
  body["to"] = std::string(241, 't');
  body["from"] = std::string(256, 'f');
  EXPECT_EQ(CodeOf(body), 10027);
}

TEST(ParseInteractionRequestOrderTest, BadFromBeforeInteractions) {
  object body = MessageBody();
  body.erase("from");
  body.erase("interactions");
  EXPECT_EQ(CodeOf(body), 10028);
}

TEST(ParseInteractionRequestOrderTest, ToIsCheckedBeforeEverythingElseInTheJson) {
  EXPECT_EQ(CodeOfText("{}"), 10027);
  EXPECT_EQ(CodeOfText(R"({"to":"a"})"), 10028);
  EXPECT_EQ(CodeOfText(R"({"to":"a","from":"b"})"), 10029);
}

TEST(ParseInteractionRequestOrderTest, EmptyInteractionsBeforeRoutingAttributes) {
  object body = MessageBody();
  body["interactions"] = array{};
  body["routingAttributes"] = array{};
  EXPECT_EQ(CodeOf(body), 20003);
}

TEST(ParseInteractionRequestOrderTest, InteractionEnvelopeBeforeRoutingAttributes) {
  object body = MessageBody();
  body["routingAttributes"] = "bad";
  Interaction(body)["timestamp"] = -5;
  EXPECT_EQ(CodeOf(body), 10029);

  body = MessageBody();
  body["routingAttributes"] = "bad";
  Interaction(body).erase("interactionType");
  EXPECT_EQ(CodeOf(body), 10029);

  body = MessageBody();
  body["routingAttributes"] = "bad";
  body["interactions"].as_array().push_back(body["interactions"].as_array()[0]);
  EXPECT_EQ(CodeOf(body), 10029);
}

// The table lists "unknown interactionType" (10029) before routingAttributes (10089).
TEST(ParseInteractionRequestOrderTest, UnknownInteractionTypeBeforeRoutingAttributes) {
  object body = MessageBody();
  body["routingAttributes"] = "bad";
  Interaction(body)["interactionType"] = "SomethingElse";
  EXPECT_EQ(CodeOf(body), 10029);
}

TEST(ParseInteractionRequestOrderTest, RoutingAttributesBeforeEntryRules) {
  object body = MessageBody();
  body["routingAttributes"] = object{{"Topic", array{}}};
  Interaction(body).erase("payload");
  EXPECT_EQ(CodeOf(body), 10089);

  body = AttachmentBody();
  body["routingAttributes"] = array{};
  Interaction(body).erase("id");
  EXPECT_EQ(CodeOf(body), 10089);
}

// The table lists "an entryType not accepted inbound" (10045) before "payload.id missing" (10059).
TEST(ParseInteractionRequestOrderTest, UnacceptedEntryTypeBeforeMissingId) {
  object body = MessageBody();
  Payload(body)["entryType"] = "ParticipantChanged";
  Payload(body).erase("id");
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ParseInteractionRequestOrderTest, EntryTypeMissingBeforeMissingId) {
  object body = MessageBody();
  Payload(body).erase("entryType");
  Payload(body).erase("id");
  EXPECT_EQ(CodeOf(body), 10045);
}

TEST(ParseInteractionRequestOrderTest, MissingIdBeforeMissingAbstractMessage) {
  object body = MessageBody();
  Payload(body).erase("id");
  Payload(body).erase("abstractMessage");
  EXPECT_EQ(CodeOf(body), 10059);
}

TEST(ParseInteractionRequestOrderTest, IdMismatchBeforeMessageType) {
  object body = MessageBody();
  Message(body)["id"] = "other";
  Message(body)["messageType"] = "Nope";
  EXPECT_EQ(CodeOf(body), 10060);
}

TEST(ParseInteractionRequestOrderTest, MessageTypeChecksBeforeContent) {
  object body = MessageBody();
  Message(body)["messageType"] = "Nope";
  Message(body).erase("staticContent");
  EXPECT_EQ(CodeOf(body), 10047);
  Message(body)["messageType"] = "ChoicesMessage";
  EXPECT_EQ(CodeOf(body), 10062);
}

TEST(ParseInteractionRequestOrderTest, FormatTypeBeforeContentRequirements) {
  object body = MessageBody();
  Message(body)["staticContent"] = object{{"formatType", "Nope"}};
  EXPECT_EQ(CodeOf(body), 10048);
  Message(body)["staticContent"] = object{{"formatType", "Buttons"}};
  EXPECT_EQ(CodeOf(body), 10049);
  Message(body)["staticContent"] = object{{"formatType", "Text"}};
  EXPECT_EQ(CodeOf(body), 10045);
}

// --- CheckReceivedFiles ------------------------------------------------------------------------

InteractionRequest AttachmentRequest(int64_t content_length, int64_t index = 0) {
  InteractionRequest request;
  request.kind = InboundKind::kAttachment;
  request.entry_type = "Message";
  request.attachment.id = "att-1";
  request.interaction_id = "att-1";
  request.attachment.content_length = content_length;
  request.attachment.attachment_index = index;
  return request;
}

int FilesCode(const InteractionRequest& request, std::vector<ReceivedFile> files) {
  Status status = CheckReceivedFiles(request, files);
  return status.ok() ? 0 : status.error().code;
}

TEST(CheckReceivedFilesTest, EntryInteractionWithoutFilesIsAccepted) {
  InteractionRequest request;
  request.kind = InboundKind::kMessage;
  EXPECT_EQ(FilesCode(request, {}), 0);
}

TEST(CheckReceivedFilesTest, FilesSentWithEntryInteractionAre10011) {
  for (InboundKind kind : {InboundKind::kMessage, InboundKind::kTypingStarted,
                           InboundKind::kTypingStopped, InboundKind::kDeliveryFailed}) {
    InteractionRequest request;
    request.kind = kind;
    EXPECT_EQ(FilesCode(request, {ReceivedFile{5, false}}), 10011);
  }
}

TEST(CheckReceivedFilesTest, AttachmentWithoutFileIs10009) {
  EXPECT_EQ(FilesCode(AttachmentRequest(5), {}), 10009);
}

TEST(CheckReceivedFilesTest, MoreThanOneFileIs10011) {
  EXPECT_EQ(FilesCode(AttachmentRequest(5), {ReceivedFile{5, false}, ReceivedFile{5, false}}),
            10011);
}

TEST(CheckReceivedFilesTest, AttachmentIndexOtherThanZeroIs10011) {
  EXPECT_EQ(FilesCode(AttachmentRequest(5, 1), {ReceivedFile{5, false}}), 10011);
}

TEST(CheckReceivedFilesTest, LargerThan25MiBIs10008) {
  EXPECT_EQ(kMaxAttachmentBytes, 26214400u);
  EXPECT_EQ(FilesCode(AttachmentRequest(26214400), {ReceivedFile{26214400, false}}), 0);
  EXPECT_EQ(FilesCode(AttachmentRequest(26214401), {ReceivedFile{26214401, false}}), 10008);
  EXPECT_EQ(FilesCode(AttachmentRequest(26214401), {ReceivedFile{0, true}}), 10008);
}

TEST(CheckReceivedFilesTest, EmptyFileIs10009) {
  EXPECT_EQ(FilesCode(AttachmentRequest(0), {ReceivedFile{0, false}}), 10009);
}

TEST(CheckReceivedFilesTest, ContentLengthDifferentFromBytesIs10051) {
  EXPECT_EQ(FilesCode(AttachmentRequest(5), {ReceivedFile{6, false}}), 10051);
  EXPECT_EQ(FilesCode(AttachmentRequest(7), {ReceivedFile{6, false}}), 10051);
  EXPECT_EQ(FilesCode(AttachmentRequest(6), {ReceivedFile{6, false}}), 0);
}

TEST(CheckReceivedFilesTest, RulesApplyInTableOrder) {
  // Several files, one of them empty and over the limit: the count answers.
  EXPECT_EQ(FilesCode(AttachmentRequest(5), {ReceivedFile{0, false}, ReceivedFile{0, true}}),
            10011);
  // Bad index and an oversized file: the index answers.
  EXPECT_EQ(FilesCode(AttachmentRequest(5, 2), {ReceivedFile{0, true}}), 10011);
  // Oversized and contentLength mismatch: the size answers.
  EXPECT_EQ(FilesCode(AttachmentRequest(5), {ReceivedFile{26214401, false}}), 10008);
  // Empty file and contentLength mismatch: the empty file answers.
  EXPECT_EQ(FilesCode(AttachmentRequest(5), {ReceivedFile{0, false}}), 10009);
}

TEST(CheckReceivedFilesTest, WorksWithAParsedAttachmentRequest) {
  const InteractionRequest request = ParseOk(AttachmentBody());
  EXPECT_EQ(FilesCode(request, {ReceivedFile{5, false}}), 0);
  EXPECT_EQ(FilesCode(request, {ReceivedFile{4, false}}), 10051);
}

// --- IsSupportedInboundMimeType
// -------------------------------------------------------------------

TEST(IsSupportedInboundMimeTypeTest, AcceptsTheDocumentedList) {
  for (const char* type : {"image/jpeg", "image/gif", "image/bmp", "image/png", "application/pdf",
                           "video/3gpp2", "audio/3gpp2", "video/3gpp", "audio/3gpp", "video/mpeg",
                           "audio/mpeg", "video/mp4", "audio/mp4"}) {
    EXPECT_TRUE(IsSupportedInboundMimeType(type)) << type;
  }
}

TEST(IsSupportedInboundMimeTypeTest, RefusesEverythingElse) {
  for (const char* type :
       {"", "text/plain", "image/webp", "image/svg+xml", "application/octet-stream",
        "application/zip", "video/quicktime", "audio/ogg", "image/x-ms-bmp", "image/png ", "image/",
        "application/json"}) {
    EXPECT_FALSE(IsSupportedInboundMimeType(type)) << type;
  }
}

// --- ResolveInboundChannel ------------------------------------------------------------------

class DemoOrgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { config_ = new config::Config(config::LoadDemoConfig("PEM")); }
  static void TearDownTestSuite() {
    delete config_;
    config_ = nullptr;
  }
  const config::Org& org() const { return *config_->orgs->FindOrg("00D8c000000DEMO"); }
  const config::ChannelDefinition& context() const {
    return *org().FindChannelDefinition("Partner1_ChannelDefinition1");
  }
  int ResolveCode(std::string_view address) const {
    auto result = ResolveInboundChannel(org(), context(), address);
    return result.ok() ? 0 : result.error().code;
  }

  static config::Config* config_;
};
config::Config* DemoOrgTest::config_ = nullptr;

TEST_F(DemoOrgTest, ResolvesTheDemoChannel) {
  auto result = ResolveInboundChannel(org(), context(), "demo-messaging-channel");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)->id, "0Mj8c00000DCH01");
}

TEST_F(DemoOrgTest, UnknownAddressIs10017) {
  EXPECT_EQ(ResolveCode("no-such-channel"), 10017);
  EXPECT_EQ(ResolveCode("DEMO-MESSAGING-CHANNEL"), 10017);
  EXPECT_EQ(ResolveCode(""), 10017);
}

TEST_F(DemoOrgTest, ChannelWithoutDefinitionIs10026) {
  EXPECT_EQ(ResolveCode("trap-no-definition-channel"), 10026);
}

TEST_F(DemoOrgTest, ChannelOfAnotherDefinitionIs10001) {
  EXPECT_EQ(ResolveCode("trap-other-context-channel"), 10001);
  EXPECT_EQ(ResolveCode("demo-ccaas-channel"), 10001);
}

TEST_F(DemoOrgTest, NonMessagingChannelIs10002) {
  EXPECT_EQ(ResolveCode("trap-voice-channel"), 10002);
}

TEST_F(DemoOrgTest, NonCustomChannelIs10035) {
  EXPECT_EQ(ResolveCode("trap-whatsapp-channel"), 10035);
}

TEST_F(DemoOrgTest, ProviderOtherThanVendorIs10006) {
  EXPECT_EQ(ResolveCode("trap-wrong-provider-channel"), 10006);
}

TEST_F(DemoOrgTest, InactiveChannelIs10031) {
  EXPECT_EQ(ResolveCode("trap-inactive-channel"), 10031);
}

// A hand-built org whose one channel breaks every channel rule; each fix uncovers the next code.
TEST(ResolveInboundChannelTest, RulesApplyInTableOrder) {
  config::ChannelDefinition context;
  context.developer_name = "P_Def";
  context.connected_app = "P_App";
  context.vendor_name = "P_Vendor";

  config::Org org;
  org.id = "00D000000000001";
  org.channel_definitions = {context};
  config::MessagingChannel channel;
  channel.id = "0Mj000000000001";
  channel.channel_address_identifier = "addr";
  channel.channel_definition = "";
  channel.kind = "Voice";
  channel.message_type = "SMS";
  channel.provider = "Other_Vendor";
  channel.active = false;
  org.channels = {channel};

  auto code = [&] {
    auto result = ResolveInboundChannel(org, context, "addr");
    return result.ok() ? 0 : result.error().code;
  };
  EXPECT_EQ(code(), 10026);
  org.channels[0].channel_definition = "Another_Def";
  EXPECT_EQ(code(), 10001);
  org.channels[0].channel_definition = "P_Def";
  EXPECT_EQ(code(), 10002);
  org.channels[0].kind = "Messaging";
  EXPECT_EQ(code(), 10035);
  org.channels[0].message_type = "Custom";
  EXPECT_EQ(code(), 10006);
  org.channels[0].provider = "P_Vendor";
  EXPECT_EQ(code(), 10031);
  org.channels[0].active = true;
  auto result = ResolveInboundChannel(org, context, "addr");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, &org.channels[0]);
}

// --- CheckRoutingAttributes ----------------------------------------------------------------

int RoutingCode(const config::MessagingChannel& channel,
                std::vector<std::pair<std::string, std::string>> attributes) {
  Status status = CheckRoutingAttributes(channel, attributes);
  return status.ok() ? 0 : status.error().code;
}

TEST_F(DemoOrgTest, RoutingAttributeWithinMaxLengthIsAccepted) {
  const config::MessagingChannel& channel = *org().FindChannelByAddress("demo-messaging-channel");
  EXPECT_EQ(RoutingCode(channel, {}), 0);
  EXPECT_EQ(RoutingCode(channel, {{"CustomerTier", "0123456789"}}), 0);  // maxLength 10
  EXPECT_EQ(RoutingCode(channel, {{"CustomerTier", ""}}), 0);
  EXPECT_EQ(RoutingCode(channel, {{"Topic", std::string(255, 't')}}), 0);
}

TEST_F(DemoOrgTest, RoutingAttributeOverMaxLengthIs10096) {
  const config::MessagingChannel& channel = *org().FindChannelByAddress("demo-messaging-channel");
  EXPECT_EQ(RoutingCode(channel, {{"CustomerTier", "01234567890"}}), 10096);
  EXPECT_EQ(RoutingCode(channel, {{"Topic", std::string(256, 't')}}), 10096);
  EXPECT_EQ(RoutingCode(channel, {{"Topic", "ok"}, {"CustomerTier", std::string(11, 'x')}}), 10096);
}

TEST_F(DemoOrgTest, RoutingAttributeLengthCountsCharacters) {
  const config::MessagingChannel& channel = *org().FindChannelByAddress("demo-messaging-channel");
  EXPECT_EQ(RoutingCode(channel, {{"CustomerTier", Repeat("\xC3\xA9", 10)}}), 0);  // 20 bytes
  EXPECT_EQ(RoutingCode(channel, {{"CustomerTier", Repeat("\xC3\xA9", 11)}}), 10096);
  EXPECT_EQ(RoutingCode(channel, {{"CustomerTier", Repeat("\xF0\x9F\x98\x80", 10)}}), 0);
}

TEST_F(DemoOrgTest, RoutingAttributesThatNameNoChannelVariableAreIgnored) {
  const config::MessagingChannel& channel = *org().FindChannelByAddress("demo-messaging-channel");
  EXPECT_EQ(RoutingCode(channel, {{"Unknown", std::string(100000, 'u')}}), 0);
  EXPECT_EQ(RoutingCode(channel, {{"customertier", std::string(11, 'x')}}), 0);  // case-sensitive
}

TEST(CheckRoutingAttributesTest, UsesTheVariablesOwnMaximum) {
  config::MessagingChannel channel;
  channel.variables = {{"One", 1}, {"Default", 255}};
  EXPECT_EQ(RoutingCode(channel, {{"One", "a"}}), 0);
  EXPECT_EQ(RoutingCode(channel, {{"One", "ab"}}), 10096);
  EXPECT_EQ(RoutingCode(channel, {{"Default", std::string(255, 'd')}}), 0);
  EXPECT_EQ(RoutingCode(channel, {{"Default", std::string(256, 'd')}}), 10096);
}

// --- Utf8Length -------------------------------------------------------------------------------

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("\xC3\xA9"), 1u);                  // é
  EXPECT_EQ(Utf8Length("\xE6\x97\xA5\xE6\x9C\xAC"), 2u);  // 日本
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98\x80"), 1u);          // 😀
  EXPECT_EQ(Utf8Length("a\xC3\xA9"
                       "b\xF0\x9F\x98\x80"),
            4u);  // aéb😀
}

TEST(Utf8LengthTest, InvalidLeadBytesCountOneEach) {
  EXPECT_EQ(Utf8Length("\xFF"), 1u);
  EXPECT_EQ(Utf8Length("\xFF\xFE"), 2u);
  EXPECT_EQ(Utf8Length("a\xFF"
                       "b"),
            3u);
}

// The header promises "invalid bytes count one each": a continuation byte with no lead byte is
// invalid and must count.
TEST(Utf8LengthTest, StrayContinuationBytesCountOneEach) {
  EXPECT_EQ(Utf8Length("\x80"), 1u);
  EXPECT_EQ(Utf8Length("a\x80"
                       "b"),
            3u);
  EXPECT_EQ(Utf8Length(std::string(300, '\xBF')), 300u);
}

}  // namespace
}  // namespace interactiond::domain
