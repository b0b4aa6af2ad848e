#include "domain/conversation_history.h"

#include "domain/conversation_entry.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/interaction_request.h"
#include "domain/json_access.h"

namespace interactiond::domain {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr std::array<std::string_view, 6> kAppTypes = {"custom",       "agent",        "chatbot",
                                                       "conversation", "live_message", "iamessage"};
// /interactions codes that keep their meaning for a history entry's payload.
constexpr std::array<int, 5> kPayloadCodes = {10045, 10047, 10048, 10049, 10062};

template <typename Set, typename T>
bool Contains(const Set& set, const T& wanted) {
  return std::find(set.begin(), set.end(), wanted) != set.end();
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A MessagingSession record id: 15 or 18 alphanumeric characters with the 0Mw key prefix.
bool IsSessionId(std::string_view id) {
  return (id.size() == 15 || id.size() == 18) && id.substr(0, 3) == "0Mw" &&
         std::all_of(id.begin(), id.end(), IsAlnum);
}

// A time field: an integer (a JSON number or a decimal string, as elsewhere); nullopt when
// absent or null; Error when present but not an integer.
Result<std::optional<int64_t>> OptionalTime(const object& o, std::string_view key, int code) {
  const value* v = Member(o, key);
  if (v == nullptr) return std::optional<int64_t>();
  const auto parsed = AsInt64(*v);
  if (!parsed) return Error::Of(code, std::string(key) + " is not an integer");
  return std::optional<int64_t>(*parsed);
}

// ---- participants ------------------------------------------------------------------------------

Result<HistoryParticipant> ParseParticipant(const value& item, size_t index) {
  const std::string where = "conversationParticipants[" + std::to_string(index) + "]";
  if (!item.is_object()) return Error::Of(10078, where + " is not an object");
  const object& entry = item.get_object();
  const object* participant = ObjectMember(entry, "participant");
  if (participant == nullptr) return Error::Of(10078, where + ".participant missing");
  HistoryParticipant out;
  const auto role = StringMember(*participant, "role");
  if (!role || (*role != "EndUser" && *role != "Chatbot")) {
    return Error::Of(10043, where + ".participant.role");
  }
  out.role = std::string(*role);
  const auto app_type = StringMember(*participant, "appType");
  if (!app_type || !Contains(kAppTypes, *app_type)) {
    return Error::Of(10078, where + ".participant.appType");
  }
  out.app_type = std::string(*app_type);
  const auto subject = StringMember(*participant, "subject");
  if (!subject || subject->empty() || Utf8Length(*subject) > kMaxFromLength) {
    return Error::Of(10078, where + ".participant.subject");
  }
  out.subject = std::string(*subject);
  if (const value* name = Member(entry, "displayName"); name != nullptr) {
    if (!name->is_string() || Utf8Length(name->get_string()) > kMaxDisplayNameLength) {
      return Error::Of(10078, where + ".displayName");
    }
    out.display_name = std::string(name->get_string());
  }
  auto joined = OptionalTime(entry, "joinedTime", 10078);
  if (!joined.ok()) return joined.error();
  if (!*joined || **joined <= 0) return Error::Of(10078, where + ".joinedTime");
  out.joined_time = **joined;
  auto left = OptionalTime(entry, "leftTime", 10078);
  if (!left.ok()) return left.error();
  out.left_time = *left;
  return out;
}

// Whether the messagingSession of the body (not validated yet) continues an open session:
// Establish without endTime is open, Attach is decided against the stored session.
enum class SessionPeek { kClosedOrNone, kOpen, kAttach };

SessionPeek PeekSession(const object& body) {
  const object* session = ObjectMember(body, "messagingSession");
  if (session == nullptr) return SessionPeek::kClosedOrNone;
  const auto type = StringMember(*session, "messagingSessionRequestType");
  if (type == "AttachMessagingSession") return SessionPeek::kAttach;
  if (type != "EstablishMessagingSession") return SessionPeek::kClosedOrNone;
  const object* payload = ObjectMember(*session, "payload");
  if (payload == nullptr || Member(*payload, "endTime") != nullptr) {
    return SessionPeek::kClosedOrNone;
  }
  return SessionPeek::kOpen;
}

Status ParseParticipants(const object& body, HistoryRequest& request) {
  const value* list_value = Member(body, "conversationParticipants");
  if (list_value == nullptr) return Error::Of(10039, "conversationParticipants missing");
  if (!list_value->is_array()) return Error::Of(10078, "conversationParticipants not a list");
  const array& list = list_value->get_array();
  if (list.empty()) return Error::Of(10039);
  if (list.size() > kMaxHistoryParticipants) {
    return Error::Of(10078, "more than 3 conversationParticipants");
  }
  for (size_t i = 0; i < list.size(); ++i) {
    auto participant = ParseParticipant(list[i], i);
    if (!participant.ok()) return participant.error();
    request.participants.push_back(std::move(participant).value());
  }
  const auto& participants = request.participants;
  for (size_t i = 1; i < participants.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (participants[i].role == participants[j].role &&
          participants[i].subject == participants[j].subject) {
        return Error::Of(10101, participants[i].role + " " + participants[i].subject);
      }
    }
  }
  const auto end_users = std::count_if(participants.begin(), participants.end(),
                                       [](const auto& p) { return p.role == "EndUser"; });
  if (end_users == 0) return Error::Of(10042);
  if (end_users > 1) return Error::Of(10044);
  const HistoryParticipant& end_user = request.EndUser();
  // The end user is the BYOC end user the conversation is keyed by, as for /conversation.
  if (end_user.app_type != "custom") return Error::Of(10078, "EndUser appType must be custom");
  if (end_user.left_time) return Error::Of(10065);
  const SessionPeek session = PeekSession(body);
  for (const HistoryParticipant& participant : participants) {
    if (participant.left_time && participant.joined_time >= *participant.left_time) {
      return Error::Of(10067, participant.subject);
    }
    if (participant.role == "Chatbot" && !participant.left_time) {
      if (session == SessionPeek::kClosedOrNone) {
        return Error::Of(10066, participant.subject + " has no leftTime");
      }
      request.chatbot_without_left_time = true;
    }
  }
  return OkStatus();
}

// ---- entries -----------------------------------------------------------------------------------

// The message content rules of /interactions, reused as they are: the payload goes through
// ParseInteractionRequest inside a synthetic one-interaction body. A history entry may carry
// different entry and message ids, so the copy carries the message id in both places.
Status CheckMessageAsInbound(const object& payload, const std::string& message_id) {
  object entry = payload;
  entry["id"] = message_id;
  object interaction;
  interaction["interactionType"] = "EntryInteraction";
  interaction["timestamp"] = 0;
  interaction["payload"] = std::move(entry);
  object body;
  body["to"] = "conversationHistory";
  body["from"] = "conversationHistory";
  body["interactions"] = array{std::move(interaction)};
  auto parsed = ParseInteractionRequest(boost::json::serialize(body));
  if (parsed.ok()) return OkStatus();
  const Error& error = parsed.error();
  if (Contains(kPayloadCodes, error.code)) return error;
  return Error::Of(10045, "entry payload: " + error.log_detail);
}

// A string id member: missing, empty or not a string → 10045 (the entry format).
Result<std::string> EntryId(const object& o, std::string_view key, const std::string& where) {
  const auto id = StringMember(o, key);
  if (!id || id->empty()) return Error::Of(10045, where + "." + std::string(key));
  return std::string(*id);
}

const HistoryParticipant* FindSender(const HistoryRequest& request, const HistoryEntry& entry) {
  for (const HistoryParticipant& participant : request.participants) {
    if (participant.role == entry.sender_role && participant.subject == entry.sender_subject &&
        participant.app_type == entry.sender_app_type) {
      return &participant;
    }
  }
  return nullptr;
}

Status ParseEntry(const value& item, size_t index, const HistoryRules& rules,
                  HistoryRequest& request, std::set<std::string>& ids) {
  const std::string where = "conversationEntries[" + std::to_string(index) + "]";
  if (!item.is_object()) return Error::Of(10045, where + " is not an object");
  const object& envelope = item.get_object();
  HistoryEntry entry;
  const value* timestamp = Member(envelope, "clientTimestamp");
  const auto parsed_timestamp = timestamp ? AsInt64(*timestamp) : std::nullopt;
  if (!parsed_timestamp) return Error::Of(10045, where + ".clientTimestamp");
  entry.client_timestamp = *parsed_timestamp;
  const object* sender = ObjectMember(envelope, "sender");
  if (sender == nullptr) return Error::Of(10045, where + ".sender");
  const auto subject = StringMember(*sender, "subject");
  const auto role = StringMember(*sender, "role");
  const auto app_type = StringMember(*sender, "appType");
  if (!subject || !role || !app_type) return Error::Of(10045, where + ".sender fields");
  entry.sender_subject = std::string(*subject);
  entry.sender_role = std::string(*role);
  entry.sender_app_type = std::string(*app_type);
  const object* payload = ObjectMember(envelope, "entryPayload");
  if (payload == nullptr) return Error::Of(10045, where + ".entryPayload");

  const HistoryParticipant* from = FindSender(request, entry);
  if (from == nullptr) return Error::Of(10068, where + " sender " + entry.sender_subject);

  const auto entry_type = StringMember(*payload, "entryType");
  if (entry_type != "Message") return Error::Of(10045, where + ": only Message entries");
  entry.entry_type = "Message";
  auto entry_id = EntryId(*payload, "id", where);
  if (!entry_id.ok()) return entry_id.error();
  entry.entry_id = std::move(entry_id).value();
  const object* message = ObjectMember(*payload, "abstractMessage");
  if (message == nullptr) return Error::Of(10045, where + ".abstractMessage");
  auto message_id = EntryId(*message, "id", where + ".abstractMessage");
  if (!message_id.ok()) return message_id.error();
  entry.message_id = std::move(message_id).value();
  const auto message_type = StringMember(*message, "messageType");
  if (from->role == "Chatbot" &&
      (message_type == "ChoicesMessage" || message_type == "FormMessage")) {
    // The bot's message rules of POST /conversationEntry, shared.
    if (auto status = CheckBotMessage(*message); !status.ok()) return status;
  } else if (auto status = CheckMessageAsInbound(*payload, entry.message_id); !status.ok()) {
    return status;
  }

  if (entry.client_timestamp < rules.now_ms - kHistoryMaxAgeMs ||
      entry.client_timestamp > rules.now_ms + kHistoryClockSkewMs) {
    return Error::Of(10046, where + ".clientTimestamp " + std::to_string(entry.client_timestamp) +
                                " vs now " + std::to_string(rules.now_ms));
  }
  if (entry.client_timestamp < from->joined_time ||
      (from->left_time && entry.client_timestamp > *from->left_time)) {
    return Error::Of(10074, where);
  }
  // An entry may use one id for both (as /interactions requires); across entries every id is
  // unique.
  if (!ids.insert(entry.entry_id).second) return Error::Of(10073, where + " " + entry.entry_id);
  if (entry.message_id != entry.entry_id && !ids.insert(entry.message_id).second) {
    return Error::Of(10073, where + " " + entry.message_id);
  }
  entry.payload_json = boost::json::serialize(*payload);
  request.entries.push_back(std::move(entry));
  return OkStatus();
}

Status ParseEntries(const object& body, const HistoryRules& rules, HistoryRequest& request) {
  const value* list_value = Member(body, "conversationEntries");
  if (list_value == nullptr || !list_value->is_array()) {
    return Error::Of(10078, "conversationEntries missing or not a list");
  }
  const array& list = list_value->get_array();
  if (list.empty() || list.size() > kMaxHistoryEntries) {
    return Error::Of(10078, "conversationEntries must hold 1 to 25 entries");
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    if (auto status = ParseEntry(list[i], i, rules, request, ids); !status.ok()) return status;
  }
  std::stable_sort(request.entries.begin(), request.entries.end(),
                   [](const HistoryEntry& a, const HistoryEntry& b) {
                     return a.client_timestamp < b.client_timestamp;
                   });
  return OkStatus();
}

// ---- messaging session -------------------------------------------------------------------------

Status ParseSession(const object& body, const HistoryRules& rules, HistoryRequest& request) {
  const value* session_value = Member(body, "messagingSession");
  if (session_value == nullptr) return OkStatus();
  if (!rules.history_with_session) return Error::Of(10063);
  if (!session_value->is_object()) return Error::Of(10078, "messagingSession not an object");
  const object& session = session_value->get_object();
  const auto type = StringMember(session, "messagingSessionRequestType");
  const object* payload = ObjectMember(session, "payload");
  if (type != "EstablishMessagingSession" && type != "AttachMessagingSession") {
    return Error::Of(10078, "messagingSessionRequestType");
  }
  if (payload == nullptr) return Error::Of(10078, "messagingSession.payload");
  const int64_t latest_allowed = rules.now_ms + kHistoryClockSkewMs;

  if (type == "AttachMessagingSession") {
    const auto id = StringMember(*payload, "sessionId");
    if (!id || !IsSessionId(*id)) return Error::Of(10072);
    request.session_mode = HistorySessionMode::kAttach;
    request.attach_session_id = std::string(id->substr(0, 15));
    return OkStatus();
  }
  request.session_mode = HistorySessionMode::kEstablish;
  // Entries are sorted: front() is the first of the conversation, back() the last.
  const int64_t first_entry = request.entries.front().client_timestamp;
  const int64_t last_entry = request.entries.back().client_timestamp;
  auto start = OptionalTime(*payload, "startTime", 10061);
  if (!start.ok()) return start.error();
  if (!*start || **start <= 0 || **start > latest_allowed || **start > first_entry) {
    return Error::Of(10061,
                     "startTime missing, not positive, in the future or after the first "
                     "entry");
  }
  request.session_start_time = **start;
  auto end = OptionalTime(*payload, "endTime", 10064);
  if (!end.ok()) return end.error();
  if (*end) {
    if (**end < request.session_start_time || **end > latest_allowed || **end < last_entry) {
      return Error::Of(10064, "endTime before startTime or the last entry, or in the future");
    }
    request.session_end_time = **end;
  }
  return OkStatus();
}

}  // namespace

const HistoryParticipant& HistoryRequest::EndUser() const {
  return *std::find_if(participants.begin(), participants.end(),
                       [](const HistoryParticipant& p) { return p.role == "EndUser"; });
}

std::vector<std::string> HistoryRequest::MessageIds() const {
  std::set<std::string> ids;
  for (const HistoryEntry& entry : entries) {
    ids.insert(entry.entry_id);
    ids.insert(entry.message_id);
  }
  return {ids.begin(), ids.end()};
}

Result<HistoryRequest> ParseConversationHistoryRequest(std::string_view json_text,
                                                       const HistoryRules& rules) {
  boost::system::error_code ec;
  value root = boost::json::parse(json_text, ec);
  if (ec) return Error::Of(10100, "body is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Of(10100, "body is not a JSON object");
  const object& body = root.get_object();

  HistoryRequest request;
  const auto address = StringMember(body, "channelAddressIdentifier");
  if (!address || address->empty() || Utf8Length(*address) > kMaxToLength) {
    return Error::Of(10069, "channelAddressIdentifier missing or invalid");
  }
  request.channel_address_identifier = std::string(*address);
  if (auto status = ParseParticipants(body, request); !status.ok()) return status.error();
  if (auto status = ParseEntries(body, rules, request); !status.ok()) return status.error();
  if (auto status = ParseSession(body, rules, request); !status.ok()) return status.error();
  return request;
}

Status CheckHistoryAccess(const config::ChannelDefinition& context) {
  if (context.vendor_type != config::VendorType::kCcaas) {
    return Error::Of(10057, context.developer_name + " is not a BYOC-for-CCaaS definition");
  }
  return OkStatus();
}

Result<const config::MessagingChannel*> ResolveHistoryChannel(
    const config::Org& org, const config::ChannelDefinition& context, std::string_view address) {
  auto channel = ResolveInboundChannel(org, context, address);
  if (channel.ok()) return channel;
  const Error& error = channel.error();
  if (error.code == 10017) return Error::Of(10069, error.log_detail);
  if (error.code == 10001) return Error::Of(10070, error.log_detail);
  return error;
}

Status CheckHistoryAgainstStored(const HistoryRequest& request, const StoredHistoryFacts& facts) {
  if (request.session_mode == HistorySessionMode::kAttach) {
    if (!facts.attached_session_status) {
      return Error::Of(10071, "no session " + request.attach_session_id + " in this conversation");
    }
    if (*facts.attached_session_status == "Ended" && request.chatbot_without_left_time) {
      return Error::Of(10066, "attached session has ended; every Chatbot needs a leftTime");
    }
  }
  if (!facts.taken_ids.empty()) {
    return Error::Of(10073, "the conversation already holds id " + facts.taken_ids.front());
  }
  return OkStatus();
}

}  // namespace interactiond::domain
