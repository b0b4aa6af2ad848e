#include "store/sqlite_store.h"

#include <boost/json.hpp>

#include "store/schema.h"
#include "util/ids.h"

namespace interactiond::store {

using domain::Error;
using domain::Result;

struct SqliteStore::WriterStatements {
  explicit WriterStatements(Database& db)
      : find_conversation(
            db.Prepare("SELECT c.identifier, c.current_session_id, u.id, s.status FROM end_users u "
                       "JOIN conversations c ON c.end_user_id = u.id "
                       "JOIN sessions s ON s.id = c.current_session_id "
                       "WHERE u.org_id = ?1 AND u.channel_address = ?2 AND u.client_id = ?3")),
        insert_end_user(db.Prepare(
            "INSERT INTO end_users(id, org_id, channel_id, channel_address, client_id, created_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")),
        insert_conversation(
            db.Prepare("INSERT INTO conversations(identifier, org_id, channel_id, channel_address, "
                       "channel_definition, end_user_id, current_session_id, created_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")),
        insert_session(db.Prepare(
            "INSERT INTO sessions(id, org_id, conversation_identifier, status, start_time) "
            "VALUES (?1, ?2, ?3, 'New', ?4)")),
        insert_participant(db.Prepare(
            "INSERT OR IGNORE INTO participants(conversation_identifier, app_type, subject, role, "
            "joined_time) VALUES (?1, ?2, ?3, ?4, ?5)")),
        insert_entry(db.Prepare(
            "INSERT INTO entries(conversation_identifier, session_id, entry_id, entry_type, "
            "sender_app_type, sender_subject, sender_role, client_timestamp, "
            "transcripted_timestamp, payload, request_id) "
            "VALUES (?1, ?2, ?3, ?4, 'custom', ?5, 'EndUser', ?6, ?7, ?8, ?9) "
            "ON CONFLICT(conversation_identifier, entry_id) DO NOTHING")),
        insert_attachment(
            db.Prepare("INSERT OR IGNORE INTO attachments(id, conversation_identifier, entry_id, "
                       "sha256, size, "
                       "mime_type, filename, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")),
        save_counter(db.Prepare("INSERT INTO counters(name, value) VALUES (?1, ?2) "
                                "ON CONFLICT(name) DO UPDATE SET value = excluded.value")),
        insert_entry_any(db.Prepare(
            "INSERT INTO entries(conversation_identifier, session_id, entry_id, entry_type, "
            "sender_app_type, sender_subject, sender_role, client_timestamp, "
            "transcripted_timestamp, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
            "ON CONFLICT(conversation_identifier, entry_id) DO NOTHING")),
        insert_event(db.Prepare(
            "INSERT INTO events(org_id, topic, created_date, created_by_id, event_type_field, "
            "payload_field, event_type, payload, conversation_identifier, entry_type) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")),
        active_chatbots(
            db.Prepare("SELECT subject FROM participants WHERE conversation_identifier = ?1 AND "
                       "role = 'Chatbot' AND left_time IS NULL")),
        begin(db.Prepare("BEGIN IMMEDIATE")),
        commit(db.Prepare("COMMIT")),
        savepoint(db.Prepare("SAVEPOINT request")),
        rollback_to_savepoint(db.Prepare("ROLLBACK TO request")),
        release_savepoint(db.Prepare("RELEASE request")) {}

  Statement find_conversation;
  Statement insert_end_user;
  Statement insert_conversation;
  Statement insert_session;
  Statement insert_participant;
  Statement insert_entry;
  Statement insert_attachment;
  Statement save_counter;
  Statement insert_entry_any;  // an entry from any sender (reps, bots, the system)
  Statement insert_event;
  Statement active_chatbots;  // bots in a conversation: they receive the end user's messages
  // Transaction control, prepared once: the writer runs these for every request of every group.
  Statement begin;
  Statement commit;
  Statement savepoint;
  Statement rollback_to_savepoint;
  Statement release_savepoint;
};

namespace {

// Resets a statement when the scope ends, whatever happens, so a failed step never leaves a
// statement holding a read transaction open.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

void RunOnce(Statement& statement) {
  ResetOnExit reset(statement);
  statement.Run();
}

const char* SynchronousPragma(config::Durability durability) {
  switch (durability) {
    case config::Durability::kFull:
      return "PRAGMA synchronous=FULL";
    case config::Durability::kNormal:
      return "PRAGMA synchronous=NORMAL";
    case config::Durability::kOff:
      return "PRAGMA synchronous=OFF";
  }
  return "PRAGMA synchronous=FULL";
}

std::string ConversationKey(const InboundWrite& write) {
  std::string key = write.org_id;
  key += '\n';
  key += write.channel_address;
  key += '\n';
  key += write.end_user_client_id;
  return key;
}

boost::json::value ParseStoredJson(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  return ec ? boost::json::value(text) : value;
}

}  // namespace

// Returns a reader connection to the pool however the read ends.
class SqliteStore::ReadLease {
 public:
  explicit ReadLease(SqliteStore& store) : store_(store), db_(store.AcquireReader()) {}
  ~ReadLease() { store_.ReleaseReader(std::move(db_)); }
  ReadLease(const ReadLease&) = delete;
  ReadLease& operator=(const ReadLease&) = delete;
  Database& db() { return *db_; }

 private:
  SqliteStore& store_;
  std::unique_ptr<Database> db_;
};

SqliteStore::SqliteStore(const std::filesystem::path& data_dir, config::Durability durability,
                         util::FaultInjector* faults)
    : path_(data_dir / "interactiond.db"), durability_(durability), faults_(faults) {
  std::filesystem::create_directories(data_dir);
  writer_db_ = std::make_unique<Database>(path_, /*read_only=*/false);
  writer_db_->Exec("PRAGMA journal_mode=WAL");
  writer_db_->Exec(SynchronousPragma(durability));
  writer_db_->Exec("PRAGMA foreign_keys=ON");
  MigrateSchema(*writer_db_);
  sql_ = std::make_unique<WriterStatements>(*writer_db_);
  Statement counters = writer_db_->Prepare("SELECT name, value FROM counters");
  while (counters.Step()) counters_[counters.Text(0)] = static_cast<uint64_t>(counters.Int(1));
  writer_ = std::thread([this] { WriterLoop(); });
}

SqliteStore::~SqliteStore() { Close(); }

void SqliteStore::Close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_ && !writer_.joinable()) return;
    closing_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  sql_.reset();
  if (writer_db_) {
    // Fold the WAL back into the database so a stopped server leaves one file behind.
    try {
      writer_db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const SqliteError&) {
      // A reader still open elsewhere; the WAL is replayed on next open, nothing is lost.
    }
  }
  writer_db_.reset();
  std::lock_guard lock(readers_mutex_);
  readers_.clear();
}

uint64_t SqliteStore::commit_count() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

void SqliteStore::Submit(PendingWrite write) {
  {
    std::lock_guard lock(mutex_);
    if (!closing_) {
      queue_.push_back(std::move(write));
      wake_.notify_one();
      return;
    }
  }
  write.done(Error::Of(500, "store is closed"));
}

void SqliteStore::SubmitInbound(InboundWrite write,
                                std::function<void(Result<InboundWriteResult>)> done) {
  auto outcome = std::make_shared<InboundWriteResult>();
  auto shared_write = std::make_shared<InboundWrite>(std::move(write));
  Submit(PendingWrite{[this, outcome, shared_write](
                          std::vector<events::OutboundEvent>& appended) -> domain::Status {
                        auto result = ApplyInbound(*shared_write);
                        if (!result.ok()) return result.error();
                        *outcome = std::move(result).value();
                        if (shared_write->events && !outcome->duplicate) {
                          for (events::OutboundEvent& event : shared_write->events(*outcome)) {
                            AppendEvent(event);
                            appended.push_back(std::move(event));
                          }
                        }
                        if (shared_write->on_session_start && outcome->session_needs_routing) {
                          // Its savepoint is rolled back when this fails: the writer's cache
                          // must not keep a conversation or session that was never committed.
                          try {
                            auto state = LoadConversation(outcome->conversation_identifier);
                            if (!state) throw SqliteError("conversation vanished");
                            auto change = shared_write->on_session_start(*state);
                            if (!change.ok())
                              throw SqliteError("routing: " + change.error().log_detail);
                            ApplyChange(*state, *change);
                            for (const auto& event : change->events) appended.push_back(event);
                          } catch (const SqliteError&) {
                            conversations_.erase(ConversationKey(*shared_write));
                            throw;
                          }
                        }
                        return domain::OkStatus();
                      },
                      [outcome, done = std::move(done)](domain::Status status) {
                        if (!status.ok()) return done(status.error());
                        done(std::move(*outcome));
                      }});
}

void SqliteStore::SubmitConversationChange(
    std::string conversation_identifier, Decide decide,
    std::function<void(Result<domain::ConversationChange>)> done) {
  auto change = std::make_shared<domain::ConversationChange>();
  Submit(PendingWrite{
      [this, identifier = std::move(conversation_identifier), decide = std::move(decide),
       change](std::vector<events::OutboundEvent>& appended) -> domain::Status {
        std::optional<domain::ConversationState> state = LoadConversation(identifier);
        if (!state) return Error::Of(10018, "no conversation " + identifier);
        auto decided = decide(*state);
        if (!decided.ok()) return decided.error();
        *change = std::move(decided).value();
        ApplyChange(*state, *change);
        for (const auto& event : change->events) appended.push_back(event);
        return domain::OkStatus();
      },
      [change, done = std::move(done)](domain::Status status) {
        if (!status.ok()) return done(status.error());
        done(std::move(*change));
      }});
}

std::optional<domain::ConversationState> SqliteStore::LoadConversation(
    const std::string& identifier) {
  Statement c = writer_db_->Prepare(
      "SELECT c.identifier, c.org_id, c.channel_id, c.channel_address, c.channel_definition, "
      "u.client_id, u.id, s.id, s.status, s.start_time, u.consent_status FROM conversations c "
      "JOIN end_users u ON u.id = c.end_user_id JOIN sessions s ON s.id = c.current_session_id "
      "WHERE c.identifier = ?1");
  c.Bind(1, identifier);
  if (!c.Step()) return std::nullopt;
  domain::ConversationState state;
  state.conversation_identifier = c.Text(0);
  state.org_id = c.Text(1);
  state.channel_id = c.Text(2);
  state.channel_address = c.Text(3);
  state.channel_definition = c.Text(4);
  state.end_user_client_id = c.Text(5);
  state.end_user_id = c.Text(6);
  state.session_id = c.Text(7);
  state.session_status = c.Text(8);
  state.session_start_time = c.Int(9);
  state.consent_status = c.Text(10);
  state.find_entry = [this,
                      identifier](const std::string& entry_id) -> std::optional<domain::EntryRef> {
    Statement e = writer_db_->Prepare(
        "SELECT entry_type, sender_app_type, sender_subject, sender_role FROM entries "
        "WHERE conversation_identifier = ?1 AND entry_id = ?2");
    e.Bind(1, identifier).Bind(2, entry_id);
    if (!e.Step()) return std::nullopt;
    return domain::EntryRef{e.Text(0), e.Text(1), e.Text(2), e.Text(3)};
  };
  Statement p = writer_db_->Prepare(
      "SELECT app_type, subject, role, COALESCE(display_name, ''), joined_time FROM participants "
      "WHERE conversation_identifier = ?1 AND left_time IS NULL ORDER BY joined_time");
  p.Bind(1, identifier);
  while (p.Step()) {
    state.participants.push_back({p.Text(0), p.Text(1), p.Text(2), p.Text(3), p.Int(4)});
  }
  LoadRouting(state);
  return state;
}

void SqliteStore::ApplyChange(const domain::ConversationState& state,
                              domain::ConversationChange& change) {
  for (const auto& participant : change.joined) {
    Statement s = writer_db_->Prepare(
        "INSERT INTO participants(conversation_identifier, app_type, subject, role, "
        "display_name, joined_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT(conversation_identifier, role, subject) DO UPDATE SET left_time = NULL, "
        "joined_time = excluded.joined_time, display_name = excluded.display_name");
    s.Bind(1, state.conversation_identifier).Bind(2, participant.app_type);
    s.Bind(3, participant.subject).Bind(4, participant.role).Bind(5, participant.display_name);
    s.Bind(6, participant.joined_time).Run();
  }
  for (const auto& [subject, role] : change.left) {
    Statement s = writer_db_->Prepare(
        "UPDATE participants SET left_time = ?1 WHERE conversation_identifier = ?2 AND "
        "subject = ?3 AND role = ?4 AND left_time IS NULL");
    s.Bind(1, change.left_time).Bind(2, state.conversation_identifier).Bind(3, subject);
    s.Bind(4, role).Run();
  }
  if (change.session_status) {
    Statement s = writer_db_->Prepare(
        "UPDATE sessions SET status = ?1, end_time = COALESCE(?2, end_time) WHERE id = ?3");
    s.Bind(1, *change.session_status);
    if (change.session_end_time) {
      s.Bind(2, *change.session_end_time);
    } else {
      s.BindNull(2);
    }
    s.Bind(3, state.session_id).Run();
    // Keep the inbound path's cache in step: an Ended session is not reused.
    const std::string key =
        state.org_id + '\n' + state.channel_address + '\n' + state.end_user_client_id;
    if (auto it = conversations_.find(key); it != conversations_.end()) {
      it->second.session_status = *change.session_status;
    }
  }
  for (const auto& [entry_id, status] : change.acknowledged) {
    Statement s = writer_db_->Prepare(
        "UPDATE entries SET acknowledgement_status = ?1 WHERE conversation_identifier = ?2 AND "
        "entry_id = ?3 AND (acknowledgement_status IS NULL OR ?1 = 'Read')");
    s.Bind(1, status).Bind(2, state.conversation_identifier).Bind(3, entry_id).Run();
  }
  if (change.consent_status) {
    Statement s = writer_db_->Prepare("UPDATE end_users SET consent_status = ?1 WHERE id = ?2");
    s.Bind(1, *change.consent_status).Bind(2, state.end_user_id).Run();
  }
  for (const auto& entry : change.entries) {
    Statement& s = sql_->insert_entry_any;
    ResetOnExit reset(s);
    s.Bind(1, state.conversation_identifier).Bind(2, state.session_id).Bind(3, entry.entry_id);
    s.Bind(4, entry.entry_type).Bind(5, entry.sender_app_type).Bind(6, entry.sender_subject);
    s.Bind(7, entry.sender_role).Bind(8, entry.client_timestamp);
    s.Bind(9, entry.transcripted_timestamp).Bind(10, entry.payload_json).Run();
  }
  ApplyRouting(state, change);
  for (auto& event : change.events) AppendEvent(event);
}

void SqliteStore::Publish(std::vector<events::OutboundEvent> events,
                          std::function<void(Result<std::vector<uint64_t>>)> done) {
  auto shared_events = std::make_shared<std::vector<events::OutboundEvent>>(std::move(events));
  auto ids = std::make_shared<std::vector<uint64_t>>();
  Submit(PendingWrite{
      [this, shared_events, ids](std::vector<events::OutboundEvent>& appended) -> domain::Status {
        ids->clear();
        for (events::OutboundEvent event : *shared_events) {
          AppendEvent(event);
          ids->push_back(event.replay_id);
          appended.push_back(std::move(event));
        }
        return domain::OkStatus();
      },
      [ids, done = std::move(done)](domain::Status status) {
        if (!status.ok()) return done(status.error());
        done(std::move(*ids));
      }});
}

void SqliteStore::AppendEvent(events::OutboundEvent& event) {
  Statement& s = sql_->insert_event;
  ResetOnExit reset(s);
  s.Bind(1, event.org_id).Bind(2, event.topic).Bind(3, event.created_date);
  s.Bind(4, event.created_by_id).Bind(5, event.event_type_field).Bind(6, event.payload_field);
  s.BindOptional(7, event.event_type).BindOptional(8, event.payload);
  s.Bind(9, event.conversation_identifier).Bind(10, event.entry_type).Run();
  event.replay_id = static_cast<uint64_t>(sqlite3_last_insert_rowid(writer_db_->handle()));
}

void SqliteStore::WriterLoop() {
  std::vector<PendingWrite> group;
  size_t previous_group_size = 1;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      // Commit delay (as PostgreSQL's commit_delay): right after a sync, the clients of the last
      // group are still sending their next requests. When fewer are queued than the last group
      // held, wait a moment for them so that one sync serves them all, instead of syncing a
      // group of one and making the rest wait a whole sync. Under light load the last group was
      // small and nothing waits.
      if (queue_.size() < previous_group_size && durability_ == config::Durability::kFull) {
        wake_.wait_for(lock, kCommitDelay, [this, previous_group_size] {
          return closing_ || queue_.size() >= previous_group_size;
        });
      }
      if (queue_.empty()) return;  // closing and drained
      group.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
    }
    previous_group_size = group.size();
    CommitGroup(group);
    group.clear();
  }
}

void SqliteStore::CommitGroup(std::vector<PendingWrite>& group) {
  std::vector<domain::Status> results;
  results.reserve(group.size());
  std::vector<events::OutboundEvent> appended;
  bool committed = false;
  try {
    RunOnce(sql_->begin);
    for (PendingWrite& pending : group) {
      RunOnce(sql_->savepoint);
      const size_t events_before = appended.size();
      try {
        results.push_back(pending.apply(appended));
      } catch (const SqliteError& e) {
        results.push_back(Error::Of(500, std::string("store: ") + e.what()));
      }
      if (!results.back().ok()) {
        RunOnce(sql_->rollback_to_savepoint);
        appended.resize(events_before);  // the rolled-back change's events are gone with it
      }
      RunOnce(sql_->release_savepoint);
    }
    if (faults_ != nullptr && faults_->Fire("store-commit")) {
      throw SqliteError("injected commit failure");
    }
    RunOnce(sql_->commit);
    committed = true;
  } catch (const SqliteError& e) {
    try {
      writer_db_->Exec("ROLLBACK");
    } catch (const SqliteError&) {
      // No transaction left to roll back.
    }
    // The caches may name rows that were never committed: forget them and reload the counters.
    conversations_.clear();
    counters_.clear();
    try {
      Statement counters = writer_db_->Prepare("SELECT name, value FROM counters");
      while (counters.Step()) counters_[counters.Text(0)] = static_cast<uint64_t>(counters.Int(1));
    } catch (const SqliteError&) {
      // Counters are reloaded lazily from an empty map: ids restart above max on next success.
    }
    appended.clear();
    results.resize(group.size(), Error::Of(500));
    for (auto& result : results) {
      if (result.ok()) result = Error::Of(500, std::string("commit failed: ") + e.what());
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (committed) ++commits_;
  }
  if (!appended.empty()) NotifyListeners(appended);
  if (completion_dispatcher_) {
    // One hand-off for the whole group: the I/O thread that runs it answers each request on its
    // own connection without waking another thread per request.
    auto batch = std::make_shared<
        std::vector<std::pair<std::function<void(domain::Status)>, domain::Status>>>();
    batch->reserve(group.size());
    for (size_t i = 0; i < group.size(); ++i) {
      batch->emplace_back(std::move(group[i].done), std::move(results[i]));
    }
    completion_dispatcher_([batch] {
      for (auto& [done, result] : *batch) done(std::move(result));
    });
  } else {
    for (size_t i = 0; i < group.size(); ++i) group[i].done(std::move(results[i]));
  }
  ExpireEvents();
}

void SqliteStore::NotifyListeners(const std::vector<events::OutboundEvent>& appended) {
  // Called without the lock held: a listener's owner may be destroyed during the call and
  // unregister itself (RemoveListener), which would otherwise deadlock. A listener removed
  // meanwhile may hear this one batch more; listeners hold weak references for that reason.
  std::vector<AppendListener> listeners;
  {
    std::lock_guard lock(listeners_mutex_);
    listeners.reserve(listeners_.size());
    for (const auto& [id, listener] : listeners_) listeners.push_back(listener);
  }
  for (const auto& listener : listeners) listener(appended);
}

uint64_t SqliteStore::AddListener(AppendListener listener) {
  std::lock_guard lock(listeners_mutex_);
  const uint64_t id = next_listener_id_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void SqliteStore::RemoveListener(uint64_t id) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(id);
}

void SqliteStore::SetEventRetention(int64_t retention_ms) { retention_ms_ = retention_ms; }

void SqliteStore::SetClock(const util::Clock* clock) { clock_.store(clock); }

void SqliteStore::SetCompletionDispatcher(std::function<void(std::function<void()>)> dispatcher) {
  completion_dispatcher_ = std::move(dispatcher);
}

// At most once a minute, on the writer thread between groups: events past retention go.
void SqliteStore::ExpireEvents() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_expiry_) return;
  next_expiry_ = now + std::chrono::minutes(1);
  const util::Clock* clock = clock_.load();
  const int64_t now_ms = clock != nullptr ? clock->NowMs()
                                          : std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count();
  const int64_t cutoff = now_ms - retention_ms_.load();
  try {
    Statement expire = writer_db_->Prepare("DELETE FROM events WHERE created_date < ?1");
    expire.Bind(1, cutoff).Run();
  } catch (const SqliteError&) {
    // Retried at the next expiry; old events linger a little longer, nothing is lost.
  }
}

std::string SqliteStore::NextId(const char* counter, const char* prefix) {
  uint64_t& value = counters_[counter];
  ++value;
  sql_->save_counter.Bind(1, std::string_view(counter)).Bind(2, static_cast<int64_t>(value));
  ResetOnExit reset(sql_->save_counter);
  sql_->save_counter.Run();
  return util::RecordId(prefix, value);
}

std::optional<SqliteStore::ConversationRef> SqliteStore::LookupConversation(
    const InboundWrite& write) {
  const std::string key = ConversationKey(write);
  if (auto it = conversations_.find(key); it != conversations_.end()) return it->second;
  Statement& find = sql_->find_conversation;
  ResetOnExit reset(find);
  find.Bind(1, write.org_id).Bind(2, write.channel_address).Bind(3, write.end_user_client_id);
  if (!find.Step()) return std::nullopt;
  ConversationRef ref{find.Text(0), find.Text(1), find.Text(2), find.Text(3)};
  conversations_.emplace(key, ref);
  return ref;
}

Result<InboundWriteResult> SqliteStore::ApplyInbound(const InboundWrite& write) {
  if (faults_ != nullptr && faults_->Fire("conversation-lookup")) {
    return Error::Of(20002, "injected conversation lookup failure");
  }
  InboundWriteResult result;
  std::optional<ConversationRef> ref = LookupConversation(write);
  bool session_opened = false;
  if (ref && ref->session_status == "Inactive" && write.reactivate_inactive) {
    // The end user came back: the session is Active again if a rep or bot is still in the
    // conversation, Waiting for one otherwise.
    Statement agents = writer_db_->Prepare(
        "SELECT COUNT(*) FROM participants WHERE conversation_identifier = ?1 AND "
        "role != 'EndUser' AND left_time IS NULL");
    agents.Bind(1, ref->conversation_identifier);
    agents.Step();
    const std::string status = agents.Int(0) > 0 ? "Active" : "Waiting";
    Statement update =
        writer_db_->Prepare("UPDATE sessions SET status = ?1 WHERE id = ?2 RETURNING start_time");
    update.Bind(1, status).Bind(2, ref->session_id);
    update.Step();
    result.session_start_time = update.Int(0);
    update.Run();
    result.session_status_prev = "Inactive";
    result.session_status = status;
    ref->session_status = status;
    session_opened = true;  // the cache learns the new status below
  }
  if (ref && ref->session_status == "Ended") {
    // An Ended session is terminal: the end user's next interaction opens a new one in the same
    // conversation.
    ref->session_id = NextId("session", "0Mw");
    ref->session_status = "New";
    Statement open_session = writer_db_->Prepare(
        "INSERT INTO sessions(id, org_id, conversation_identifier, status, start_time) "
        "VALUES (?1, ?2, ?3, 'New', ?4)");
    open_session.Bind(1, ref->session_id).Bind(2, write.org_id);
    open_session.Bind(3, ref->conversation_identifier).Bind(4, write.received_at_ms).Run();
    Statement point = writer_db_->Prepare(
        "UPDATE conversations SET current_session_id = ?1 WHERE identifier = ?2");
    point.Bind(1, ref->session_id).Bind(2, ref->conversation_identifier).Run();
    session_opened = true;
  }
  if (!ref) {
    ConversationRef created{util::RandomUuid(), NextId("session", "0Mw"),
                            NextId("end_user", "0PA")};
    {
      Statement& s = sql_->insert_end_user;
      ResetOnExit reset(s);
      s.Bind(1, created.end_user_id).Bind(2, write.org_id).Bind(3, write.channel_id);
      s.Bind(4, write.channel_address).Bind(5, write.end_user_client_id);
      s.Bind(6, write.received_at_ms).Run();
    }
    {
      Statement& s = sql_->insert_conversation;
      ResetOnExit reset(s);
      s.Bind(1, created.conversation_identifier).Bind(2, write.org_id).Bind(3, write.channel_id);
      s.Bind(4, write.channel_address).Bind(5, write.channel_definition);
      s.Bind(6, created.end_user_id).Bind(7, created.session_id).Bind(8, write.received_at_ms);
      s.Run();
    }
    {
      Statement& s = sql_->insert_session;
      ResetOnExit reset(s);
      s.Bind(1, created.session_id).Bind(2, write.org_id).Bind(3, created.conversation_identifier);
      s.Bind(4, write.received_at_ms).Run();
    }
    {
      Statement& s = sql_->insert_participant;
      ResetOnExit reset(s);
      s.Bind(1, created.conversation_identifier).Bind(2, std::string_view("custom"));
      s.Bind(3, write.end_user_client_id).Bind(4, std::string_view("EndUser"));
      s.Bind(5, write.received_at_ms).Run();
    }
    ref = created;
    result.created_conversation = true;
  }
  if (!write.entry_id.empty()) {  // POST /conversation establishes without an entry
    Statement& s = sql_->insert_entry;
    ResetOnExit reset(s);
    s.Bind(1, ref->conversation_identifier).Bind(2, ref->session_id).Bind(3, write.entry_id);
    s.Bind(4, write.entry_type).Bind(5, write.end_user_client_id);
    s.Bind(6, write.client_timestamp).Bind(7, write.received_at_ms).Bind(8, write.payload_json);
    s.Bind(9, write.request_id).Run();
    result.duplicate = writer_db_->Changes() == 0;
    result.session_needs_routing =
        !result.duplicate && (ref->session_status == "New" || result.session_status == "Waiting");
    if (!result.duplicate) {
      Statement& bots = sql_->active_chatbots;
      ResetOnExit reset_bots(bots);
      bots.Bind(1, ref->conversation_identifier);
      while (bots.Step()) result.chatbots.push_back(bots.Text(0));
    }
  }
  if (write.attachment && !result.duplicate) {
    Statement& s = sql_->insert_attachment;
    ResetOnExit reset(s);
    s.Bind(1, write.entry_id).Bind(2, ref->conversation_identifier).Bind(3, write.entry_id);
    s.Bind(4, write.attachment->sha256).Bind(5, static_cast<int64_t>(write.attachment->size));
    s.Bind(6, write.attachment->mime_type).Bind(7, write.attachment->filename);
    s.Bind(8, write.received_at_ms).Run();
  }
  if (result.created_conversation || session_opened) conversations_[ConversationKey(write)] = *ref;
  result.conversation_identifier = ref->conversation_identifier;
  result.session_id = ref->session_id;
  result.end_user_id = ref->end_user_id;
  return result;
}

std::unique_ptr<Database> SqliteStore::AcquireReader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!readers_.empty()) {
      auto reader = std::move(readers_.back());
      readers_.pop_back();
      return reader;
    }
  }
  return std::make_unique<Database>(path_, /*read_only=*/true);
}

void SqliteStore::ReleaseReader(std::unique_ptr<Database> reader) {
  if (!reader) return;
  std::lock_guard lock(readers_mutex_);
  if (readers_.size() < 8) readers_.push_back(std::move(reader));
}

Result<boost::json::value> SqliteStore::ListConversations(const ConversationQuery& query) {
  try {
    ReadLease lease(*this);
    Statement s = lease.db().Prepare(
        "SELECT c.identifier, c.org_id, c.channel_address, c.channel_definition, u.client_id, "
        "u.id, c.current_session_id, s.status, c.created_at, "
        "(SELECT COUNT(*) FROM entries e WHERE e.conversation_identifier = c.identifier), "
        "(SELECT MAX(transcripted_timestamp) FROM entries e "
        " WHERE e.conversation_identifier = c.identifier) "
        "FROM conversations c JOIN end_users u ON u.id = c.end_user_id "
        "JOIN sessions s ON s.id = c.current_session_id "
        "WHERE (?1 = '' OR c.org_id = ?1) ORDER BY c.created_at, c.rowid LIMIT ?2 OFFSET ?3");
    s.Bind(1, query.org_id).Bind(2, static_cast<int64_t>(query.limit));
    s.Bind(3, static_cast<int64_t>(query.offset));
    boost::json::array conversations;
    while (s.Step()) {
      boost::json::object c;
      c["conversationIdentifier"] = s.Text(0);
      c["orgId"] = s.Text(1);
      c["channelAddressIdentifier"] = s.Text(2);
      c["channelDefinition"] = s.Text(3);
      c["endUserClientId"] = s.Text(4);
      c["messagingEndUserId"] = s.Text(5);
      c["messagingSessionId"] = s.Text(6);
      c["sessionStatus"] = s.Text(7);
      c["createdDate"] = s.Int(8);
      c["entryCount"] = s.Int(9);
      if (!s.IsNull(10)) c["lastEntryDate"] = s.Int(10);
      conversations.push_back(std::move(c));
    }
    Statement count =
        lease.db().Prepare("SELECT COUNT(*) FROM conversations WHERE (?1 = '' OR org_id = ?1)");
    count.Bind(1, query.org_id);
    count.Step();
    boost::json::object body;
    body["totalSize"] = count.Int(0);
    body["conversations"] = std::move(conversations);
    return boost::json::value(std::move(body));
  } catch (const SqliteError& e) {
    return Error::Of(500, std::string("store read: ") + e.what());
  }
}

Result<boost::json::value> SqliteStore::GetConversation(const std::string& identifier) {
  try {
    ReadLease lease(*this);
    Database& db = lease.db();
    Statement c = db.Prepare(
        "SELECT c.identifier, c.org_id, c.channel_id, c.channel_address, c.channel_definition, "
        "c.current_session_id, c.created_at, u.id, u.client_id, u.consent_status, u.created_at "
        "FROM conversations c JOIN end_users u ON u.id = c.end_user_id WHERE c.identifier = ?1");
    c.Bind(1, identifier);
    if (!c.Step()) return boost::json::value(nullptr);
    boost::json::object body;
    body["conversationIdentifier"] = c.Text(0);
    body["orgId"] = c.Text(1);
    body["channelId"] = c.Text(2);
    body["channelAddressIdentifier"] = c.Text(3);
    body["channelDefinition"] = c.Text(4);
    body["messagingSessionId"] = c.Text(5);
    body["createdDate"] = c.Int(6);
    boost::json::object end_user;
    end_user["id"] = c.Text(7);
    end_user["endUserClientId"] = c.Text(8);
    end_user["consentStatus"] = c.Text(9);
    end_user["createdDate"] = c.Int(10);
    body["messagingEndUser"] = std::move(end_user);

    Statement sessions = db.Prepare(
        "SELECT id, status, start_time, end_time FROM sessions WHERE conversation_identifier = ?1 "
        "ORDER BY start_time, id");
    sessions.Bind(1, identifier);
    boost::json::array session_list;
    while (sessions.Step()) {
      boost::json::object s;
      s["id"] = sessions.Text(0);
      s["status"] = sessions.Text(1);
      s["startTime"] = sessions.Int(2);
      s["endTime"] =
          sessions.IsNull(3) ? boost::json::value(nullptr) : boost::json::value(sessions.Int(3));
      session_list.push_back(std::move(s));
    }
    body["messagingSessions"] = std::move(session_list);

    Statement participants = db.Prepare(
        "SELECT app_type, subject, role, display_name, joined_time, left_time FROM participants "
        "WHERE conversation_identifier = ?1 ORDER BY joined_time, role, subject");
    participants.Bind(1, identifier);
    boost::json::array participant_list;
    while (participants.Step()) {
      boost::json::object p;
      p["participant"] = {{"appType", participants.Text(0)},
                          {"subject", participants.Text(1)},
                          {"role", participants.Text(2)}};
      if (!participants.IsNull(3)) p["displayName"] = participants.Text(3);
      p["joinedTime"] = participants.Int(4);
      p["leftTime"] = participants.IsNull(5) ? boost::json::value(nullptr)
                                             : boost::json::value(participants.Int(5));
      participant_list.push_back(std::move(p));
    }
    body["participants"] = std::move(participant_list);

    Statement entries = db.Prepare(
        "SELECT seq, entry_id, entry_type, sender_app_type, sender_subject, sender_role, "
        "client_timestamp, transcripted_timestamp, payload, session_id, request_id, "
        "acknowledgement_status FROM entries "
        "WHERE conversation_identifier = ?1 ORDER BY seq");
    entries.Bind(1, identifier);
    boost::json::array entry_list;
    while (entries.Step()) {
      boost::json::object e;
      e["sequence"] = entries.Int(0);
      e["identifier"] = entries.Text(1);
      e["entryType"] = entries.Text(2);
      e["sender"] = {
          {"appType", entries.Text(3)}, {"subject", entries.Text(4)}, {"role", entries.Text(5)}};
      e["clientTimestamp"] = entries.Int(6);
      e["transcriptedTimestamp"] = entries.Int(7);
      e["entryPayload"] = ParseStoredJson(entries.Text(8));
      e["messagingSessionId"] = entries.Text(9);
      if (!entries.IsNull(10)) e["requestId"] = entries.Text(10);
      if (!entries.IsNull(11)) e["acknowledgementStatus"] = entries.Text(11);
      entry_list.push_back(std::move(e));
    }
    body["entries"] = std::move(entry_list);

    Statement attachments = db.Prepare(
        "SELECT id, entry_id, sha256, size, mime_type, filename FROM attachments "
        "WHERE conversation_identifier = ?1 ORDER BY created_at, id");
    attachments.Bind(1, identifier);
    boost::json::array attachment_list;
    while (attachments.Step()) {
      boost::json::object a;
      a["id"] = attachments.Text(0);
      a["entryIdentifier"] = attachments.Text(1);
      a["sha256"] = attachments.Text(2);
      a["size"] = attachments.Int(3);
      a["mimeType"] = attachments.Text(4);
      if (!attachments.IsNull(5)) a["name"] = attachments.Text(5);
      a["url"] = "/admin/v1/attachments/" + attachments.Text(2);
      attachment_list.push_back(std::move(a));
    }
    body["attachments"] = std::move(attachment_list);
    AppendRoutingView(db, identifier, body);
    return boost::json::value(std::move(body));
  } catch (const SqliteError& e) {
    return Error::Of(500, std::string("store read: ") + e.what());
  }
}

Result<boost::json::value> SqliteStore::Stats() {
  try {
    ReadLease lease(*this);
    Statement s = lease.db().Prepare(
        "SELECT (SELECT COUNT(*) FROM conversations), (SELECT COUNT(*) FROM sessions), "
        "(SELECT COUNT(*) FROM end_users), (SELECT COUNT(*) FROM entries), "
        "(SELECT COUNT(*) FROM attachments)");
    s.Step();
    boost::json::object body;
    body["conversations"] = s.Int(0);
    body["messagingSessions"] = s.Int(1);
    body["messagingEndUsers"] = s.Int(2);
    body["entries"] = s.Int(3);
    body["attachments"] = s.Int(4);
    return boost::json::value(std::move(body));
  } catch (const SqliteError& e) {
    return Error::Of(500, std::string("store read: ") + e.what());
  }
}

namespace {

constexpr const char* kEventColumns =
    "seq, org_id, topic, created_date, created_by_id, event_type_field, payload_field, "
    "event_type, payload, conversation_identifier, entry_type";

events::OutboundEvent EventFromRow(const Statement& s) {
  events::OutboundEvent event;
  event.replay_id = static_cast<uint64_t>(s.Int(0));
  event.org_id = s.Text(1);
  event.topic = s.Text(2);
  event.created_date = s.Int(3);
  event.created_by_id = s.Text(4);
  event.event_type_field = s.Text(5);
  event.payload_field = s.Text(6);
  event.event_type = s.OptionalText(7);
  event.payload = s.OptionalText(8);
  event.conversation_identifier = s.Text(9);
  event.entry_type = s.Text(10);
  return event;
}

// The log's end: the highest replay id ever assigned (AUTOINCREMENT keeps it in sqlite_sequence
// even when retention deleted the rows).
uint64_t LogEnd(Database& db) {
  Statement s = db.Prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
  return s.Step() ? static_cast<uint64_t>(s.Int(0)) : 0;
}

}  // namespace

Result<std::vector<events::OutboundEvent>> SqliteStore::ReadEvents(const std::string& org_id,
                                                                   const std::string& topic,
                                                                   uint64_t after_replay_id,
                                                                   size_t limit) {
  events::EventQuery query;
  query.org_id = org_id;
  query.topic = topic;
  query.after_replay_id = after_replay_id;
  query.limit = limit;
  return QueryEvents(query);
}

Result<std::vector<events::OutboundEvent>> SqliteStore::QueryEvents(
    const events::EventQuery& query) {
  try {
    ReadLease lease(*this);
    Statement s = lease.db().Prepare(
        std::string("SELECT ") + kEventColumns +
        " FROM events WHERE seq > ?1 AND (?2 = '' OR org_id = ?2) AND (?3 = '' OR topic = ?3) "
        "AND (?4 = '' OR conversation_identifier = ?4) AND (?5 = '' OR entry_type = ?5) "
        "AND (?6 = '' OR event_type = ?6) ORDER BY seq LIMIT ?7");
    s.Bind(1, static_cast<int64_t>(query.after_replay_id)).Bind(2, query.org_id);
    s.Bind(3, query.topic).Bind(4, query.conversation_identifier).Bind(5, query.entry_type);
    s.Bind(6, query.event_type).Bind(7, static_cast<int64_t>(query.limit));
    std::vector<events::OutboundEvent> out;
    while (s.Step()) out.push_back(EventFromRow(s));
    return out;
  } catch (const SqliteError& e) {
    return Error::Of(500, std::string("event log read: ") + e.what());
  }
}

uint64_t SqliteStore::LatestReplayId(const std::string& org_id, const std::string& topic) {
  try {
    ReadLease lease(*this);
    Statement s =
        lease.db().Prepare("SELECT MAX(seq) FROM events WHERE org_id = ?1 AND topic = ?2");
    s.Bind(1, org_id).Bind(2, topic);
    if (s.Step() && !s.IsNull(0)) return static_cast<uint64_t>(s.Int(0));
    return LogEnd(lease.db());
  } catch (const SqliteError&) {
    return 0;
  }
}

uint64_t SqliteStore::RetentionFloor(const std::string& org_id, const std::string& topic) {
  try {
    ReadLease lease(*this);
    Statement s =
        lease.db().Prepare("SELECT MIN(seq) FROM events WHERE org_id = ?1 AND topic = ?2");
    s.Bind(1, org_id).Bind(2, topic);
    if (s.Step() && !s.IsNull(0)) return static_cast<uint64_t>(s.Int(0)) - 1;
    return LogEnd(lease.db());
  } catch (const SqliteError&) {
    return 0;
  }
}

bool SqliteStore::IsValidResumePoint(const std::string& org_id, uint64_t replay_id) {
  try {
    ReadLease lease(*this);
    if (replay_id > LogEnd(lease.db())) return false;  // a position the log never reached
    // Expired: older than the oldest retained event of the org (positions before any event was
    // ever deleted are all still valid).
    Statement oldest = lease.db().Prepare("SELECT MIN(seq) FROM events WHERE org_id = ?1");
    oldest.Bind(1, org_id);
    if (!oldest.Step() || oldest.IsNull(0))
      return replay_id == LogEnd(lease.db()) || replay_id == 0;
    const uint64_t first = static_cast<uint64_t>(oldest.Int(0));
    return replay_id + 1 >= first || first == 1;
  } catch (const SqliteError&) {
    return false;
  }
}

Result<std::optional<std::string>> SqliteStore::FindConversation(
    const std::string& org_id, const std::string& channel_address,
    const std::string& end_user_client_id) {
  try {
    ReadLease lease(*this);
    Statement s = lease.db().Prepare(
        "SELECT c.identifier FROM end_users u JOIN conversations c ON c.end_user_id = u.id "
        "WHERE u.org_id = ?1 AND u.channel_address = ?2 AND u.client_id = ?3");
    s.Bind(1, org_id).Bind(2, channel_address).Bind(3, end_user_client_id);
    if (!s.Step()) return std::optional<std::string>();
    return std::optional<std::string>(s.Text(0));
  } catch (const SqliteError& e) {
    return Error::Of(500, std::string("store read: ") + e.what());
  }
}

}  // namespace interactiond::store
