// The org directory: the configuration the real service validates requests against (orgs, connected
// apps, channel definitions, messaging channels, channel variables, queues, flows, users, bots).
//
// Contract: an OrgDirectory is immutable once built (LoadOrgDirectory / DemoOrgDirectory) and is
// shared read-only between threads through std::shared_ptr<const OrgDirectory>; lookups are
// lock-free. Ids are the 15-character record ids of the real product.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace interactiond::config {

enum class RoutingOwner { kSalesforce, kPartner };
enum class ConsentOwner { kPartner, kSalesforce };
enum class VendorType {
  kCcaas,
  kMessaging
};  // BringYourOwnContactCenter | BringYourOwnChannelPartner

struct ConnectedApp {
  std::string name;              // developer name, e.g. "Partner1_App"
  std::string developer_prefix;  // AuthorizationContext values must start with "<prefix>_"
  std::string consumer_key;      // `iss` of JWT-bearer assertions
  std::string certificate_pem;   // X.509 certificate (PEM) that verifies assertions; may be empty
  std::vector<std::string> scopes;  // granted scopes, e.g. {"interaction_api", "refresh_token"}
};

struct ChannelDefinition {     // ConversationChannelDefinition
  std::string developer_name;  // the AuthorizationContext header value
  std::string connected_app;   // ConnectedApp::name it is linked to
  VendorType vendor_type = VendorType::kMessaging;
  std::string vendor_name;  // ConversationVendorInfo developer name; must match channel provider
  RoutingOwner routing_owner = RoutingOwner::kSalesforce;
  ConsentOwner consent_owner = ConsentOwner::kPartner;
  bool supports_keywords = false;
  bool conference_supported = false;
  std::string custom_platform_event;  // e.g. "Partner1_Event__e"
  std::string event_type_field = "EventType__c";
  std::string payload_field = "Payload__c";
};

struct ChannelVariable {
  std::string name;
  int max_length = 255;
};

struct MessagingChannel {
  std::string id;  // 0Mj…
  std::string channel_address_identifier;
  std::string kind = "Messaging";       // "Messaging" is the only kind this API accepts (10002)
  std::string message_type = "Custom";  // MessagingChannel.MessageType; must be "Custom" (10035)
  std::string provider;                 // must equal the definition's vendor_name (10006)
  bool active = true;                   // 10031
  std::string channel_definition;       // ChannelDefinition::developer_name; empty = none (10026)
  bool contact_center_linked = true;    // ContactCenterChannel link (15104)
  bool service_channel = true;          // has a ServiceChannel for its sessions (15108)
  std::vector<ChannelVariable> variables;
  std::string default_queue;  // Group id 00G… used when routing without routingInfo
  std::string default_flow;   // Flow id 300…
};

struct Queue {
  std::string id;  // 00G…
  std::string name;
};

struct Flow {
  std::string id;  // 300…
  std::string name;
  std::string target_queue;  // resolved queue, or empty
  std::string target_user;   // resolved rep, or empty
  std::string target_bot;    // resolved bot (1JZ…), or empty
};

struct User {
  std::string id;        // 005…
  std::string username;  // `sub` of JWT-bearer assertions
  std::string name;
  bool partner_messaging = true;  // 15105 when false
  int capacity = 5;
  std::vector<std::string> queues;
};

// A BYOB bot. Requests name it by id (PATCH /agentWork botId, sender.subject of the bot's own
// calls); domain/bot_resolution.h holds the rules (10084, 10086, 10087, 10088).
struct Bot {
  std::string id;                      // 1JZ…, 15 letters and digits (validated at load)
  std::string name;                    // display name (senderDisplayName); defaults to the id
  std::string integration_definition;  // BotIntegrationDefinition::developer_name (must exist)
  bool active = true;                  // 10088 when false
};

struct BotIntegrationDefinition {     // ExtConvParticipantIntegDef
  std::string developer_name;         // the bot's AuthorizationContext header value (unique)
  std::string connected_app;          // ConnectedApp::name it is linked to (must exist)
  std::string custom_platform_event;  // the bot's platform event, e.g. "Partner1_Bot_Event__e"
};

// A managed event subscription (the Tooling API's ManagedEventSubscription): a Pub/Sub API
// ManagedSubscribe client names it, and the server keeps the replay id the client commits.
enum class ManagedReplayPreset { kLatest, kEarliest };
enum class ManagedSubscriptionState { kRun, kStop };
struct ManagedSubscription {
  std::string id;              // 18x…, 15 characters (validated at load)
  std::string developer_name;  // unique in the org
  std::string topic_name;      // "/event/<event>" of one of the org's definitions (validated)
  ManagedSubscriptionState state = ManagedSubscriptionState::kRun;
  ManagedReplayPreset default_replay = ManagedReplayPreset::kLatest;  // nothing committed yet
  ManagedReplayPreset error_recovery_replay = ManagedReplayPreset::kLatest;  // commit expired
};

struct OrgFeatures {
  bool ccaas_enabled = true;
  bool read_only = false;
  bool conference_routing = true;
  bool cancel_reason = true;
  bool history_with_session = true;
  bool permissions = true;
};

struct Org {
  std::string id;  // 00D…, 15 characters
  std::string name;
  std::string instance_url;  // what tokens report as instance_url; default derived from the server
  OrgFeatures features;
  std::vector<ConnectedApp> connected_apps;
  std::vector<ChannelDefinition> channel_definitions;
  std::vector<MessagingChannel> channels;
  std::vector<Queue> queues;
  std::vector<Flow> flows;
  std::vector<User> users;
  std::vector<Bot> bots;
  std::vector<BotIntegrationDefinition> bot_integrations;
  std::vector<ManagedSubscription> managed_subscriptions;

  const ConnectedApp* FindConnectedApp(std::string_view name) const;
  const ConnectedApp* FindConnectedAppByConsumerKey(std::string_view consumer_key) const;
  const ChannelDefinition* FindChannelDefinition(std::string_view developer_name) const;
  const MessagingChannel* FindChannelByAddress(std::string_view channel_address_identifier) const;
  const User* FindUser(std::string_view id) const;
  const User* FindUserByUsername(std::string_view username) const;
  const BotIntegrationDefinition* FindBotIntegration(std::string_view developer_name) const;
  const Queue* FindQueue(std::string_view id) const;
  const Flow* FindFlow(std::string_view id) const;
  const Bot* FindBot(std::string_view id) const;
};

class OrgDirectory {
 public:
  explicit OrgDirectory(std::vector<Org> orgs);

  // Accepts 15- and 18-character org ids (the 18-character form is the 15 plus a checksum suffix).
  const Org* FindOrg(std::string_view org_id) const;
  const std::vector<Org>& orgs() const { return orgs_; }

 private:
  std::vector<Org> orgs_;
};

}  // namespace interactiond::config
