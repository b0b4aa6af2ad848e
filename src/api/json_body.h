// The checks every JSON endpoint of /api/v1 runs before decoding its body: a body is present
// (10100) and declared as application/json (10016), in that order.
#pragma once

#include "domain/result.h"
#include "http/http_types.h"

namespace interactiond::api {

domain::Status CheckJsonBody(const http::HttpRequest& request);

}  // namespace interactiond::api
