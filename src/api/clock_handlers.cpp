#include "api/clock_handlers.h"

#include <boost/json.hpp>

namespace interactiond::api {
namespace {

// The admin API's error shape (as admin_handlers.cpp).
http::HttpResponse ClockError(std::string_view message) {
  boost::json::object body;
  body["error"] = message;
  return http::JsonResponse(400, boost::json::serialize(body));
}

http::HttpResponse ClockBody(const AppContext& context) {
  boost::json::object body;
  body["nowMs"] = context.clock->NowMs();
  body["offsetMs"] =
      context.adjustable_clock != nullptr ? context.adjustable_clock->offset_ms() : int64_t{0};
  return http::JsonResponse(200, boost::json::serialize(body));
}

}  // namespace

void HandleGetClock(const AppContext& context, http::HttpRequest&, http::Respond respond) {
  respond(ClockBody(context));
}

void HandlePostClock(const AppContext& context, http::HttpRequest& request, http::Respond respond) {
  constexpr std::string_view kExpected = R"(expected {"advanceMs": N} or {"offsetMs": N})";
  if (context.adjustable_clock == nullptr) return respond(ClockError("the clock cannot be moved"));
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(request.body, ec);
  if (ec || !value.is_object()) return respond(ClockError(kExpected));
  const boost::json::object& object = value.get_object();
  const boost::json::value* advance = object.if_contains("advanceMs");
  const boost::json::value* offset = object.if_contains("offsetMs");
  if (object.size() != 1 || (advance == nullptr) == (offset == nullptr)) {
    return respond(ClockError(kExpected));
  }
  const boost::json::value& number = advance != nullptr ? *advance : *offset;
  if (!number.is_int64()) return respond(ClockError("the value must be an integer (ms)"));
  const bool moved = advance != nullptr ? context.adjustable_clock->Advance(number.get_int64())
                                        : context.adjustable_clock->SetOffset(number.get_int64());
  if (!moved) return respond(ClockError("the offset must stay within ±100 years"));
  respond(ClockBody(context));
}

}  // namespace interactiond::api
