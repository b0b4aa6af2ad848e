#include "http/query_params.h"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>

namespace interactiond::http {

std::optional<std::string> QueryParam(const HttpRequest& request, std::string_view name) {
  auto params = boost::urls::parse_query(request.query);
  if (!params) return std::nullopt;
  for (const auto& param : *params) {
    if (*param.key != name) continue;  // keys compare decoded
    const auto decoded = *param.value;
    return std::string(decoded.begin(), decoded.end());
  }
  return std::nullopt;
}

}  // namespace interactiond::http
