#include "api/routes.h"

#include "api/acknowledgement_handler.h"
#include "api/admin_handlers.h"
#include "api/bot_attachment_handler.h"
#include "api/capabilities_handler.h"
#include "api/clock_handlers.h"
#include "api/consent_handler.h"
#include "api/conversation_entry_handler.h"
#include "api/conversation_handler.h"
#include "api/conversation_history_handler.h"
#include "api/events_handlers.h"
#include "api/events_stream.h"
#include "api/interactions_handler.h"
#include "api/messaging_session_handler.h"
#include "api/oauth_handlers.h"
#include "api/rep_handlers.h"
#include "api/rep_routing_handlers.h"
#include "api/routing_handlers.h"
#include "api/tooling_query_handler.h"

namespace interactiond::api {

std::shared_ptr<http::Router> BuildRouter(const AppContext& context) {
  using boost::beast::http::verb;
  using http::BodyKind;
  auto router = std::make_shared<http::Router>();
  auto bind = [&context](void (*handler)(const AppContext&, http::HttpRequest&, http::Respond)) {
    return [&context, handler](http::HttpRequest& request, http::Respond respond) {
      handler(context, request, std::move(respond));
    };
  };
  // Interaction Service API.
  router->Add(verb::post, "/api/v1/interactions", BodyKind::kMultipart,
              bind(HandlePostInteractions));
  router->Add(verb::post, "/api/v1/conversation", BodyKind::kJson, bind(HandlePostConversation));
  router->Add(verb::post, "/api/v1/conversationHistory", BodyKind::kJson,
              bind(HandlePostConversationHistory));
  router->Add(verb::post, "/api/v1/messagingSession", BodyKind::kJson,
              bind(HandlePostMessagingSession));
  router->Add(verb::patch, "/api/v1/consent", BodyKind::kJson, bind(HandlePatchConsent));
  router->Add(verb::post, "/api/v1/acknowledgement", BodyKind::kJson,
              bind(HandlePostAcknowledgement));
  router->Add(verb::patch, "/api/v1/capabilities", BodyKind::kJson, bind(HandlePatchCapabilities));
  // Routing (BYOC for CCaaS; /route and PATCH /agentWork serve bots too).
  router->Add(verb::post, "/api/v1/route", BodyKind::kJson, bind(HandlePostRoute));
  router->Add(verb::delete_, "/api/v1/route", BodyKind::kJson, bind(HandleDeleteRoute));
  router->Add(verb::post, "/api/v1/agentWork", BodyKind::kJson, bind(HandlePostAgentWork));
  router->Add(verb::patch, "/api/v1/agentWork", BodyKind::kJson, bind(HandlePatchAgentWork));
  router->Add(verb::post, "/api/v1/routingResult", BodyKind::kJson, bind(HandlePostRoutingResult));
  router->Add(verb::post, "/api/v1/participant", BodyKind::kJson, bind(HandlePostParticipant));
  // BYOB. GET /conversationEntry carries a JSON body (the contract's form): kJson reads it.
  router->Add(verb::post, "/api/v1/conversationEntry", BodyKind::kJson,
              bind(HandlePostConversationEntry));
  router->Add(verb::get, "/api/v1/conversationEntry", BodyKind::kJson,
              bind(HandleGetConversationEntry));
  router->Add(verb::post, "/api/v1/attachment", BodyKind::kMultipart, bind(HandlePostAttachment),
              kAttachmentJsonPart);
  // OAuth (what the login host answers for the partner's JWT-bearer flow and Pub/Sub clients).
  router->Add(verb::post, "/services/oauth2/token", BodyKind::kJson, bind(HandleOAuthToken));
  router->Add(verb::get, "/services/oauth2/userinfo", BodyKind::kNone, bind(HandleOAuthUserInfo));
  // The Tooling API query managed Pub/Sub subscriptions make (jsforce adds the trailing slash).
  router->Add(verb::get, "/services/data/{version}/tooling/query/", BodyKind::kNone,
              bind(HandleToolingQuery));
  router->Add(verb::get, "/services/data/{version}/tooling/query", BodyKind::kNone,
              bind(HandleToolingQuery));
  // Operations and inspection.
  router->Add(verb::get, "/health", BodyKind::kNone, bind(HandleHealth));
  router->Add(verb::get, "/admin/v1/conversations", BodyKind::kNone, bind(HandleListConversations));
  router->Add(verb::get, "/admin/v1/conversations/{conversationIdentifier}", BodyKind::kNone,
              bind(HandleGetConversation));
  router->Add(verb::get, "/admin/v1/attachments/{sha256}", BodyKind::kNone,
              bind(HandleGetAttachment));
  router->Add(verb::get, "/admin/v1/events", BodyKind::kNone, bind(HandleGetEvents));
  router->Add(verb::get, "/admin/v1/events/stream", BodyKind::kNone, bind(HandleEventStream));
  // The rep side (the service console).
  const std::string rep = "/admin/v1/reps/{userId}/conversations/{conversationIdentifier}";
  router->Add(verb::post, rep + "/accept", BodyKind::kNone, bind(HandleRepAccept));
  router->Add(verb::post, rep + "/messages", BodyKind::kJson, bind(HandleRepMessage));
  router->Add(verb::post, rep + "/typing", BodyKind::kJson, bind(HandleRepTyping));
  router->Add(verb::post, rep + "/end", BodyKind::kNone, bind(HandleRepEnd));
  router->Add(verb::post, rep + "/transfer", BodyKind::kJson, bind(HandleRepTransfer));
  router->Add(verb::get, "/admin/v1/reps/{userId}", BodyKind::kNone, bind(HandleGetRep));
  router->Add(verb::put, "/admin/v1/reps/{userId}/presence", BodyKind::kJson,
              bind(HandleRepPresence));
  router->Add(verb::post, "/admin/v1/reps/{userId}/work/{workId}/accept", BodyKind::kNone,
              bind(HandleRepAcceptWork));
  router->Add(verb::post, "/admin/v1/reps/{userId}/work/{workId}/decline", BodyKind::kNone,
              bind(HandleRepDeclineWork));
  router->Add(verb::get, "/admin/v1/stats", BodyKind::kNone, bind(HandleStats));
  router->Add(verb::get, "/admin/v1/capabilities", BodyKind::kNone, bind(HandleGetCapabilities));
  router->Add(verb::get, "/admin/v1/faults", BodyKind::kNone, bind(HandleGetFaults));
  router->Add(verb::post, "/admin/v1/faults", BodyKind::kJson, bind(HandlePostFaults));
  router->Add(verb::get, "/admin/v1/clock", BodyKind::kNone, bind(HandleGetClock));
  router->Add(verb::post, "/admin/v1/clock", BodyKind::kJson, bind(HandlePostClock));
  return router;
}

}  // namespace interactiond::api
