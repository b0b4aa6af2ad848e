#include "api/events_stream.h"
#include "http/query_params.h"

#include <chrono>
#include <mutex>

#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include "api/event_wakeup.h"
#include "api/events_handlers.h"

namespace interactiond::api {
namespace {

constexpr auto kKeepalive = std::chrono::seconds(15);
constexpr size_t kBatch = 100;

// Yields batches of matching events as SSE text; waits (listener + keepalive timer) when there
// are none. All state is behind `mutex_`: Next and Cancel come from the connection's strand,
// wake-ups from the log listener (posted to the I/O executor) and the timer.
class EventStreamSource final : public http::StreamSource,
                                public std::enable_shared_from_this<EventStreamSource> {
 public:
  EventStreamSource(events::EventLog& log, events::EventQuery query,
                    boost::asio::any_io_executor executor)
      : log_(log), query_(std::move(query)), executor_(executor), timer_(executor) {}

  ~EventStreamSource() override {
    if (listener_ != 0) log_.RemoveListener(listener_);
  }

  void Start() {
    // Matched against the filter only: query_'s position moves under mutex_ as events are sent.
    listener_ = WakeOnMatchingEvents(log_, query_, executor_,
                                     std::weak_ptr<EventStreamSource>(shared_from_this()),
                                     &EventStreamSource::OnEventsCommitted);
  }

  void OnEventsCommitted() { Wake(false); }

  void Next(std::function<void(std::optional<std::string>)> deliver) override {
    std::unique_lock lock(mutex_);
    if (cancelled_) {
      lock.unlock();
      return deliver(std::nullopt);
    }
    std::string chunk = ReadChunk();
    if (!chunk.empty()) {
      lock.unlock();
      return deliver(std::move(chunk));
    }
    pending_ = std::move(deliver);
    timer_.expires_after(kKeepalive);
    timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      if (auto self = weak.lock(); self && !ec) self->Wake(true);
    });
  }

  void Cancel() override {
    std::function<void(std::optional<std::string>)> deliver;
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      timer_.cancel();
      deliver = std::move(pending_);
      pending_ = nullptr;
    }
    if (deliver) deliver(std::nullopt);
  }

 private:
  // Events after the last delivered, as SSE text ("" when none). Called with mutex_ held.
  std::string ReadChunk() {
    auto found = log_.QueryEvents(query_);
    if (!found.ok()) return ": event log unavailable, retrying\n\n";
    std::string chunk;
    for (const auto& event : *found) {
      chunk += "id: " + std::to_string(event.replay_id) + "\n";
      chunk += "event: " +
               (event.entry_type.empty() ? event.event_type.value_or("event") : event.entry_type) +
               "\n";
      chunk += "data: " + boost::json::serialize(EventJson(event)) + "\n\n";
      query_.after_replay_id = event.replay_id;
    }
    return chunk;
  }

  void Wake(bool keepalive) {
    std::function<void(std::optional<std::string>)> deliver;
    std::string chunk;
    {
      std::lock_guard lock(mutex_);
      if (!pending_) return;
      chunk = ReadChunk();
      if (chunk.empty()) {
        if (!keepalive) return;  // woken for events another filter took; keep waiting
        chunk = ": keepalive\n\n";
      }
      timer_.cancel();
      deliver = std::move(pending_);
      pending_ = nullptr;
    }
    deliver(std::move(chunk));
  }

  events::EventLog& log_;
  events::EventQuery query_;
  boost::asio::any_io_executor executor_;
  std::mutex mutex_;
  boost::asio::steady_timer timer_;
  std::function<void(std::optional<std::string>)> pending_;
  uint64_t listener_ = 0;
  bool cancelled_ = false;
};

http::HttpResponse BadRequest(std::string_view message) {
  boost::json::object body;
  body["error"] = message;
  return http::JsonResponse(400, boost::json::serialize(body));
}

}  // namespace

void HandleEventStream(const AppContext& context, http::HttpRequest& request,
                       http::Respond respond) {
  events::EventQuery query;
  query.org_id = http::QueryParam(request, "orgId").value_or("");
  query.topic = http::QueryParam(request, "topic").value_or("");
  query.conversation_identifier = http::QueryParam(request, "conversation").value_or("");
  query.entry_type = http::QueryParam(request, "type").value_or("");
  query.event_type = http::QueryParam(request, "eventType").value_or("");
  query.limit = kBatch;
  std::optional<std::string> after = http::QueryParam(request, "after");
  if (!after) {
    if (auto last = request.Header("Last-Event-ID")) after = std::string(*last);
  }
  if (after) {
    auto value = http::ParseUnsigned(*after);
    if (!value) return respond(BadRequest("after / Last-Event-ID must be a replay id"));
    query.after_replay_id = *value;
  } else {
    // Without a position the stream is live: it starts after the newest event.
    query.after_replay_id = context.events->LatestReplayId(query.org_id, query.topic);
  }
  auto source =
      std::make_shared<EventStreamSource>(*context.events, std::move(query), context.executor);
  source->Start();
  http::HttpResponse response;
  response.status = 200;
  response.content_type = "text/event-stream";
  response.stream = std::move(source);
  respond(std::move(response));
}

}  // namespace interactiond::api
