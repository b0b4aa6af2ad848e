#include "domain/error_catalog.h"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

namespace interactiond::domain {
namespace {

// Codes and texts are the published catalogue (checked against the reference by
// error_catalog_test.cpp). HTTP statuses are not published: the mapping is ours
// (docs/compatibility.md, "HTTP status per error code").
constexpr CatalogEntry kCatalog[] = {
    {500, 500, "An internal server error occurred. Please contact Salesforce Support."},
    {10001, 403,
     "The AuthorizationContext in the request isn't valid for the provided value in the "
     "\"to\"/\"channelAddressIdentifier\" field."},
    {10002, 400,
     "The channel type for the provided \"to\"/\"channelAddressIdentifier\" field isn't valid."},
    {10003, 403,
     "The supplied Authorization access token is missing the required Connected App scope. "
     "Required value: interaction_api."},
    {10004, 401, "The supplied Authorization access token is not valid."},
    {10005, 403,
     "The AuthorizationContext for the request isn't valid based on the supplied Authorization "
     "access token."},
    {10006, 400,
     "The channel provider for the provided \"to\"/\"channelAddressIdentifier\" field isn't "
     "valid."},
    {10007, 400, "The file ID field is empty."},
    {10008, 400, "The file size exceeds the maximum limit of 25 MB."},
    {10009, 400, "The file is empty or doesn’t exist."},
    {10010, 400, "The interaction contentLength field is empty."},
    {10011, 400,
     "The number of interactions of type AttachmentInteraction does not match the number of "
     "attachment files."},
    {10012, 400, "Enter a valid workItemId for the MessagingSession ID."},
    {10013, 400, "Enter either a capacityPercentage or a capacityWeight, but not both."},
    {10014, 400, "Enter a capacity weight greater than or equal to 0."},
    {10015, 400, "Enter a capacity percentage between 0 and 100, inclusive."},
    {10016, 400, "Enter a valid header."},
    {10017, 404, "The channelAddressIdentifier provided does not exist."},
    {10018, 400, "The conversation identifier is not valid."},
    {10019, 503,
     "The service is in read-only mode because an org migration is in progress. Try again later."},
    {10020, 400, "The endUserClientId provided is not valid."},
    {10021, 400, "Enter a valid Consent Status Enum value."},
    {10022, 400,
     "Cannot update Consent Status where the Consent Owner of the channel is not set to Partner."},
    {10023, 400, "Cannot update Consent Status where the SupportsKeywords of the channel is true."},
    {10024, 400, "For Flow based Routing, flow ID and Fallback Queue ID are required fields."},
    {10025, 404,
     "The conversation id isn't found based on channelAddressIdentifier and CUSTOM channel type."},
    {10026, 400,
     "The conversation channel definition for the provided \"to\"/\"channelAddressIdentifier\" "
     "field is missing."},
    {10027, 400, "The provided \"to\" field isn't valid."},
    {10028, 400, "The provided \"from\" field isn't valid."},
    {10029, 400, "The provided interaction list isn't valid."},
    {10030, 400, "Specify either a flow or a queue to Route API."},
    {10031, 400, "The channelAddressIdentifier provided is not active."},
    {10032, 400, "Specified Queue ID is invalid."},
    {10033, 400, "Should not pass in error message when routing result success."},
    {10034, 400, "Error message missing when routing result false."},
    {10035, 400, "The messaging channel is not a type of CUSTOM."},
    {10036, 404, "The participant does not exist."},
    {10037, 400, "The AppType provided is not supported."},
    {10038, 400, "The Participant Role provided is not supported."},
    {10039, 400, "Add participants to your conversation."},
    {10042, 400, "Include one end user participant in the conversation."},
    {10043, 400,
     "Invalid participant role. Specify a Chatbot or EndUser role for all participants."},
    {10044, 400, "Include only one end user participant in the conversation."},
    {10045, 400, "Provide a valid message entry format."},
    {10046, 400, "Invalid clientTimestamp. Send messages within the allowed response time frame."},
    {10047, 400, "Specified Message Type is invalid."},
    {10048, 400, "Specified Format Type is invalid."},
    {10049, 400, "Specified Message Type and Format Type combination is invalid."},
    {10050, 400, "Specified custom integration is invalid."},
    {10051, 400, "The file size (in bytes) of uploaded attachment is incorrect."},
    {10052, 400,
     "The \"channelAddressIdentifier\" field set in post conversation request isn't valid."},
    {10053, 400,
     "The \"participants\" field set in post conversation request is either invalid or empty."},
    {10054, 400, "Invalid subject of participant in conversation request."},
    {10055, 412, "Conversation precondition failed. Please retry."},
    {10056, 500, "Conversation processing aborted. Please retry."},
    {10057, 403,
     "Looks like you don't have access to the ConversationHistory API. Only Bring Your Own Channel "
     "for CCaaS partners can access them. Your Salesforce admin can help with that."},
    {10058, 400, "Customer Error occurred."},
    {10059, 400, "Interaction ID or Message ID is empty."},
    {10060, 400, "Interaction ID and Message ID are mismatched."},
    {10061, 400, "The StartTime provided for messaging session is invalid."},
    {10062, 400,
     "Invalid message type. Only StaticContentMessage, ChoicesResponseMessage, and "
     "FormResponseMessage types are supported for messages sent from an end user."},
    {10063, 400,
     "Your environment isn't ready to use the ConversationHistory API with a messaging session. "
     "Remove the messagingSession parameter from the payload."},
    {10064, 400, "The EndTime provided for messaging session is invalid."},
    {10065, 400,
     "Invalid end-user participant details. Conversations with end-users remain open and don't "
     "have a leftTime."},
    {10066, 400,
     "Invalid chatbot participant details. leftTime is required for conversations with chatbots "
     "when the conversation is ended."},
    {10067, 400, "Invalid joinedTime. Specify a joinedTime that is earlier than the leftTime."},
    {10068, 400, "Invalid participant. The message isn't from an approved participant."},
    {10069, 400,
     "Specify a valid channel address identifier or check your authorization configuration."},
    {10070, 400,
     "Provide a channel address identifier that's configured with the specified authorization "
     "context."},
    {10071, 404, "Session is not found."},
    {10072, 400, "Specify a valid session ID."},
    {10073, 409, "Invalid message ID. Provide a unique ID for each message entry."},
    {10074, 400,
     "Invalid message timestamp. The message Timestamp must occur while the sender is in the "
     "conversation."},
    {10075, 400,
     "Your Salesforce org isn't ready to use the Routing API with conferencing. Upgrade to the "
     "latest version or set the routingType to Initial or Transfer."},
    {10076, 400,
     "Your Salesforce org isn't ready to use the Delete Route API with cancel reason. Upgrade to "
     "the latest version or remove cancelReason from the payload."},
    {10077, 400,
     "Your Salesforce org isn't ready to use the Agent Work API with agent action as conference. "
     "Upgrade to the latest version or set the agentAction to Transfer."},
    {10078, 400,
     "An error occurred due to an invalid payload parameter. Check the parameters and try again. "
     "For help, see Send Historical Conversation Entries."},
    {10082, 400, "Invalid workId: Please provide a valid workId."},
    {10083, 400, "Invalid context type: The context type provided is not supported or is invalid."},
    {10084, 400, "Invalid botId: Please provide a valid botId."},
    {10085, 400, "Invalid status: Please provide a valid status."},
    {10086, 400, "The ExternalBotId is invalid."},
    {10087, 403, "The AuthorizationContext in the request isn't valid for the given botId."},
    {10088, 400, "The bot is inactive and can't be used for conversations."},
    {10089, 400, "Invalid parameters passed to API."},
    {10090, 400, "The StartTime provided to fetch Conversation Entries is invalid."},
    {10091, 400, "Invalid EndTime. Provide an EndTime that is after the StartTime."},
    {10092, 400, "Invalid Limit. Provide a value within the allowed range and try again."},
    {10093, 400, "Invalid authorization context type."},
    {10094, 504,
     "The request failed due to a timeout from a downstream service. Please try again later."},
    {10095, 400,
     "The MIME type of the uploaded file cannot be determined. Please check the file and try "
     "again."},
    {10096, 400,
     "The channel variable value length in routing attribute payload is larger than the maximum "
     "length configured in Messaging Channel setup page."},
    {10097, 400, "Invalid operation. Please provide a valid operation for Participant API."},
    {10098, 400,
     "The progressIndicatorCapability parameter can't be empty. Please provide a valid value or "
     "remove the parameter from the payload and try again."},
    {10099, 403, "Org does not have correct permissions."},
    {10100, 400,
     "A request body is required and can't be empty. Provide a valid payload and ensure data is "
     "included and correctly formatted."},
    {10101, 400,
     "We found duplicate participants. Make sure each participant is unique and try again."},
    {10102, 400, "Invalid operation type value for POST messaging session request."},
    {10103, 400, "Invalid operationBy value for POST messaging session."},
    {10104, 403, "No access to MessagingSession record."},
    {10105, 404, "End User not found."},
    {10106, 400, "Messaging Session ID is missing for Inactivate Messaging Session API."},
    {15102, 403, "To use this API, enable Contact Center as a Service."},
    {15103, 400, "The Messaging End User is not Fully Opted In"},
    {15104, 400, "Messaging channel is not linked to any Contact Center"},
    {15105, 403, "To use this API, add Partner Messaging to the user."},
    {15106, 400, "Invalid User Id parameter"},
    {15107, 400,
     "Enter a conversationId that matches a conversation linked to workItemId <workItemId>. "
     "conversationId <conversationId> doesn't match."},
    {15108, 400, "No service channel was found for this messaging session."},
    {15109, 409, "An active AgentWork record already exists with the same UserId and WorkItemId."},
    {15110, 400, "Enter a valid workItemId <workItemId> for the MessagingSession ID."},
    {15111, 404, "WorkItemId <workItemId> for the MessagingSession ID not found."},
    {15112, 400, "The agent's status is not associated with the channel for this work."},
    {20002, 500, "An error occured when retrieve conversation list based on endUserAddress."},
    {20003, 400, "Empty interaction list in request."},
    {20004, 500, "Pod not found error occurred when fetch Org perms."},
    {25005, 404,
     "We couldn't find the Messaging End User for workItemId <workItemId>. Verify that the "
     "Messaging Session exists, then try again."},
    {25006, 404,
     "We couldn't find the conversation for workItemId <workItemId>. Verify that the conversation "
     "exists, then try again."},
    {25007, 404,
     "We couldn't find conversationId for workItemId <workItemId>. Verify that the conversation "
     "exists, then try again."},
};

}  // namespace

std::span<const CatalogEntry> ErrorCatalog() { return kCatalog; }

const CatalogEntry* FindCatalogEntry(int code) {
  auto it = std::lower_bound(std::begin(kCatalog), std::end(kCatalog), code,
                             [](const CatalogEntry& entry, int c) { return entry.code < c; });
  if (it == std::end(kCatalog) || it->code != code) return nullptr;
  return &*it;
}

int HttpStatusOf(int code) {
  const CatalogEntry* entry = FindCatalogEntry(code);
  return entry ? entry->http_status : 500;
}

std::string MessageOf(const Error& error) {
  const CatalogEntry* entry = FindCatalogEntry(error.code);
  if (entry == nullptr) entry = FindCatalogEntry(500);
  std::string message(entry->message);
  for (const auto& [name, value] : error.substitutions) {
    const std::string placeholder = "<" + name + ">";
    for (size_t pos = message.find(placeholder); pos != std::string::npos;
         pos = message.find(placeholder, pos + value.size())) {
      message.replace(pos, placeholder.size(), value);
    }
  }
  return message;
}

std::string ErrorBodyJson(const Error& error) {
  const int code = FindCatalogEntry(error.code) ? error.code : 500;
  boost::json::object body;
  body["code"] = code;
  body["message"] = MessageOf(error);
  return boost::json::serialize(body);
}

}  // namespace interactiond::domain
