// Test-only fixtures for the routing tests (router, work transitions, routing requests and events,
// the routing pass): one org with reps, a queue and a bot, the event origin, a conversation state
// whose store callbacks are fakes, and builders of PSRs and AgentWork. Header-only on purpose:
// every .cpp under src/ that is not a *_test.cpp goes into the core library, which must not depend
// on GoogleTest.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "config/org_model.h"
#include "domain/conversation_change.h"
#include "domain/conversation_events.h"
#include "domain/result.h"
#include "domain/routing_state.h"
#include "events/outbound_event.h"
#include "util/ids.h"

namespace interactiond::domain::testing {

inline constexpr char kOrgId[] = "00D000000000001";
inline constexpr char kConversation[] = "11111111-2222-4333-8444-555555555555";
inline constexpr char kSession[] = "0Mw8c0000000001";
inline constexpr char kQueue[] = "00G000000000001";   // the channel's default queue
inline constexpr char kQueue2[] = "00G000000000002";  // in no rep's queues unless a test adds it
inline constexpr char kAlice[] = "005000000000001";   // kQueue
inline constexpr char kBob[] = "005000000000002";     // kQueue
inline constexpr char kCarol[] = "005000000000003";   // kQueue, no Partner Messaging
inline constexpr char kSystemUser[] = "005000000000009";  // acts for the system; not a rep
inline constexpr char kBot[] = "1JZ000000000001";
inline constexpr char kPsr[] = "0JR8c0000000100";
inline constexpr int64_t kNow = 1'700'000'000'123;

inline config::User MakeUser(const std::string& id, const std::string& name,
                             std::vector<std::string> queues, bool partner_messaging = true) {
  config::User user;
  user.id = id;
  user.name = name;
  user.queues = std::move(queues);
  user.partner_messaging = partner_messaging;
  return user;
}

// Org kOrgId: channel definition P_Def (platform event P_Event__e), its channel addr-1 routing to
// kQueue by default, reps Alice, Bob and Carol in that queue (in that order: the first user acts
// for the routing pass), and the active bot kBot of integration P_Bot (event P_Bot_Event__e).
inline config::Org MakeRoutingOrg() {
  config::Org org;
  org.id = kOrgId;
  config::ChannelDefinition definition;
  definition.developer_name = "P_Def";
  definition.custom_platform_event = "P_Event__e";
  org.channel_definitions.push_back(definition);
  config::MessagingChannel channel;
  channel.id = "0Mj000000000001";
  channel.channel_address_identifier = "addr-1";
  channel.channel_definition = "P_Def";
  channel.default_queue = kQueue;
  org.channels.push_back(channel);
  org.queues = {{kQueue, "Queue"}};
  org.users = {MakeUser(kAlice, "Alice", {kQueue}), MakeUser(kBob, "Bob", {kQueue}),
               MakeUser(kCarol, "Carol", {kQueue}, false)};
  org.bots = {{kBot, "Helper", "P_Bot", true}};
  org.bot_integrations = {{"P_Bot", "P_App", "P_Bot_Event__e"}};
  return org;
}

// The system acting at kNow in the conversation of `org`'s first channel definition. The origin
// points into `org`, which must outlive it and keep its definitions where they are.
inline EventOrigin SystemOrigin(const config::Org& org) {
  EventOrigin origin;
  origin.org = &org;
  origin.definition = &org.channel_definitions[0];
  origin.created_by_id = kSystemUser;
  origin.sender = {"conversation", kSystemUser, "System"};
  origin.sender_display_name = "System";
  origin.now_ms = kNow;
  return origin;
}

// The open PSR kPsr to kQueue, created a second before kNow.
inline PendingRouting QueuePsr() {
  PendingRouting psr;
  psr.id = kPsr;
  psr.queue_id = kQueue;
  psr.routing_correlation_id = "corr-1";
  psr.created_at = kNow - 1000;
  return psr;
}

// A rep's work from kQueue on session kSession.
inline AgentWork Work(const std::string& id, const std::string& user, const std::string& status,
                      const std::string& psr_id = kPsr) {
  AgentWork work;
  work.id = id;
  work.user_id = user;
  work.context_type = "Agent";
  work.status = status;
  work.session_id = kSession;
  work.psr_id = psr_id;
  work.queue_id = kQueue;
  return work;
}

// kBot's work on session kSession.
inline AgentWork BotWork(const std::string& id, const std::string& status,
                         const std::string& psr_id = kPsr) {
  AgentWork work = Work(id, "", status, psr_id);
  work.bot_id = kBot;
  work.context_type = "Chatbot";
  return work;
}

// The entryPayload of an Interaction event.
inline boost::json::object Entry(const events::OutboundEvent& event) {
  return boost::json::parse(*event.payload).at("payload").at("entryPayload").as_object();
}

// The entry types of a change's events, in order.
inline std::vector<std::string> EntryTypes(const ConversationChange& change) {
  std::vector<std::string> types;
  for (const auto& event : change.events) types.push_back(event.entry_type);
  return types;
}

// 0 when `result` holds a value, else its error's code.
template <typename T>
int CodeOf(const Result<T>& result) {
  return result.ok() ? 0 : result.error().code;
}

// org_ (MakeRoutingOrg), origin_ (SystemOrigin) and state_: the New session kSession of
// conversation kConversation on addr-1 with the end user end-user-1 in it. The state's store
// callbacks are fakes over this fixture: rep presence comes from presence_ (offline when absent),
// every queue has waiting_ sessions waiting (the queue asked about goes to queried_queue_), and
// record ids count up per prefix. Tests derive from it and change what they need in SetUp.
class RoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    org_ = MakeRoutingOrg();
    origin_ = SystemOrigin(org_);
    state_.conversation_identifier = kConversation;
    state_.org_id = org_.id;
    state_.channel_address = "addr-1";
    state_.channel_definition = "P_Def";
    state_.end_user_client_id = "end-user-1";
    state_.session_id = kSession;
    state_.session_status = "New";
    state_.participants.push_back({"custom", "end-user-1", "EndUser", "", 1});
    state_.rep_availability = [this](const std::string& user_id) {
      auto it = presence_.find(user_id);
      return it == presence_.end() ? RepAvailability{} : it->second;
    };
    state_.waiting_in_queue = [this](const std::string& queue_id) {
      queried_queue_ = queue_id;
      return waiting_;
    };
    state_.next_record_id = [this](const std::string& prefix) {
      return util::RecordId(prefix, ++ids_[prefix]);
    };
  }

  void Online(const std::string& user_id, int capacity = 5, double load = 0) {
    presence_[user_id] = {true, capacity, load};
  }

  config::Org org_;
  EventOrigin origin_;
  ConversationState state_;
  std::map<std::string, RepAvailability> presence_;
  std::map<std::string, uint64_t> ids_;
  int waiting_ = 0;
  std::string queried_queue_;
};

}  // namespace interactiond::domain::testing
