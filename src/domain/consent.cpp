#include "domain/consent.h"

#include <boost/json.hpp>

#include "domain/interaction_request.h"
#include "domain/json_access.h"
#include "util/ids.h"

namespace interactiond::domain {

Result<ConsentRequest> ParseConsentRequest(std::string_view json_text) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(json_text, ec);
  if (ec) return Error::Of(10100, "body is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Of(10100, "body is not a JSON object");
  const boost::json::object& body = root.get_object();
  ConsentRequest request;
  const auto address = StringMember(body, "channelAddressIdentifier");
  if (!address || address->empty() || Utf8Length(*address) > kMaxToLength) {
    return Error::Of(10017, "channelAddressIdentifier");
  }
  request.channel_address_identifier = std::string(*address);
  const auto end_user = StringMember(body, "endUserClientId");
  if (!end_user || end_user->empty() || Utf8Length(*end_user) > kMaxToLength) {
    return Error::Of(10020);
  }
  request.end_user_client_id = std::string(*end_user);
  const auto status = StringMember(body, "consentStatus");
  if (!status || (*status != "OptedOut" && *status != "ImplicitlyOptedIn" &&
                  *status != "ExplicitlyOptedIn" && *status != "DoublyOptedIn")) {
    return Error::Of(10021);
  }
  request.consent_status = std::string(*status);
  return request;
}

Status CheckConsentOwnership(const config::ChannelDefinition& definition) {
  if (definition.consent_owner != config::ConsentOwner::kPartner) return Error::Of(10022);
  if (definition.supports_keywords) return Error::Of(10023);
  return OkStatus();
}

Result<ConversationChange> DecideConsent(const ConversationState& state,
                                         const ConsentRequest& request, const EventOrigin& origin) {
  ConversationChange change;
  if (state.consent_status == request.consent_status) return change;
  change.consent_status = request.consent_status;
  const std::string id = util::RandomUuid();
  boost::json::object entry;
  entry["entryType"] = "EndUserConsentUpdated";
  entry["id"] = id;
  entry["endUserSubject"] = state.end_user_client_id;
  entry["endUserDisplayName"] = state.end_user_client_id;
  entry["consentStatus"] = request.consent_status == "OptedOut" ? "OptOut" : "OptIn";
  entry["isEndUserInitiated"] = false;  // the partner set it through the API
  entry["initiatingConversationEntryIdentifier"] = nullptr;
  entry["confirmationConversationEntryIdentifier"] = nullptr;
  change.events.push_back(EntryEvent(state, origin, id, "EndUserConsentUpdated", std::move(entry)));
  return change;
}

}  // namespace interactiond::domain
