#include "domain/routing_attributes.h"

#include <boost/json/serialize.hpp>

#include "domain/json_access.h"

namespace interactiond::domain {

Status ParseRoutingAttributeMap(const boost::json::object& body,
                                std::vector<std::pair<std::string, std::string>>& out) {
  const boost::json::value* attributes = Member(body, "routingAttributes");
  if (attributes == nullptr) return OkStatus();
  if (!attributes->is_object()) return Error::Of(10089, "routingAttributes not an object");
  for (const auto& [name, attribute] : attributes->get_object()) {
    if (attribute.is_string()) {
      out.emplace_back(name, std::string(attribute.get_string()));
    } else if (attribute.is_number() || attribute.is_bool()) {
      out.emplace_back(name, boost::json::serialize(attribute));
    } else if (!attribute.is_null()) {
      return Error::Of(10089, "routingAttributes values must be strings");
    }
  }
  return OkStatus();
}

}  // namespace interactiond::domain
