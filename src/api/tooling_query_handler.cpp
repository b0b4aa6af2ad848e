#include "api/tooling_query_handler.h"

#include <regex>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>

#include "auth/request_auth.h"
#include "http/query_params.h"
#include "util/ids.h"

namespace interactiond::api {
namespace {

http::HttpResponse RestError(unsigned status, std::string_view code, std::string_view message) {
  boost::json::array body;
  body.push_back({{"errorCode", code}, {"message", message}});
  return http::JsonResponse(status, boost::json::serialize(body));
}

const char* PresetName(config::ManagedReplayPreset preset) {
  return preset == config::ManagedReplayPreset::kEarliest ? "EARLIEST" : "LATEST";
}

}  // namespace

void HandleToolingQuery(const AppContext& context, http::HttpRequest& request,
                        http::Respond respond) {
  const auto header = request.Header("Authorization");
  const auto token = header ? auth::ParseAuthorizationCredentials(*header, "Bearer") : std::nullopt;
  if (!token) return respond(RestError(401, "INVALID_SESSION_ID", "Session expired or invalid"));
  auto claims = context.tokens->Verify(*token, context.clock->NowMs());
  const config::Org* org = claims.ok() ? context.orgs->FindOrg(claims->org_id) : nullptr;
  if (org == nullptr) {
    return respond(RestError(401, "INVALID_SESSION_ID", "Session expired or invalid"));
  }
  const std::string query = http::QueryParam(request, "q").value_or("");
  static const std::regex kManagedQuery(
      R"(^\s*SELECT\s+Id\s*,\s*DeveloperName\s*,\s*Metadata\s+FROM\s+ManagedEventSubscription\s+WHERE\s+(Id|DeveloperName)\s*=\s*'([^']*)'(\s+LIMIT\s+1)?\s*$)",
      std::regex::icase);
  std::smatch match;
  if (!std::regex_match(query, match, kManagedQuery)) {
    return respond(
        RestError(400, "MALFORMED_QUERY",
                  "only ManagedEventSubscription by Id or DeveloperName is served: " + query));
  }
  const bool by_id = boost::iequals(match[1].str(), "Id");
  const std::string wanted = match[2].str();
  boost::json::array records;
  for (const auto& subscription : org->managed_subscriptions) {
    const bool same = by_id ? (wanted.size() >= 15 && wanted.substr(0, 15) == subscription.id)
                            : boost::iequals(wanted, subscription.developer_name);
    if (!same) continue;
    const std::string id18 = util::RecordId18(subscription.id);
    boost::json::object metadata;
    metadata["label"] = subscription.developer_name;
    metadata["topicName"] = subscription.topic_name;
    metadata["defaultReplay"] = PresetName(subscription.default_replay);
    metadata["errorRecoveryReplay"] = PresetName(subscription.error_recovery_replay);
    metadata["state"] =
        subscription.state == config::ManagedSubscriptionState::kRun ? "RUN" : "STOP";
    boost::json::object record;
    record["attributes"] = {{"type", "ManagedEventSubscription"},
                            {"url", "/services/data/" + request.path_params["version"] +
                                        "/tooling/sobjects/ManagedEventSubscription/" + id18}};
    record["Id"] = id18;
    record["DeveloperName"] = subscription.developer_name;
    record["Metadata"] = std::move(metadata);
    records.push_back(std::move(record));
  }
  boost::json::object body;
  body["size"] = records.size();
  body["totalSize"] = records.size();
  body["done"] = true;
  body["queryLocator"] = nullptr;
  body["entityTypeName"] = "ManagedEventSubscription";
  body["records"] = std::move(records);
  respond(http::JsonResponse(200, boost::json::serialize(body)));
}

}  // namespace interactiond::api
