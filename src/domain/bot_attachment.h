// POST /api/v1/attachment (BYOB): a bot sends one file into a conversation. The
// `postAttachmentRequestJson` part decoded with its codes, the file rules of POST /interactions
// applied to it, and the entry it becomes (docs/compatibility.md, "BYOB: /api/v1/conversationEntry
// and /api/v1/attachment"). The entry is then decided like any bot entry (DecideBotEntry).
//
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/conversation_entry.h"
#include "domain/interaction_request.h"
#include "domain/result.h"

namespace interactiond::domain {

struct BotAttachmentRequest {
  std::string conversation_identifier;
  std::string sender_subject;  // resolve with ResolveSenderBot
  int64_t client_timestamp = 0;
  std::string id;  // the attachment's id: also the entry's and the message's id
  int64_t content_length = 0;
  int64_t attachment_index = 0;
  std::optional<std::string> text;  // caption
};

// Order and codes: not JSON / not an object → 10100; conversationIdentifier → 10018 (as
// ParseConversationIdentifier); sender → ParseBotSender(…, /*require_app_type_and_role=*/false)
// (10089, 10086, 10037, 10038); conversationEntries missing, not a list, not exactly one item, or
// the item not an object → 10089; clientTimestamp → 10046 (ParseClientTimestamp); id missing or
// empty → 10007; contentLength missing, null, "", not an integer or negative → 10010;
// attachmentIndex missing or not a non-negative integer, text neither a string nor null → 10089.
Result<BotAttachmentRequest> ParseBotAttachmentRequest(std::string_view json_text, int64_t now_ms);

// The file rules of POST /interactions (CheckReceivedFiles): no file → 10009; more than one file
// or attachmentIndex ≠ 0 → 10011; over 25 MiB → 10008; empty → 10009; contentLength ≠ bytes
// received → 10051. (The MIME rule, 10095, needs the bytes: the handler applies it.)
Status CheckBotAttachmentFiles(const BotAttachmentRequest& request,
                               std::span<const ReceivedFile> files);

// The bot's entry for the stored file: a Message with a StaticContent Attachments message
// carrying one attachment {id, name, mimeType, url} and the caption as `text`.
BotEntry BotAttachmentEntry(const BotAttachmentRequest& request, const std::string& name,
                            const std::string& mime_type, const std::string& url);

}  // namespace interactiond::domain
