// The durable, per-org, per-topic outbound event log. Events are appended by the store in the same
// transaction as the state change that produced them; readers (Pub/Sub API, server-sent events,
// the inspection API) read ranges and are told when new events are committed.
//
// Threading: every method is safe from any thread. Append listeners run on the store's writer
// thread right after the commit that made the events durable: they must only hand work elsewhere
// (post to an executor, notify a condition variable) and must not call back into the log
// synchronously with locks held.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "domain/result.h"
#include "events/outbound_event.h"

namespace interactiond::events {

// A filtered, org-wide read for the inspection API; empty strings match everything.
struct EventQuery {
  std::string org_id;
  std::string topic;
  std::string conversation_identifier;
  std::string entry_type;
  std::string event_type;
  uint64_t after_replay_id = 0;
  size_t limit = 100;

  bool Matches(const OutboundEvent& event) const {
    return event.replay_id > after_replay_id && (org_id.empty() || event.org_id == org_id) &&
           (topic.empty() || event.topic == topic) &&
           (conversation_identifier.empty() ||
            event.conversation_identifier == conversation_identifier) &&
           (entry_type.empty() || event.entry_type == entry_type) &&
           (event_type.empty() || event.event_type.value_or("") == event_type);
  }
};

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Matching events, oldest first, at most query.limit.
  virtual domain::Result<std::vector<OutboundEvent>> QueryEvents(const EventQuery& query) = 0;

  // Events of (org, topic) with replay_id > after_replay_id, oldest first, at most `limit`.
  // Only retained events are returned.
  virtual domain::Result<std::vector<OutboundEvent>> ReadEvents(const std::string& org_id,
                                                                const std::string& topic,
                                                                uint64_t after_replay_id,
                                                                size_t limit) = 0;

  // The replay id of the newest event of (org, topic), or the log's current position when the
  // topic has none (0 for an empty log). Used for LATEST subscriptions and keepalives.
  virtual uint64_t LatestReplayId(const std::string& org_id, const std::string& topic) = 0;

  // The replay id just before the oldest retained event of (org, topic): EARLIEST subscriptions
  // start after it. Replay ids at or below it (other than exactly it) have expired.
  virtual uint64_t RetentionFloor(const std::string& org_id, const std::string& topic) = 0;

  // True when `replay_id` is a position a subscriber may resume after: 0, the floor, or the id of
  // a retained event of this org (any topic: ids are log positions), or not beyond the end.
  virtual bool IsValidResumePoint(const std::string& org_id, uint64_t replay_id) = 0;

  using AppendListener = std::function<void(const std::vector<OutboundEvent>& appended)>;
  // Registers a listener for committed appends; returns an id for RemoveListener.
  virtual uint64_t AddListener(AppendListener listener) = 0;
  virtual void RemoveListener(uint64_t id) = 0;

  // Appends events on their own (no state change with them): the Pub/Sub API's Publish. The
  // completion runs on the writer thread with the assigned replay ids, after the commit.
  virtual void Publish(std::vector<OutboundEvent> events,
                       std::function<void(domain::Result<std::vector<uint64_t>>)> done) = 0;
};

}  // namespace interactiond::events
