// The routing endpoints of BYOC for CCaaS (and BYOB): POST/DELETE /api/v1/route,
// POST/PATCH /api/v1/agentWork, POST /api/v1/routingResult, POST /api/v1/participant.
// Each authorizes, parses, then decides over the conversation's state inside the store's
// transaction (src/domain/routing_requests.h) and answers once the change is durable. Errors are
// the contract's `{code, message}`. Thread-safe; the context must outlive the server.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandlePostRoute(const AppContext& context, http::HttpRequest& request, http::Respond respond);
void HandleDeleteRoute(const AppContext& context, http::HttpRequest& request,
                       http::Respond respond);
void HandlePostAgentWork(const AppContext& context, http::HttpRequest& request,
                         http::Respond respond);
void HandlePatchAgentWork(const AppContext& context, http::HttpRequest& request,
                          http::Respond respond);
void HandlePostRoutingResult(const AppContext& context, http::HttpRequest& request,
                             http::Respond respond);
void HandlePostParticipant(const AppContext& context, http::HttpRequest& request,
                           http::Respond respond);

}  // namespace interactiond::api
