// The HTTP/1.1 server: Beast's advanced-server shape. One io_context run by N threads, one strand
// per connection, a fresh parser per message (header first, then a body parser chosen by the
// route: whole-string for JSON, streaming multipart for file uploads), explicit limits and
// timeouts, keep-alive as the client asks, and a graceful stop.
//
// Threading: construct, Listen and Run from one thread; Stop (and signals) from any thread.
// Errors: Listen throws std::system_error when the address cannot be bound.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <spdlog/logger.h>
#include <boost/asio/any_io_executor.hpp>

#include "http/router.h"

namespace interactiond::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8085;                               // 0 = an ephemeral port (see Server::port())
  int threads = 0;                                    // 0 = one per core
  uint64_t max_body_bytes = 64ull * 1024 * 1024;      // multipart routes
  uint64_t max_json_body_bytes = 1ull * 1024 * 1024;  // every other route
  std::chrono::milliseconds idle_timeout{60'000};     // no complete request within this: close
  std::chrono::milliseconds shutdown_grace{5'000};    // in-flight requests get this long on stop
  bool request_log = true;
  bool handle_signals = true;  // SIGINT/SIGTERM stop the server gracefully
};

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router,
         std::shared_ptr<spdlog::logger> logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. After it returns, port() is the bound port.
  void Listen();
  uint16_t port() const;

  // Serves until Stop(): runs the I/O threads and returns once every connection is closed (or the
  // grace period ran out).
  void Run();

  // Stops accepting, lets in-flight requests finish (their responses close the connection), closes
  // idle connections. Safe from any thread and from signal-driven code; idempotent.
  void Stop();

  // The executor the I/O threads run; handlers use it for timers and deferred work.
  boost::asio::any_io_executor executor() const;

  // Called once when a stop begins (e.g. to log it).
  void OnStop(std::function<void()> callback);

  // Implementation detail, public only so the connection code in server.cpp can name it.
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace interactiond::http
