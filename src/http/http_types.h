// What the HTTP layer hands to handlers and what handlers hand back. Handlers never see Beast
// sessions or sockets: they get a parsed request and a Respond callback.
//
// Threading: a handler runs on an I/O thread; it may call Respond from any thread, exactly once.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include "domain/error_catalog.h"
#include "http/multipart_parser.h"

namespace interactiond::http {

enum class BodyKind {
  kNone,       // the body, if any, is read and ignored
  kJson,       // read whole into `body` (limit: max_json_body_bytes)
  kMultipart,  // streamed through the multipart parser into `form` (limit: max_body_bytes)
};

struct HttpRequest {
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string target;  // as received, with query
  std::string path;    // without query
  std::string query;   // without '?'
  std::map<std::string, std::string> path_params;
  const boost::beast::http::fields* headers = nullptr;
  std::string body;  // kJson / kNone routes
  // kMultipart routes: the parsed form, or why it could not be parsed.
  std::optional<MultipartForm> form;
  bool form_well_formed = false;
  std::string form_error;
  bool multipart_content_type = false;  // Content-Type was multipart/form-data with a boundary
  uint64_t body_bytes = 0;

  // Header value by name (case-insensitive); nullopt when absent.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// A response body produced over time (server-sent events): the session writes the header with
// chunked transfer encoding, then asks for one chunk after another until the source ends or the
// client goes away.
//
// Threading: Next is called on the connection's strand, never twice at once; `deliver` may be
// called from any thread, exactly once per Next.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  // Calls `deliver` with the next chunk when there is one; nullopt ends the body.
  virtual void Next(std::function<void(std::optional<std::string> chunk)> deliver) = 0;
  // The client went away or the server is stopping: release what Next waits on.
  virtual void Cancel() = 0;
};

struct HttpResponse {
  unsigned status = 200;
  std::shared_ptr<StreamSource> stream;  // when set, `body` is ignored
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  int error_code = 0;      // catalogue code for the request log, 0 when none
  std::string log_detail;  // why, for the request log only
};

using Respond = std::function<void(HttpResponse)>;
using Handler = std::function<void(HttpRequest& request, Respond respond)>;

// Helpers that every handler uses to answer.
HttpResponse JsonResponse(unsigned status, std::string body);
HttpResponse ErrorResponse(const domain::Error& error);

}  // namespace interactiond::http
