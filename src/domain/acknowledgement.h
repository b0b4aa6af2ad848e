// POST /api/v1/acknowledgement — the end user's Delivered / Read receipts for outbound entries.
// Parsing with its codes, and the decision over the conversation (docs/compatibility.md,
// "POST /api/v1/acknowledgement"). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/conversation_change.h"
#include "domain/conversation_events.h"
#include "domain/result.h"

namespace interactiond::domain {

inline constexpr size_t kMaxAcknowledgements = 25;

struct Acknowledgement {
  std::string type;  // "Read" | "Delivered"
  std::string acknowledged_entry_id;
  std::string created_entry_id;  // the client's id for the new acknowledgement entry
  int64_t timestamp = 0;         // ms; sent as a number or a numeric string
};

struct AcknowledgementRequest {
  std::string sender_subject;
  std::string conversation_identifier;
  std::vector<Acknowledgement> acknowledgements;
};

// Codes: 10100 (not a JSON object), 10036 (sender missing or without subject), 10037 (appType),
// 10038 (role), 10018 (conversationIdentifier), 10089 (acknowledgements missing, empty, more than
// 25, or an item malformed).
Result<AcknowledgementRequest> ParseAcknowledgementRequest(std::string_view json_text);

// Codes: 10036 (the sender is not the conversation's end user), 10089 (an acknowledged entry is
// not an outbound entry of the conversation).
Result<ConversationChange> DecideAcknowledgements(const ConversationState& state,
                                                  const AcknowledgementRequest& request,
                                                  const EventOrigin& origin);

}  // namespace interactiond::domain
