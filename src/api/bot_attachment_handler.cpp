#include "api/bot_attachment_handler.h"

#include <optional>
#include <vector>

#include <boost/json.hpp>

#include "api/conversation_entry_handler.h"
#include "api/json_body.h"
#include "api/request_auth_glue.h"
#include "domain/bot_attachment.h"
#include "domain/bot_resolution.h"
#include "util/mime_detector.h"

namespace interactiond::api {

namespace {

// What the writer's decision would answer about the conversation itself, read from the admin
// view: 10018 unknown or another org's, 10068 the bot has no accepted (Opened) work in it.
std::optional<domain::Error> RefuseBeforeStoring(const AppContext& context, const config::Org& org,
                                                 const config::Bot& bot,
                                                 const std::string& conversation) {
  auto view = context.store->GetConversation(conversation);
  if (!view.ok()) return view.error();
  const boost::json::object* found = view->if_object();
  if (found == nullptr) return domain::Error::Of(10018, "no conversation " + conversation);
  const auto* org_id = found->if_contains("orgId");
  if (org_id == nullptr || !org_id->is_string() || org_id->get_string() != org.id) {
    return domain::Error::Of(10018, "conversation of another org");
  }
  if (const auto* works = found->if_contains("agentWork"); works != nullptr && works->is_array()) {
    for (const auto& work : works->get_array()) {
      const auto* bot_id = work.as_object().if_contains("botId");
      const auto* status = work.as_object().if_contains("status");
      if (bot_id != nullptr && bot_id->is_string() && bot_id->get_string() == bot.id &&
          status != nullptr && status->is_string() && status->get_string() == "Opened") {
        return std::nullopt;
      }
    }
  }
  return domain::Error::Of(10068, "bot " + bot.id + " has not joined the conversation");
}

}  // namespace

void HandlePostAttachment(const AppContext& context, http::HttpRequest& request,
                          http::Respond respond) {
  using domain::Error;
  auto fail = [&](const Error& error) { respond(http::ErrorResponse(error)); };
  auto auth = AuthorizeApiRequest(context, request, kBotRequestRequirements);
  if (!auth.ok()) return fail(auth.error());
  if (auth->org->features.read_only) return fail(Error::Of(10019));

  auto body = CheckMultipartBody(request, kAttachmentJsonPart);
  if (!body.ok()) return fail(body.error());
  http::MultipartForm& form = **body;

  auto parsed = domain::ParseBotAttachmentRequest(*form.json, context.clock->NowMs());
  if (!parsed.ok()) return fail(parsed.error());
  std::vector<domain::ReceivedFile> received;
  for (const auto& file : form.files) received.push_back({file.size, file.over_limit});
  if (auto status = domain::CheckBotAttachmentFiles(*parsed, received); !status.ok()) {
    return fail(status.error());
  }
  const http::FilePart& file = form.files[0];
  const std::string mime_type = util::DetectMimeType(file.data);
  if (mime_type.empty() || !domain::IsSupportedInboundMimeType(mime_type)) {
    return fail(Error::Of(10095, "detected '" + mime_type + "'"));
  }
  auto bot = domain::ResolveSenderBot(*auth->org, auth->bot_integration, parsed->sender_subject);
  if (!bot.ok()) return fail(bot.error());

  // A request the decision would refuse for its conversation (unknown, another org's, a bot that
  // has not joined) stores no file: checked on a read first, so that refused uploads leave no
  // unreferenced blobs behind (the decision in the writer still checks, authoritatively).
  if (auto refused =
          RefuseBeforeStoring(context, *auth->org, **bot, parsed->conversation_identifier)) {
    return fail(*refused);
  }
  // The bytes are durable before the entry that references them is committed.
  auto sha = context.attachments->Put(file.data);
  if (!sha.ok()) return fail(sha.error());
  const std::string name = file.filename.empty() ? parsed->id : file.filename;
  const std::string url = context.base_url + "/admin/v1/attachments/" + *sha;
  domain::BotEntry entry = domain::BotAttachmentEntry(*parsed, name, mime_type, url);
  SubmitBotEntry(context, *auth, **bot, std::move(parsed->conversation_identifier),
                 std::move(entry), std::move(respond));
}

}  // namespace interactiond::api
