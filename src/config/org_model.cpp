#include "config/org_model.h"

#include <algorithm>

namespace interactiond::config {
namespace {

template <typename T, typename Key>
const T* FindBy(const std::vector<T>& items, std::string_view wanted, Key key) {
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const T& item) { return std::string_view(item.*key) == wanted; });
  return it == items.end() ? nullptr : &*it;
}

// Record ids may be given in their 18-character case-safe form: compare the 15.
std::string_view Id15(std::string_view id) { return id.size() == 18 ? id.substr(0, 15) : id; }

}  // namespace

const ConnectedApp* Org::FindConnectedApp(std::string_view app_name) const {
  return FindBy(connected_apps, app_name, &ConnectedApp::name);
}
const ConnectedApp* Org::FindConnectedAppByConsumerKey(std::string_view consumer_key) const {
  return FindBy(connected_apps, consumer_key, &ConnectedApp::consumer_key);
}
const ChannelDefinition* Org::FindChannelDefinition(std::string_view developer_name) const {
  return FindBy(channel_definitions, developer_name, &ChannelDefinition::developer_name);
}
const MessagingChannel* Org::FindChannelByAddress(std::string_view address) const {
  return FindBy(channels, address, &MessagingChannel::channel_address_identifier);
}
const User* Org::FindUser(std::string_view user_id) const {
  return FindBy(users, Id15(user_id), &User::id);
}
const User* Org::FindUserByUsername(std::string_view username) const {
  return FindBy(users, username, &User::username);
}
const BotIntegrationDefinition* Org::FindBotIntegration(std::string_view developer_name) const {
  return FindBy(bot_integrations, developer_name, &BotIntegrationDefinition::developer_name);
}

const Queue* Org::FindQueue(std::string_view queue_id) const {
  return FindBy(queues, Id15(queue_id), &Queue::id);
}
const Flow* Org::FindFlow(std::string_view flow_id) const {
  return FindBy(flows, Id15(flow_id), &Flow::id);
}
const Bot* Org::FindBot(std::string_view bot_id) const {
  return FindBy(bots, Id15(bot_id), &Bot::id);
}

OrgDirectory::OrgDirectory(std::vector<Org> orgs) : orgs_(std::move(orgs)) {}

const Org* OrgDirectory::FindOrg(std::string_view org_id) const {
  // An 18-character id is the 15-character id plus a case-safe checksum; compare the 15.
  if (org_id.size() == 18) org_id = org_id.substr(0, 15);
  if (org_id.size() != 15) return nullptr;
  for (const Org& org : orgs_) {
    if (org.id == org_id) return &org;
  }
  return nullptr;
}

}  // namespace interactiond::config
