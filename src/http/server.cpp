#include "http/server.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>

#include "http/multipart_body.h"

namespace interactiond::http {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

constexpr size_t kHeaderLimit = 16 * 1024;

// A Spring-style body for requests no route handles (the real service is a Spring application).
std::string RoutingErrorBody(unsigned status, std::string_view error, std::string_view path) {
  boost::json::object body;
  body["status"] = status;
  body["error"] = error;
  body["path"] = path;
  return boost::json::serialize(body);
}

}  // namespace

class Session;

struct Server::State : std::enable_shared_from_this<Server::State> {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  std::shared_ptr<spdlog::logger> logger;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::optional<net::signal_set> signals;
  net::steady_timer drain_timer{ioc};
  std::chrono::steady_clock::time_point stop_deadline;
  std::atomic<bool> stopping{false};
  std::function<void()> on_stop;

  std::mutex sessions_mutex;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;

  explicit State(int threads)
      : ioc(threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency())) {}

  void Accept();
  void BeginStop();
  void WaitForDrain();
  size_t LiveSessions() {
    std::lock_guard lock(sessions_mutex);
    size_t live = 0;
    for (const auto& weak : sessions) live += weak.expired() ? 0 : 1;
    return live;
  }
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Server::State> state)
      : stream_(std::move(socket)), state_(std::move(state)) {}

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Closes the connection if it is waiting for a request; a request in flight finishes first.
  void CloseIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->stream_source_) self->stream_source_->Cancel();  // NextChunk then ends it
      if (self->idle_) {
        beast::error_code ec;
        self->stream_.socket().close(ec);
      }
    });
  }

  void Forget() {
    std::lock_guard lock(state_->sessions_mutex);
    state_->sessions.erase(weak_from_this());
  }

 private:
  void ReadHeader() {
    if (state_->stopping) return Close();
    header_parser_.emplace();
    header_parser_->header_limit(kHeaderLimit);
    // Beast checks Content-Length against the body limit as soon as the header is complete; the
    // route's own limit is applied to the body parser that takes over.
    header_parser_->body_limit(
        std::max(state_->options.max_body_bytes, state_->options.max_json_body_bytes));
    string_parser_.reset();
    multipart_parser_.reset();
    request_ = HttpRequest();
    idle_ = true;
    stream_.expires_after(state_->options.idle_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *header_parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    idle_ = false;
    started_ = std::chrono::steady_clock::now();
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == beast::error::timeout || ec == net::error::connection_reset ||
        ec == net::error::eof || ec == net::error::bad_descriptor) {
      return Close();
    }
    if (ec == bhttp::error::header_limit) {
      keep_alive_ = false;
      return Write(JsonResponse(431, RoutingErrorBody(431, "Request Header Fields Too Large", "")));
    }
    if (ec == bhttp::error::body_limit) {  // a Content-Length over every limit
      auto& header = header_parser_->get();
      const std::string target(header.target());
      request_.method = header.method();
      request_.path = target.substr(0, target.find('?'));
      match_ = state_->router->Match(request_.method, request_.path);
      return WriteTooLarge();
    }
    if (ec) {
      keep_alive_ = false;
      HttpResponse response = JsonResponse(400, RoutingErrorBody(400, "Bad Request", ""));
      response.log_detail = ec.message();
      return Write(std::move(response));
    }
    auto& header = header_parser_->get();
    keep_alive_ = header.keep_alive();
    request_.method = header.method();
    request_.target = std::string(header.target());
    const size_t query_at = request_.target.find('?');
    request_.path = request_.target.substr(0, query_at);
    if (query_at != std::string::npos) request_.query = request_.target.substr(query_at + 1);
    match_ = state_->router->Match(request_.method, request_.path);
    const BodyKind kind = match_.route ? match_.route->body_kind : BodyKind::kNone;

    // The header parser admitted the largest limit; a declared length over this route's own
    // limit is refused before any of the body is read.
    const uint64_t route_limit = kind == BodyKind::kMultipart ? state_->options.max_body_bytes
                                                              : state_->options.max_json_body_bytes;
    if (header_parser_->content_length() && *header_parser_->content_length() > route_limit) {
      return WriteTooLarge();
    }
    const auto content_type = header[bhttp::field::content_type];
    const bool multipart =
        kind == BodyKind::kMultipart &&
        ParseMultipartBoundary(std::string_view(content_type.data(), content_type.size()));
    request_.multipart_content_type = multipart;
    const bool expects_continue = beast::iequals(header[bhttp::field::expect], "100-continue");
    if (multipart) {
      multipart_parser_.emplace(std::move(*header_parser_));
      multipart_parser_->body_limit(state_->options.max_body_bytes);
      multipart_parser_->get().body().limits.max_file_bytes = 25ull * 1024 * 1024;
      multipart_parser_->get().body().limits.json_part_name = match_.route->multipart_json_part;
    } else {
      string_parser_.emplace(std::move(*header_parser_));
      string_parser_->body_limit(route_limit);
    }
    header_parser_.reset();
    if (expects_continue) return SendContinue();
    ReadBody();
  }

  // Clients that send `Expect: 100-continue` (curl does for large uploads) wait for this before
  // sending the body.
  void SendContinue() {
    auto continue_response =
        std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
    bhttp::async_write(
        stream_, *continue_response,
        [self = shared_from_this(), continue_response](beast::error_code ec, size_t) {
          if (ec) return self->Close();
          self->ReadBody();
        });
  }

  void ReadBody() {
    stream_.expires_after(state_->options.idle_timeout);
    auto on_body = [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); };
    if (multipart_parser_) {
      bhttp::async_read(stream_, buffer_, *multipart_parser_, std::move(on_body));
    } else {
      bhttp::async_read(stream_, buffer_, *string_parser_, std::move(on_body));
    }
  }

  void OnBody(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return WriteTooLarge();
    // A body that breaks HTTP framing (a bad chunk size, …) is answered; a client that went away
    // or timed out mid-body is not.
    if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category() &&
        ec != bhttp::error::partial_message && ec != bhttp::error::end_of_stream) {
      keep_alive_ = false;
      HttpResponse response =
          JsonResponse(400, RoutingErrorBody(400, "Bad Request", request_.path));
      response.log_detail = ec.message();
      return Write(std::move(response));
    }
    if (ec) return Close();

    if (multipart_parser_) {
      auto& message = multipart_parser_->get();
      request_.headers = &message.base();
      auto& body = message.body();
      request_.form = std::move(body.form);
      request_.form_well_formed = body.well_formed;
      request_.form_error = std::move(body.error);
      request_.body_bytes = body.bytes_received;
    } else {
      auto& message = string_parser_->get();
      request_.headers = &message.base();
      request_.body = std::move(message.body());
      request_.body_bytes = request_.body.size();
    }

    if (match_.route == nullptr) {
      const unsigned status = match_.path_matched ? 405 : 404;
      return Write(JsonResponse(
          status, RoutingErrorBody(status, status == 405 ? "Method Not Allowed" : "Not Found",
                                   request_.path)));
    }
    request_.path_params = std::move(match_.params);
    auto self = shared_from_this();
    auto answered = std::make_shared<std::atomic<bool>>(false);
    Respond respond = [self, answered](HttpResponse response) {
      if (answered->exchange(true)) return;  // a handler answers once; later calls are ignored
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Write(std::move(response));
      });
    };
    try {
      match_.route->handler(request_, std::move(respond));
    } catch (const std::exception& e) {
      Write(ErrorResponse(domain::Error::Of(500, std::string("handler threw: ") + e.what())));
    }
  }

  // 413 with the catalogue's file-size error on upload routes (10008) and the body error
  // elsewhere (10100). The rest of the body is not read, so the connection closes.
  void WriteTooLarge() {
    keep_alive_ = false;
    const bool multipart_route =
        match_.route != nullptr && match_.route->body_kind == BodyKind::kMultipart;
    HttpResponse response = ErrorResponse(
        domain::Error::Of(multipart_route ? 10008 : 10100, "body larger than the limit"));
    response.status = 413;
    linger_ = true;
    Write(std::move(response));
  }

  // After refusing a body it did not read, the server must not close at once: unread data in the
  // receive queue makes the kernel reset the connection, and the client may lose the response.
  // Half-close, then read and discard (bounded in bytes and time) until the client closes.
  void LingerThenClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    linger_buffer_.resize(64 * 1024);
    Drain(0);
  }

  void Drain(uint64_t drained) {
    if (drained > 256ull * 1024 * 1024) return Close();
    stream_.async_read_some(net::buffer(linger_buffer_), [self = shared_from_this(), drained](
                                                             beast::error_code ec, size_t bytes) {
      if (ec) return self->Close();
      self->Drain(drained + bytes);
    });
  }

  void Write(HttpResponse response) {
    if (state_->stopping) keep_alive_ = false;
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_);
    if (state_->options.request_log) LogRequest(response, latency.count());

    if (response.stream) return WriteStream(std::move(response));
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(response.status), 11);
    message->set(bhttp::field::server, "interactiond");
    message->set(bhttp::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) message->set(name, value);
    message->keep_alive(keep_alive_);
    message->body() = std::move(response.body);
    message->prepare_payload();
    stream_.expires_after(state_->options.idle_timeout);
    bhttp::async_write(stream_, *message,
                       [self = shared_from_this(), message](beast::error_code ec, size_t) {
                         if (!ec && self->linger_) return self->LingerThenClose();
                         if (ec || !self->keep_alive_) return self->Close();
                         self->ReadHeader();
                       });
  }

  // A streamed response: header with chunked encoding, then chunks as the source yields them.
  // The connection closes when the stream ends (streams are long-lived; no keep-alive after).
  void WriteStream(HttpResponse response) {
    keep_alive_ = false;
    stream_source_ = std::move(response.stream);
    auto header = std::make_shared<bhttp::response<bhttp::empty_body>>(
        static_cast<bhttp::status>(response.status), 11);
    header->set(bhttp::field::server, "interactiond");
    header->set(bhttp::field::content_type, response.content_type);
    header->set(bhttp::field::cache_control, "no-cache");
    for (auto& [name, value] : response.headers) header->set(name, value);
    header->chunked(true);
    auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*header);
    stream_.expires_never();
    bhttp::async_write_header(
        stream_, *serializer,
        [self = shared_from_this(), header, serializer](beast::error_code ec, size_t) {
          if (ec) return self->EndStream();
          self->NextChunk();
        });
  }

  void NextChunk() {
    if (state_->stopping || !stream_source_) return EndStream();
    // The callback keeps the session alive while the source waits for something to send (no
    // socket operation is pending then); Cancel or the next chunk releases it.
    auto self = shared_from_this();
    auto executor = stream_.get_executor();
    stream_source_->Next([self, executor](std::optional<std::string> chunk) {
      net::post(executor, [self, chunk = std::move(chunk)]() mutable {
        if (!chunk) return self->EndStream();
        self->WriteChunk(std::make_shared<std::string>(std::move(*chunk)));
      });
    });
  }

  void WriteChunk(std::shared_ptr<std::string> chunk) {
    net::async_write(stream_, bhttp::make_chunk(net::buffer(*chunk)),
                     [self = shared_from_this(), chunk](beast::error_code ec, size_t) {
                       if (ec) return self->EndStream();
                       self->NextChunk();
                     });
  }

  void EndStream() {
    if (stream_source_) {
      stream_source_->Cancel();
      stream_source_.reset();
      beast::error_code ec;
      net::write(stream_, bhttp::make_chunk_last(), ec);  // best effort; the client may be gone
    }
    Close();
  }

  void LogRequest(const HttpResponse& response, int64_t latency_us) {
    std::string_view request_id = "-";
    if (auto id = request_.Header("RequestId"); id && !id->empty()) request_id = *id;
    state_->logger->info(
        "method={} path={} status={} code={} latency_us={} request_id={}{}{}",
        std::string_view(bhttp::to_string(request_.method)), request_.path, response.status,
        response.error_code == 0 ? std::string("-") : std::to_string(response.error_code),
        latency_us, request_id, response.log_detail.empty() ? "" : " detail=", response.log_detail);
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
    Forget();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Server::State> state_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> string_parser_;
  std::optional<bhttp::request_parser<MultipartBody>> multipart_parser_;
  HttpRequest request_;
  RouteMatch match_;
  bool keep_alive_ = true;
  bool idle_ = true;
  std::shared_ptr<StreamSource> stream_source_;
  bool linger_ = false;
  std::vector<char> linger_buffer_;
  std::chrono::steady_clock::time_point started_;
};

void Server::State::Accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                          if (ec == net::error::operation_aborted || !self->acceptor.is_open())
                            return;
                          if (!ec) {
                            socket.set_option(tcp::no_delay(true), ec);
                            auto session = std::make_shared<Session>(std::move(socket), self);
                            {
                              std::lock_guard lock(self->sessions_mutex);
                              self->sessions.insert(session);
                            }
                            session->Start();
                          }
                          self->Accept();
                        });
}

void Server::State::BeginStop() {
  if (stopping.exchange(true)) return;
  if (on_stop) on_stop();
  beast::error_code ec;
  acceptor.close(ec);
  if (signals) signals->cancel(ec);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mutex);
    for (const auto& weak : sessions) {
      if (auto session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (auto& session : live) session->CloseIfIdle();
  stop_deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
  WaitForDrain();
}

// Polls until every connection is gone, then lets run() return; past the grace period, stops the
// io_context outright.
void Server::State::WaitForDrain() {
  if (LiveSessions() == 0) return;
  if (std::chrono::steady_clock::now() >= stop_deadline) {
    ioc.stop();
    return;
  }
  drain_timer.expires_after(std::chrono::milliseconds(10));
  drain_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->WaitForDrain();
  });
}

Server::Server(ServerOptions options, std::shared_ptr<const Router> router,
               std::shared_ptr<spdlog::logger> logger)
    : state_(std::make_shared<State>(options.threads)) {
  state_->options = std::move(options);
  state_->router = std::move(router);
  state_->logger = std::move(logger);
}

Server::~Server() { state_->ioc.stop(); }

void Server::Listen() {
  auto& acceptor = state_->acceptor;
  const tcp::endpoint endpoint(net::ip::make_address(state_->options.host), state_->options.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  state_->Accept();
  if (state_->options.handle_signals) {
    state_->signals.emplace(state_->ioc, SIGINT, SIGTERM);
    state_->signals->async_wait([weak = std::weak_ptr<State>(state_)](beast::error_code ec, int) {
      if (ec) return;
      if (auto self = weak.lock()) self->BeginStop();
    });
  }
}

uint16_t Server::port() const {
  beast::error_code ec;
  auto endpoint = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Server::Run() {
  int threads = state_->options.threads > 0 ? state_->options.threads
                                            : static_cast<int>(std::thread::hardware_concurrency());
  if (threads < 1) threads = 1;
  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i) workers.emplace_back([this] { state_->ioc.run(); });
  state_->ioc.run();
  for (auto& worker : workers) worker.join();
}

void Server::Stop() {
  net::post(state_->ioc, [state = state_] { state->BeginStop(); });
}

boost::asio::any_io_executor Server::executor() const { return state_->ioc.get_executor(); }

void Server::OnStop(std::function<void()> callback) { state_->on_stop = std::move(callback); }

}  // namespace interactiond::http
