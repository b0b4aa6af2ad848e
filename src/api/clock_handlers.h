// The server clock on the admin API (not part of the contract): read it, and move it so tests
// can let time pass — token expiry, the 24-hour age limit of conversation history, timeouts.
//   GET  /admin/v1/clock → 200 {"nowMs": <server now>, "offsetMs": <offset from system time>}
//   POST /admin/v1/clock {"advanceMs": n} (move by n, may be negative) or {"offsetMs": n}
//        (set the offset; 0 = back to system time) → 200 as GET; 400 {"error": …} when the body
//        is not exactly one of those integer fields, or the offset would exceed ±100 years.
// Unauthenticated like the rest of /admin/v1.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandleGetClock(const AppContext& context, http::HttpRequest& request, http::Respond respond);
void HandlePostClock(const AppContext& context, http::HttpRequest& request, http::Respond respond);

}  // namespace interactiond::api
