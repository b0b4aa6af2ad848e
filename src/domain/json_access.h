// Small, allocation-free accessors over Boost.JSON values with the leniency real clients need:
// integers may arrive as JSON numbers (integral doubles included) or as decimal strings.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace interactiond::domain {

// The member, or nullptr when absent or JSON null.
const boost::json::value* Member(const boost::json::object& object, std::string_view key);

// The member when it is a string (nullopt when absent, null, or another type).
std::optional<std::string_view> StringMember(const boost::json::object& object,
                                             std::string_view key);

// Parses an int64 from a JSON integer, an integral double, or a decimal string ("123", "-4").
std::optional<int64_t> AsInt64(const boost::json::value& value);

// The member when it is an object.
const boost::json::object* ObjectMember(const boost::json::object& object, std::string_view key);

}  // namespace interactiond::domain
