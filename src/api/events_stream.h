// GET /admin/v1/events/stream — server-sent events: the outbound events as JSON (the shape of
// GET /admin/v1/events), live, resumable by replay id, for partners who do not use gRPC.
//
//   GET /admin/v1/events/stream?topic=&orgId=&conversation=&type=&eventType=&after=<replayId>
//   (or the `Last-Event-ID` header an EventSource sends when it reconnects)
//   → 200 text/event-stream; each event: `id: <replayId>`, `event: <entryType>`, `data: <json>`;
//     a `: keepalive` comment every 15 s without events.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandleEventStream(const AppContext& context, http::HttpRequest& request,
                       http::Respond respond);

}  // namespace interactiond::api
