#include "domain/conversation_request.h"

#include <boost/json/parse.hpp>

#include "domain/interaction_request.h"
#include "domain/json_access.h"
#include "domain/routing_attributes.h"

namespace interactiond::domain {

Result<ConversationRequest> ParseConversationRequest(std::string_view json_text) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(json_text, ec);
  if (ec) return Error::Of(10100, "body is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Of(10100, "body is not a JSON object");
  const boost::json::object& body = root.get_object();

  ConversationRequest request;
  const auto address = StringMember(body, "channelAddressIdentifier");
  if (!address || address->empty() || Utf8Length(*address) > kMaxToLength) {
    return Error::Of(10052);
  }
  request.channel_address_identifier = std::string(*address);

  const boost::json::value* participants = Member(body, "participants");
  if (participants == nullptr || !participants->is_array()) {
    return Error::Of(10053, "participants missing or not a list");
  }
  const auto& list = participants->get_array();
  if (list.empty()) return Error::Of(10039);
  for (size_t i = 1; i < list.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (list[i] == list[j]) return Error::Of(10101);
    }
  }
  if (list.size() > 1) return Error::Of(10053, "exactly one participant (the end user)");
  if (!list[0].is_object()) return Error::Of(10053, "participant is not an object");
  const boost::json::object& participant = list[0].get_object();
  const auto subject = StringMember(participant, "subject");
  if (!subject || subject->empty() || Utf8Length(*subject) > kMaxFromLength) {
    return Error::Of(10054);
  }
  const auto app_type = StringMember(participant, "appType");
  if (!app_type || *app_type != "custom") return Error::Of(10037, "appType must be custom");
  const auto role = StringMember(participant, "role");
  if (!role || *role != "EndUser") return Error::Of(10038, "role must be EndUser");
  request.end_user_client_id = std::string(*subject);

  if (auto status = ParseRoutingAttributeMap(body, request.routing_attributes); !status.ok()) {
    return status.error();
  }
  return request;
}

}  // namespace interactiond::domain
