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
            db.Prepare("SELECT c.identifier, c.current_session_id, u.id FROM end_users u "
                       "JOIN conversations c ON c.end_user_id = u.id "
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

void SqliteStore::SubmitInbound(InboundWrite write,
                                std::function<void(Result<InboundWriteResult>)> done) {
  {
    std::lock_guard lock(mutex_);
    if (!closing_) {
      queue_.push_back({std::move(write), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(Error::Of(500, "store is closed"));
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
  std::vector<Result<InboundWriteResult>> results;
  results.reserve(group.size());
  bool committed = false;
  try {
    RunOnce(sql_->begin);
    for (PendingWrite& pending : group) {
      RunOnce(sql_->savepoint);
      try {
        results.push_back(ApplyInbound(pending.write));
      } catch (const SqliteError& e) {
        results.push_back(Error::Of(500, std::string("store: ") + e.what()));
      }
      if (!results.back().ok()) RunOnce(sql_->rollback_to_savepoint);
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
    results.resize(group.size(), Error::Of(500));
    for (auto& result : results) {
      if (result.ok()) result = Error::Of(500, std::string("commit failed: ") + e.what());
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (committed) ++commits_;
  }
  for (size_t i = 0; i < group.size(); ++i) group[i].done(std::move(results[i]));
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
  ConversationRef ref{find.Text(0), find.Text(1), find.Text(2)};
  conversations_.emplace(key, ref);
  return ref;
}

Result<InboundWriteResult> SqliteStore::ApplyInbound(const InboundWrite& write) {
  if (faults_ != nullptr && faults_->Fire("conversation-lookup")) {
    return Error::Of(20002, "injected conversation lookup failure");
  }
  InboundWriteResult result;
  std::optional<ConversationRef> ref = LookupConversation(write);
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
  {
    Statement& s = sql_->insert_entry;
    ResetOnExit reset(s);
    s.Bind(1, ref->conversation_identifier).Bind(2, ref->session_id).Bind(3, write.entry_id);
    s.Bind(4, write.entry_type).Bind(5, write.end_user_client_id);
    s.Bind(6, write.client_timestamp).Bind(7, write.received_at_ms).Bind(8, write.payload_json);
    s.Bind(9, write.request_id).Run();
    result.duplicate = writer_db_->Changes() == 0;
  }
  if (write.attachment && !result.duplicate) {
    Statement& s = sql_->insert_attachment;
    ResetOnExit reset(s);
    s.Bind(1, write.entry_id).Bind(2, ref->conversation_identifier).Bind(3, write.entry_id);
    s.Bind(4, write.attachment->sha256).Bind(5, static_cast<int64_t>(write.attachment->size));
    s.Bind(6, write.attachment->mime_type).Bind(7, write.attachment->filename);
    s.Bind(8, write.received_at_ms).Run();
  }
  if (result.created_conversation) conversations_.emplace(ConversationKey(write), *ref);
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
        "client_timestamp, transcripted_timestamp, payload, session_id, request_id FROM entries "
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

}  // namespace interactiond::store
