#include "api/events_handlers.h"

#include "api/event_wakeup.h"
#include "http/query_params.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

namespace interactiond::api {
namespace {

constexpr auto kMaxWait = std::chrono::milliseconds(30'000);

// "2s", "500ms", or a plain number of milliseconds.
std::optional<std::chrono::milliseconds> Duration(std::string text) {
  uint64_t scale = 1;
  if (text.size() > 2 && text.ends_with("ms")) {
    text.resize(text.size() - 2);
  } else if (text.size() > 1 && text.ends_with("s")) {
    text.resize(text.size() - 1);
    scale = 1000;
  }
  auto value = http::ParseUnsigned(text);
  if (!value || *value > 3'600'000) return std::nullopt;
  return std::chrono::milliseconds(*value * scale);
}

http::HttpResponse BadRequest(std::string_view message) {
  boost::json::object body;
  body["error"] = message;
  return http::JsonResponse(400, boost::json::serialize(body));
}

// One waiting request: answers with the first matching events, or with none at the deadline.
// Lives in shared_ptrs held by the timer's handler and the log listener; answers exactly once.
class EventWait : public std::enable_shared_from_this<EventWait> {
 public:
  EventWait(events::EventLog& log, events::EventQuery query, http::Respond respond,
            boost::asio::any_io_executor executor)
      : log_(log), query_(std::move(query)), respond_(std::move(respond)), timer_(executor) {}

  void OnEventsCommitted() { Check(false); }

  void Start(std::chrono::milliseconds wait) {
    auto self = shared_from_this();
    listener_ = WakeOnMatchingEvents(log_, query_, timer_.get_executor(),
                                     std::weak_ptr<EventWait>(self), &EventWait::OnEventsCommitted);
    timer_.expires_after(wait);
    timer_.async_wait([self](boost::system::error_code ec) {
      if (!ec) self->Check(true);
    });
    Check(false);  // events committed between the first read and the listener
  }

 private:
  void Check(bool deadline) {
    if (answered_.load()) return;
    auto found = log_.QueryEvents(query_);
    if (!found.ok()) return Answer(http::ErrorResponse(found.error()));
    if (found->empty() && !deadline) return;
    boost::json::array list;
    for (const auto& event : *found) list.push_back(EventJson(event));
    boost::json::object body;
    body["events"] = std::move(list);
    Answer(http::JsonResponse(200, boost::json::serialize(body)));
  }

  void Answer(http::HttpResponse response) {
    if (answered_.exchange(true)) return;
    log_.RemoveListener(listener_);
    timer_.cancel();
    respond_(std::move(response));
  }

  events::EventLog& log_;
  events::EventQuery query_;
  http::Respond respond_;
  boost::asio::steady_timer timer_;
  uint64_t listener_ = 0;
  std::atomic<bool> answered_{false};
};

}  // namespace

boost::json::object EventJson(const events::OutboundEvent& event) {
  boost::json::object out;
  out["replayId"] = event.replay_id;
  out["orgId"] = event.org_id;
  out["topic"] = event.topic;
  out["createdDate"] = event.created_date;
  out["createdById"] = event.created_by_id;
  out["eventType"] = event.event_type ? boost::json::value(*event.event_type) : nullptr;
  boost::json::value payload = nullptr;
  if (event.payload) {
    boost::system::error_code ec;
    payload = boost::json::parse(*event.payload, ec);
    if (ec) payload = boost::json::value(*event.payload);
  }
  out["payload"] = payload;
  boost::json::object fields;
  fields[event.event_type_field] =
      event.event_type ? boost::json::value(*event.event_type) : nullptr;
  fields[event.payload_field] = event.payload ? boost::json::value(*event.payload) : nullptr;
  out["fields"] = std::move(fields);
  out["conversationIdentifier"] = event.conversation_identifier;
  out["entryType"] = event.entry_type;
  return out;
}

void HandleGetEvents(const AppContext& context, http::HttpRequest& request, http::Respond respond) {
  events::EventQuery query;
  query.org_id = http::QueryParam(request, "orgId").value_or("");
  query.topic = http::QueryParam(request, "topic").value_or("");
  query.conversation_identifier = http::QueryParam(request, "conversation").value_or("");
  query.entry_type = http::QueryParam(request, "type").value_or("");
  query.event_type = http::QueryParam(request, "eventType").value_or("");
  if (auto after = http::QueryParam(request, "after")) {
    auto value = http::ParseUnsigned(*after);
    if (!value) return respond(BadRequest("after must be a replay id"));
    query.after_replay_id = *value;
  }
  if (auto limit = http::QueryParam(request, "limit")) {
    auto value = http::ParseUnsigned(*limit);
    if (!value || *value < 1 || *value > 1000) return respond(BadRequest("limit must be 1..1000"));
    query.limit = *value;
  }
  std::chrono::milliseconds wait{0};
  if (auto text = http::QueryParam(request, "wait")) {
    auto value = Duration(*text);
    if (!value) return respond(BadRequest("wait must look like 2s, 500ms or 0"));
    wait = std::min(*value, kMaxWait);
  }
  auto waiter = std::make_shared<EventWait>(*context.events, std::move(query), std::move(respond),
                                            context.executor);
  waiter->Start(wait);
}

}  // namespace interactiond::api
