// POST /api/v1/conversation — establish (or look up) the conversation of a channel address and an
// end user. The body decoded into a typed request, with the rules bound to their catalogue codes
// (docs/compatibility.md, "POST /api/v1/conversation"). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"

namespace interactiond::domain {

struct ConversationRequest {
  std::string channel_address_identifier;
  std::string end_user_client_id;  // participants[0].subject
  std::vector<std::pair<std::string, std::string>> routing_attributes;
};

// Codes: 10100 (not a JSON object), 10052 (channelAddressIdentifier), 10053 (participants missing,
// not a list, more than one, an item not an object), 10039 (empty list), 10101 (duplicates),
// 10054 (subject), 10037 (appType), 10038 (role), 10089 (routingAttributes shape).
Result<ConversationRequest> ParseConversationRequest(std::string_view json_text);

}  // namespace interactiond::domain
