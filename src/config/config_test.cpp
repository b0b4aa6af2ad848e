#include "config/config.h"
#include "util/temp_dir.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace interactiond::config {
namespace {

using TempDir = util::TempDir;

void WriteFile(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// The smallest valid document: one org, one app, one definition, one channel.
constexpr std::string_view kMinimalYaml = R"(
orgs:
  - id: 00D000000000001
    connectedApps:
      - name: App
        developerPrefix: P
        consumerKey: key-1
        certificate: CERT
    channelDefinitions:
      - developerName: Def
        connectedApp: App
        vendorType: Messaging
        vendor: Vendor
        routingOwner: Salesforce
        consentOwner: Partner
        customPlatformEvent: Event__e
    channels:
      - id: 0Mj000000000001
        channelAddressIdentifier: addr-1
        channelDefinition: Def
        provider: Vendor
    queues:
      - {id: 00G000000000001, name: Q}
    flows:
      - {id: 300000000000001, name: F}
    users:
      - {id: 005000000000001, username: u@example.com}
)";

// kMinimalYaml with the first occurrence of `from` replaced by `to`.
std::string Minimal(std::string_view from = {}, std::string_view to = {}) {
  std::string yaml(kMinimalYaml);
  if (!from.empty()) {
    const size_t at = yaml.find(from);
    if (at == std::string::npos) throw std::logic_error("no '" + std::string(from) + "'");
    yaml.replace(at, from.size(), to);
  }
  return yaml;
}

Config Load(const std::string& yaml) { return LoadConfigFromYaml(yaml, ".", "PEM", "test.yaml"); }

// Loads `yaml`, expecting a ConfigError whose message contains every one of `parts`.
void ExpectConfigError(const std::string& yaml, std::initializer_list<std::string_view> parts) {
  try {
    Load(yaml);
    ADD_FAILURE() << "no ConfigError for:\n" << yaml;
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    for (std::string_view part : parts) {
      EXPECT_NE(message.find(part), std::string::npos)
          << "message '" << message << "' lacks '" << part << "'";
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a ConfigError: " << typeid(e).name() << ": " << e.what() << "\n" << yaml;
  }
}

// --- The built-in demo org -----------------------------------------------------------------------

class DemoConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = LoadDemoConfig("PEM");
    ASSERT_NE(config_.orgs, nullptr);
    org_ = config_.orgs->FindOrg("00D8c000000DEMO");
    ASSERT_NE(org_, nullptr);
  }
  Config config_;
  const Org* org_ = nullptr;
};

TEST_F(DemoConfigTest, TheDemoOrgFirstThenTheTrapOrgs) {
  EXPECT_EQ(config_.source, "built-in demo org");
  // The demo org first (what demo-env and the banner describe), then the trap org that is not
  // upgraded (10063, 10075, 10076, 10077) and the one without permissions (10099).
  ASSERT_EQ(config_.orgs->orgs().size(), 3u);
  EXPECT_EQ(&config_.orgs->orgs().front(), org_);
  const Org* trap = config_.orgs->FindOrg("00D8c000000TRAP");
  ASSERT_NE(trap, nullptr);
  EXPECT_FALSE(trap->features.history_with_session);
  EXPECT_FALSE(trap->features.conference_routing);
  EXPECT_FALSE(trap->features.cancel_reason);
  EXPECT_TRUE(trap->features.permissions);
  const Org* no_permissions = config_.orgs->FindOrg("00D8c000000NOPM");
  ASSERT_NE(no_permissions, nullptr);
  EXPECT_FALSE(no_permissions->features.permissions);
  EXPECT_TRUE(org_->features.history_with_session);
  EXPECT_TRUE(org_->features.conference_routing);
  EXPECT_TRUE(org_->features.permissions);
  EXPECT_EQ(org_->id, "00D8c000000DEMO");
  EXPECT_EQ(org_->name, "interactiond Demo");
  EXPECT_TRUE(org_->features.ccaas_enabled);
  EXPECT_FALSE(org_->features.read_only);
}

TEST_F(DemoConfigTest, ServerSectionIsTheDocumentedDefault) {
  EXPECT_EQ(config_.server.host, "127.0.0.1");
  EXPECT_EQ(config_.server.port, 8085);
  EXPECT_EQ(config_.server.threads, 0);
  EXPECT_EQ(config_.server.durability, Durability::kFull);
  EXPECT_TRUE(config_.server.request_log);
  EXPECT_EQ(config_.server.instance_url, "");
}

TEST_F(DemoConfigTest, DemoGeneratedCertificatesAreReplaced) {
  ASSERT_EQ(org_->connected_apps.size(), 2u);
  const ConnectedApp* partner = org_->FindConnectedApp("Partner1_ConnectedApp");
  ASSERT_NE(partner, nullptr);
  EXPECT_EQ(partner->developer_prefix, "Partner1");
  EXPECT_EQ(partner->consumer_key, "3MVG9interactiond.demo.Partner1");
  EXPECT_EQ(partner->certificate_pem, "PEM");
  EXPECT_EQ(partner->scopes,
            (std::vector<std::string>{"interaction_api", "refresh_token", "offline_access"}));
  const ConnectedApp* no_scope =
      org_->FindConnectedAppByConsumerKey("3MVG9interactiond.demo.NoScope");
  ASSERT_NE(no_scope, nullptr);
  EXPECT_EQ(no_scope->name, "NoScope_ConnectedApp");
  EXPECT_EQ(no_scope->certificate_pem, "PEM");
  EXPECT_EQ(no_scope->scopes, (std::vector<std::string>{"api", "refresh_token"}));
}

TEST(DemoConfigCertificateTest, EmptyDemoCertificateLeavesAppsWithout) {
  const Config config = LoadDemoConfig("");
  for (const ConnectedApp& app : config.orgs->orgs()[0].connected_apps) {
    EXPECT_EQ(app.certificate_pem, "") << app.name;
  }
}

TEST_F(DemoConfigTest, ChannelDefinitions) {
  ASSERT_EQ(org_->channel_definitions.size(), 6u);
  const ChannelDefinition* salesforce_consent =
      org_->FindChannelDefinition("Partner1_SalesforceConsentDefinition");
  ASSERT_NE(salesforce_consent, nullptr);
  EXPECT_EQ(salesforce_consent->consent_owner, ConsentOwner::kSalesforce);
  const ChannelDefinition* keywords = org_->FindChannelDefinition("Partner1_KeywordsDefinition");
  ASSERT_NE(keywords, nullptr);
  EXPECT_TRUE(keywords->supports_keywords);
  const ChannelDefinition* main = org_->FindChannelDefinition("Partner1_ChannelDefinition1");
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->connected_app, "Partner1_ConnectedApp");
  EXPECT_EQ(main->vendor_type, VendorType::kMessaging);
  EXPECT_EQ(main->vendor_name, "Partner1_Vendor");
  EXPECT_EQ(main->routing_owner, RoutingOwner::kSalesforce);
  EXPECT_EQ(main->consent_owner, ConsentOwner::kPartner);
  EXPECT_EQ(main->custom_platform_event, "Partner1_Event__e");
  EXPECT_EQ(main->event_type_field, "EventType__c");
  EXPECT_EQ(main->payload_field, "Payload__c");

  const ChannelDefinition* ccaas = org_->FindChannelDefinition("Partner1_CCaaSDefinition");
  ASSERT_NE(ccaas, nullptr);
  EXPECT_EQ(ccaas->vendor_type, VendorType::kCcaas);
  EXPECT_EQ(ccaas->routing_owner, RoutingOwner::kPartner);
  EXPECT_TRUE(ccaas->conference_supported);

  EXPECT_NE(org_->FindChannelDefinition("Partner1_OtherDefinition"), nullptr);
  const ChannelDefinition* other_app = org_->FindChannelDefinition("NoScope_ChannelDefinition");
  ASSERT_NE(other_app, nullptr);
  EXPECT_EQ(other_app->connected_app, "NoScope_ConnectedApp");
}

TEST_F(DemoConfigTest, DemoMessagingChannel) {
  const MessagingChannel* channel = org_->FindChannelByAddress("demo-messaging-channel");
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->id, "0Mj8c00000DCH01");
  EXPECT_EQ(channel->channel_definition, "Partner1_ChannelDefinition1");
  EXPECT_EQ(channel->provider, "Partner1_Vendor");
  EXPECT_EQ(channel->kind, "Messaging");
  EXPECT_EQ(channel->message_type, "Custom");
  EXPECT_TRUE(channel->active);
  EXPECT_TRUE(channel->contact_center_linked);
  EXPECT_EQ(channel->default_queue, "00G8c00000DQ001");
  ASSERT_EQ(channel->variables.size(), 2u);
  EXPECT_EQ(channel->variables[0].name, "CustomerTier");
  EXPECT_EQ(channel->variables[0].max_length, 10);
  EXPECT_EQ(channel->variables[1].name, "Topic");
  EXPECT_EQ(channel->variables[1].max_length, 255);

  const MessagingChannel* ccaas = org_->FindChannelByAddress("demo-ccaas-channel");
  ASSERT_NE(ccaas, nullptr);
  EXPECT_EQ(ccaas->id, "0Mj8c00000DCH02");
  EXPECT_EQ(ccaas->channel_definition, "Partner1_CCaaSDefinition");
}

TEST_F(DemoConfigTest, TrapChannels) {
  ASSERT_EQ(org_->channels.size(), 13u);
  auto channel = [&](std::string_view address) {
    const MessagingChannel* found = org_->FindChannelByAddress(address);
    EXPECT_NE(found, nullptr) << address;
    return found != nullptr ? *found : MessagingChannel{};
  };
  const MessagingChannel inactive = channel("trap-inactive-channel");
  EXPECT_EQ(inactive.id, "0Mj8c00000DCH11");
  EXPECT_FALSE(inactive.active);
  EXPECT_EQ(inactive.message_type, "Custom");  // default
  EXPECT_EQ(inactive.kind, "Messaging");       // default

  const MessagingChannel whatsapp = channel("trap-whatsapp-channel");
  EXPECT_EQ(whatsapp.id, "0Mj8c00000DCH12");
  EXPECT_EQ(whatsapp.message_type, "WhatsApp");
  EXPECT_TRUE(whatsapp.active);  // default

  const MessagingChannel voice = channel("trap-voice-channel");
  EXPECT_EQ(voice.id, "0Mj8c00000DCH13");
  EXPECT_EQ(voice.kind, "Voice");

  const MessagingChannel wrong_provider = channel("trap-wrong-provider-channel");
  EXPECT_EQ(wrong_provider.id, "0Mj8c00000DCH14");
  EXPECT_EQ(wrong_provider.provider, "Another_Vendor");

  const MessagingChannel other_context = channel("trap-other-context-channel");
  EXPECT_EQ(other_context.id, "0Mj8c00000DCH15");
  EXPECT_EQ(other_context.channel_definition, "Partner1_OtherDefinition");

  const MessagingChannel no_definition = channel("trap-no-definition-channel");
  EXPECT_EQ(no_definition.id, "0Mj8c00000DCH16");
  EXPECT_EQ(no_definition.channel_definition, "");

  const MessagingChannel no_contact_center = channel("trap-no-contact-center-channel");
  EXPECT_EQ(no_contact_center.id, "0Mj8c00000DCH17");
  EXPECT_FALSE(no_contact_center.contact_center_linked);
}

TEST_F(DemoConfigTest, QueuesFlowsAndUsers) {
  ASSERT_EQ(org_->queues.size(), 2u);
  EXPECT_EQ(org_->queues[0].id, "00G8c00000DQ001");
  EXPECT_EQ(org_->queues[0].name, "Support");
  ASSERT_EQ(org_->flows.size(), 3u);
  EXPECT_EQ(org_->flows[0].id, "3008c00000DFL01");
  EXPECT_EQ(org_->flows[0].target_queue, "00G8c00000DQ001");
  EXPECT_EQ(org_->FindFlow("3008c00000DFL02")->target_bot, "1JZ8c00000DBOT1");
  EXPECT_EQ(org_->FindFlow("3008c00000DFL03")->target_user, "0058c00000DREP1");
  EXPECT_EQ(org_->FindFlow("3008c00000DFL03AAA")->id, "3008c00000DFL03");  // 18-character form

  const MessagingChannel* bot_channel = org_->FindChannelByAddress("demo-bot-channel");
  ASSERT_NE(bot_channel, nullptr);
  EXPECT_EQ(bot_channel->default_flow, "3008c00000DFL02");
  const MessagingChannel* no_service = org_->FindChannelByAddress("trap-no-service-channel");
  ASSERT_NE(no_service, nullptr);
  EXPECT_FALSE(no_service->service_channel);
  EXPECT_TRUE(bot_channel->service_channel);

  ASSERT_EQ(org_->users.size(), 4u);
  EXPECT_EQ(org_->FindUser("0058c00000DREP3")->capacity, 2);
  const User* integration = org_->FindUserByUsername("integration@interactiond.demo");
  ASSERT_NE(integration, nullptr);
  EXPECT_EQ(integration->id, "0058c00000DINT1");
  EXPECT_TRUE(integration->partner_messaging);
  const User* bob = org_->FindUser("0058c00000DREP2");
  ASSERT_NE(bob, nullptr);
  EXPECT_FALSE(bob->partner_messaging);
  EXPECT_EQ(bob->queues, (std::vector<std::string>{"00G8c00000DQ001"}));
}

// --- OrgDirectory::FindOrg -------------------------------------------------------------------

TEST_F(DemoConfigTest, FindOrgAccepts15And18CharacterIds) {
  EXPECT_EQ(config_.orgs->FindOrg("00D8c000000DEMO"), org_);
  EXPECT_EQ(config_.orgs->FindOrg("00D8c000000DEMOAAA"), org_);
  EXPECT_EQ(config_.orgs->FindOrg("00D8c000000DEMOXYZ"), org_);
}

TEST_F(DemoConfigTest, FindOrgRefusesOtherLengthsAndUnknownIds) {
  EXPECT_EQ(config_.orgs->FindOrg(""), nullptr);
  EXPECT_EQ(config_.orgs->FindOrg("00D8c000000DEM"), nullptr);       // 14
  EXPECT_EQ(config_.orgs->FindOrg("00D8c000000DEMOA"), nullptr);     // 16
  EXPECT_EQ(config_.orgs->FindOrg("00D8c000000DEMOAA"), nullptr);    // 17
  EXPECT_EQ(config_.orgs->FindOrg("00D8c000000DEMOAAAA"), nullptr);  // 19
  EXPECT_EQ(config_.orgs->FindOrg("00D8c000000DEMX"), nullptr);
  EXPECT_EQ(config_.orgs->FindOrg("00D8c000000demo"), nullptr);  // ids are case-sensitive
}

TEST(OrgDirectoryTest, FindsEachOfSeveralOrgs) {
  Org a;
  a.id = "00D000000000001";
  Org b;
  b.id = "00D000000000002";
  const OrgDirectory directory({a, b});
  ASSERT_NE(directory.FindOrg("00D000000000002"), nullptr);
  EXPECT_EQ(directory.FindOrg("00D000000000002")->id, "00D000000000002");
  EXPECT_EQ(directory.FindOrg("00D000000000001ABC")->id, "00D000000000001");
  EXPECT_EQ(directory.FindOrg("00D000000000003"), nullptr);
}

// --- Loading documents -----------------------------------------------------------------------

TEST(LoadConfigFromYamlTest, MinimalDocumentLoadsWithDefaults) {
  const Config config = Load(Minimal());
  EXPECT_EQ(config.source, "test.yaml");
  EXPECT_EQ(config.server.port, 8085);
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_EQ(config.server.data_dir, std::filesystem::path("./data"));
  const Org* org = config.orgs->FindOrg("00D000000000001");
  ASSERT_NE(org, nullptr);
  EXPECT_EQ(org->name, "00D000000000001");                    // name defaults to the id
  EXPECT_EQ(org->connected_apps[0].certificate_pem, "CERT");  // inline value kept
  const MessagingChannel& channel = org->channels[0];
  EXPECT_EQ(channel.kind, "Messaging");
  EXPECT_EQ(channel.message_type, "Custom");
  EXPECT_TRUE(channel.active);
  EXPECT_TRUE(channel.variables.empty());
  EXPECT_EQ(org->users[0].name, "u@example.com");  // name defaults to the username
  EXPECT_EQ(org->users[0].capacity, 5);
}

TEST(LoadConfigFromYamlTest, ServerSectionIsParsed) {
  const Config config = Load(R"(
server:
  host: 0.0.0.0
  port: 9090
  threads: 3
  dataDir: /var/lib/interactiond
  durability: normal
  requestLog: false
  instanceUrl: https://example.my.salesforce.com
)" + Minimal());
  EXPECT_EQ(config.server.host, "0.0.0.0");
  EXPECT_EQ(config.server.port, 9090);
  EXPECT_EQ(config.server.threads, 3);
  EXPECT_EQ(config.server.data_dir, std::filesystem::path("/var/lib/interactiond"));
  EXPECT_EQ(config.server.durability, Durability::kNormal);
  EXPECT_FALSE(config.server.request_log);
  EXPECT_EQ(config.server.instance_url, "https://example.my.salesforce.com");
}

TEST(LoadConfigFromYamlTest, DurabilityValues) {
  EXPECT_EQ(Load("server: {durability: full}\n" + Minimal()).server.durability, Durability::kFull);
  EXPECT_EQ(Load("server: {durability: normal}\n" + Minimal()).server.durability,
            Durability::kNormal);
  EXPECT_EQ(Load("server: {durability: 'off'}\n" + Minimal()).server.durability, Durability::kOff);
}

TEST(LoadConfigFromYamlTest, FileCertificateIsRelativeToBaseDir) {
  TempDir dir;
  WriteFile(dir.path() / "certs" / "app.pem", "-----BEGIN CERTIFICATE-----\nabc\n");
  const Config config =
      LoadConfigFromYaml(Minimal("certificate: CERT", "certificate: file:certs/app.pem"),
                         dir.path(), "PEM", "test.yaml");
  EXPECT_EQ(config.orgs->orgs()[0].connected_apps[0].certificate_pem,
            "-----BEGIN CERTIFICATE-----\nabc\n");
}

TEST(LoadConfigFromYamlTest, FileCertificateMayBeAbsolute) {
  TempDir dir;
  const std::filesystem::path pem = dir.path() / "abs.pem";
  WriteFile(pem, "ABSOLUTE");
  const Config config =
      LoadConfigFromYaml(Minimal("certificate: CERT", "certificate: file:" + pem.string()),
                         "/nonexistent", "PEM", "test.yaml");
  EXPECT_EQ(config.orgs->orgs()[0].connected_apps[0].certificate_pem, "ABSOLUTE");
}

TEST(LoadConfigFromYamlTest, MissingCertificateFileIsAConfigError) {
  TempDir dir;
  try {
    LoadConfigFromYaml(Minimal("certificate: CERT", "certificate: file:missing.pem"), dir.path(),
                       "PEM", "test.yaml");
    ADD_FAILURE() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("missing.pem"), std::string::npos) << e.what();
  }
}

TEST(LoadConfigFromYamlTest, DemoGeneratedCertificateIsReplaced) {
  const Config config = Load(Minimal("certificate: CERT", "certificate: demo-generated"));
  EXPECT_EQ(config.orgs->orgs()[0].connected_apps[0].certificate_pem, "PEM");
}

TEST(LoadConfigFileTest, ReadsTheFileAndResolvesCertificatesBesideIt) {
  TempDir dir;
  WriteFile(dir.path() / "conf" / "app.pem", "FROM FILE");
  const std::filesystem::path file = dir.path() / "conf" / "org.yaml";
  WriteFile(file, Minimal("certificate: CERT", "certificate: file:app.pem"));
  const Config config = LoadConfigFile(file, "PEM");
  EXPECT_EQ(config.source, file.string());
  EXPECT_EQ(config.orgs->orgs()[0].connected_apps[0].certificate_pem, "FROM FILE");
}

TEST(LoadConfigFileTest, MissingFileIsAConfigError) {
  TempDir dir;
  EXPECT_THROW(LoadConfigFile(dir.path() / "nope.yaml", "PEM"), ConfigError);
}

TEST(LoadConfigFromYamlTest, SeveralOrgs) {
  std::string yaml = Minimal();
  yaml += R"(
  - id: 00D000000000002
    name: Second
)";
  const Config config = Load(yaml);
  ASSERT_EQ(config.orgs->orgs().size(), 2u);
  ASSERT_NE(config.orgs->FindOrg("00D000000000002"), nullptr);
  EXPECT_EQ(config.orgs->FindOrg("00D000000000002")->name, "Second");
}

// --- Validation errors -------------------------------------------------------------------------

TEST(LoadConfigErrorTest, OrgIdWithWrongPrefix) {
  ExpectConfigError(Minimal("id: 00D000000000001", "id: 00X000000000001"),
                    {"orgs[0]", "00X000000000001", "00D"});
}

TEST(LoadConfigErrorTest, OrgIdWithWrongLength) {
  ExpectConfigError(Minimal("id: 00D000000000001", "id: 00D00000000001"),
                    {"orgs[0]", "00D00000000001", "15"});
  ExpectConfigError(Minimal("id: 00D000000000001", "id: 00D000000000001AAA"),
                    {"orgs[0]", "00D000000000001AAA", "15"});
}

TEST(LoadConfigErrorTest, OrgIdMissing) {
  ExpectConfigError(Minimal("id: 00D000000000001", "name: no-id"), {"orgs[0]", "'id'"});
}

TEST(LoadConfigErrorTest, ChannelIdWithWrongPrefixOrLength) {
  ExpectConfigError(Minimal("id: 0Mj000000000001", "id: 0Mx000000000001"),
                    {"orgs[0].channels[0]", "0Mx000000000001", "0Mj"});
  ExpectConfigError(Minimal("id: 0Mj000000000001", "id: 0Mj0000001"),
                    {"orgs[0].channels[0]", "0Mj0000001"});
}

TEST(LoadConfigErrorTest, QueueFlowAndUserIdsAreChecked) {
  ExpectConfigError(Minimal("id: 00G000000000001", "id: 00X000000000001"),
                    {"orgs[0].queues[0]", "00G"});
  ExpectConfigError(Minimal("id: 300000000000001", "id: 301000000000001"),
                    {"orgs[0].flows[0]", "300"});
  ExpectConfigError(Minimal("id: 005000000000001", "id: 00500000000001"),
                    {"orgs[0].users[0]", "005"});
}

TEST(LoadConfigErrorTest, UnknownConnectedAppReference) {
  ExpectConfigError(Minimal("connectedApp: App", "connectedApp: Missing_App"),
                    {"orgs[0]", "Def", "connected app", "Missing_App"});
}

TEST(LoadConfigErrorTest, UnknownChannelDefinition) {
  ExpectConfigError(Minimal("channelDefinition: Def", "channelDefinition: Missing_Def"),
                    {"orgs[0]", "addr-1", "channel definition", "Missing_Def"});
}

TEST(LoadConfigErrorTest, DuplicateChannelAddress) {
  std::string yaml = Minimal("    queues:", R"(      - id: 0Mj000000000002
        channelAddressIdentifier: addr-1
        channelDefinition: Def
        provider: Vendor
    queues:)");
  ExpectConfigError(yaml, {"orgs[0]", "duplicate channel", "addr-1"});
}

TEST(LoadConfigErrorTest, DuplicateChannelId) {
  std::string yaml = Minimal("    queues:", R"(      - id: 0Mj000000000001
        channelAddressIdentifier: addr-2
    queues:)");
  ExpectConfigError(yaml, {"orgs[0]", "duplicate channel id", "0Mj000000000001"});
}

TEST(LoadConfigErrorTest, DuplicateConnectedAppOrConsumerKey) {
  ExpectConfigError(Minimal("    channelDefinitions:",
                            R"(      - {name: App, developerPrefix: Q, consumerKey: key-2}
    channelDefinitions:)"),
                    {"orgs[0]", "duplicate connected app", "App"});
  ExpectConfigError(Minimal("    channelDefinitions:",
                            R"(      - {name: App2, developerPrefix: Q, consumerKey: key-1}
    channelDefinitions:)"),
                    {"orgs[0]", "duplicate consumer key", "key-1"});
}

TEST(LoadConfigErrorTest, DuplicateOrg) {
  std::string yaml = Minimal();
  yaml += "  - id: 00D000000000001\n";
  ExpectConfigError(yaml, {"duplicate org", "00D000000000001"});
}

TEST(LoadConfigErrorTest, NotYaml) {
  ExpectConfigError("orgs: [unclosed\n", {"test.yaml", "YAML"});
  ExpectConfigError("a: b\n  c: d\n: : :\n", {"test.yaml", "YAML"});
}

TEST(LoadConfigErrorTest, NotAMapping) {
  ExpectConfigError("- one\n- two\n", {"test.yaml", "mapping"});
  ExpectConfigError("just a string\n", {"test.yaml", "mapping"});
  ExpectConfigError("", {"test.yaml", "mapping"});
}

TEST(LoadConfigErrorTest, NoOrgs) {
  ExpectConfigError("server: {port: 8085}\n", {"test.yaml", "org"});
  ExpectConfigError("orgs: []\n", {"test.yaml", "org"});
  ExpectConfigError("orgs:\n", {"test.yaml", "org"});
}

TEST(LoadConfigErrorTest, OrgsNotAList) {
  ExpectConfigError("orgs: {id: 00D000000000001}\n", {"orgs", "list"});
}

TEST(LoadConfigErrorTest, OrgNotAMapping) {
  ExpectConfigError("orgs: [00D000000000001]\n", {"orgs[0]", "mapping"});
}

TEST(LoadConfigErrorTest, BadDurability) {
  ExpectConfigError("server: {durability: sometimes}\n" + Minimal(), {"server.durability"});
}

TEST(LoadConfigErrorTest, BadPort) {
  ExpectConfigError("server: {port: 70000}\n" + Minimal(), {"server", "port"});
  ExpectConfigError("server: {port: eighty}\n" + Minimal(), {"server", "port"});
}

TEST(LoadConfigErrorTest, BadVendorType) {
  ExpectConfigError(Minimal("vendorType: Messaging", "vendorType: Voice"),
                    {"orgs[0].channelDefinitions[0]", "vendorType"});
}

TEST(LoadConfigErrorTest, BadRoutingOwner) {
  ExpectConfigError(Minimal("routingOwner: Salesforce", "routingOwner: Nobody"),
                    {"orgs[0].channelDefinitions[0]", "routingOwner"});
}

TEST(LoadConfigErrorTest, BadConsentOwner) {
  ExpectConfigError(Minimal("consentOwner: Partner", "consentOwner: Nobody"),
                    {"orgs[0].channelDefinitions[0]", "consentOwner"});
}

TEST(LoadConfigErrorTest, MissingRequiredKey) {
  ExpectConfigError(Minimal("vendor: Vendor", "supportsKeywords: false"),
                    {"orgs[0].channelDefinitions[0]", "'vendor'"});
  ExpectConfigError(Minimal("channelAddressIdentifier: addr-1", "kind: Messaging"),
                    {"orgs[0].channels[0]", "'channelAddressIdentifier'"});
}

TEST(LoadConfigErrorTest, BadBooleanAndVariableLength) {
  ExpectConfigError(Minimal("provider: Vendor", "provider: Vendor\n        active: maybe"),
                    {"orgs[0].channels[0]", "'active'"});
  ExpectConfigError(
      Minimal("provider: Vendor", "provider: Vendor\n        variables: [{name: V, maxLength: 0}]"),
      {"orgs[0].channels[0].variables[0]", "maxLength"});
}

TEST(LoadConfigErrorTest, ListKeyThatIsNotAList) {
  ExpectConfigError(Minimal("    queues:\n      - {id: 00G000000000001, name: Q}", "    queues: Q"),
                    {"orgs[0]", "'queues'", "list"});
}

// Configuration errors must be ConfigErrors (the documented start-up failure), whatever shape of
// YAML causes them; yaml-cpp exceptions must not escape.
TEST(LoadConfigErrorTest, ServerSectionThatIsNotAMapping) {
  ExpectConfigError("server: 8085\n" + Minimal(), {"server"});
}

TEST(LoadConfigErrorTest, OrgFeaturesThatAreNotAMapping) {
  ExpectConfigError(Minimal("    connectedApps:", "    features: all\n    connectedApps:"),
                    {"orgs[0]", "features"});
}

TEST(LoadConfigErrorTest, ListItemThatIsNotAMapping) {
  ExpectConfigError(Minimal("    queues:\n      - {id: 00G000000000001, name: Q}",
                            "    queues:\n      - 00G000000000001"),
                    {"orgs[0].queues[0]"});
}

TEST(LoadConfigErrorTest, ScopeThatIsNotAString) {
  ExpectConfigError(Minimal("certificate: CERT", "certificate: CERT\n        scopes: [{a: b}]"),
                    {"orgs[0].connectedApps[0]", "scopes"});
}

// --- Bring Your Own Bot: bot integrations and bots ------------------------------------------

TEST_F(DemoConfigTest, BotIntegrationsAndBots) {
  ASSERT_EQ(org_->bot_integrations.size(), 2u);
  const BotIntegrationDefinition* main = org_->FindBotIntegration("Partner1_BotDefinition");
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->connected_app, "Partner1_ConnectedApp");
  EXPECT_EQ(main->custom_platform_event, "Partner1_Bot_Event__e");
  const BotIntegrationDefinition* other = org_->FindBotIntegration("Partner1_OtherBotDefinition");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->connected_app, "Partner1_ConnectedApp");
  EXPECT_EQ(other->custom_platform_event, "Partner1_OtherBot_Event__e");

  ASSERT_EQ(org_->bots.size(), 3u);
  EXPECT_EQ(org_->bots[0].id, "1JZ8c00000DBOT1");
  EXPECT_EQ(org_->bots[0].name, "Demo_Bot");
  EXPECT_EQ(org_->bots[0].integration_definition, "Partner1_BotDefinition");
  EXPECT_TRUE(org_->bots[0].active);
  EXPECT_EQ(org_->bots[1].id, "1JZ8c00000DBOT2");  // trap: inactive (10088)
  EXPECT_EQ(org_->bots[1].integration_definition, "Partner1_BotDefinition");
  EXPECT_FALSE(org_->bots[1].active);
  EXPECT_EQ(org_->bots[2].id, "1JZ8c00000DBOT3");  // trap: another definition's bot (10087)
  EXPECT_EQ(org_->bots[2].integration_definition, "Partner1_OtherBotDefinition");
  EXPECT_TRUE(org_->bots[2].active);
}

// kMinimalYaml plus a bot integration and the given bots section.
std::string WithBots(std::string_view bots) {
  return Minimal("    queues:", std::string(R"(    botIntegrations:
      - {developerName: P_Bots, connectedApp: App, customPlatformEvent: Bot__e}
)") + std::string(bots) + "    queues:");
}

TEST(LoadConfigFromYamlTest, BotsAndTheirDefaults) {
  const Config config = Load(WithBots(R"(    bots:
      - {id: 1JZ000000000001, integrationDefinition: P_Bots}
      - {id: 1JZ000000000002, name: Sleepy, integrationDefinition: P_Bots, active: false}
)"));
  const Org* org = config.orgs->FindOrg("00D000000000001");
  ASSERT_NE(org, nullptr);
  ASSERT_EQ(org->bots.size(), 2u);
  EXPECT_EQ(org->bots[0].name, "1JZ000000000001");  // name defaults to the id
  EXPECT_TRUE(org->bots[0].active);                 // active by default
  EXPECT_EQ(org->bots[1].name, "Sleepy");
  EXPECT_FALSE(org->bots[1].active);
  ASSERT_NE(org->FindBotIntegration("P_Bots"), nullptr);
  EXPECT_EQ(org->FindBotIntegration("P_Bots")->custom_platform_event, "Bot__e");
}

TEST(LoadConfigErrorTest, BotIdsAreChecked) {
  ExpectConfigError(
      WithBots("    bots:\n      - {id: 1JZ00000000001, integrationDefinition: P_Bots}\n"),
      {"orgs[0].bots[0]", "1JZ00000000001"});
  ExpectConfigError(
      WithBots("    bots:\n      - {id: 1JZ000000000001AAA, integrationDefinition: P_Bots}\n"),
      {"orgs[0].bots[0]", "15 letters and digits"});
  ExpectConfigError(
      WithBots("    bots:\n      - {id: 1JZ00000000000-, integrationDefinition: P_Bots}\n"),
      {"orgs[0].bots[0]", "15 letters and digits"});
  ExpectConfigError(WithBots("    bots:\n      - {integrationDefinition: P_Bots}\n"),
                    {"orgs[0].bots[0]", "'id'"});
}

TEST(LoadConfigErrorTest, BotReferencesAndDuplicates) {
  ExpectConfigError(
      WithBots("    bots:\n      - {id: 1JZ000000000001, integrationDefinition: Nope}\n"),
      {"orgs[0]", "1JZ000000000001", "unknown bot integration 'Nope'"});
  ExpectConfigError(WithBots("    bots:\n      - {id: 1JZ000000000001}\n"),
                    {"orgs[0].bots[0]", "'integrationDefinition'"});
  ExpectConfigError(WithBots(R"(    bots:
      - {id: 1JZ000000000001, integrationDefinition: P_Bots}
      - {id: 1JZ000000000001, integrationDefinition: P_Bots}
)"),
                    {"orgs[0]", "duplicate bot '1JZ000000000001'"});
  ExpectConfigError(Minimal("    queues:", R"(    botIntegrations:
      - {developerName: P_Bots, connectedApp: App}
      - {developerName: P_Bots, connectedApp: App}
    queues:)"),
                    {"orgs[0]", "duplicate bot integration 'P_Bots'"});
  ExpectConfigError(Minimal("    queues:", R"(    botIntegrations:
      - {developerName: P_Bots, connectedApp: Missing_App}
    queues:)"),
                    {"orgs[0]", "P_Bots", "unknown connected app"});
}

TEST_F(DemoConfigTest, ManagedSubscriptions) {
  ASSERT_EQ(org_->managed_subscriptions.size(), 2u);
  const ManagedSubscription& main = org_->managed_subscriptions[0];
  EXPECT_EQ(main.id, "18x8c00000DMS01");
  EXPECT_EQ(main.developer_name, "Partner1_Managed_Sub");
  EXPECT_EQ(main.topic_name, "/event/Partner1_Event__e");
  EXPECT_EQ(main.state, ManagedSubscriptionState::kRun);
  EXPECT_EQ(main.default_replay, ManagedReplayPreset::kLatest);
  EXPECT_EQ(main.error_recovery_replay, ManagedReplayPreset::kLatest);
  const ManagedSubscription& stopped = org_->managed_subscriptions[1];  // trap
  EXPECT_EQ(stopped.id, "18x8c00000DMS02");
  EXPECT_EQ(stopped.developer_name, "Partner1_Stopped_Sub");
  EXPECT_EQ(stopped.state, ManagedSubscriptionState::kStop);
  for (const Org& other : config_.orgs->orgs()) {
    if (&other != org_) {
      EXPECT_TRUE(other.managed_subscriptions.empty()) << other.id;
    }
  }
}

// kMinimalYaml plus the given managedSubscriptions section (the org's only topic is
// /event/Event__e, plus /event/Bot__e of a bot integration).
std::string WithManaged(std::string_view subscriptions) {
  return Minimal("    queues:", std::string(R"(    botIntegrations:
      - {developerName: P_Bots, connectedApp: App, customPlatformEvent: Bot__e}
    managedSubscriptions:
)") + std::string(subscriptions) + "    queues:");
}

TEST(LoadConfigFromYamlTest, ManagedSubscriptionsAndTheirDefaults) {
  const Config config = Load(
      WithManaged(R"(      - {id: 18x000000000001, developerName: Sub_1, topicName: /event/Event__e}
      - id: 18x000000000002
        developerName: Sub2
        topicName: /event/Bot__e
        state: Stop
        defaultReplay: earliest
        errorRecoveryReplay: EARLIEST
)"));
  const Org* org = config.orgs->FindOrg("00D000000000001");
  ASSERT_NE(org, nullptr);
  ASSERT_EQ(org->managed_subscriptions.size(), 2u);
  const ManagedSubscription& first = org->managed_subscriptions[0];
  EXPECT_EQ(first.id, "18x000000000001");
  EXPECT_EQ(first.developer_name, "Sub_1");
  EXPECT_EQ(first.topic_name, "/event/Event__e");
  EXPECT_EQ(first.state, ManagedSubscriptionState::kRun);  // the defaults
  EXPECT_EQ(first.default_replay, ManagedReplayPreset::kLatest);
  EXPECT_EQ(first.error_recovery_replay, ManagedReplayPreset::kLatest);
  const ManagedSubscription& second = org->managed_subscriptions[1];
  EXPECT_EQ(second.topic_name, "/event/Bot__e");  // bot integration events are topics too
  EXPECT_EQ(second.state, ManagedSubscriptionState::kStop);
  EXPECT_EQ(second.default_replay, ManagedReplayPreset::kEarliest);
  EXPECT_EQ(second.error_recovery_replay, ManagedReplayPreset::kEarliest);
  // Without the section, none.
  EXPECT_TRUE(Load(Minimal()).orgs->orgs()[0].managed_subscriptions.empty());
}

TEST(LoadConfigErrorTest, ManagedSubscriptionFieldsAreChecked) {
  const auto one = [](std::string_view fields) {
    return WithManaged("      - {" + std::string(fields) + "}\n");
  };
  ExpectConfigError(one("developerName: S, topicName: /event/Event__e"),
                    {"orgs[0].managedSubscriptions[0]", "'id'"});
  ExpectConfigError(one("id: 0Xa000000000001, developerName: S, topicName: /event/Event__e"),
                    {"orgs[0].managedSubscriptions[0]", "0Xa000000000001", "18x"});
  ExpectConfigError(one("id: 18x00000000001, developerName: S, topicName: /event/Event__e"),
                    {"orgs[0].managedSubscriptions[0]", "15 characters"});
  ExpectConfigError(one("id: 18x000000000001, topicName: /event/Event__e"),
                    {"orgs[0].managedSubscriptions[0]", "'developerName'"});
  for (const char* bad : {"1Sub", "Sub_", "Sub__Two", "Sub-Two", "_Sub"}) {
    ExpectConfigError(one(std::string("id: 18x000000000001, topicName: /event/Event__e, "
                                      "developerName: ") +
                          bad),
                      {"orgs[0].managedSubscriptions[0]", "developerName", bad});
  }
  ExpectConfigError(one("id: 18x000000000001, developerName: S"),
                    {"orgs[0].managedSubscriptions[0]", "'topicName'"});
  ExpectConfigError(
      one("id: 18x000000000001, developerName: S, topicName: /event/Event__e, state: Paused"),
      {"orgs[0].managedSubscriptions[0]", "state must be RUN or STOP"});
  ExpectConfigError(
      one("id: 18x000000000001, developerName: S, topicName: /event/Event__e, "
          "defaultReplay: CUSTOM"),
      {"orgs[0].managedSubscriptions[0]", "defaultReplay must be LATEST or EARLIEST"});
  ExpectConfigError(
      one("id: 18x000000000001, developerName: S, topicName: /event/Event__e, "
          "errorRecoveryReplay: 3"),
      {"orgs[0].managedSubscriptions[0]", "errorRecoveryReplay must be LATEST or EARLIEST"});
  ExpectConfigError(WithManaged("      - [not, a, mapping]\n"),
                    {"orgs[0].managedSubscriptions[0]", "must be a mapping"});
}

TEST(LoadConfigErrorTest, ManagedSubscriptionReferencesAndDuplicates) {
  ExpectConfigError(
      WithManaged("      - {id: 18x000000000001, developerName: S, topicName: /event/Nope__e}\n"),
      {"orgs[0]", "managed subscription 'S'", "/event/Nope__e"});
  ExpectConfigError(
      WithManaged("      - {id: 18x000000000001, developerName: S, topicName: Event__e}\n"),
      {"orgs[0]", "managed subscription 'S'", "topic 'Event__e'"});
  ExpectConfigError(
      WithManaged(R"(      - {id: 18x000000000001, developerName: S1, topicName: /event/Event__e}
      - {id: 18x000000000001, developerName: S2, topicName: /event/Event__e}
)"),
      {"orgs[0]", "duplicate managed subscription '18x000000000001'"});
  ExpectConfigError(
      WithManaged(R"(      - {id: 18x000000000001, developerName: Same, topicName: /event/Event__e}
      - {id: 18x000000000002, developerName: SAME, topicName: /event/Event__e}
)"),
      {"orgs[0]", "duplicate managed subscription developer name 'SAME'"});
  ExpectConfigError(Minimal("    queues:", "    managedSubscriptions: {a: 1}\n    queues:"),
                    {"orgs[0]", "'managedSubscriptions' must be a list"});
}

}  // namespace
}  // namespace interactiond::config
