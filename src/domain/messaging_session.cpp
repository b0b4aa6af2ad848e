#include "domain/messaging_session.h"

#include <boost/json/parse.hpp>

#include "domain/interaction_request.h"
#include "domain/json_access.h"
#include "domain/work_transitions.h"

namespace interactiond::domain {

Result<MessagingSessionRequest> ParseMessagingSessionRequest(std::string_view json_text) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(json_text, ec);
  if (ec) return Error::Of(10100, "body is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Of(10100, "body is not a JSON object");
  const boost::json::object& body = root.get_object();
  MessagingSessionRequest request;

  const auto address = StringMember(body, "channelAddressIdentifier");
  if (!address || address->empty() || Utf8Length(*address) > kMaxToLength) {
    return Error::Of(10017, "channelAddressIdentifier");
  }
  request.channel_address_identifier = std::string(*address);
  const auto end_user = StringMember(body, "endUserClientId");
  if (!end_user || end_user->empty() || Utf8Length(*end_user) > kMaxFromLength) {
    return Error::Of(10020);
  }
  request.end_user_client_id = std::string(*end_user);
  const auto conversation = StringMember(body, "conversationIdentifier");
  if (!conversation || conversation->empty() || Utf8Length(*conversation) > kMaxToLength) {
    return Error::Of(10018);
  }
  request.conversation_identifier = std::string(*conversation);
  const auto operation = StringMember(body, "operation");
  if (!operation || (*operation != "End" && *operation != "Inactivate")) {
    return Error::Of(10102);
  }
  request.operation = std::string(*operation);
  request.operation_by = "EndUser";
  if (const boost::json::value* by = Member(body, "operationBy")) {
    if (!by->is_string() || (by->get_string() != "EndUser" && by->get_string() != "System")) {
      return Error::Of(10103);
    }
    request.operation_by = std::string(by->get_string());
  }
  if (const boost::json::value* session = Member(body, "sessionId")) {
    if (!session->is_string() || session->get_string().empty()) {
      return Error::Of(10071, "sessionId is not a session id");
    }
    request.session_id = std::string(session->get_string());
  }
  if (request.operation == "Inactivate" && !request.session_id) return Error::Of(10106);
  return request;
}

Result<ConversationChange> DecideSessionOperation(const ConversationState& state,
                                                  const MessagingSessionRequest& request,
                                                  const EventOrigin& origin) {
  if (state.org_id != origin.org->id ||
      state.channel_address != request.channel_address_identifier ||
      state.channel_definition != origin.definition->developer_name) {
    return Error::Of(10104, "the conversation belongs to another channel");
  }
  if (state.end_user_client_id != request.end_user_client_id) return Error::Of(10105);
  if (request.session_id && *request.session_id != state.session_id) {
    return Error::Of(10071, "not the conversation's current session");
  }
  if (state.session_status == "Ended") return Error::Of(10071, "the session has ended");

  ConversationChange change;
  change.left_time = origin.now_ms;
  if (request.operation == "Inactivate") {
    if (state.session_status == "Inactive") return change;
    change.session_status = "Inactive";
    change.events.push_back(SessionStatusChangedEvent(state, origin, "Inactive", std::nullopt));
    return change;
  }
  // End: every participant but the end user leaves (each reported), then the session ends.
  for (const auto& participant : state.participants) {
    if (participant.role == "EndUser") continue;
    change.left.emplace_back(participant.subject, participant.role);
    change.events.push_back(ParticipantChangedEvent(
        state, origin, "remove", {participant.app_type, participant.subject, participant.role},
        participant.display_name));
  }
  EndSessionRouting(state, origin, change);
  change.session_status = "Ended";
  change.session_end_time = origin.now_ms;
  change.events.push_back(SessionStatusChangedEvent(state, origin, "Ended", request.operation_by));
  return change;
}

}  // namespace interactiond::domain
