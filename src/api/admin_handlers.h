// The operator/test API under /admin/v1 (read-only inspection, attachment download, fault
// injection) and GET /health. Unauthenticated by design: it is for the machine's own users and
// tests; bind the server to loopback (the default) when that matters.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandleHealth(const AppContext& context, http::HttpRequest& request, http::Respond respond);
void HandleListConversations(const AppContext& context, http::HttpRequest& request,
                             http::Respond respond);
void HandleGetConversation(const AppContext& context, http::HttpRequest& request,
                           http::Respond respond);
void HandleGetAttachment(const AppContext& context, http::HttpRequest& request,
                         http::Respond respond);
void HandleStats(const AppContext& context, http::HttpRequest& request, http::Respond respond);
void HandleGetFaults(const AppContext& context, http::HttpRequest& request, http::Respond respond);
void HandlePostFaults(const AppContext& context, http::HttpRequest& request, http::Respond respond);

}  // namespace interactiond::api
