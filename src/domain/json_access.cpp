#include "domain/json_access.h"

#include <charconv>
#include <cmath>

namespace interactiond::domain {

const boost::json::value* Member(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return nullptr;
  return value;
}

std::optional<std::string_view> StringMember(const boost::json::object& object,
                                             std::string_view key) {
  const boost::json::value* value = Member(object, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  const boost::json::string& s = value->get_string();
  return std::string_view(s.data(), s.size());
}

std::optional<int64_t> AsInt64(const boost::json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64()) {
    if (value.get_uint64() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(value.get_uint64());
  }
  if (value.is_double()) {
    const double d = value.get_double();
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9.2e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  if (value.is_string()) {
    const boost::json::string& s = value.get_string();
    int64_t parsed = 0;
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, parsed);
    if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
    return parsed;
  }
  return std::nullopt;
}

const boost::json::object* ObjectMember(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = Member(object, key);
  return value != nullptr && value->is_object() ? &value->get_object() : nullptr;
}

}  // namespace interactiond::domain
