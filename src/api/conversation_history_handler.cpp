#include "api/conversation_history_handler.h"

#include <boost/json.hpp>

#include "api/json_body.h"
#include "api/request_auth_glue.h"
#include "domain/conversation_history.h"

namespace interactiond::api {
namespace {

store::HistoryWrite MakeWrite(const domain::HistoryRequest& request) {
  store::HistoryWrite write;
  write.end_user_client_id = request.EndUser().subject;
  for (const domain::HistoryParticipant& p : request.participants) {
    write.participants.push_back(
        {p.app_type, p.subject, p.role, p.display_name, p.joined_time, p.left_time});
  }
  for (const domain::HistoryEntry& e : request.entries) {
    domain::NewEntry entry;
    entry.entry_id = e.entry_id;
    entry.entry_type = e.entry_type;
    entry.sender_app_type = e.sender_app_type;
    entry.sender_subject = e.sender_subject;
    entry.sender_role = e.sender_role;
    entry.client_timestamp = e.client_timestamp;
    entry.transcripted_timestamp = e.client_timestamp;  // back-dated
    entry.payload_json = e.payload_json;
    write.entries.push_back(std::move(entry));
  }
  switch (request.session_mode) {
    case domain::HistorySessionMode::kNone:
      write.session = store::HistorySession::kCurrent;
      break;
    case domain::HistorySessionMode::kEstablish:
      write.session = store::HistorySession::kEstablish;
      write.session_start_time = request.session_start_time;
      write.session_end_time = request.session_end_time;
      break;
    case domain::HistorySessionMode::kAttach:
      write.session = store::HistorySession::kAttach;
      write.attach_session_id = request.attach_session_id;
      break;
  }
  write.message_ids = request.MessageIds();
  return write;
}

}  // namespace

void HandlePostConversationHistory(const AppContext& context, http::HttpRequest& request,
                                   http::Respond respond) {
  auto fail = [&](const domain::Error& error) { respond(http::ErrorResponse(error)); };
  // Headers (AuthorizationContextType is required here), then who may call, then the body.
  auth::AuthRequirements needs;
  needs.context_kind = auth::ContextKind::kChannelDefinition;
  needs.context_type_required = true;
  auto auth = AuthorizeApiRequest(context, request, needs);
  if (!auth.ok()) return fail(auth.error());
  if (auto status = domain::CheckHistoryAccess(*auth->channel_definition); !status.ok()) {
    return fail(status.error());
  }
  const config::Org& org = *auth->org;
  if (org.features.read_only) return fail(domain::Error::Of(10019));
  if (auto status = CheckJsonBody(request); !status.ok()) return fail(status.error());

  domain::HistoryRules rules;
  rules.now_ms = context.clock->NowMs();
  rules.history_with_session = org.features.history_with_session;
  auto parsed = domain::ParseConversationHistoryRequest(request.body, rules);
  if (!parsed.ok()) return fail(parsed.error());
  auto channel = domain::ResolveHistoryChannel(org, *auth->channel_definition,
                                               parsed->channel_address_identifier);
  if (!channel.ok()) return fail(channel.error());

  store::HistoryWrite write = MakeWrite(*parsed);
  write.org_id = org.id;
  write.channel_id = (*channel)->id;
  write.channel_address = parsed->channel_address_identifier;
  write.channel_definition = auth->channel_definition->developer_name;
  write.request_id = auth->request_id;
  write.received_at_ms = rules.now_ms;
  write.check = [history = std::move(*parsed)](const domain::StoredHistoryFacts& facts) {
    return domain::CheckHistoryAgainstStored(history, facts);
  };
  context.store->SubmitHistory(
      std::move(write),
      [respond = std::move(respond)](domain::Result<store::HistoryWriteResult> result) {
        if (!result.ok()) return respond(http::ErrorResponse(result.error()));
        boost::json::object body;
        body["success"] = true;
        body["conversationIdentifier"] = result->conversation_identifier;
        body["messagingSessionId"] = result->session_id;
        respond(http::JsonResponse(202, boost::json::serialize(body)));
      });
}

}  // namespace interactiond::api
