// Everything the API handlers share: configuration, the org directory, the token signer, the
// store, the clock and the fault injector. Built once at start-up by the serve command.
//
// Ownership: the context owns nothing it points at except through the shared_ptrs; the objects
// behind the raw pointers outlive the server. Threading: every member is safe to use from any
// I/O thread (see each type's header).
#pragma once

#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "auth/access_token.h"
#include "config/config.h"
#include "events/event_log.h"
#include "store/attachment_files.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/fault_injector.h"
#include "util/offset_clock.h"

namespace interactiond::api {

class RoutingScheduler;

struct AppContext {
  config::ServerConfig server;
  std::shared_ptr<const config::OrgDirectory> orgs;
  const auth::TokenSigner* tokens = nullptr;
  store::Store* store = nullptr;
  events::EventLog* events = nullptr;
  // The server's executor, for handlers that wait (timers, deferred answers).
  boost::asio::any_io_executor executor;
  store::AttachmentFiles* attachments = nullptr;
  const util::Clock* clock = nullptr;
  // The same clock when the admin API may move it (GET/POST /admin/v1/clock); null otherwise.
  util::OffsetClock* adjustable_clock = nullptr;
  util::FaultInjector* faults = nullptr;
  // Retries waiting routing (reps coming online, freed capacity); null when not running.
  RoutingScheduler* routing = nullptr;
  std::string base_url;  // e.g. http://127.0.0.1:8085, what tokens and URLs report
};

}  // namespace interactiond::api
