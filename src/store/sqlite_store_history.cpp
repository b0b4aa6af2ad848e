// POST /api/v1/conversationHistory in the embedded store: the conversation found or created as an
// inbound write without an entry does it, then participants, the session and the back-dated
// entries, all inside the writer's transaction (see store.h, SubmitHistory).
#include <optional>
#include <string>

#include <set>

#include "store/sqlite_store.h"
#include "util/ids.h"

namespace interactiond::store {

using domain::Error;
using domain::Result;

namespace {

// The writer's conversation cache key; the same as sqlite_store.cpp's for inbound writes.
std::string CacheKey(const InboundWrite& write) {
  return write.org_id + '\n' + write.channel_address + '\n' + write.end_user_client_id;
}

InboundWrite EstablishOnly(const HistoryWrite& write) {
  InboundWrite inbound;
  inbound.org_id = write.org_id;
  inbound.channel_id = write.channel_id;
  inbound.channel_address = write.channel_address;
  inbound.channel_definition = write.channel_definition;
  inbound.end_user_client_id = write.end_user_client_id;
  inbound.request_id = write.request_id;
  inbound.received_at_ms = write.received_at_ms;
  inbound.reactivate_inactive = false;  // importing history is not the end user coming back
  return inbound;                       // no entry_id: only the conversation
}

void BindOptional(Statement& statement, int index, const std::optional<int64_t>& number) {
  if (number) {
    statement.Bind(index, *number);
  } else {
    statement.BindNull(index);
  }
}

}  // namespace

void SqliteStore::SubmitHistory(HistoryWrite write,
                                std::function<void(Result<HistoryWriteResult>)> done) {
  auto outcome = std::make_shared<HistoryWriteResult>();
  auto shared_write = std::make_shared<HistoryWrite>(std::move(write));
  Submit(PendingWrite{
      [this, outcome, shared_write](std::vector<events::OutboundEvent>&) -> domain::Status {
        // History is the partner's own transcript: nothing is announced back to it.
        auto result = ApplyHistory(*shared_write);
        if (!result.ok()) return result.error();
        *outcome = std::move(result).value();
        return domain::OkStatus();
      },
      [outcome, done = std::move(done)](domain::Status status) {
        if (!status.ok()) return done(status.error());
        done(std::move(*outcome));
      }});
}

Result<HistoryWriteResult> SqliteStore::ApplyHistory(const HistoryWrite& write) {
  const InboundWrite establish = EstablishOnly(write);
  const std::string key = CacheKey(establish);

  // The facts the domain decides on, gathered before anything is written.
  domain::StoredHistoryFacts facts;
  const std::optional<ConversationRef> existing = LookupConversation(establish);
  facts.conversation_exists = existing.has_value();
  if (existing) {
    if (write.session == HistorySession::kAttach) {
      Statement session = writer_db_->Prepare(
          "SELECT status FROM sessions WHERE id = ?1 AND conversation_identifier = ?2");
      session.Bind(1, write.attach_session_id).Bind(2, existing->conversation_identifier);
      if (session.Step()) facts.attached_session_status = session.Text(0);
    }
    // Live entries use one id for entry and message; history entries may not, so both count.
    // One pass over the conversation's entries (its index), however many ids the request has.
    std::set<std::string> stored;
    Statement taken = writer_db_->Prepare(
        "SELECT entry_id, CASE WHEN json_valid(payload) THEN "
        "json_extract(payload, '$.abstractMessage.id') END FROM entries "
        "WHERE conversation_identifier = ?1");
    taken.Bind(1, existing->conversation_identifier);
    while (taken.Step()) {
      stored.insert(taken.Text(0));
      if (!taken.IsNull(1)) stored.insert(taken.Text(1));
    }
    for (const std::string& id : write.message_ids) {
      if (stored.count(id) > 0) facts.taken_ids.push_back(id);
    }
  }
  if (write.check) {
    if (auto status = write.check(facts); !status.ok()) return status.error();
  }

  // A failure below rolls this request's savepoint back; the cache must forget what it learnt
  // from the rolled-back rows too.
  std::optional<ConversationRef> cached_before;
  if (auto it = conversations_.find(key); it != conversations_.end()) cached_before = it->second;
  auto restore_cache = [&] {
    if (cached_before) {
      conversations_[key] = *cached_before;
    } else {
      conversations_.erase(key);
    }
  };
  try {
    // Attach continues an upload into a conversation that exists: it leaves the conversation's
    // sessions as they are (no new session after an Ended one, no reactivation).
    Result<InboundWriteResult> found = InboundWriteResult{};
    if (write.session == HistorySession::kAttach && existing) {
      if (faults_ != nullptr && faults_->Fire("conversation-lookup")) {
        return Error::Of(20002, "injected conversation lookup failure");
      }
      found->conversation_identifier = existing->conversation_identifier;
      found->session_id = existing->session_id;
      found->end_user_id = existing->end_user_id;
    } else {
      found = ApplyInbound(establish);
    }
    if (!found.ok()) {
      restore_cache();
      return found.error();
    }
    HistoryWriteResult result;
    result.conversation_identifier = found->conversation_identifier;
    result.created_conversation = found->created_conversation;

    // The end user keeps the earliest joined time known and never leaves; a Chatbot's times are
    // the history's.
    Statement participant = writer_db_->Prepare(
        "INSERT INTO participants(conversation_identifier, app_type, subject, role, "
        "display_name, joined_time, left_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT(conversation_identifier, role, subject) DO UPDATE SET "
        "app_type = excluded.app_type, "
        "display_name = COALESCE(excluded.display_name, display_name), "
        "joined_time = MIN(joined_time, excluded.joined_time), "
        "left_time = CASE WHEN role = 'EndUser' THEN left_time ELSE excluded.left_time END");
    for (const HistoryParticipantWrite& p : write.participants) {
      participant.Bind(1, result.conversation_identifier).Bind(2, p.app_type);
      participant.Bind(3, p.subject).Bind(4, p.role);
      participant.BindOptional(5, p.display_name).Bind(6, p.joined_time);
      BindOptional(participant, 7, p.left_time);
      participant.Run();
      participant.Reset();
    }

    switch (write.session) {
      case HistorySession::kCurrent:
        result.session_id = found->session_id;
        break;
      case HistorySession::kAttach:
        result.session_id = write.attach_session_id;
        break;
      case HistorySession::kEstablish: {
        auto established = EstablishHistorySession(write, *found, result.created_session);
        if (!established.ok()) {
          restore_cache();
          return established.error();
        }
        result.session_id = *established;
        break;
      }
    }

    Statement entry = writer_db_->Prepare(
        "INSERT INTO entries(conversation_identifier, session_id, entry_id, entry_type, "
        "sender_app_type, sender_subject, sender_role, client_timestamp, "
        "transcripted_timestamp, payload, request_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10)");
    for (const domain::NewEntry& e : write.entries) {
      entry.Bind(1, result.conversation_identifier).Bind(2, result.session_id);
      entry.Bind(3, e.entry_id).Bind(4, e.entry_type).Bind(5, e.sender_app_type);
      entry.Bind(6, e.sender_subject).Bind(7, e.sender_role).Bind(8, e.client_timestamp);
      entry.Bind(9, e.payload_json).Bind(10, write.request_id);
      entry.Run();
      entry.Reset();
    }

    Statement status = writer_db_->Prepare("SELECT status FROM sessions WHERE id = ?1");
    status.Bind(1, result.session_id);
    if (status.Step()) result.session_status = status.Text(0);
    return result;
  } catch (...) {
    restore_cache();
    throw;
  }
}

Result<std::string> SqliteStore::EstablishHistorySession(const HistoryWrite& write,
                                                         const InboundWriteResult& found,
                                                         bool& created) {
  // A New session without entries (the one POST /conversation or this request just opened) is
  // a placeholder nobody has used: it becomes the history's session instead of lingering.
  Statement current = writer_db_->Prepare(
      "SELECT s.status, EXISTS(SELECT 1 FROM entries e WHERE e.conversation_identifier = "
      "s.conversation_identifier AND e.session_id = s.id) FROM sessions s WHERE s.id = ?1");
  current.Bind(1, found.session_id);
  std::string current_status = "Ended";
  bool current_used = false;
  if (current.Step()) {
    current_status = current.Text(0);
    current_used = current.Int(1) != 0;
  }
  current.Reset();  // done reading before the writes below
  const bool reuse = current_status == "New" && !current_used;
  // The conversation's current session is in use (the end user is talking, or waiting, or
  // routed): a finished historical session is stored beside it without replacing it; an open
  // one would leave the current session orphaned, so the upload must attach to it instead.
  const bool current_open = current_status != "Ended" && !reuse;
  if (current_open && !write.session_end_time) {
    return Error::Of(10078, "the conversation's session " + found.session_id +
                                " is open: attach to it (AttachMessagingSession)");
  }

  // Without an end the session is still going on: Active while a bot (or rep) is in the
  // conversation, otherwise New, waiting to be routed like a session POST /conversation opens.
  std::string status = "Ended";
  if (!write.session_end_time) {
    Statement agents = writer_db_->Prepare(
        "SELECT COUNT(*) FROM participants WHERE conversation_identifier = ?1 AND "
        "role != 'EndUser' AND left_time IS NULL");
    agents.Bind(1, found.conversation_identifier);
    agents.Step();
    status = agents.Int(0) > 0 ? "Active" : "New";
    agents.Reset();
  }

  std::string session_id = found.session_id;
  if (reuse) {
    Statement update = writer_db_->Prepare(
        "UPDATE sessions SET status = ?1, start_time = ?2, end_time = ?3 WHERE id = ?4");
    update.Bind(1, status).Bind(2, write.session_start_time);
    BindOptional(update, 3, write.session_end_time);
    update.Bind(4, session_id).Run();
  } else {
    session_id = NextId("session", "0Mw");
    Statement insert = writer_db_->Prepare(
        "INSERT INTO sessions(id, org_id, conversation_identifier, status, start_time, end_time) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert.Bind(1, session_id).Bind(2, write.org_id).Bind(3, found.conversation_identifier);
    insert.Bind(4, status).Bind(5, write.session_start_time);
    BindOptional(insert, 6, write.session_end_time);
    insert.Run();
    created = true;
    if (current_open) return session_id;  // stored beside the current session
    Statement point = writer_db_->Prepare(
        "UPDATE conversations SET current_session_id = ?1 WHERE identifier = ?2");
    point.Bind(1, session_id).Bind(2, found.conversation_identifier).Run();
  }
  // The inbound path must see the new current session and its status (an Ended one is replaced
  // at the end user's next message).
  conversations_[CacheKey(EstablishOnly(write))] =
      ConversationRef{found.conversation_identifier, session_id, found.end_user_id, status};
  return session_id;
}

}  // namespace interactiond::store
