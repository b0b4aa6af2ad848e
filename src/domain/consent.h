// PATCH /api/v1/consent — the partner sets a messaging end user's consent (channels whose
// consent the partner owns). Parsing, the channel-definition rules and the decision, with their
// catalogue codes (docs/compatibility.md, "PATCH /api/v1/consent"). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "config/org_model.h"
#include "domain/conversation_change.h"
#include "domain/conversation_events.h"
#include "domain/result.h"

namespace interactiond::domain {

struct ConsentRequest {
  std::string end_user_client_id;
  std::string channel_address_identifier;
  std::string consent_status;  // OptedOut | ImplicitlyOptedIn | ExplicitlyOptedIn | DoublyOptedIn
};

// Codes: 10100 (not a JSON object), 10017 (channelAddressIdentifier), 10020 (endUserClientId),
// 10021 (consentStatus not one of the four values).
Result<ConsentRequest> ParseConsentRequest(std::string_view json_text);

// 10022 when the definition's consent is not partner-owned, 10023 when it supports keywords.
Status CheckConsentOwnership(const config::ChannelDefinition& definition);

// The end user's new consent and the EndUserConsentUpdated event (OptIn | OptOut). Setting the
// status the end user already has changes nothing.
Result<ConversationChange> DecideConsent(const ConversationState& state,
                                         const ConsentRequest& request, const EventOrigin& origin);

}  // namespace interactiond::domain
