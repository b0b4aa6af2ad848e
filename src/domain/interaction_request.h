// POST /api/v1/interactions: the `json` part decoded into a typed request, and the rules the real
// service applies to it, each bound to its catalogue code (docs/compatibility.md, "Interactions").
//
// Everything here is pure (no I/O, no clock) and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "config/org_model.h"
#include "domain/result.h"

namespace interactiond::domain {

inline constexpr size_t kMaxToLength = 240;
inline constexpr size_t kMaxFromLength = 255;
inline constexpr uint64_t kMaxAttachmentBytes = 25ull * 1024 * 1024;

enum class InboundKind { kMessage, kTypingStarted, kTypingStopped, kDeliveryFailed, kAttachment };

struct AttachmentInteraction {
  std::string id;
  int64_t content_length = 0;
  int64_t attachment_index = 0;
  std::optional<std::string> text;  // caption
};

struct InteractionRequest {
  std::string to;
  std::string from;
  std::vector<std::pair<std::string, std::string>> routing_attributes;
  InboundKind kind = InboundKind::kMessage;
  int64_t timestamp = 0;              // interactions[0].timestamp (ms)
  std::string interaction_id;         // payload.id, or the attachment's id
  std::string entry_type;             // Message, TypingStartedIndicator, …
  boost::json::object entry_payload;  // the entry as stored (for attachments: built later)
  AttachmentInteraction attachment;   // kind == kAttachment only
};

// Decodes and validates the json part. Codes: 10100 (not JSON / not an object), 10027 (to),
// 10028 (from), 20003 (empty list), 10029 (list or interaction envelope invalid), 10089
// (routingAttributes not a map of scalars), 10045 (entry malformed), 10059/10060 (ids),
// 10047/10048/ 10049/10062 (message and format types), 10037/10038 (MessageDeliveryFailed
// recipient), 10007/10010 (attachment fields).
Result<InteractionRequest> ParseInteractionRequest(std::string_view json_text);

// What the transport received in `attachments` parts.
struct ReceivedFile {
  uint64_t size = 0;
  bool over_limit = false;  // larger than kMaxAttachmentBytes (bytes were not kept)
};

// File rules: 10011 (count of AttachmentInteractions ≠ files, bad attachmentIndex), 10009 (no file
// or empty file), 10008 (> 25 MB), 10051 (contentLength ≠ bytes received).
Status CheckReceivedFiles(const InteractionRequest& request, std::span<const ReceivedFile> files);

// MIME types the service accepts for inbound files.
bool IsSupportedInboundMimeType(std::string_view mime_type);

// Resolves `to` within the org for the request's AuthorizationContext. Codes: 10017 (no such
// channel), 10026 (channel has no definition), 10001 (definition ≠ context), 10002 (not a messaging
// channel), 10035 (not CUSTOM), 10006 (provider ≠ definition's vendor), 10031 (inactive).
Result<const config::MessagingChannel*> ResolveInboundChannel(
    const config::Org& org, const config::ChannelDefinition& context, std::string_view address);

// 10096 when a value is longer (in characters) than its channel variable's maximum length.
// Attributes that name no channel variable are ignored, as channel variables are what the routing
// flow reads.
Status CheckRoutingAttributes(const config::MessagingChannel& channel,
                              std::span<const std::pair<std::string, std::string>> attributes);

// Number of Unicode code points in UTF-8 text (invalid bytes count one each).
size_t Utf8Length(std::string_view text);

}  // namespace interactiond::domain
