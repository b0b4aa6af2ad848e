// The persistence interface. Every mutation is a request to the store's single writer, which
// applies requests in arrival order and group-commits them: a completion runs only after the
// transaction holding its change is durable (per the configured durability), so a caller that
// acknowledges in its completion never acknowledges a change that a crash could lose.
//
// Threading: all methods may be called from any thread. Completions run on the writer thread and
// must only hand the result elsewhere (post to an executor); they must not block.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "domain/conversation_change.h"
#include "domain/result.h"
#include "events/outbound_event.h"

namespace interactiond::store {

struct AttachmentRecord {
  std::string sha256;  // content address of the bytes under <data>/attachments
  uint64_t size = 0;
  std::string mime_type;
  std::string filename;
};

// One inbound entry from an end user (POST /api/v1/interactions).
struct InboundWrite {
  std::string org_id;
  std::string channel_id;
  std::string channel_address;
  std::string channel_definition;
  std::string end_user_client_id;
  std::string request_id;
  std::string entry_id;  // empty: only establish the conversation (no entry)
  std::string entry_type;
  int64_t client_timestamp = 0;
  int64_t received_at_ms = 0;
  std::string payload_json;  // the entry payload as stored and shown
  std::optional<AttachmentRecord> attachment;
  // Outbound events this change produces, built from its outcome (the conversation is only known
  // inside the transaction); appended in the same transaction. May be empty.
  std::function<std::vector<events::OutboundEvent>(const struct InboundWriteResult&)> events;
};

struct InboundWriteResult {
  std::string conversation_identifier;
  std::string session_id;
  std::string end_user_id;
  bool created_conversation = false;
  bool duplicate = false;  // the conversation already held this entry id: nothing was written
  // Set when this interaction reactivated an Inactive session: the statuses before and after.
  std::optional<std::string> session_status_prev;
  std::optional<std::string> session_status;
  int64_t session_start_time = 0;
};

struct ConversationQuery {
  std::string org_id;  // empty = every org
  int limit = 100;
  int offset = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Loads the conversation's state inside a write transaction, lets `decide` (domain code) turn it
  // into a change, and writes the change and its events in that transaction. `done` gets the
  // change as written (events with their replay ids), or: 10018 when no such conversation,
  // `decide`'s error, 500 when the commit fails.
  using Decide =
      std::function<domain::Result<domain::ConversationChange>(const domain::ConversationState&)>;
  virtual void SubmitConversationChange(
      std::string conversation_identifier, Decide decide,
      std::function<void(domain::Result<domain::ConversationChange>)> done) = 0;

  // Appends the entry, creating the conversation, messaging session, end user and end-user
  // participant on the first contact of (org, channel address, end user); an Ended session is
  // replaced by a new one. With an empty entry_id only the conversation is established. Errors:
  // 20002 when the conversation lookup fails, 500 when the transaction cannot be committed.
  virtual void SubmitInbound(InboundWrite write,
                             std::function<void(domain::Result<InboundWriteResult>)> done) = 0;

  // Read models for the admin API (JSON in the admin API's shape). Reads see every committed write.
  virtual domain::Result<boost::json::value> ListConversations(const ConversationQuery& query) = 0;
  // A null value when no such conversation.
  virtual domain::Result<boost::json::value> GetConversation(const std::string& identifier) = 0;

  // The conversation identifier of (org, channel address, end user), when there is one.
  virtual domain::Result<std::optional<std::string>> FindConversation(
      const std::string& org_id, const std::string& channel_address,
      const std::string& end_user_client_id) = 0;

  // Counts of what the store holds: {"conversations","messagingSessions","messagingEndUsers",
  // "entries","attachments"}.
  virtual domain::Result<boost::json::value> Stats() = 0;

  // Stops accepting writes, commits what is queued, and closes. Idempotent.
  virtual void Close() = 0;
};

}  // namespace interactiond::store
