#include "http/query_params.h"

#include <charconv>

#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>

namespace interactiond::http {

std::optional<std::string> QueryParam(const HttpRequest& request, std::string_view name) {
  // Query strings are form-encoded: '+' is a space (a literal plus arrives as %2B).
  std::string query;
  query.reserve(request.query.size());
  for (char c : request.query) {
    if (c == '+') {
      query += "%20";
    } else {
      query += c;
    }
  }
  auto params = boost::urls::parse_query(query);
  if (!params) return std::nullopt;
  for (const auto& param : *params) {
    if (*param.key != name) continue;  // keys compare decoded
    const auto decoded = *param.value;
    return std::string(decoded.begin(), decoded.end());
  }
  return std::nullopt;
}

std::optional<uint64_t> ParseUnsigned(std::string_view text) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace interactiond::http
