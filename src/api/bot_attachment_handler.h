// BYOB: POST /api/v1/attachment — a bot sends one file (multipart: a `postAttachmentRequestJson`
// part and one `attachments` file part). The file rules of POST /interactions apply; the file is
// stored and becomes the bot's attachment message in the conversation, emitted to the channel like
// a rep's message. Answers 202 {"success":true} once durable (docs/compatibility.md, "BYOB").
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

// The name of the JSON part (the route configures the multipart collector with it).
inline constexpr char kAttachmentJsonPart[] = "postAttachmentRequestJson";

void HandlePostAttachment(const AppContext& context, http::HttpRequest& request,
                          http::Respond respond);

}  // namespace interactiond::api
