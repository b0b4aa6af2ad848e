#include "api/json_body.h"

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

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
                                                           const http::HttpRequest& request,
                                                           const auth::AuthRequirements& needs) {
  auto auth = AuthorizeApiRequest(context, request, needs);
  if (!auth.ok()) return auth.error();
  if (auth->org->features.read_only) return domain::Error::Of(10019);
  if (auto status = CheckJsonBody(request); !status.ok()) return status.error();
  return auth;
}

http::HttpResponse ErrorDetailResponse(const domain::Error& error) {
  http::HttpResponse response = http::ErrorResponse(error);
  boost::json::object body;
  body["success"] = false;
  body["errorDetail"] = boost::json::parse(response.body);
  response.body = boost::json::serialize(body);
  return response;
}

domain::Result<http::MultipartForm*> CheckMultipartBody(http::HttpRequest& request,
                                                        std::string_view json_part) {
  if (request.body_bytes == 0) return domain::Error::Of(10100, "empty body");
  if (!request.multipart_content_type) {
    return domain::Error::Of(10016, "Content-Type is not multipart/form-data with a boundary");
  }
  if (!request.form_well_formed || !request.form) {
    return domain::Error::Of(10100, "malformed multipart body: " + request.form_error);
  }
  if (!request.form->json) {
    return domain::Error::Of(10100, "no " + std::string(json_part) + " part");
  }
  return &*request.form;
}

}  // namespace interactiond::api
