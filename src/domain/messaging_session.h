// POST /api/v1/messagingSession — the partner ends or inactivates the end user's messaging
// session. Parsing with its codes, and the decision over the conversation's state (session state
// machine of docs/compatibility.md, "POST /api/v1/messagingSession"). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/conversation_change.h"
#include "domain/conversation_events.h"
#include "domain/result.h"

namespace interactiond::domain {

struct MessagingSessionRequest {
  std::string channel_address_identifier;
  std::string end_user_client_id;
  std::string conversation_identifier;
  std::string operation;     // "End" | "Inactivate"
  std::string operation_by;  // "EndUser" | "System"; defaults to "EndUser"
  std::optional<std::string> session_id;
};

// Codes: 10100 (not a JSON object), 10017 (channelAddressIdentifier missing or not a string),
// 10020 (endUserClientId), 10018 (conversationIdentifier), 10102 (operation), 10103
// (operationBy), 10106 (Inactivate without sessionId).
Result<MessagingSessionRequest> ParseMessagingSessionRequest(std::string_view json_text);

// Codes: 10104 (the conversation is another channel's), 10105 (the end user is not the
// conversation's), 10071 (sessionId is not the conversation's current session, or the session
// has already ended). Inactivating an Inactive session changes nothing.
Result<ConversationChange> DecideSessionOperation(const ConversationState& state,
                                                  const MessagingSessionRequest& request,
                                                  const EventOrigin& origin);

}  // namespace interactiond::domain
