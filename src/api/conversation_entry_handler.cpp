#include "api/conversation_entry_handler.h"

#include <array>

#include <boost/json.hpp>

#include "api/json_body.h"
#include "api/request_auth_glue.h"
#include "domain/bot_resolution.h"
#include "domain/json_access.h"
#include "http/query_params.h"

namespace interactiond::api {
namespace {

using domain::Error;

constexpr std::array<std::string_view, 5> kReadParameters = {"conversationIdentifier", "startTime",
                                                             "endTime", "limit", "direction"};

bool IsBlank(const std::string& body) {
  return body.find_first_not_of(" \t\r\n") == std::string::npos;
}

// GET's parameters: the JSON body's members (the contract's form), with query parameters filling
// in those the body lacks (or sets to null). No body and none of the parameters in the query is
// the missing body of 10100.
domain::Result<boost::json::object> ReadParameters(const http::HttpRequest& request) {
  boost::json::object params;
  const bool has_body = !IsBlank(request.body);
  if (has_body) {
    if (auto status = CheckJsonBody(request); !status.ok()) return status.error();
    boost::system::error_code ec;
    boost::json::value body = boost::json::parse(request.body, ec);
    if (ec) return Error::Of(10100, "body is not JSON: " + ec.message());
    if (!body.is_object()) return Error::Of(10100, "body is not a JSON object");
    params = std::move(body.get_object());
  }
  bool any_in_query = false;
  for (std::string_view name : kReadParameters) {
    auto value = http::QueryParam(request, name);
    if (!value) continue;
    any_in_query = true;
    if (domain::Member(params, name) == nullptr) params[name] = *value;
  }
  if (!has_body && !any_in_query) return Error::Of(10100, "no body and no query parameters");
  return params;
}

boost::json::value StoredPayload(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  return ec ? boost::json::value(text) : value;
}

}  // namespace

void SubmitBotEntry(const AppContext& context, const auth::AuthorizedRequest& auth,
                    const config::Bot& bot, std::string conversation_identifier,
                    domain::BotEntry entry, http::Respond respond) {
  // The directory snapshot stays alive while the decision holds pointers into it.
  std::shared_ptr<const config::OrgDirectory> orgs = context.orgs;
  domain::BotActor actor;
  actor.org = auth.org;
  actor.bot = &bot;
  actor.created_by_id = auth.claims.user_id;
  const util::Clock* clock = context.clock;
  context.store->SubmitConversationChange(
      std::move(conversation_identifier),
      [orgs, actor, clock, entry = std::move(entry)](const domain::ConversationState& state) mutable
      -> domain::Result<domain::ConversationChange> {
        actor.now_ms = clock->NowMs();
        return domain::DecideBotEntry(state, actor, entry);
      },
      [respond = std::move(respond)](domain::Result<domain::ConversationChange> result) {
        if (!result.ok()) return respond(http::ErrorResponse(result.error()));
        respond(http::JsonResponse(202, R"({"success":true})"));
      });
}

void HandlePostConversationEntry(const AppContext& context, http::HttpRequest& request,
                                 http::Respond respond) {
  auto fail = [&](const Error& error) { respond(http::ErrorResponse(error)); };
  auto auth = AuthorizeApiRequest(context, request, kBotRequestRequirements);
  if (!auth.ok()) return fail(auth.error());
  if (auth->org->features.read_only) return fail(Error::Of(10019));
  if (auto status = CheckJsonBody(request); !status.ok()) return fail(status.error());

  auto parsed = domain::ParsePostConversationEntry(request.body, context.clock->NowMs());
  if (!parsed.ok()) return fail(parsed.error());
  auto bot = domain::ResolveSenderBot(*auth->org, auth->bot_integration, parsed->sender_subject);
  if (!bot.ok()) return fail(bot.error());
  SubmitBotEntry(context, *auth, **bot, std::move(parsed->conversation_identifier),
                 std::move(parsed->entry), std::move(respond));
}

void HandleGetConversationEntry(const AppContext& context, http::HttpRequest& request,
                                http::Respond respond) {
  auto fail = [&](const Error& error) { respond(http::ErrorResponse(error)); };
  auto auth = AuthorizeApiRequest(context, request, kBotRequestRequirements);
  if (!auth.ok()) return fail(auth.error());
  auto params = ReadParameters(request);
  if (!params.ok()) return fail(params.error());
  auto read = domain::ParseEntryRead(*params);
  if (!read.ok()) return fail(read.error());

  store::EntryQuery query;
  query.conversation_identifier = read->conversation_identifier;
  query.start_time = read->start_time;
  query.end_time = read->end_time;
  query.limit = read->limit;
  query.from_end = read->direction == domain::EntryDirection::kFromEnd;
  auto page = context.store->ListEntries(query);
  if (!page.ok()) return fail(page.error());
  // Any conversation of the token's org may be read (docs/compatibility.md); another org's is as
  // unknown as a missing one.
  if (!page->has_value() || (*page)->org_id != auth->org->id) {
    return fail(Error::Of(
        10018, "no conversation " + query.conversation_identifier + " in org " + auth->org->id));
  }
  boost::json::array entries;
  for (const store::StoredEntry& stored : (*page)->entries) {
    boost::json::object entry;
    entry["clientTimestamp"] = stored.client_timestamp;
    entry["sender"] = {{"appType", stored.sender_app_type},
                       {"subject", stored.sender_subject},
                       {"role", stored.sender_role}};
    entry["entryPayload"] = StoredPayload(stored.payload_json);
    entries.push_back(std::move(entry));
  }
  boost::json::object body;
  body["success"] = true;
  body["conversationEntries"] = std::move(entries);
  respond(http::JsonResponse(200, boost::json::serialize(body)));
}

}  // namespace interactiond::api
