// `routingAttributes`: channel-variable name → value, as /interactions and /conversation take it.
// Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/result.h"

namespace interactiond::domain {

// Reads `body.routingAttributes` when present: an object whose values are strings, or scalars
// (numbers, booleans) kept as their JSON text; null values are skipped; anything else → 10089.
Status ParseRoutingAttributeMap(const boost::json::object& body,
                                std::vector<std::pair<std::string, std::string>>& out);

}  // namespace interactiond::domain
