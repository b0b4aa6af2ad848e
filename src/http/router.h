// Routes are data: one table of (method, path pattern, body kind, handler). Patterns are literal
// segments and `{name}` segments that capture one path segment.
//
// Threading: build the table at start-up; Match is then safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.h"

namespace interactiond::http {

struct Route {
  boost::beast::http::verb method;
  std::string pattern;
  BodyKind body_kind;
  Handler handler;
  // kMultipart: the name of the part that carries the request's JSON (POST /attachment names it
  // "postAttachmentRequestJson").
  std::string multipart_json_part = "json";
};

struct RouteMatch {
  const Route* route = nullptr;  // null when nothing matched
  bool path_matched = false;     // some route has this path (under another method): 405
  std::map<std::string, std::string> params;
};

class Router {
 public:
  void Add(boost::beast::http::verb method, std::string pattern, BodyKind body_kind,
           Handler handler, std::string multipart_json_part = "json");
  RouteMatch Match(boost::beast::http::verb method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace interactiond::http
