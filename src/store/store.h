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

#include "domain/capabilities.h"
#include "domain/conversation_change.h"
#include "domain/conversation_history.h"
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
  // An Inactive session is reactivated by the entry (the end user came back); history uploads,
  // which are not the end user coming back, leave it as it is.
  bool reactivate_inactive = true;
  // Outbound events this change produces, built from its outcome (the conversation is only known
  // inside the transaction); appended in the same transaction. May be empty.
  std::function<std::vector<events::OutboundEvent>(const struct InboundWriteResult&)> events;
  // Runs after the entry is written, in the same transaction, when it is the first entry of a
  // session or reactivated one (InboundWriteResult::session_needs_routing): decides the routing
  // change (Salesforce-owned routing opens a PSR) over the conversation's state. May be empty.
  std::function<domain::Result<domain::ConversationChange>(const domain::ConversationState&)>
      on_session_start;
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
  // The entry is the first of a New session, or reactivated an Inactive one to Waiting.
  bool session_needs_routing = false;
  // Bots (participant subjects) in the conversation when the entry was written: the end user's
  // message is delivered to them too.
  std::vector<std::string> chatbots;
};

// One POST /api/v1/conversationHistory (SubmitHistory).
struct HistoryParticipantWrite {
  std::string app_type;
  std::string subject;
  std::string role;  // "EndUser" | "Chatbot"
  std::optional<std::string> display_name;
  int64_t joined_time = 0;
  std::optional<int64_t> left_time;  // set: stored as having left
};

enum class HistorySession { kCurrent, kEstablish, kAttach };

struct HistoryWrite {
  // The conversation of (org, channel address, end user), as for InboundWrite.
  std::string org_id;
  std::string channel_id;
  std::string channel_address;
  std::string channel_definition;
  std::string end_user_client_id;
  std::string request_id;
  int64_t received_at_ms = 0;
  std::vector<HistoryParticipantWrite> participants;
  // In conversation order; each stored with transcripted_timestamp = client_timestamp.
  std::vector<domain::NewEntry> entries;
  // kCurrent: the conversation's current session; kEstablish: a session with these times (Ended
  // when session_end_time is set); kAttach: the session attach_session_id.
  HistorySession session = HistorySession::kCurrent;
  int64_t session_start_time = 0;
  std::optional<int64_t> session_end_time;
  std::string attach_session_id;
  // Ids looked up among the conversation's entry ids and message ids (StoredHistoryFacts).
  std::vector<std::string> message_ids;
  // Decides over what the store found; on error nothing is written.
  std::function<domain::Status(const domain::StoredHistoryFacts&)> check;
};

struct HistoryWriteResult {
  std::string conversation_identifier;
  std::string session_id;      // the session the entries went into
  std::string session_status;  // its status after the write
  bool created_conversation = false;
  bool created_session = false;  // kEstablish opened a new session (rather than reusing one)
};

struct ConversationQuery {
  std::string org_id;  // empty = every org
  int limit = 100;
  int offset = 0;
};

// One PATCH /api/v1/capabilities: the registrations it replaces.
struct CapabilitiesWrite {
  std::string org_id;
  std::string request_id;
  int64_t registered_at_ms = 0;
  std::vector<domain::CapabilitiesRegistration> registrations;
};

struct CapabilitiesQuery {
  std::string org_id;                           // empty = every org
  std::optional<domain::IntegrationKind> kind;  // nullopt = both kinds
  std::string developer_name;                   // empty = every integration
};

// GET /api/v1/conversationEntry (BYOB): one page of a conversation's entries.
struct EntryQuery {
  std::string conversation_identifier;
  int64_t start_time = 0;           // inclusive lower bound of clientTimestamp (ms)
  std::optional<int64_t> end_time;  // inclusive upper bound; none = unbounded
  int64_t limit = 20;
  bool from_end = true;  // newest first (from end_time down), else oldest first (from start_time)
};

// An entry as stored: the same fields a change writes.
using StoredEntry = domain::NewEntry;

struct EntryPage {
  std::string org_id;  // the conversation's org, for the caller's access check
  std::vector<StoredEntry> entries;
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

  // Conversation history (implemented in src/store/sqlite_store_history.cpp). Gathers the facts
  // `write.check` decides on (nothing is written when it fails); finds or creates the
  // conversation as SubmitInbound does without an entry (kAttach only finds it and leaves its
  // sessions alone); then writes the participants, the session (kEstablish reuses the current
  // session when it is New and empty, else opens one and makes it current) and the back-dated
  // entries in one transaction, without events. Errors: `check`'s, 20002 when the conversation
  // lookup fails, 500 when the commit fails.
  virtual void SubmitHistory(HistoryWrite write,
                             std::function<void(domain::Result<HistoryWriteResult>)> done) = 0;

  // Routing (implemented in src/store/sqlite_store_routing.cpp).
  // Sets a rep's presence: online with `capacity`, or offline. Errors: 500 when the commit fails.
  virtual void SetRepPresence(const std::string& org_id, const std::string& user_id, bool online,
                              int capacity, int64_t now_ms,
                              std::function<void(domain::Status)> done) = 0;
  // The routing pass: runs `decide` for every conversation that has routing to do as of `now_ms`
  // (an open PSR of its current session without active work, oldest first; or a pending partner
  // routing request past its deadline), each in its own savepoint of one transaction; a
  // conversation whose decision fails is skipped. `done` gets how many conversations changed.
  virtual void SubmitRoutingPass(int64_t now_ms, Decide decide,
                                 std::function<void(domain::Result<int>)> done) = 0;
  // The same, but only for conversations with a partner routing request past its deadline (the
  // cheap pass that runs every second; waiting PSRs only need a full pass when capacity changes).
  virtual void SubmitDeadlinePass(int64_t now_ms, Decide decide,
                                  std::function<void(domain::Result<int>)> done) = 0;
  // The conversation an AgentWork (0Bz…) or a messaging session (0Mw…) of `org_id` belongs to.
  virtual domain::Result<std::optional<std::string>> FindConversationOfWork(
      const std::string& org_id, const std::string& work_id) = 0;
  virtual domain::Result<std::optional<std::string>> FindConversationOfSession(
      const std::string& org_id, const std::string& session_id) = 0;
  // A rep's presence and work for the admin API: {"userId","presence":{"status","capacity"},
  // "work":[AgentWork…]} (work still Assigned or Opened).
  virtual domain::Result<boost::json::value> GetRep(const std::string& org_id,
                                                    const std::string& user_id) = 0;

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

  // Capabilities (PATCH /api/v1/capabilities; src/store/sqlite_store_capabilities.cpp).
  // Each registration replaces everything its integration had, all in one transaction; `done`
  // runs after the commit (500 when it fails).
  virtual void SubmitCapabilities(CapabilitiesWrite write,
                                  std::function<void(domain::Status)> done) = 0;
  // One integration's registration: {"orgId","integrationType","developerName","appType",
  // "channelCapabilities","registeredDate","requestId"}; null when it registered nothing.
  virtual domain::Result<boost::json::value> GetCapabilities(const std::string& org_id,
                                                             domain::IntegrationKind kind,
                                                             const std::string& developer_name) = 0;
  // {"totalSize","registrations":[…]} ordered by org, integration type, developer name.
  virtual domain::Result<boost::json::value> ListCapabilities(const CapabilitiesQuery& query) = 0;

  // BYOB (src/store/sqlite_store_entries.cpp): entries of any sender whose clientTimestamp is
  // within the query's bounds, ordered by clientTimestamp then arrival (reversed when from_end),
  // at most `limit`. nullopt when no such conversation; 500 when the read fails.
  virtual domain::Result<std::optional<EntryPage>> ListEntries(const EntryQuery& query) = 0;

  // Stops accepting writes, commits what is queued, and closes. Idempotent.
  virtual void Close() = 0;
};

// The replay ids that Pub/Sub API managed subscriptions commit (ManagedSubscribe), kept per
// (org, subscription id) so that a reconnecting subscriber resumes after its last commit
// (src/store/sqlite_store_managed.cpp). Threading and completions as for Store.
class ManagedReplayStore {
 public:
  virtual ~ManagedReplayStore() = default;
  // Replaces the subscription's committed replay id through the single writer; `done` runs after
  // the commit is durable (500 when it fails).
  virtual void CommitManagedReplay(const std::string& org_id, const std::string& subscription_id,
                                   uint64_t replay_id, int64_t committed_at_ms,
                                   std::function<void(domain::Status)> done) = 0;
  // The committed replay id; nullopt when nothing was committed; 500 when the read fails.
  virtual domain::Result<std::optional<uint64_t>> LoadManagedReplay(
      const std::string& org_id, const std::string& subscription_id) = 0;
};

}  // namespace interactiond::store
