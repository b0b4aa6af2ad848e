// Query-string access for handlers: values are form-decoded ("%2Fevent%2FX__e" → "/event/X__e",
// "a+b" → "a b").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/http_types.h"

namespace interactiond::http {

// The decoded value of the first parameter named `name`; nullopt when absent or the query is not
// well-formed.
std::optional<std::string> QueryParam(const HttpRequest& request, std::string_view name);

// A non-empty string of decimal digits as a uint64; nullopt otherwise.
std::optional<uint64_t> ParseUnsigned(std::string_view text);

}  // namespace interactiond::http
