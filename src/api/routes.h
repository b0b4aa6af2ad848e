// The route table of the whole server: every endpoint, its method, path and body kind.
#pragma once

#include <memory>

#include "api/app_context.h"
#include "http/router.h"

namespace interactiond::api {

// `context` must outlive the router (handlers keep a reference).
std::shared_ptr<http::Router> BuildRouter(const AppContext& context);

}  // namespace interactiond::api
