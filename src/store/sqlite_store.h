// The embedded store: SQLite in WAL mode under <data dir>/interactiond.db.
//
// Writes: one writer thread owns the write connection. Requests queue up; the writer takes every
// queued request, applies each inside its own savepoint of one transaction, commits once (one
// WAL sync for the whole group, as LevelDB's DBImpl::Write), then runs the completions. A request
// that fails rolls back only its savepoint. Because one thread applies every change, changes to a
// conversation are linearised; parsing and validation of requests run in parallel on the I/O
// threads before they reach the queue.
// Reads: a pool of read-only connections (WAL readers never block the writer).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "config/config.h"
#include "events/event_log.h"
#include "store/sqlite_db.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/fault_injector.h"

namespace interactiond::store {

class SqliteStore final : public Store, public events::EventLog, public ManagedReplayStore {
 public:
  // Opens (creating and migrating as needed) <data_dir>/interactiond.db. Throws SqliteError.
  // `faults` may be null; it must outlive the store.
  SqliteStore(const std::filesystem::path& data_dir, config::Durability durability,
              util::FaultInjector* faults);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void SubmitConversationChange(
      std::string conversation_identifier, Decide decide,
      std::function<void(domain::Result<domain::ConversationChange>)> done) override;
  void SubmitInbound(InboundWrite write,
                     std::function<void(domain::Result<InboundWriteResult>)> done) override;
  void SubmitHistory(HistoryWrite write,
                     std::function<void(domain::Result<HistoryWriteResult>)> done) override;
  domain::Result<boost::json::value> ListConversations(const ConversationQuery& query) override;
  domain::Result<boost::json::value> GetConversation(const std::string& identifier) override;
  domain::Result<boost::json::value> Stats() override;
  domain::Result<std::optional<std::string>> FindConversation(
      const std::string& org_id, const std::string& channel_address,
      const std::string& end_user_client_id) override;

  // Capabilities (src/store/sqlite_store_capabilities.cpp).
  void SubmitCapabilities(CapabilitiesWrite write,
                          std::function<void(domain::Status)> done) override;
  domain::Result<boost::json::value> GetCapabilities(const std::string& org_id,
                                                     domain::IntegrationKind kind,
                                                     const std::string& developer_name) override;
  domain::Result<boost::json::value> ListCapabilities(const CapabilitiesQuery& query) override;

  void SetRepPresence(const std::string& org_id, const std::string& user_id, bool online,
                      int capacity, int64_t now_ms,
                      std::function<void(domain::Status)> done) override;
  void SubmitRoutingPass(int64_t now_ms, Decide decide,
                         std::function<void(domain::Result<int>)> done) override;
  void SubmitDeadlinePass(int64_t now_ms, Decide decide,
                          std::function<void(domain::Result<int>)> done) override;
  domain::Result<std::optional<std::string>> FindConversationOfWork(
      const std::string& org_id, const std::string& work_id) override;
  domain::Result<std::optional<std::string>> FindConversationOfSession(
      const std::string& org_id, const std::string& session_id) override;
  domain::Result<boost::json::value> GetRep(const std::string& org_id,
                                            const std::string& user_id) override;

  // BYOB entries (src/store/sqlite_store_entries.cpp).
  domain::Result<std::optional<EntryPage>> ListEntries(const EntryQuery& query) override;

  // Managed subscriptions' committed replay ids (src/store/sqlite_store_managed.cpp).
  void CommitManagedReplay(const std::string& org_id, const std::string& subscription_id,
                           uint64_t replay_id, int64_t committed_at_ms,
                           std::function<void(domain::Status)> done) override;
  domain::Result<std::optional<uint64_t>> LoadManagedReplay(
      const std::string& org_id, const std::string& subscription_id) override;

  // events::EventLog
  domain::Result<std::vector<events::OutboundEvent>> ReadEvents(const std::string& org_id,
                                                                const std::string& topic,
                                                                uint64_t after_replay_id,
                                                                size_t limit) override;
  uint64_t LatestReplayId(const std::string& org_id, const std::string& topic) override;
  uint64_t RetentionFloor(const std::string& org_id, const std::string& topic) override;
  bool IsValidResumePoint(const std::string& org_id, uint64_t replay_id) override;
  uint64_t AddListener(AppendListener listener) override;
  void RemoveListener(uint64_t id) override;
  void Publish(std::vector<events::OutboundEvent> events,
               std::function<void(domain::Result<std::vector<uint64_t>>)> done) override;

  domain::Result<std::vector<events::OutboundEvent>> QueryEvents(
      const events::EventQuery& query) override;

  // Deletes events older than `retention_ms` before `now_ms` (run by the writer after commits).
  void SetEventRetention(int64_t retention_ms);
  // The clock event retention measures against (default: the system clock); it must outlive the
  // store. Set it to the server's clock so the admin clock moves retention too.
  void SetClock(const util::Clock* clock);
  void Close() override;

  // Where a committed group's completions run: by default on the writer thread, one after
  // another; with a dispatcher (e.g. a post to the I/O context), as one task there. Set before
  // the first write; the dispatcher must outlive the store's use.
  void SetCompletionDispatcher(std::function<void(std::function<void()>)> dispatcher);

  // Number of commits so far (for tests of group commit).
  uint64_t commit_count() const;

 private:
  // One request to the writer: `apply` runs inside the group's transaction, in its own
  // savepoint, and appends the events of its change to `appended`; `done` runs after the commit
  // (or with the error that undid the change).
  struct PendingWrite {
    std::function<domain::Status(std::vector<events::OutboundEvent>& appended)> apply;
    std::function<void(domain::Status)> done;
  };
  struct ConversationRef {
    std::string conversation_identifier;
    std::string session_id;
    std::string end_user_id;
    // Ended: the next inbound interaction opens a new session; Inactive: it reactivates this one.
    std::string session_status = "New";
  };
  class ReadLease;

  void WriterLoop();
  void Submit(PendingWrite write);
  void CommitGroup(std::vector<PendingWrite>& group);
  domain::Result<InboundWriteResult> ApplyInbound(const InboundWrite& write);
  // Conversation history (sqlite_store_history.cpp), inside the writer's transaction.
  domain::Result<HistoryWriteResult> ApplyHistory(const HistoryWrite& write);
  // The session an Establish writes into. A current session in use is kept: a finished (endTime)
  // historical session is stored beside it; an open one is refused (10078: attach instead).
  domain::Result<std::string> EstablishHistorySession(const HistoryWrite& write,
                                                      const InboundWriteResult& found,
                                                      bool& created);
  void AppendEvent(events::OutboundEvent& event);
  std::optional<domain::ConversationState> LoadConversation(const std::string& identifier);
  void ApplyChange(const domain::ConversationState& state, domain::ConversationChange& change);
  // Routing records of a conversation (sqlite_store_routing.cpp): loaded into its state, written
  // from its change, inside the writer's transaction.
  void LoadRouting(domain::ConversationState& state);
  void ApplyRouting(const domain::ConversationState& state,
                    const domain::ConversationChange& change);
  void SubmitPass(int64_t now_ms, bool offer_waiting, Decide decide,
                  std::function<void(domain::Result<int>)> done);
  // The conversation_identifier `sql` (?1 org, ?2 id) finds, on a reader.
  domain::Result<std::optional<std::string>> FindConversationOfRecord(const char* sql,
                                                                      const std::string& org_id,
                                                                      const std::string& record_id);
  // Adds "pendingServiceRoutings" and "agentWork" to the admin view of a conversation.
  static void AppendRoutingView(Database& db, const std::string& identifier,
                                boost::json::object& view);
  void ExpireEvents();
  void NotifyListeners(const std::vector<events::OutboundEvent>& appended);
  std::optional<ConversationRef> LookupConversation(const InboundWrite& write);
  std::string NextId(const char* counter, const char* prefix);
  std::unique_ptr<Database> AcquireReader();
  void ReleaseReader(std::unique_ptr<Database> reader);

  // How long the writer waits for the rest of a group under load (see WriterLoop).
  static constexpr std::chrono::microseconds kCommitDelay{400};

  const std::filesystem::path path_;
  const config::Durability durability_;
  util::FaultInjector* faults_;
  std::unique_ptr<Database> writer_db_;

  // Prepared statements of the writer connection (writer thread only).
  struct WriterStatements;
  std::unique_ptr<WriterStatements> sql_;
  // Writer-thread caches: conversation per (org, channel, end user) and id counters.
  std::unordered_map<std::string, ConversationRef> conversations_;
  std::unordered_map<std::string, uint64_t> counters_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PendingWrite> queue_;
  bool closing_ = false;
  uint64_t commits_ = 0;
  std::thread writer_;

  std::function<void(std::function<void()>)> completion_dispatcher_;
  std::mutex listeners_mutex_;
  std::map<uint64_t, AppendListener> listeners_;
  uint64_t next_listener_id_ = 1;
  std::atomic<int64_t> retention_ms_{72ll * 60 * 60 * 1000};
  std::atomic<const util::Clock*> clock_{nullptr};
  std::chrono::steady_clock::time_point next_expiry_{};

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Database>> readers_;
};

}  // namespace interactiond::store
