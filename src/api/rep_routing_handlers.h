// The rep side of routing (what the service console's Omni-Channel widget does):
//   PUT  /admin/v1/reps/{userId}/presence {"status":"Online"|"Offline","capacity"?:N}
//        → 200 the rep (below); going online lets the router offer waiting work.
//   GET  /admin/v1/reps/{userId}
//        → 200 {"userId","presence":{"status","capacity"},"work":[AgentWork Assigned|Opened…]}
//   POST /admin/v1/reps/{userId}/work/{workId}/accept | /decline
//        → 202 {"success":true,"replayIds":[…]}; accept joins the rep, decline re-offers the work.
//   POST /admin/v1/reps/{userId}/conversations/{conversationIdentifier}/transfer
//        {"queueId"|"flowId"|"userId"|"externalContactId": "…", "conference"?: bool}
//        → 202 {"success":true,"routingCorrelationId","replayIds"}: under partner-owned routing a
//        RoutingRequested event that the partner answers within the routing window (else the
//        transfer fails with a RoutingResult); under Salesforce-owned routing the router routes.
// Errors: catalogue codes (15106 unknown user, 15105 no Partner Messaging, 10082 unknown work,
// 10085 a transition the work's status does not allow, 10036 the rep is not in the conversation,
// 10089 a malformed body, 10075 conference not supported).
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandleRepPresence(const AppContext& context, http::HttpRequest& request,
                       http::Respond respond);
void HandleGetRep(const AppContext& context, http::HttpRequest& request, http::Respond respond);
void HandleRepAcceptWork(const AppContext& context, http::HttpRequest& request,
                         http::Respond respond);
void HandleRepDeclineWork(const AppContext& context, http::HttpRequest& request,
                          http::Respond respond);
void HandleRepTransfer(const AppContext& context, http::HttpRequest& request,
                       http::Respond respond);

}  // namespace interactiond::api
