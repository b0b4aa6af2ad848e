#include "config/config.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "config/demo_org_yaml.h"

namespace interactiond::config {
namespace {

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw ConfigError(where + ": " + what);
}

std::string Str(const YAML::Node& node, const char* key, const std::string& where,
                bool required = true, const std::string& fallback = {}) {
  const YAML::Node value = node[key];
  if (!value || value.IsNull()) {
    if (required) Fail(where, std::string("missing required key '") + key + "'");
    return fallback;
  }
  if (!value.IsScalar()) Fail(where, std::string("'") + key + "' must be a string");
  return value.as<std::string>();
}

bool Bool(const YAML::Node& node, const char* key, const std::string& where, bool fallback) {
  const YAML::Node value = node[key];
  if (!value || value.IsNull()) return fallback;
  try {
    return value.as<bool>();
  } catch (const YAML::Exception&) {
    Fail(where, std::string("'") + key + "' must be true or false");
  }
}

int64_t Int(const YAML::Node& node, const char* key, const std::string& where, int64_t fallback,
            int64_t min, int64_t max) {
  const YAML::Node value = node[key];
  if (!value || value.IsNull()) return fallback;
  int64_t parsed = 0;
  try {
    parsed = value.as<int64_t>();
  } catch (const YAML::Exception&) {
    Fail(where, std::string("'") + key + "' must be an integer");
  }
  if (parsed < min || parsed > max) {
    Fail(where, std::string("'") + key + "' must be between " + std::to_string(min) + " and " +
                    std::to_string(max));
  }
  return parsed;
}

std::vector<std::string> StrList(const YAML::Node& node, const char* key,
                                 const std::string& where) {
  std::vector<std::string> out;
  const YAML::Node value = node[key];
  if (!value || value.IsNull()) return out;
  if (!value.IsSequence()) Fail(where, std::string("'") + key + "' must be a list");
  for (const auto& item : value) {
    if (!item.IsScalar()) Fail(where, std::string("'") + key + "' must be a list of strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

void CheckId(const std::string& id, const char* prefix, const std::string& where) {
  if (id.size() != 15 || id.rfind(prefix, 0) != 0) {
    Fail(where, "id '" + id + "' must be 15 characters starting with " + prefix);
  }
}

template <typename Fn>
void ForEach(const YAML::Node& node, const char* key, const std::string& where, Fn fn) {
  const YAML::Node list = node[key];
  if (!list || list.IsNull()) return;
  if (!list.IsSequence()) Fail(where, std::string("'") + key + "' must be a list");
  size_t index = 0;
  for (const auto& item : list) {
    const std::string item_where = where + "." + key + "[" + std::to_string(index++) + "]";
    if (!item.IsMap()) Fail(item_where, "must be a mapping");
    fn(item, item_where);
  }
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Certificate(const std::string& value, const std::filesystem::path& base_dir,
                        const std::string& demo_certificate_pem) {
  if (value == "demo-generated") return demo_certificate_pem;
  if (value.rfind("file:", 0) == 0) {
    std::filesystem::path path = value.substr(5);
    if (path.is_relative()) path = base_dir / path;
    return ReadFile(path);
  }
  return value;  // inline PEM (may be empty: no JWT-bearer for this app)
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// The platform's rule for developer names: a letter first, then letters, digits and underscores,
// no two underscores in a row and none at the end.
bool IsDeveloperName(const std::string& name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front())) ||
      name.back() == '_' || name.find("__") != std::string::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

// A managed subscription's LATEST | EARLIEST setting (case-insensitive; LATEST by default).
ManagedReplayPreset ReplayPreset(const YAML::Node& node, const char* key,
                                 const std::string& where) {
  const std::string value = Upper(Str(node, key, where, false, "LATEST"));
  if (value != "LATEST" && value != "EARLIEST") {
    Fail(where, std::string(key) + " must be LATEST or EARLIEST");
  }
  return value == "LATEST" ? ManagedReplayPreset::kLatest : ManagedReplayPreset::kEarliest;
}

Org ParseOrg(const YAML::Node& node, const std::string& where,
             const std::filesystem::path& base_dir, const std::string& demo_certificate_pem) {
  if (!node.IsMap()) Fail(where, "an org must be a mapping");
  Org org;
  org.id = Str(node, "id", where);
  CheckId(org.id, "00D", where);
  org.name = Str(node, "name", where, false, org.id);
  org.instance_url = Str(node, "instanceUrl", where, false);
  if (const YAML::Node f = node["features"]) {
    const std::string fw = where + ".features";
    if (!f.IsMap()) Fail(fw, "must be a mapping");
    org.features.ccaas_enabled = Bool(f, "ccaasEnabled", fw, true);
    org.features.read_only = Bool(f, "readOnly", fw, false);
    org.features.conference_routing = Bool(f, "conferenceRouting", fw, true);
    org.features.cancel_reason = Bool(f, "cancelReason", fw, true);
    org.features.history_with_session = Bool(f, "historyWithSession", fw, true);
    org.features.permissions = Bool(f, "permissions", fw, true);
  }
  ForEach(node, "connectedApps", where, [&](const YAML::Node& n, const std::string& w) {
    ConnectedApp app;
    app.name = Str(n, "name", w);
    app.developer_prefix = Str(n, "developerPrefix", w);
    app.consumer_key = Str(n, "consumerKey", w);
    app.certificate_pem =
        Certificate(Str(n, "certificate", w, false), base_dir, demo_certificate_pem);
    app.scopes = StrList(n, "scopes", w);
    org.connected_apps.push_back(std::move(app));
  });
  ForEach(node, "channelDefinitions", where, [&](const YAML::Node& n, const std::string& w) {
    ChannelDefinition def;
    def.developer_name = Str(n, "developerName", w);
    def.connected_app = Str(n, "connectedApp", w);
    const std::string vendor_type = Str(n, "vendorType", w, false, "Messaging");
    if (vendor_type == "CCaaS") {
      def.vendor_type = VendorType::kCcaas;
    } else if (vendor_type == "Messaging") {
      def.vendor_type = VendorType::kMessaging;
    } else {
      Fail(w, "vendorType must be Messaging or CCaaS");
    }
    def.vendor_name = Str(n, "vendor", w);
    const std::string routing = Str(n, "routingOwner", w, false, "Salesforce");
    if (routing != "Salesforce" && routing != "Partner")
      Fail(w, "routingOwner: Salesforce|Partner");
    def.routing_owner = routing == "Partner" ? RoutingOwner::kPartner : RoutingOwner::kSalesforce;
    const std::string consent = Str(n, "consentOwner", w, false, "Partner");
    if (consent != "Salesforce" && consent != "Partner")
      Fail(w, "consentOwner: Salesforce|Partner");
    def.consent_owner = consent == "Partner" ? ConsentOwner::kPartner : ConsentOwner::kSalesforce;
    def.supports_keywords = Bool(n, "supportsKeywords", w, false);
    def.conference_supported = Bool(n, "conferenceSupported", w, false);
    def.custom_platform_event = Str(n, "customPlatformEvent", w);
    def.event_type_field = Str(n, "eventTypeField", w, false, "EventType__c");
    def.payload_field = Str(n, "payloadField", w, false, "Payload__c");
    org.channel_definitions.push_back(std::move(def));
  });
  ForEach(node, "channels", where, [&](const YAML::Node& n, const std::string& w) {
    MessagingChannel channel;
    channel.id = Str(n, "id", w);
    CheckId(channel.id, "0Mj", w);
    channel.channel_address_identifier = Str(n, "channelAddressIdentifier", w);
    channel.channel_definition = Str(n, "channelDefinition", w, false);
    channel.provider = Str(n, "provider", w, false);
    channel.kind = Str(n, "kind", w, false, "Messaging");
    channel.message_type = Str(n, "messageType", w, false, "Custom");
    channel.active = Bool(n, "active", w, true);
    channel.contact_center_linked = Bool(n, "contactCenterLinked", w, true);
    channel.service_channel = Bool(n, "serviceChannel", w, true);
    channel.default_queue = Str(n, "defaultQueue", w, false);
    channel.default_flow = Str(n, "defaultFlow", w, false);
    ForEach(n, "variables", w, [&](const YAML::Node& v, const std::string& vw) {
      ChannelVariable variable;
      variable.name = Str(v, "name", vw);
      variable.max_length = static_cast<int>(Int(v, "maxLength", vw, 255, 1, 131072));
      channel.variables.push_back(std::move(variable));
    });
    org.channels.push_back(std::move(channel));
  });
  ForEach(node, "queues", where, [&](const YAML::Node& n, const std::string& w) {
    Queue queue{Str(n, "id", w), Str(n, "name", w, false)};
    CheckId(queue.id, "00G", w);
    org.queues.push_back(std::move(queue));
  });
  ForEach(node, "flows", where, [&](const YAML::Node& n, const std::string& w) {
    Flow flow{Str(n, "id", w), Str(n, "name", w, false), Str(n, "targetQueue", w, false),
              Str(n, "targetUser", w, false), Str(n, "targetBot", w, false)};
    CheckId(flow.id, "300", w);
    org.flows.push_back(std::move(flow));
  });
  ForEach(node, "users", where, [&](const YAML::Node& n, const std::string& w) {
    User user;
    user.id = Str(n, "id", w);
    CheckId(user.id, "005", w);
    user.username = Str(n, "username", w);
    user.name = Str(n, "name", w, false, user.username);
    user.partner_messaging = Bool(n, "partnerMessaging", w, true);
    user.capacity = static_cast<int>(Int(n, "capacity", w, 5, 0, 1000));
    user.queues = StrList(n, "queues", w);
    org.users.push_back(std::move(user));
  });
  ForEach(node, "botIntegrations", where, [&](const YAML::Node& n, const std::string& w) {
    org.bot_integrations.push_back({Str(n, "developerName", w), Str(n, "connectedApp", w),
                                    Str(n, "customPlatformEvent", w, false)});
  });
  ForEach(node, "bots", where, [&](const YAML::Node& n, const std::string& w) {
    Bot bot;
    bot.id = Str(n, "id", w);
    // Bot ids are what BYOB requests name (botId, sender.subject): 15 letters and digits, so that
    // the 18-character form a client may send still matches (domain/bot_resolution.h).
    if (bot.id.size() != 15 || !std::all_of(bot.id.begin(), bot.id.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        })) {
      Fail(w, "bot id '" + bot.id + "' must be 15 letters and digits");
    }
    bot.name = Str(n, "name", w, false, bot.id);
    bot.integration_definition = Str(n, "integrationDefinition", w);
    bot.active = Bool(n, "active", w, true);
    org.bots.push_back(std::move(bot));
  });
  ForEach(node, "managedSubscriptions", where, [&](const YAML::Node& n, const std::string& w) {
    ManagedSubscription subscription;
    subscription.id = Str(n, "id", w);
    CheckId(subscription.id, "18x", w);  // the key prefix real clients test to tell ids apart
    subscription.developer_name = Str(n, "developerName", w);
    if (!IsDeveloperName(subscription.developer_name)) {
      Fail(w, "developerName '" + subscription.developer_name +
                  "' must start with a letter and hold only letters, digits and single "
                  "underscores (not at the end)");
    }
    subscription.topic_name = Str(n, "topicName", w);
    const std::string state = Upper(Str(n, "state", w, false, "RUN"));
    if (state != "RUN" && state != "STOP") Fail(w, "state must be RUN or STOP");
    subscription.state =
        state == "RUN" ? ManagedSubscriptionState::kRun : ManagedSubscriptionState::kStop;
    subscription.default_replay = ReplayPreset(n, "defaultReplay", w);
    subscription.error_recovery_replay = ReplayPreset(n, "errorRecoveryReplay", w);
    org.managed_subscriptions.push_back(std::move(subscription));
  });
  return org;
}

// Cross-references: every name a record points at must exist, and keys must be unique.
void ValidateOrg(const Org& org, const std::string& where) {
  std::set<std::string> seen;
  auto unique = [&](const std::string& kind, const std::string& key) {
    if (!seen.insert(kind + "\n" + key).second) Fail(where, "duplicate " + kind + " '" + key + "'");
  };
  for (const auto& app : org.connected_apps) {
    unique("connected app", app.name);
    unique("consumer key", app.consumer_key);
  }
  for (const auto& def : org.channel_definitions) {
    unique("channel definition", def.developer_name);
    if (!org.FindConnectedApp(def.connected_app)) {
      Fail(where, "channel definition '" + def.developer_name + "' names unknown connected app '" +
                      def.connected_app + "'");
    }
  }
  for (const auto& channel : org.channels) {
    unique("channel", channel.channel_address_identifier);
    unique("channel id", channel.id);
    if (!channel.channel_definition.empty() &&
        !org.FindChannelDefinition(channel.channel_definition)) {
      Fail(where, "channel '" + channel.channel_address_identifier +
                      "' names unknown channel definition '" + channel.channel_definition + "'");
    }
  }
  for (const auto& user : org.users) {
    unique("user", user.id);
    unique("username", user.username);
  }
  for (const auto& integration : org.bot_integrations) {
    unique("bot integration", integration.developer_name);
    if (!org.FindConnectedApp(integration.connected_app)) {
      Fail(where,
           "bot integration '" + integration.developer_name + "' names unknown connected app");
    }
  }
  for (const auto& bot : org.bots) {
    unique("bot", bot.id);
    if (!org.FindBotIntegration(bot.integration_definition)) {
      Fail(where, "bot '" + bot.id + "' names unknown bot integration '" +
                      bot.integration_definition + "'");
    }
  }
  std::set<std::string> managed_names;
  for (const auto& subscription : org.managed_subscriptions) {
    unique("managed subscription", subscription.id);
    // Developer names are unique whatever their case, as on the platform.
    if (!managed_names.insert(Upper(subscription.developer_name)).second) {
      Fail(where,
           "duplicate managed subscription developer name '" + subscription.developer_name + "'");
    }
    const auto is_topic = [&](const std::string& event) {
      return !event.empty() && subscription.topic_name == "/event/" + event;
    };
    const bool known =
        std::any_of(org.channel_definitions.begin(), org.channel_definitions.end(),
                    [&](const auto& def) { return is_topic(def.custom_platform_event); }) ||
        std::any_of(org.bot_integrations.begin(), org.bot_integrations.end(),
                    [&](const auto& def) { return is_topic(def.custom_platform_event); });
    if (!known) {
      Fail(where, "managed subscription '" + subscription.developer_name + "' names topic '" +
                      subscription.topic_name +
                      "', which is not /event/<customPlatformEvent> of a definition of the org");
    }
  }
}

Durability ParseDurability(const std::string& text) {
  if (text == "full") return Durability::kFull;
  if (text == "normal") return Durability::kNormal;
  if (text == "off") return Durability::kOff;
  throw ConfigError("server.durability must be full, normal or off");
}

}  // namespace

namespace {

Config ParseConfig(const std::string& yaml_text, const std::filesystem::path& base_dir,
                   const std::string& demo_certificate_pem, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source + ": not valid YAML: " + e.what());
  }
  if (!root.IsMap()) throw ConfigError(source + ": the document must be a mapping");
  Config config;
  config.source = source;
  if (const YAML::Node server = root["server"]) {
    const std::string w = "server";
    if (!server.IsMap()) Fail(w, "must be a mapping");
    config.server.host = Str(server, "host", w, false, config.server.host);
    config.server.port =
        static_cast<uint16_t>(Int(server, "port", w, config.server.port, 0, 65535));
    config.server.threads = static_cast<int>(Int(server, "threads", w, 0, 0, 256));
    if (server["dataDir"]) config.server.data_dir = Str(server, "dataDir", w);
    if (server["durability"])
      config.server.durability = ParseDurability(Str(server, "durability", w));
    config.server.request_log = Bool(server, "requestLog", w, true);
    config.server.instance_url = Str(server, "instanceUrl", w, false);
    config.server.event_retention_ms =
        Int(server, "eventRetentionHours", w, 72, 1, 24 * 365) * 60 * 60 * 1000;
    auto& sc = config.server;
    sc.pubsub_port = static_cast<int>(Int(server, "pubsubPort", w, sc.pubsub_port, -1, 65535));
    sc.pubsub_plaintext_port = static_cast<int>(
        Int(server, "pubsubPlaintextPort", w, sc.pubsub_plaintext_port, -1, 65535));
    sc.pubsub_keepalive_ms =
        Int(server, "pubsubKeepaliveMs", w, sc.pubsub_keepalive_ms, 100, 270'000);
    sc.pubsub_idle_timeout_ms =
        Int(server, "pubsubIdleTimeoutMs", w, sc.pubsub_idle_timeout_ms, 100, 86'400'000);
    sc.routing_window_ms =
        Int(server, "routingWindowSeconds", w, sc.routing_window_ms / 1000, 1, 86'400) * 1000;
    sc.pubsub_tls_certificate_file = Str(server, "pubsubTlsCertificate", w, false);
    sc.pubsub_tls_key_file = Str(server, "pubsubTlsKey", w, false);
    if (sc.pubsub_tls_certificate_file.empty() != sc.pubsub_tls_key_file.empty()) {
      Fail(w, "pubsubTlsCertificate and pubsubTlsKey go together");
    }
  }
  std::vector<Org> orgs;
  ForEach(root, "orgs", "orgs", [&](const YAML::Node& n, const std::string& w) {
    orgs.push_back(ParseOrg(n, w, base_dir, demo_certificate_pem));
    ValidateOrg(orgs.back(), w);
  });
  if (orgs.empty()) throw ConfigError(source + ": at least one org is required");
  std::set<std::string> org_ids;
  for (const auto& org : orgs) {
    if (!org_ids.insert(org.id).second) throw ConfigError("duplicate org id " + org.id);
  }
  config.orgs = std::make_shared<const OrgDirectory>(std::move(orgs));
  return config;
}

}  // namespace

Config LoadConfigFromYaml(const std::string& yaml_text, const std::filesystem::path& base_dir,
                          const std::string& demo_certificate_pem, const std::string& source) {
  try {
    return ParseConfig(yaml_text, base_dir, demo_certificate_pem, source);
  } catch (const YAML::Exception& e) {
    // A shape the checks above did not anticipate; yaml-cpp's message names line and column.
    throw ConfigError(source + ": " + e.what());
  }
}

Config LoadConfigFile(const std::filesystem::path& file, const std::string& demo_certificate_pem) {
  return LoadConfigFromYaml(ReadFile(file), file.parent_path(), demo_certificate_pem,
                            file.string());
}

Config LoadDemoConfig(const std::string& demo_certificate_pem) {
  return LoadConfigFromYaml(kDemoOrgYaml, ".", demo_certificate_pem, "built-in demo org");
}

}  // namespace interactiond::config
