#include "store/schema.h"

#include <string>
#include <vector>

namespace interactiond::store {
namespace {

// Append-only: never edit a migration that has shipped; add the next one.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> kMigrations = {
      // 1: conversations, sessions, end users, participants, entries, attachments, id counters.
      R"sql(
      CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE end_users (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        channel_address TEXT NOT NULL,
        client_id TEXT NOT NULL,
        consent_status TEXT NOT NULL DEFAULT 'ImplicitlyOptedIn',
        created_at INTEGER NOT NULL,
        UNIQUE (org_id, channel_address, client_id)
      );
      CREATE TABLE conversations (
        identifier TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        channel_address TEXT NOT NULL,
        channel_definition TEXT NOT NULL,
        end_user_id TEXT NOT NULL REFERENCES end_users(id),
        current_session_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX conversations_by_org ON conversations(org_id, created_at);
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        conversation_identifier TEXT NOT NULL REFERENCES conversations(identifier),
        status TEXT NOT NULL,
        start_time INTEGER NOT NULL,
        end_time INTEGER
      );
      CREATE INDEX sessions_by_conversation ON sessions(conversation_identifier);
      CREATE TABLE participants (
        conversation_identifier TEXT NOT NULL REFERENCES conversations(identifier),
        app_type TEXT NOT NULL,
        subject TEXT NOT NULL,
        role TEXT NOT NULL,
        display_name TEXT,
        joined_time INTEGER NOT NULL,
        left_time INTEGER,
        PRIMARY KEY (conversation_identifier, role, subject)
      ) WITHOUT ROWID;
      CREATE TABLE entries (
        seq INTEGER PRIMARY KEY,  -- rowid: entries are never deleted, so it only grows
        conversation_identifier TEXT NOT NULL REFERENCES conversations(identifier),
        session_id TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        entry_type TEXT NOT NULL,
        sender_app_type TEXT NOT NULL,
        sender_subject TEXT NOT NULL,
        sender_role TEXT NOT NULL,
        client_timestamp INTEGER NOT NULL,
        transcripted_timestamp INTEGER NOT NULL,
        payload TEXT NOT NULL,
        request_id TEXT,
        UNIQUE (conversation_identifier, entry_id)
      );
      CREATE TABLE attachments (
        id TEXT NOT NULL,
        conversation_identifier TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        mime_type TEXT NOT NULL,
        filename TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_identifier, id)
      ) WITHOUT ROWID;
      )sql",
      // 2: the outbound event log. seq is the replay id. AUTOINCREMENT because retention may
      // delete every row, and replay ids must never be reused.
      R"sql(
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        org_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        created_date INTEGER NOT NULL,
        created_by_id TEXT NOT NULL,
        event_type_field TEXT NOT NULL,
        payload_field TEXT NOT NULL,
        event_type TEXT,
        payload TEXT,
        conversation_identifier TEXT NOT NULL DEFAULT '',
        entry_type TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX events_by_topic ON events(org_id, topic, seq);
      CREATE INDEX events_by_conversation ON events(conversation_identifier, seq);
      CREATE INDEX events_by_date ON events(created_date);
      )sql",
      // 3: delivery and read acknowledgements of entries.
      R"sql(
      ALTER TABLE entries ADD COLUMN acknowledgement_status TEXT;
      )sql",
      // 4: routing: pending service routings, AgentWork, rep presence, partner routing requests.
      R"sql(
      CREATE TABLE psrs (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        conversation_identifier TEXT NOT NULL,
        session_id TEXT NOT NULL,
        routing_type TEXT NOT NULL,
        queue_id TEXT NOT NULL DEFAULT '',
        flow_id TEXT NOT NULL DEFAULT '',
        target_user TEXT NOT NULL DEFAULT '',
        target_bot TEXT NOT NULL DEFAULT '',
        routing_correlation_id TEXT NOT NULL DEFAULT '',
        initiator_subject TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL
      );
      CREATE INDEX psrs_by_conversation ON psrs(conversation_identifier);
      CREATE INDEX psrs_by_queue ON psrs(org_id, queue_id, created_at);
      CREATE TABLE agent_works (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        conversation_identifier TEXT NOT NULL,
        session_id TEXT NOT NULL,
        user_id TEXT NOT NULL DEFAULT '',
        bot_id TEXT NOT NULL DEFAULT '',
        context_type TEXT NOT NULL,
        status TEXT NOT NULL,
        psr_id TEXT NOT NULL DEFAULT '',
        queue_id TEXT NOT NULL DEFAULT '',
        routing_type TEXT NOT NULL,
        routing_correlation_id TEXT NOT NULL DEFAULT '',
        capacity_weight REAL,
        capacity_percentage REAL,
        agent_action_visibilities TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX agent_works_by_conversation ON agent_works(conversation_identifier);
      CREATE INDEX agent_works_by_psr ON agent_works(psr_id);
      CREATE INDEX agent_works_by_user ON agent_works(org_id, user_id, status);
      CREATE TABLE rep_presence (
        org_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        online INTEGER NOT NULL,
        capacity INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (org_id, user_id)
      ) WITHOUT ROWID;
      CREATE TABLE routing_requests (
        event_id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL,
        conversation_identifier TEXT NOT NULL,
        routing_type TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        target_kind TEXT NOT NULL,
        target_id TEXT NOT NULL,
        status TEXT NOT NULL,
        requested_at INTEGER NOT NULL,
        deadline INTEGER NOT NULL
      );
      CREATE INDEX routing_requests_by_conversation ON routing_requests(conversation_identifier);
      CREATE INDEX routing_requests_pending ON routing_requests(status, deadline);
      )sql",
      // 5: capabilities registered per integration (PATCH /api/v1/capabilities); a registration
      // replaces the row of its (org, integration type, developer name).
      R"sql(
      CREATE TABLE capabilities (
        org_id TEXT NOT NULL,
        integration_type TEXT NOT NULL,
        developer_name TEXT NOT NULL,
        app_type TEXT NOT NULL,
        channel_capabilities TEXT NOT NULL,
        request_id TEXT NOT NULL DEFAULT '',
        registered_at INTEGER NOT NULL,
        PRIMARY KEY (org_id, integration_type, developer_name)
      ) WITHOUT ROWID;
      )sql",
      // 6: the replay id each Pub/Sub API managed subscription last committed (ManagedSubscribe);
      // a commit replaces the row of its (org, subscription id).
      R"sql(
      CREATE TABLE managed_replays (
        org_id TEXT NOT NULL,
        subscription_id TEXT NOT NULL,
        replay_id INTEGER NOT NULL,
        committed_at INTEGER NOT NULL,
        PRIMARY KEY (org_id, subscription_id)
      ) WITHOUT ROWID;
      )sql",
  };
  return kMigrations;
}

}  // namespace

int CurrentSchemaVersion() { return static_cast<int>(Migrations().size()); }

void MigrateSchema(Database& db) {
  db.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_at INTEGER NOT NULL DEFAULT (unixepoch()))");
  Statement current = db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  current.Step();
  const int applied = static_cast<int>(current.Int(0));
  if (applied > CurrentSchemaVersion()) {
    throw SqliteError("the database has schema version " + std::to_string(applied) +
                      ", newer than this binary's " + std::to_string(CurrentSchemaVersion()));
  }
  const auto& migrations = Migrations();
  for (int version = applied + 1; version <= CurrentSchemaVersion(); ++version) {
    db.Exec("BEGIN IMMEDIATE");
    try {
      db.Exec(migrations[version - 1]);
      db.Exec("INSERT INTO schema_migrations(version) VALUES (" + std::to_string(version) + ")");
      db.Exec("COMMIT");
    } catch (...) {
      db.Exec("ROLLBACK");
      throw;
    }
  }
}

}  // namespace interactiond::store
