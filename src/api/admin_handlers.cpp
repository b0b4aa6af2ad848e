#include "api/admin_handlers.h"
#include "http/query_params.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "util/mime_detector.h"

namespace interactiond::api {
namespace {

http::HttpResponse AdminError(unsigned status, std::string_view message) {
  boost::json::object body;
  body["error"] = message;
  return http::JsonResponse(status, boost::json::serialize(body));
}

// An integer query parameter within [min, max]; `fallback` when absent; nullopt when invalid.
std::optional<int> IntParam(const http::HttpRequest& request, std::string_view name, int fallback,
                            int min, int max) {
  auto text = http::QueryParam(request, name);
  if (!text) return fallback;
  int value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

void HandleHealth(const AppContext&, http::HttpRequest&, http::Respond respond) {
  respond(http::JsonResponse(200, R"({"status":"UP"})"));
}

void HandleListConversations(const AppContext& context, http::HttpRequest& request,
                             http::Respond respond) {
  store::ConversationQuery query;
  query.org_id = http::QueryParam(request, "orgId").value_or("");
  const auto limit = IntParam(request, "limit", 100, 1, 1000);
  const auto offset = IntParam(request, "offset", 0, 0, 1'000'000'000);
  if (!limit || !offset) return respond(AdminError(400, "limit must be 1..1000, offset >= 0"));
  query.limit = *limit;
  query.offset = *offset;
  auto result = context.store->ListConversations(query);
  if (!result.ok()) return respond(http::ErrorResponse(result.error()));
  respond(http::JsonResponse(200, boost::json::serialize(*result)));
}

void HandleGetConversation(const AppContext& context, http::HttpRequest& request,
                           http::Respond respond) {
  auto result = context.store->GetConversation(request.path_params["conversationIdentifier"]);
  if (!result.ok()) return respond(http::ErrorResponse(result.error()));
  if (result->is_null()) return respond(AdminError(404, "no such conversation"));
  respond(http::JsonResponse(200, boost::json::serialize(*result)));
}

void HandleGetAttachment(const AppContext& context, http::HttpRequest& request,
                         http::Respond respond) {
  auto path = context.attachments->Find(request.path_params["sha256"]);
  if (!path) return respond(AdminError(404, "no such attachment"));
  std::ifstream in(*path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  http::HttpResponse response;
  response.status = 200;
  response.body = bytes.str();
  response.content_type = util::DetectMimeType(response.body);
  if (response.content_type.empty()) response.content_type = "application/octet-stream";
  respond(std::move(response));
}

void HandleStats(const AppContext& context, http::HttpRequest&, http::Respond respond) {
  auto result = context.store->Stats();
  if (!result.ok()) return respond(http::ErrorResponse(result.error()));
  respond(http::JsonResponse(200, boost::json::serialize(*result)));
}

void HandleGetFaults(const AppContext& context, http::HttpRequest&, http::Respond respond) {
  boost::json::object armed;
  for (const auto& [point, count] : context.faults->Armed()) armed[point] = count;
  boost::json::object body;
  body["armed"] = std::move(armed);
  respond(http::JsonResponse(200, boost::json::serialize(body)));
}

void HandlePostFaults(const AppContext& context, http::HttpRequest& request,
                      http::Respond respond) {
  boost::system::error_code ec;
  auto value = boost::json::parse(request.body, ec);
  if (ec || !value.is_object()) {
    return respond(AdminError(400, R"(expected {"point": "...", "count": N})"));
  }
  const auto& object = value.get_object();
  const auto* point = object.if_contains("point");
  const auto* count = object.if_contains("count");
  if (point == nullptr || !point->is_string() ||
      !util::FaultInjector::IsKnownPoint(std::string(point->get_string()))) {
    std::string known;
    for (const char* name : util::FaultInjector::kKnownPoints) {
      known += (known.empty() ? "" : ", ") + std::string(name);
    }
    return respond(AdminError(400, "point must be one of: " + known));
  }
  int64_t times = 1;
  if (count != nullptr) {
    if (!count->is_int64() || count->get_int64() < 0 || count->get_int64() > 1'000'000) {
      return respond(AdminError(400, "count must be an integer 0..1000000"));
    }
    times = count->get_int64();
  }
  context.faults->Arm(std::string(point->get_string()), static_cast<int>(times));
  HandleGetFaults(context, request, std::move(respond));
}

}  // namespace interactiond::api
