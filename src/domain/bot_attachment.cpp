#include "domain/bot_attachment.h"

#include <boost/json/parse.hpp>

#include "domain/json_access.h"

namespace interactiond::domain {

using boost::json::object;
using boost::json::value;

Result<BotAttachmentRequest> ParseBotAttachmentRequest(std::string_view json_text, int64_t now_ms) {
  boost::system::error_code ec;
  value root = boost::json::parse(json_text, ec);
  if (ec) return Error::Of(10100, "postAttachmentRequestJson is not JSON: " + ec.message());
  if (!root.is_object()) return Error::Of(10100, "postAttachmentRequestJson is not an object");
  const object& body = root.get_object();

  BotAttachmentRequest request;
  auto identifier = ParseConversationIdentifier(body);
  if (!identifier.ok()) return identifier.error();
  request.conversation_identifier = std::move(identifier).value();
  auto subject = ParseBotSender(body, /*require_app_type_and_role=*/false);
  if (!subject.ok()) return subject.error();
  request.sender_subject = std::move(subject).value();

  const value* entries = Member(body, "conversationEntries");
  if (entries == nullptr || !entries->is_array() || entries->get_array().size() != 1 ||
      !entries->get_array()[0].is_object()) {
    return Error::Of(10089, "conversationEntries must hold exactly one object");
  }
  const object& entry = entries->get_array()[0].get_object();
  auto timestamp = ParseClientTimestamp(entry, now_ms);
  if (!timestamp.ok()) return timestamp.error();
  request.client_timestamp = *timestamp;

  const auto id = StringMember(entry, "id");
  if (!id || id->empty()) return Error::Of(10007);
  request.id = std::string(*id);

  const value* length = Member(entry, "contentLength");
  if (length == nullptr || (length->is_string() && length->get_string().empty())) {
    return Error::Of(10010);
  }
  const auto parsed_length = AsInt64(*length);
  if (!parsed_length || *parsed_length < 0) return Error::Of(10010, "contentLength not a count");
  request.content_length = *parsed_length;

  const value* index = Member(entry, "attachmentIndex");
  const auto parsed_index = index ? AsInt64(*index) : std::nullopt;
  if (!parsed_index || *parsed_index < 0) return Error::Of(10089, "attachmentIndex");
  request.attachment_index = *parsed_index;

  if (const value* text = Member(entry, "text")) {
    if (!text->is_string()) return Error::Of(10089, "text not a string");
    request.text = std::string(text->get_string());
  }
  return request;
}

Status CheckBotAttachmentFiles(const BotAttachmentRequest& request,
                               std::span<const ReceivedFile> files) {
  // The same rules as an AttachmentInteraction of POST /interactions, applied by the same code.
  InteractionRequest as_interaction;
  as_interaction.kind = InboundKind::kAttachment;
  as_interaction.attachment.id = request.id;
  as_interaction.attachment.content_length = request.content_length;
  as_interaction.attachment.attachment_index = request.attachment_index;
  return CheckReceivedFiles(as_interaction, files);
}

BotEntry BotAttachmentEntry(const BotAttachmentRequest& request, const std::string& name,
                            const std::string& mime_type, const std::string& url) {
  object attachment;
  attachment["id"] = request.id;
  attachment["name"] = name;
  attachment["mimeType"] = mime_type;
  attachment["url"] = url;
  attachment["attachmentUploadResult"] = nullptr;
  object content;
  content["formatType"] = "Attachments";
  content["attachments"] = boost::json::array{attachment};
  if (request.text) content["text"] = *request.text;
  object message;
  message["messageType"] = "StaticContentMessage";
  message["id"] = request.id;
  message["staticContent"] = std::move(content);
  BotEntry entry;
  entry.entry_id = request.id;
  entry.entry_type = "Message";
  entry.client_timestamp = request.client_timestamp;
  entry.entry_payload["entryType"] = "Message";
  entry.entry_payload["id"] = request.id;
  entry.entry_payload["abstractMessage"] = std::move(message);
  entry.entry_payload["messageReason"] = nullptr;
  return entry;
}

}  // namespace interactiond::domain
