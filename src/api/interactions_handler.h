// POST /api/v1/interactions — an end user's message, typing indicator, delivery failure or file
// reaches the conversation. Decodes, applies the rules in the order of docs/compatibility.md, hands
// the write to the store and answers 202 only once the write is durable.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandlePostInteractions(const AppContext& context, http::HttpRequest& request,
                            http::Respond respond);

}  // namespace interactiond::api
