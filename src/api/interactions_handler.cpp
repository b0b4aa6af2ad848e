#include "api/interactions_handler.h"

#include <boost/json.hpp>

#include "api/json_body.h"
#include "api/request_auth_glue.h"
#include "domain/conversation_events.h"
#include "domain/interaction_request.h"
#include "domain/router.h"
#include "domain/routing_events.h"
#include "util/ids.h"
#include "util/mime_detector.h"

namespace interactiond::api {
namespace {

using domain::Error;

// The stored entry of an AttachmentInteraction: the message the console shows, a StaticContent
// Attachments message carrying the caption.
boost::json::object AttachmentEntry(const domain::InteractionRequest& request,
                                    const std::string& name, const std::string& mime_type,
                                    const std::string& url) {
  boost::json::object attachment;
  attachment["id"] = request.attachment.id;
  attachment["name"] = name;
  attachment["mimeType"] = mime_type;
  attachment["url"] = url;
  boost::json::object content;
  content["formatType"] = "Attachments";
  content["attachments"] = boost::json::array{attachment};
  if (request.attachment.text) content["text"] = *request.attachment.text;
  boost::json::object message;
  message["messageType"] = "StaticContentMessage";
  message["id"] = request.attachment.id;
  message["staticContent"] = std::move(content);
  boost::json::object entry;
  entry["id"] = request.attachment.id;
  entry["entryType"] = "Message";
  entry["abstractMessage"] = std::move(message);
  return entry;
}

}  // namespace

void HandlePostInteractions(const AppContext& context, http::HttpRequest& request,
                            http::Respond respond) {
  auto fail = [&](const Error& error) { respond(http::ErrorResponse(error)); };

  auto auth = AuthorizeApiRequest(context, request, {});
  if (!auth.ok()) return fail(auth.error());
  const config::Org& org = *auth->org;
  if (org.features.read_only) return fail(Error::Of(10019));

  auto checked_form = CheckMultipartBody(request, "json");
  if (!checked_form.ok()) return fail(checked_form.error());
  http::MultipartForm& form = **checked_form;

  auto parsed = domain::ParseInteractionRequest(*form.json);
  if (!parsed.ok()) return fail(parsed.error());
  domain::InteractionRequest& interaction = *parsed;

  std::vector<domain::ReceivedFile> received;
  for (const auto& file : form.files) received.push_back({file.size, file.over_limit});
  if (auto status = domain::CheckReceivedFiles(interaction, received); !status.ok()) {
    return fail(status.error());
  }
  std::string mime_type;
  if (interaction.kind == domain::InboundKind::kAttachment) {
    mime_type = util::DetectMimeType(form.files[0].data);
    if (mime_type.empty() || !domain::IsSupportedInboundMimeType(mime_type)) {
      return fail(Error::Of(10095, "detected '" + mime_type + "'"));
    }
  }

  auto channel = domain::ResolveInboundChannel(org, *auth->channel_definition, interaction.to);
  if (!channel.ok()) return fail(channel.error());
  if (auto status = domain::CheckRoutingAttributes(**channel, interaction.routing_attributes);
      !status.ok()) {
    return fail(status.error());
  }

  store::InboundWrite write;
  write.org_id = org.id;
  write.channel_id = (*channel)->id;
  write.channel_address = interaction.to;
  write.channel_definition = auth->channel_definition->developer_name;
  write.end_user_client_id = interaction.from;
  write.request_id = auth->request_id;
  write.entry_id = interaction.interaction_id;
  write.entry_type = interaction.entry_type;
  write.client_timestamp = interaction.timestamp;
  write.received_at_ms = context.clock->NowMs();

  std::optional<boost::json::object> uploaded_entry;
  if (interaction.kind == domain::InboundKind::kAttachment) {
    const http::FilePart& file = form.files[0];
    auto sha = context.attachments->Put(file.data);
    if (!sha.ok()) return fail(sha.error());
    const std::string name = file.filename.empty() ? interaction.attachment.id : file.filename;
    const std::string url = context.base_url + "/admin/v1/attachments/" + *sha;
    boost::json::object entry = AttachmentEntry(interaction, name, mime_type, url);
    write.payload_json = boost::json::serialize(entry);
    write.attachment = store::AttachmentRecord{*sha, file.size, mime_type, name};
    uploaded_entry = std::move(entry);
  } else {
    write.payload_json = boost::json::serialize(interaction.entry_payload);
  }
  // The events this interaction causes, built from what the store found: a reactivated session
  // reports its status change; a stored attachment reports its upload result (the real service
  // uploads asynchronously; here the upload finished with the request, so its MessageUpdated is
  // committed together with the message).
  domain::EventOrigin origin;
  origin.org = &org;
  origin.definition = auth->channel_definition;
  origin.created_by_id = auth->claims.user_id;
  origin.sender = {"custom", interaction.from, "EndUser"};
  origin.sender_display_name = interaction.from;
  origin.now_ms = write.received_at_ms;
  write.events = [origin, address = interaction.to, end_user = interaction.from,
                  entry_id = interaction.interaction_id, entry_type = interaction.entry_type,
                  entry_json = write.payload_json, uploaded_entry = std::move(uploaded_entry)](
                     const store::InboundWriteResult& result) {
    domain::ConversationState state;
    state.conversation_identifier = result.conversation_identifier;
    state.org_id = origin.org->id;
    state.channel_address = address;
    state.end_user_client_id = end_user;
    state.session_id = result.session_id;
    state.session_start_time = result.session_start_time;
    std::vector<events::OutboundEvent> out;
    if (result.session_status_prev && result.session_status) {
      state.session_status = *result.session_status_prev;
      out.push_back(
          domain::SessionStatusChangedEvent(state, origin, *result.session_status, std::nullopt));
    }
    // A bot in the conversation hears the end user (messages, typing, delivery failures) on its
    // integration's platform event.
    const boost::json::object entry_payload = result.chatbots.empty()
                                                  ? boost::json::object{}
                                                  : boost::json::parse(entry_json).as_object();
    for (const auto& bot_id : result.chatbots) {
      const config::Bot* bot = origin.org->FindBot(bot_id);
      const config::BotIntegrationDefinition* integration =
          bot == nullptr ? nullptr : origin.org->FindBotIntegration(bot->integration_definition);
      if (integration == nullptr) continue;
      const config::ChannelDefinition bot_topic =
          domain::BotTopicDefinition(*origin.definition, *integration);
      domain::EventOrigin to_bot = origin;
      to_bot.definition = &bot_topic;
      out.push_back(domain::EntryEvent(state, to_bot, entry_id, entry_type, entry_payload));
    }
    if (uploaded_entry) {
      const std::string id = util::RandomUuid();
      out.push_back(domain::EntryEvent(state, origin, id, "MessageUpdated",
                                       domain::AttachmentUploadedEntry(id, *uploaded_entry)));
    }
    return out;
  };

  // Salesforce-owned routing: the session's first message asks the router for a rep.
  if (auth->channel_definition->routing_owner == config::RoutingOwner::kSalesforce) {
    domain::EventOrigin system = origin;
    system.sender = {"conversation", auth->claims.user_id, "System"};
    system.sender_display_name = "System";
    write.on_session_start = [system, channel = *channel](const domain::ConversationState& state) {
      return domain::RouteNewSession(state, system, *channel);
    };
  }
  context.store->SubmitInbound(
      std::move(write), [respond = std::move(respond), id = interaction.interaction_id](
                            domain::Result<store::InboundWriteResult> result) {
        if (!result.ok()) return respond(http::ErrorResponse(result.error()));
        boost::json::object body;
        body["conversationIdentifier"] = result->conversation_identifier;
        body["id"] = id;
        body["workItemIds"] = boost::json::array{boost::json::value(result->session_id)};
        body["success"] = true;
        respond(http::JsonResponse(202, boost::json::serialize(body)));
      });
}

}  // namespace interactiond::api
