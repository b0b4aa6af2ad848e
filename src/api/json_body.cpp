#include "api/json_body.h"

#include <boost/beast/core/string.hpp>

#include "api/request_auth_glue.h"

namespace interactiond::api {
namespace {

bool IsJsonContentType(std::string_view content_type) {
  const auto type = content_type.substr(0, content_type.find(';'));
  const auto trimmed_end = type.find_last_not_of(" \t");
  return boost::beast::iequals(type.substr(0, trimmed_end + 1), "application/json");
}

}  // namespace

domain::Status CheckJsonBody(const http::HttpRequest& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return domain::Error::Of(10100, "empty body");
  }
  if (!IsJsonContentType(request.Header("Content-Type").value_or(""))) {
    return domain::Error::Of(10016, "Content-Type is not application/json");
  }
  return domain::OkStatus();
}

domain::Result<auth::AuthorizedRequest> AuthorizeJsonWrite(const AppContext& context,
                                                           const http::HttpRequest& request) {
  auto auth = AuthorizeApiRequest(context, request, {});
  if (!auth.ok()) return auth.error();
  if (auth->org->features.read_only) return domain::Error::Of(10019);
  if (auto status = CheckJsonBody(request); !status.ok()) return status.error();
  return auth;
}

}  // namespace interactiond::api
