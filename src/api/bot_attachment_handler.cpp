#include "api/bot_attachment_handler.h"

#include <vector>

#include "api/conversation_entry_handler.h"
#include "api/json_body.h"
#include "api/request_auth_glue.h"
#include "domain/bot_attachment.h"
#include "domain/bot_resolution.h"
#include "util/mime_detector.h"

namespace interactiond::api {

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
