#include "domain/capabilities.h"

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace interactiond::domain {
namespace {

// The README's example body, as a mutable JSON value.
boost::json::value Example() {
  return boost::json::parse(R"({
    "capabilities": {
      "appType": "custom",
      "channelCapabilities": [{
        "channelType": "custom",
        "customIntegration": {
          "customIntegrationType": "CustomChannelIntegration",
          "integrationNamespace": "00D000000000001",
          "conversationChannelDefinitionDevName": "P1_Def"
        },
        "messageTypeCapabilities": [
          {"messageType": "StaticContentMessage", "formatTypeCapabilities": [
            {"formatType": "Attachments", "capabilityFieldRestriction": [
              {"fieldJsonPath": "$.staticContent.attachments.mimeType",
               "restriction": {"fieldRestrictionType": "MimeTypeRestriction",
                               "mimeType": "image/png"}}]}]},
          {"messageType": "ChoicesMessage", "formatTypeCapabilities": [{"formatType": "Buttons"}]},
          {"messageType": "FormMessage", "formatTypeCapabilities": [{"formatType": "Inputs"}]}
        ],
        "progressIndicatorTypeCapabilities": [
          {"progressIndicatorType": "ProgressUpdateIndicator",
           "formatTypeCapabilities": [{"formatType": "Text"}]}
        ]
      }]
    }
  })");
}

boost::json::object& Capabilities(boost::json::value& body) {
  return body.at("capabilities").as_object();
}
boost::json::object& Entry(boost::json::value& body, size_t i = 0) {
  return Capabilities(body).at("channelCapabilities").as_array().at(i).as_object();
}
boost::json::object& MessageCapability(boost::json::value& body, size_t i = 0) {
  return Entry(body).at("messageTypeCapabilities").as_array().at(i).as_object();
}
boost::json::object& Format(boost::json::value& body, size_t message = 0, size_t i = 0) {
  return MessageCapability(body, message).at("formatTypeCapabilities").as_array().at(i).as_object();
}
boost::json::object& Restriction(boost::json::value& body) {
  return Format(body).at("capabilityFieldRestriction").as_array().at(0).as_object();
}

int CodeOf(std::string_view text) {
  auto parsed = ParseCapabilitiesRequest(text);
  return parsed.ok() ? 0 : parsed.error().code;
}
int CodeOfJson(const boost::json::value& body) { return CodeOf(boost::json::serialize(body)); }

// Applies `edit` to a fresh example and returns the parse code.
template <typename Edit>
int CodeAfter(Edit edit) {
  boost::json::value body = Example();
  edit(body);
  return CodeOfJson(body);
}

TEST(CapabilitiesParseTest, TheReadmeExampleIsValidAndNormalised) {
  auto parsed = ParseCapabilitiesRequest(boost::json::serialize(Example()));
  ASSERT_TRUE(parsed.ok()) << parsed.error().log_detail;
  EXPECT_EQ(parsed->app_type, "custom");
  ASSERT_EQ(parsed->entries.size(), 1u);
  const ChannelCapabilitiesEntry& entry = parsed->entries[0];
  ASSERT_TRUE(entry.integration.has_value());
  EXPECT_EQ(entry.integration->kind, IntegrationKind::kChannelDefinition);
  EXPECT_EQ(entry.integration->developer_name, "P1_Def");
  EXPECT_EQ(entry.integration->integration_namespace, "00D000000000001");
  boost::json::value expected = Example();
  EXPECT_EQ(boost::json::value(entry.json), Entry(expected));
}

TEST(CapabilitiesParseTest, UnknownPropertiesAreDroppedAndNullOptionalsAreAbsent) {
  boost::json::value body = Example();
  Entry(body)["somethingElse"] = 1;
  Entry(body)["progressIndicatorTypeCapabilities"] = nullptr;
  Format(body)["extra"] = "x";
  Restriction(body).at("restriction").as_object()["extra"] = true;
  Format(body, 1)["capabilityFieldRestriction"] = nullptr;
  auto parsed = ParseCapabilitiesRequest(boost::json::serialize(body));
  ASSERT_TRUE(parsed.ok()) << parsed.error().log_detail;
  const boost::json::object& entry = parsed->entries[0].json;
  EXPECT_FALSE(entry.contains("somethingElse"));
  EXPECT_FALSE(entry.contains("progressIndicatorTypeCapabilities"));
  const auto& message = entry.at("messageTypeCapabilities").as_array();
  const auto& format = message.at(0).at("formatTypeCapabilities").at(0).as_object();
  EXPECT_FALSE(format.contains("extra"));
  EXPECT_FALSE(format.at("capabilityFieldRestriction")
                   .at(0)
                   .at("restriction")
                   .as_object()
                   .contains("extra"));
  EXPECT_FALSE(message.at(1)
                   .at("formatTypeCapabilities")
                   .at(0)
                   .as_object()
                   .contains("capabilityFieldRestriction"));
}

TEST(CapabilitiesParseTest, BodyAndTopLevel) {
  EXPECT_EQ(CodeOf(""), 10100);
  EXPECT_EQ(CodeOf("{not json"), 10100);
  EXPECT_EQ(CodeOf("[1]"), 10100);
  EXPECT_EQ(CodeOf("\"capabilities\""), 10100);
  EXPECT_EQ(CodeOf("{}"), 10100);
  EXPECT_EQ(CodeOf(R"({"capabilities":null})"), 10100);
  EXPECT_EQ(CodeOf(R"({"capabilities":[]})"), 10089);
  EXPECT_EQ(CodeOf(R"({"capabilities":"x"})"), 10089);
  EXPECT_EQ(CodeAfter([](auto& b) { Capabilities(b).erase("appType"); }), 10089);
  EXPECT_EQ(CodeAfter([](auto& b) { Capabilities(b)["appType"] = "Custom"; }), 10089);
  EXPECT_EQ(CodeAfter([](auto& b) { Capabilities(b)["appType"] = 1; }), 10089);
  for (const char* app_type :
       {"custom", "agent", "chatbot", "conversation", "live_message", "iamessage"}) {
    EXPECT_EQ(CodeAfter([&](auto& b) { Capabilities(b)["appType"] = app_type; }), 0) << app_type;
  }
  EXPECT_EQ(CodeAfter([](auto& b) { Capabilities(b).erase("channelCapabilities"); }), 10089);
  EXPECT_EQ(
      CodeAfter([](auto& b) { Capabilities(b)["channelCapabilities"] = boost::json::array(); }),
      10089);
  EXPECT_EQ(CodeAfter([](auto& b) { Capabilities(b)["channelCapabilities"] = "x"; }), 10089);
  EXPECT_EQ(
      CodeAfter([](auto& b) { Capabilities(b)["channelCapabilities"] = boost::json::array{1}; }),
      10089);
  EXPECT_EQ(CodeAfter([](auto& b) {
              auto& list = Capabilities(b)["channelCapabilities"].as_array();
              const boost::json::value entry = list[0];
              while (list.size() < 101) list.push_back(entry);
            }),
            10089);
  EXPECT_EQ(CodeAfter([](auto& b) {
              auto& list = Capabilities(b)["channelCapabilities"].as_array();
              const boost::json::value entry = list[0];
              while (list.size() < 100) list.push_back(entry);
            }),
            0);
}

TEST(CapabilitiesParseTest, ChannelType) {
  EXPECT_EQ(CodeAfter([](auto& b) { Entry(b).erase("channelType"); }), 0);
  EXPECT_EQ(CodeAfter([](auto& b) { Entry(b)["channelType"] = "Custom"; }), 10089);
  EXPECT_EQ(CodeAfter([](auto& b) { Entry(b)["channelType"] = "whatsapp"; }), 10089);
  EXPECT_EQ(CodeAfter([](auto& b) { Entry(b)["channelType"] = true; }), 10089);
}

TEST(CapabilitiesParseTest, CustomIntegrationShape) {
  EXPECT_EQ(CodeAfter([](auto& b) { Entry(b).erase("customIntegration"); }), 0);
  EXPECT_EQ(CodeAfter([](auto& b) { Entry(b)["customIntegration"] = "P1_Def"; }), 10050);
  auto integration = [](boost::json::value& b) -> boost::json::object& {
    return Entry(b)["customIntegration"].as_object();
  };
  EXPECT_EQ(CodeAfter([&](auto& b) { integration(b).erase("customIntegrationType"); }), 10050);
  EXPECT_EQ(CodeAfter([&](auto& b) { integration(b)["customIntegrationType"] = "Other"; }), 10050);
  EXPECT_EQ(CodeAfter([&](auto& b) { integration(b).erase("integrationNamespace"); }), 10050);
  EXPECT_EQ(CodeAfter([&](auto& b) { integration(b)["integrationNamespace"] = ""; }), 10050);
  EXPECT_EQ(CodeAfter([&](auto& b) { integration(b)["integrationNamespace"] = 7; }), 10050);
  EXPECT_EQ(
      CodeAfter([&](auto& b) { integration(b)["integrationNamespace"] = std::string(241, 'n'); }),
      10050);
  EXPECT_EQ(
      CodeAfter([&](auto& b) { integration(b)["integrationNamespace"] = std::string(240, 'n'); }),
      0);
  EXPECT_EQ(
      CodeAfter([&](auto& b) { integration(b).erase("conversationChannelDefinitionDevName"); }),
      10050);
  EXPECT_EQ(CodeAfter([&](auto& b) {
              integration(b)["conversationChannelDefinitionDevName"] = std::string(241, 'd');
            }),
            10050);
  // A bot integration names its definition in extConvParticipantIntegDefDevName.
  EXPECT_EQ(
      CodeAfter([&](auto& b) { integration(b)["customIntegrationType"] = "CustomBotIntegration"; }),
      10050);
  boost::json::value bot = Example();
  integration(bot) = {{"customIntegrationType", "CustomBotIntegration"},
                      {"integrationNamespace", "P1"},
                      {"extConvParticipantIntegDefDevName", "P1_Bot"}};
  auto parsed = ParseCapabilitiesRequest(boost::json::serialize(bot));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->entries[0].integration->kind, IntegrationKind::kBotIntegration);
  EXPECT_EQ(parsed->entries[0].integration->developer_name, "P1_Bot");
  EXPECT_EQ(parsed->entries[0].json.at("customIntegration"), boost::json::value(integration(bot)));
}

TEST(CapabilitiesParseTest, MessageTypes) {
  EXPECT_EQ(CodeAfter([](auto& b) { Entry(b).erase("messageTypeCapabilities"); }), 10089);
  EXPECT_EQ(CodeAfter([](auto& b) { Entry(b)["messageTypeCapabilities"] = boost::json::array(); }),
            10089);
  EXPECT_EQ(CodeAfter([](auto& b) { Entry(b)["messageTypeCapabilities"] = boost::json::object(); }),
            10089);
  EXPECT_EQ(
      CodeAfter([](auto& b) { Entry(b)["messageTypeCapabilities"] = boost::json::array{"x"}; }),
      10089);
  EXPECT_EQ(CodeAfter([](auto& b) { MessageCapability(b).erase("messageType"); }), 10047);
  EXPECT_EQ(CodeAfter([](auto& b) { MessageCapability(b)["messageType"] = "Message"; }), 10047);
  EXPECT_EQ(CodeAfter([](auto& b) { MessageCapability(b)["messageType"] = 3; }), 10047);
  EXPECT_EQ(
      CodeAfter([](auto& b) { MessageCapability(b)["messageType"] = "staticcontentmessage"; }),
      10047);
  EXPECT_EQ(CodeAfter([](auto& b) { MessageCapability(b).erase("formatTypeCapabilities"); }),
            10089);
  EXPECT_EQ(CodeAfter([](auto& b) {
              MessageCapability(b)["formatTypeCapabilities"] = boost::json::array();
            }),
            10089);
  EXPECT_EQ(CodeAfter([](auto& b) {
              MessageCapability(b)["formatTypeCapabilities"] = boost::json::array{"Text"};
            }),
            10089);
}

TEST(CapabilitiesParseTest, FormatTypesAndCombinations) {
  EXPECT_EQ(CodeAfter([](auto& b) { Format(b).erase("formatType"); }), 10048);
  EXPECT_EQ(CodeAfter([](auto& b) { Format(b)["formatType"] = "Video"; }), 10048);
  EXPECT_EQ(CodeAfter([](auto& b) { Format(b)["formatType"] = false; }), 10048);
  EXPECT_EQ(CodeAfter([](auto& b) { Format(b)["formatType"] = "Buttons"; }), 10049);
  EXPECT_EQ(CodeAfter([](auto& b) { Format(b)["formatType"] = "Flow"; }), 10049);
  EXPECT_EQ(CodeAfter([](auto& b) { Format(b, 1)["formatType"] = "Text"; }), 10049);
  EXPECT_EQ(CodeAfter([](auto& b) { Format(b, 2)["formatType"] = "Result"; }), 10049);
  // The message type is checked before its format types; the first failing item decides.
  EXPECT_EQ(CodeAfter([](auto& b) {
              MessageCapability(b)["messageType"] = "Nope";
              Format(b, 1)["formatType"] = "Nope";
            }),
            10047);
  EXPECT_EQ(CodeAfter([](auto& b) {
              Format(b)["formatType"] = "Buttons";
              MessageCapability(b, 1)["messageType"] = "Nope";
            }),
            10049);
}

TEST(CapabilitiesParseTest, EveryValidCombinationIsAcceptedAndNoOther) {
  const char* message_types[] = {"ChoicesMessage", "ChoicesResponseMessage", "FormMessage",
                                 "FormResponseMessage", "StaticContentMessage"};
  const char* format_types[] = {
      "Attachments", "RichLink",   "Media", "Buttons",        "Carousel",    "QuickReplies",
      "ListPicker",  "Selections", "Links", "TimePicker",     "Application", "Result",
      "Inputs",      "WebView",    "Text",  "ExperienceType", "Flow",        "MessageDefinition"};
  int valid = 0;
  for (const char* message_type : message_types) {
    for (const char* format_type : format_types) {
      const int code = CodeAfter([&](auto& b) {
        Entry(b)["messageTypeCapabilities"] = boost::json::array{
            {{"messageType", message_type},
             {"formatTypeCapabilities", boost::json::array{{{"formatType", format_type}}}}}};
      });
      const bool expected = IsValidMessageFormat(message_type, format_type);
      EXPECT_EQ(code, expected ? 0 : 10049) << message_type << " × " << format_type;
      valid += expected ? 1 : 0;
    }
  }
  EXPECT_EQ(valid, static_cast<int>(ValidMessageFormats().size()));
  EXPECT_EQ(valid, 19);
  EXPECT_TRUE(IsValidMessageFormat("StaticContentMessage", "WebView"));
  EXPECT_TRUE(IsValidMessageFormat("ChoicesMessage", "Carousel"));
  EXPECT_TRUE(IsValidMessageFormat("FormMessage", "MessageDefinition"));
  EXPECT_TRUE(IsValidMessageFormat("ChoicesResponseMessage", "Selections"));
  EXPECT_FALSE(IsValidMessageFormat("FormResponseMessage", "Selections"));
}

TEST(CapabilitiesParseTest, ProgressIndicators) {
  auto indicators = [](boost::json::value& b) -> boost::json::value& {
    return Entry(b)["progressIndicatorTypeCapabilities"];
  };
  auto indicator = [&](boost::json::value& b) -> boost::json::object& {
    return indicators(b).as_array().at(0).as_object();
  };
  EXPECT_EQ(CodeAfter([](auto& b) { Entry(b).erase("progressIndicatorTypeCapabilities"); }), 0);
  EXPECT_EQ(CodeAfter([&](auto& b) { indicators(b) = boost::json::array(); }), 10098);
  EXPECT_EQ(CodeAfter([&](auto& b) { indicators(b) = boost::json::object(); }), 10098);
  EXPECT_EQ(CodeAfter([&](auto& b) { indicators(b) = "ProgressUpdateIndicator"; }), 10098);
  EXPECT_EQ(CodeAfter([&](auto& b) { indicators(b) = boost::json::array{1}; }), 10098);
  EXPECT_EQ(CodeAfter([&](auto& b) { indicator(b).erase("progressIndicatorType"); }), 10098);
  EXPECT_EQ(CodeAfter([&](auto& b) { indicator(b)["progressIndicatorType"] = "Typing"; }), 10098);
  EXPECT_EQ(CodeAfter([&](auto& b) { indicator(b).erase("formatTypeCapabilities"); }), 10098);
  EXPECT_EQ(
      CodeAfter([&](auto& b) { indicator(b)["formatTypeCapabilities"] = boost::json::array(); }),
      10098);
  EXPECT_EQ(CodeAfter([&](auto& b) {
              indicator(b)["formatTypeCapabilities"] = boost::json::array{{{"formatType", "Nope"}}};
            }),
            10048);
  EXPECT_EQ(
      CodeAfter([&](auto& b) {
        indicator(b)["formatTypeCapabilities"] = boost::json::array{{{"formatType", "Buttons"}}};
      }),
      10049);
  EXPECT_EQ(CodeAfter([&](auto& b) {
              auto& list = indicators(b).as_array();
              const boost::json::value item = list[0];
              while (list.size() < 101) list.push_back(item);
            }),
            10098);
  // The message capabilities are checked first.
  EXPECT_EQ(CodeAfter([&](auto& b) {
              indicators(b) = boost::json::array();
              MessageCapability(b)["messageType"] = "Nope";
            }),
            10047);
}

TEST(CapabilitiesParseTest, FieldJsonPath) {
  auto with_path = [](boost::json::value path) {
    return CodeAfter([&](auto& b) { Restriction(b)["fieldJsonPath"] = path; });
  };
  EXPECT_EQ(with_path("$"), 0);
  EXPECT_EQ(with_path("$.text"), 0);
  EXPECT_EQ(with_path("$.some.array.field_2"), 0);
  EXPECT_EQ(with_path(""), 10089);
  EXPECT_EQ(with_path("staticContent.text"), 10089);
  EXPECT_EQ(with_path("$..text"), 10089);
  EXPECT_EQ(with_path("$.text."), 10089);
  EXPECT_EQ(with_path("$.items[0]"), 10089);
  EXPECT_EQ(with_path("$.items[*].id"), 10089);
  EXPECT_EQ(with_path("$['text']"), 10089);
  EXPECT_EQ(with_path("$.a b"), 10089);
  EXPECT_EQ(with_path("$.*"), 10089);
  EXPECT_EQ(with_path(1), 10089);
  EXPECT_EQ(with_path(nullptr), 10089);
  EXPECT_EQ(with_path(boost::json::string("$." + std::string(1000, 'a'))), 10089);
  EXPECT_EQ(
      CodeAfter([](auto& b) { Format(b)["capabilityFieldRestriction"] = boost::json::array(); }),
      0);
  EXPECT_EQ(CodeAfter([](auto& b) { Format(b)["capabilityFieldRestriction"] = "x"; }), 10089);
  EXPECT_EQ(
      CodeAfter([](auto& b) { Format(b)["capabilityFieldRestriction"] = boost::json::array{"x"}; }),
      10089);
  EXPECT_EQ(CodeAfter([](auto& b) {
              auto& list = Format(b)["capabilityFieldRestriction"].as_array();
              const boost::json::value item = list[0];
              while (list.size() < 101) list.push_back(item);
            }),
            10089);
  EXPECT_EQ(CodeAfter([](auto& b) { Restriction(b).erase("restriction"); }), 10089);
  EXPECT_EQ(CodeAfter([](auto& b) { Restriction(b)["restriction"] = "MimeTypeRestriction"; }),
            10089);
}

// Parses the example with its one restriction replaced by `restriction`.
int RestrictionCode(std::string_view restriction) {
  return CodeAfter(
      [&](auto& b) { Restriction(b)["restriction"] = boost::json::parse(restriction); });
}

TEST(CapabilitiesParseTest, EveryRestrictionKindWithWellTypedFields) {
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"StringFieldRestriction",
                                "encoding":"GSM","maxLength":160})"),
            0);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"StringFieldRestriction",
                                "encoding":"ASCII","maxLength":160})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"StringFieldRestriction","encoding":"UTF8",
                                "maxLength":"160"})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"StringFieldRestriction","encoding":"UCS2",
                                "maxLength":-1})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"StringFieldRestriction","encoding":"UCS2",
                                "maxLength":1.5})"),
            10089);
  EXPECT_EQ(
      RestrictionCode(R"({"fieldRestrictionType":"StringFieldRestriction","encoding":"UCS2"})"),
      10089);
  EXPECT_EQ(
      RestrictionCode(R"({"fieldRestrictionType":"MimeTypeRestriction","mimeType":"image/*"})"), 0);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"MimeTypeRestriction","mimeType":"png"})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"MimeTypeRestriction","mimeType":""})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"MimeTypeRestriction"})"), 10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"FileSizeRestriction","maxSizeInKb":5120})"),
            0);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"FileSizeRestriction","maxSizeInKb":true})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"DimensionRestriction","x":1.5,"y":2,
                                "dimensionType":"RATIO"})"),
            0);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"DimensionRestriction","x":640,"y":480,
                                "dimensionType":"pixel"})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"DimensionRestriction","x":"640","y":480,
                                "dimensionType":"PIXEL"})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"DimensionRestriction","x":640,
                                "dimensionType":"PIXEL"})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"ArrayRestriction","maxItems":10})"), 0);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"ArrayRestriction","maxItems":[10]})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"RequiredFieldRestriction",
                                "fieldRequired":true})"),
            0);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"RequiredFieldRestriction",
                                "fieldRequired":"true"})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"TypeRestriction","type":"string"})"), 0);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"TypeRestriction","type":""})"), 10089);
  EXPECT_EQ(RestrictionCode(R"({"fieldRestrictionType":"LengthRestriction","maxLength":3})"),
            10089);
  EXPECT_EQ(RestrictionCode(R"({"maxLength":3})"), 10089);
}

TEST(CapabilitiesParseTest, NumbersAreStoredTyped) {
  boost::json::value body = Example();
  Restriction(body)["restriction"] = boost::json::parse(
      R"({"fieldRestrictionType":"DimensionRestriction","x":640,"y":480.0,"dimensionType":"PIXEL"})");
  auto parsed = ParseCapabilitiesRequest(boost::json::serialize(body));
  ASSERT_TRUE(parsed.ok());
  const auto& restriction = parsed->entries[0]
                                .json.at("messageTypeCapabilities")
                                .at(0)
                                .at("formatTypeCapabilities")
                                .at(0)
                                .at("capabilityFieldRestriction")
                                .at(0)
                                .at("restriction");
  EXPECT_TRUE(restriction.at("x").is_double());
  EXPECT_EQ(restriction.at("x").as_double(), 640.0);
  EXPECT_EQ(restriction.at("y").as_double(), 480.0);
}

// --- Resolution against the org ----------------------------------------------------------

struct Fixture {
  Fixture() {
    org.id = "00D000000000001";
    org.connected_apps.push_back({"P1_App", "P1", "key", "", {"interaction_api"}});
    org.connected_apps.push_back({"Other_App", "Other", "key2", "", {"interaction_api"}});
    config::ChannelDefinition definition;
    definition.developer_name = "P1_Def";
    definition.connected_app = "P1_App";
    org.channel_definitions.push_back(definition);
    definition.developer_name = "P1_Def2";
    org.channel_definitions.push_back(definition);
    definition.developer_name = "Other_Def";
    definition.connected_app = "Other_App";
    org.channel_definitions.push_back(definition);
    org.bot_integrations.push_back({"P1_Bot", "P1_App", "P1_Bot__e"});
    org.bot_integrations.push_back({"Other_Bot", "Other_App", "Other_Bot__e"});
    scope.org = &org;
    scope.app = &org.connected_apps[0];
    scope.channel_definition = &org.channel_definitions[0];
  }
  config::Org org;
  IntegrationScope scope;
};

boost::json::object ChannelIntegration(std::string name, std::string ns = "00D000000000001") {
  return {{"customIntegrationType", "CustomChannelIntegration"},
          {"integrationNamespace", ns},
          {"conversationChannelDefinitionDevName", name}};
}

boost::json::object BotIntegration(std::string name, std::string ns = "P1") {
  return {{"customIntegrationType", "CustomBotIntegration"},
          {"integrationNamespace", ns},
          {"extConvParticipantIntegDefDevName", name}};
}

// The example with its one entry's customIntegration replaced (null: removed), resolved.
Result<std::vector<CapabilitiesRegistration>> ResolveWith(const Fixture& fixture,
                                                          boost::json::value integration) {
  boost::json::value body = Example();
  if (integration.is_null()) {
    Entry(body).erase("customIntegration");
  } else {
    Entry(body)["customIntegration"] = integration;
  }
  auto parsed = ParseCapabilitiesRequest(boost::json::serialize(body));
  EXPECT_TRUE(parsed.ok());
  if (!parsed.ok()) return parsed.error();
  return ResolveRegistrations(*parsed, fixture.scope);
}

int ResolveCode(const Fixture& fixture, boost::json::value integration) {
  auto resolved = ResolveWith(fixture, std::move(integration));
  return resolved.ok() ? 0 : resolved.error().code;
}

TEST(CapabilitiesResolveTest, NamespaceIsTheOrgIdOrTheAppsDeveloperPrefix) {
  Fixture f;
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("P1_Def", "00D000000000001")), 0);
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("P1_Def", "00D000000000001AAA")), 0);
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("P1_Def", "P1")), 0);
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("P1_Def", "p1")), 10050);
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("P1_Def", "Other")), 10050);
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("P1_Def", "00D000000000002")), 10050);
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("P1_Def", "00D000000000001A-A")), 10050);
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("P1_Def", "00d000000000001")), 10050);
}

TEST(CapabilitiesResolveTest, TheDefinitionMustBeTheOrgsAndTheTokensApps) {
  Fixture f;
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("P1_Def2")), 0);
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("Nope_Def")), 10050);
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("Other_Def")), 10050);  // another app's
  EXPECT_EQ(ResolveCode(f, ChannelIntegration("P1_Bot")), 10050);     // a bot, named as a channel
  EXPECT_EQ(ResolveCode(f, BotIntegration("P1_Bot")), 0);
  EXPECT_EQ(ResolveCode(f, BotIntegration("P1_Def")), 10050);  // a channel, named as a bot
  EXPECT_EQ(ResolveCode(f, BotIntegration("Other_Bot")), 10050);
  EXPECT_EQ(ResolveCode(f, BotIntegration("P1_Bot", "Other")), 10050);
}

TEST(CapabilitiesResolveTest, WithoutCustomIntegrationTheAuthorizationContextRegisters) {
  Fixture f;
  auto channel = ResolveWith(f, nullptr);
  ASSERT_TRUE(channel.ok());
  ASSERT_EQ(channel->size(), 1u);
  EXPECT_EQ((*channel)[0].kind, IntegrationKind::kChannelDefinition);
  EXPECT_EQ((*channel)[0].developer_name, "P1_Def");
  EXPECT_EQ((*channel)[0].app_type, "custom");
  f.scope.channel_definition = nullptr;
  f.scope.bot_integration = &f.org.bot_integrations[0];
  auto bot = ResolveWith(f, nullptr);
  ASSERT_TRUE(bot.ok());
  EXPECT_EQ((*bot)[0].kind, IntegrationKind::kBotIntegration);
  EXPECT_EQ((*bot)[0].developer_name, "P1_Bot");
}

TEST(CapabilitiesResolveTest, EntriesAreGroupedPerIntegrationInFirstAppearanceOrder) {
  Fixture f;
  boost::json::value body = Example();
  auto& list = Capabilities(body)["channelCapabilities"].as_array();
  const boost::json::object entry = list[0].as_object();
  auto with = [&](boost::json::value integration, const char* message_type,
                  const char* format_type) {
    boost::json::object copy = entry;
    if (integration.is_null()) {
      copy.erase("customIntegration");
    } else {
      copy["customIntegration"] = integration;
    }
    copy.erase("progressIndicatorTypeCapabilities");
    copy["messageTypeCapabilities"] = boost::json::array{
        {{"messageType", message_type},
         {"formatTypeCapabilities", boost::json::array{{{"formatType", format_type}}}}}};
    return copy;
  };
  list = boost::json::array{
      with(BotIntegration("P1_Bot"), "StaticContentMessage", "Text"),
      with(ChannelIntegration("P1_Def2"), "ChoicesMessage", "Buttons"),
      with(nullptr, "FormMessage", "Inputs"),
      with(BotIntegration("P1_Bot", "00D000000000001"), "ChoicesMessage", "Carousel")};
  auto parsed = ParseCapabilitiesRequest(boost::json::serialize(body));
  ASSERT_TRUE(parsed.ok());
  auto resolved = ResolveRegistrations(*parsed, f.scope);
  ASSERT_TRUE(resolved.ok());
  ASSERT_EQ(resolved->size(), 3u);
  EXPECT_EQ((*resolved)[0].developer_name, "P1_Bot");
  EXPECT_EQ((*resolved)[0].channel_capabilities.size(), 2u);
  EXPECT_EQ((*resolved)[1].developer_name, "P1_Def2");
  EXPECT_EQ((*resolved)[2].developer_name, "P1_Def");
  // One entry naming an invalid integration fails the whole request.
  list.push_back(with(ChannelIntegration("Other_Def"), "FormMessage", "Inputs"));
  auto failing = ParseCapabilitiesRequest(boost::json::serialize(body));
  ASSERT_TRUE(failing.ok());
  auto rejected = ResolveRegistrations(*failing, f.scope);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, 10050);
}

// --- Queries -------------------------------------------------------------------------------

TEST(CapabilitiesQueryTest, SupportAndRestrictionsOfARegistration) {
  boost::json::value body = Example();
  auto parsed = ParseCapabilitiesRequest(boost::json::serialize(body));
  ASSERT_TRUE(parsed.ok());
  boost::json::value registration = {
      {"channelCapabilities", boost::json::array{parsed->entries[0].json}}};
  EXPECT_EQ(MessageFormatSupport(registration, "StaticContentMessage", "Attachments"),
            CapabilitySupport::kSupported);
  EXPECT_EQ(MessageFormatSupport(registration, "ChoicesMessage", "Buttons"),
            CapabilitySupport::kSupported);
  EXPECT_EQ(MessageFormatSupport(registration, "ChoicesMessage", "Carousel"),
            CapabilitySupport::kNotSupported);
  EXPECT_EQ(MessageFormatSupport(registration, "StaticContentMessage", "Buttons"),
            CapabilitySupport::kNotSupported);
  EXPECT_EQ(MessageFormatSupport(boost::json::value(nullptr), "ChoicesMessage", "Buttons"),
            CapabilitySupport::kNotRegistered);
  EXPECT_EQ(ProgressIndicatorSupport(registration, "ProgressUpdateIndicator", "Text"),
            CapabilitySupport::kSupported);
  EXPECT_EQ(ProgressIndicatorSupport(registration, "ProgressUpdateIndicator", "Buttons"),
            CapabilitySupport::kNotSupported);
  const auto restrictions =
      FieldRestrictionsFor(registration, "StaticContentMessage", "Attachments");
  ASSERT_EQ(restrictions.size(), 1u);
  EXPECT_EQ(restrictions[0].at("fieldJsonPath"), "$.staticContent.attachments.mimeType");
  EXPECT_EQ(restrictions[0].at("restriction").at("mimeType"), "image/png");
  EXPECT_TRUE(FieldRestrictionsFor(registration, "ChoicesMessage", "Buttons").empty());
}

TEST(CapabilitiesQueryTest, IntegrationKindNames) {
  EXPECT_EQ(IntegrationKindName(IntegrationKind::kChannelDefinition), "CustomChannelIntegration");
  EXPECT_EQ(IntegrationKindName(IntegrationKind::kBotIntegration), "CustomBotIntegration");
  EXPECT_EQ(ParseIntegrationKind("CustomBotIntegration"), IntegrationKind::kBotIntegration);
  EXPECT_FALSE(ParseIntegrationKind("customBotIntegration").has_value());
  EXPECT_TRUE(IsMessageType("FormResponseMessage"));
  EXPECT_FALSE(IsMessageType("Message"));
  EXPECT_TRUE(IsFormatType("Flow"));
  EXPECT_FALSE(IsFormatType("Video"));
  EXPECT_TRUE(IsValidProgressIndicatorFormat("ProgressUpdateIndicator", "Text"));
  EXPECT_FALSE(IsValidProgressIndicatorFormat("ProgressUpdateIndicator", "Buttons"));
}

}  // namespace
}  // namespace interactiond::domain
