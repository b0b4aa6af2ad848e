#include "http/http_types.h"

namespace interactiond::http {

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
  if (headers == nullptr) return std::nullopt;
  auto it = headers->find(name);  // Beast compares field names case-insensitively
  if (it == headers->end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

HttpResponse JsonResponse(unsigned status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse ErrorResponse(const domain::Error& error) {
  HttpResponse response;
  response.status = static_cast<unsigned>(domain::HttpStatusOf(error.code));
  response.body = domain::ErrorBodyJson(error);
  response.error_code = domain::FindCatalogEntry(error.code) ? error.code : 500;
  response.log_detail = error.log_detail;
  return response;
}

}  // namespace interactiond::http
