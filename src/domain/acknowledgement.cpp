#include "domain/acknowledgement.h"

#include <algorithm>

#include <boost/json.hpp>

#include "domain/interaction_request.h"
#include "domain/json_access.h"

namespace interactiond::domain {
namespace {

Result<Acknowledgement> ParseAcknowledgement(const boost::json::value& item) {
  if (!item.is_object()) return Error::Of(10089, "acknowledgement not an object");
  const boost::json::object& object = item.get_object();
  Acknowledgement ack;
  const auto type = StringMember(object, "acknowledgementType");
  if (!type || (*type != "Read" && *type != "Delivered")) {
    return Error::Of(10089, "acknowledgementType");
  }
  ack.type = std::string(*type);
  const auto acknowledged = StringMember(object, "acknowledgedConversationEntryIdentifier");
  if (!acknowledged || acknowledged->empty()) {
    return Error::Of(10089, "acknowledgedConversationEntryIdentifier");
  }
  ack.acknowledged_entry_id = std::string(*acknowledged);
  // The spelling without the "e" is the contract's.
  const auto created = StringMember(object, "acknowledgmentCreatedConversationEntryIdentifier");
  if (!created || created->empty()) {
    return Error::Of(10089, "acknowledgmentCreatedConversationEntryIdentifier");
  }
  ack.created_entry_id = std::string(*created);
  // The contract types it as a string; the README and Salesforce's demo send epoch milliseconds.
  const boost::json::value* timestamp = Member(object, "acknowledgementTimestamp");
  const auto parsed = timestamp ? AsInt64(*timestamp) : std::nullopt;
  if (!parsed || *parsed < 0) return Error::Of(10089, "acknowledgementTimestamp");
  ack.timestamp = *parsed;
  return ack;
}

}  // namespace

Result<AcknowledgementRequest> ParseAcknowledgementRequest(std::string_view json_text) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(json_text, ec);
  if (ec) return Error::Of(10100, "body is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Of(10100, "body is not a JSON object");
  const boost::json::object& body = root.get_object();
  AcknowledgementRequest request;

  const boost::json::object* sender = ObjectMember(body, "sender");
  if (sender == nullptr) return Error::Of(10036, "sender missing");
  const auto app_type = StringMember(*sender, "appType");
  if (!app_type || *app_type != "custom") return Error::Of(10037);
  const auto role = StringMember(*sender, "role");
  if (!role || *role != "EndUser") return Error::Of(10038);
  const auto subject = StringMember(*sender, "subject");
  if (!subject || subject->empty()) return Error::Of(10036, "sender.subject");
  request.sender_subject = std::string(*subject);

  const auto conversation = StringMember(body, "conversationIdentifier");
  if (!conversation || conversation->empty() || Utf8Length(*conversation) > kMaxToLength) {
    return Error::Of(10018);
  }
  request.conversation_identifier = std::string(*conversation);

  const boost::json::value* list = Member(body, "acknowledgements");
  if (list == nullptr || !list->is_array() || list->get_array().empty()) {
    return Error::Of(10089, "acknowledgements missing or empty");
  }
  if (list->get_array().size() > kMaxAcknowledgements) {
    return Error::Of(10089, "more than 25 acknowledgements");
  }
  for (const auto& item : list->get_array()) {
    auto ack = ParseAcknowledgement(item);
    if (!ack.ok()) return ack.error();
    request.acknowledgements.push_back(std::move(ack).value());
  }
  return request;
}

Result<ConversationChange> DecideAcknowledgements(const ConversationState& state,
                                                  const AcknowledgementRequest& request,
                                                  const EventOrigin& origin) {
  if (request.sender_subject != state.end_user_client_id) {
    return Error::Of(10036, "the sender is not the conversation's end user");
  }
  // Oldest first, so the newest acknowledgement of an entry is the one that stands.
  std::vector<Acknowledgement> acks = request.acknowledgements;
  std::stable_sort(acks.begin(), acks.end(),
                   [](const auto& a, const auto& b) { return a.timestamp < b.timestamp; });
  ConversationChange change;
  for (const Acknowledgement& ack : acks) {
    const std::optional<EntryRef> entry =
        state.find_entry ? state.find_entry(ack.acknowledged_entry_id) : std::nullopt;
    if (!entry || entry->sender_role == "EndUser") {
      return Error::Of(10089,
                       "not an outbound entry of the conversation: " + ack.acknowledged_entry_id);
    }
    const std::string entry_type =
        ack.type == "Read" ? "ReadAcknowledgement" : "DeliveryAcknowledgement";
    boost::json::object payload;
    payload["entryType"] = entry_type;
    payload["id"] = ack.created_entry_id;
    payload["recipient"] = {{"appType", entry->sender_app_type},
                            {"subject", entry->sender_subject},
                            {"role", entry->sender_role}};
    payload["acknowledgedConversationEntryIdentifier"] = ack.acknowledged_entry_id;
    payload["acknowledgementTimestamp"] = ack.timestamp;
    change.entries.push_back({ack.created_entry_id, entry_type, "custom", state.end_user_client_id,
                              "EndUser", ack.timestamp, origin.now_ms,
                              boost::json::serialize(payload)});
    change.acknowledged.emplace_back(ack.acknowledged_entry_id,
                                     ack.type == "Read" ? "Read" : "Delivered");
    change.events.push_back(
        EntryEvent(state, origin, ack.created_entry_id, entry_type, std::move(payload)));
  }
  return change;
}

}  // namespace interactiond::domain
