// Event inspection: GET /admin/v1/events returns the outbound events that match a filter, waiting
// up to `wait` for one to arrive, so tests can assert "this event was emitted" without sleeping.
//
//   GET /admin/v1/events?orgId=&topic=&conversation=&type=<entryType>&eventType=&after=<replayId>
//                        &limit=<1..1000>&wait=<2s|500ms|0>
//   → 200 {"events":[{replayId, orgId, topic, createdDate, createdById, eventType, payload
//   (parsed),
//                     fields:{<event type field>:…, <payload field>:…}, conversationIdentifier,
//                     entryType}], "latestReplayId": N}
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandleGetEvents(const AppContext& context, http::HttpRequest& request, http::Respond respond);

// The JSON shape of one event in the admin API.
boost::json::object EventJson(const events::OutboundEvent& event);

}  // namespace interactiond::api
