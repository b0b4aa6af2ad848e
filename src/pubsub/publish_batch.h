// What Publish and PublishStream share (internal to src/pubsub): the request checks and the
// per-event validation of one PublishRequest, and the filling in of its PublishResponse once the
// valid events are stored. Pure functions; no locking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/result.h"
#include "pubsub/service_internal.h"

namespace interactiond::pubsub {

// The topic a publish request names: its codec, or topic.validation.empty / topic.not.found.
std::variant<const AvroCodec*, Failure> PublishTopic(const Caller& caller,
                                                     const std::string& topic);

// publish.event.count.invalid when the request holds no event.
std::optional<Failure> CheckEventCount(const eventbus::v1::PublishRequest& request);

// The events of one request that passed validation, to append in this order.
struct PublishBatch {
  std::vector<events::OutboundEvent> events;
  std::vector<int> result_index;  // the response result each of them fills
};

// Validates every event of `request` against `codec` (the schema of `topic`) and fills
// `response`: schema id, rpc id and one result per event, carrying its correlation key, or its
// error (code PUBLISH) for an event that fails. Returns the valid events, whose system fields are
// the platform's (publish time `now_ms`, the caller's user).
PublishBatch PreparePublish(const Caller& caller, const AvroCodec& codec, const std::string& topic,
                            const eventbus::v1::PublishRequest& request, int64_t now_ms,
                            const std::string& rpc_id, eventbus::v1::PublishResponse* response);

// Sets the replay ids the store assigned to `batch`'s events on their results (and the
// correlation key of an event that had no id), or the storage error when `ids` failed.
void CompletePublish(const std::vector<int>& result_index, const std::string& org_id,
                     const domain::Result<std::vector<uint64_t>>& ids,
                     eventbus::v1::PublishResponse* response);

}  // namespace interactiond::pubsub
