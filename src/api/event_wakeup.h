// Waking a waiting reader (the inspection API's `wait`, the SSE stream) when matching events are
// committed. The log calls listeners on the store's writer thread, so the wake-up itself is only
// posted to the I/O executor, where the reader re-reads the log.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include "events/event_log.h"

namespace interactiond::api {

// Registers a listener on `log` that posts `(owner->*wake)()` to `executor` when a committed batch
// holds an event matching `filter` (whose position, after_replay_id, is ignored: a wake-up for an
// event the reader already has is harmless, it re-reads). `owner` is held weakly. Returns the
// listener id for EventLog::RemoveListener.
template <typename Owner>
uint64_t WakeOnMatchingEvents(events::EventLog& log, events::EventQuery filter,
                              boost::asio::any_io_executor executor, std::weak_ptr<Owner> owner,
                              void (Owner::*wake)()) {
  filter.after_replay_id = 0;
  return log.AddListener([filter = std::move(filter), executor = std::move(executor),
                          owner = std::move(owner),
                          wake](const std::vector<events::OutboundEvent>& added) {
    for (const auto& event : added) {
      if (!filter.Matches(event)) continue;
      if (auto self = owner.lock()) {
        boost::asio::post(executor, [self, wake] { ((*self).*wake)(); });
      }
      return;
    }
  });
}

}  // namespace interactiond::api
