// SqliteStore's routing records: PSRs, AgentWork, rep presence and partner routing requests
// (tables of migration 4), loaded into a conversation's state and written from its change inside
// the writer's transaction, plus the routing pass and the routing reads.
#include <boost/json.hpp>

#include "store/sqlite_store.h"

namespace interactiond::store {
namespace {

using domain::Error;
using domain::Result;

constexpr const char* kWorkColumns =
    "id, user_id, bot_id, context_type, status, session_id, psr_id, queue_id, routing_type, "
    "routing_correlation_id, capacity_weight, capacity_percentage, agent_action_visibilities, "
    "created_at, updated_at";

domain::AgentWork ReadWork(const Statement& s) {
  domain::AgentWork work;
  work.id = s.Text(0);
  work.user_id = s.Text(1);
  work.bot_id = s.Text(2);
  work.context_type = s.Text(3);
  work.status = s.Text(4);
  work.session_id = s.Text(5);
  work.psr_id = s.Text(6);
  work.queue_id = s.Text(7);
  work.routing_type = s.Text(8);
  work.routing_correlation_id = s.Text(9);
  if (!s.IsNull(10)) work.capacity_weight = s.Double(10);
  if (!s.IsNull(11)) work.capacity_percentage = s.Double(11);
  work.agent_action_visibilities_json = s.Text(12);
  work.created_at = s.Int(13);
  work.updated_at = s.Int(14);
  return work;
}

boost::json::object WorkJson(const domain::AgentWork& work, const std::string& conversation) {
  boost::json::object json;
  json["workId"] = work.id;
  json["conversationIdentifier"] = conversation;
  json["workItemId"] = work.session_id;
  json["contextType"] = work.context_type;
  json["status"] = work.status;
  if (!work.user_id.empty()) json["userId"] = work.user_id;
  if (!work.bot_id.empty()) json["botId"] = work.bot_id;
  json["psrId"] =
      work.psr_id.empty() ? boost::json::value(nullptr) : boost::json::value(work.psr_id);
  json["queueId"] =
      work.queue_id.empty() ? boost::json::value(nullptr) : boost::json::value(work.queue_id);
  json["routingType"] = work.routing_type;
  if (work.capacity_weight) json["capacityWeight"] = *work.capacity_weight;
  if (work.capacity_percentage) json["capacityPercentage"] = *work.capacity_percentage;
  json["createdAt"] = work.created_at;
  json["updatedAt"] = work.updated_at;
  return json;
}

// The load an active work takes from a rep of `capacity` (domain::AgentWork::load, in SQL).
constexpr const char* kLoadSql =
    "COALESCE(SUM(CASE WHEN capacity_weight IS NOT NULL THEN capacity_weight "
    "WHEN capacity_percentage IS NOT NULL THEN capacity_percentage * ?3 / 100.0 ELSE 1 END), 0)";

}  // namespace

void SqliteStore::LoadRouting(domain::ConversationState& state) {
  Statement p = writer_db_->Prepare(
      "SELECT id, routing_type, queue_id, flow_id, target_user, target_bot, "
      "routing_correlation_id, initiator_subject, created_at FROM psrs "
      "WHERE conversation_identifier = ?1 AND session_id = ?2 ORDER BY created_at, id");
  p.Bind(1, state.conversation_identifier).Bind(2, state.session_id);
  while (p.Step()) {
    domain::PendingRouting psr;
    psr.id = p.Text(0);
    psr.routing_type = p.Text(1);
    psr.queue_id = p.Text(2);
    psr.flow_id = p.Text(3);
    psr.target_user = p.Text(4);
    psr.target_bot = p.Text(5);
    psr.routing_correlation_id = p.Text(6);
    psr.initiator_subject = p.Text(7);
    psr.created_at = p.Int(8);
    state.psrs.push_back(std::move(psr));
  }
  Statement w = writer_db_->Prepare(std::string("SELECT ") + kWorkColumns +
                                    " FROM agent_works WHERE conversation_identifier = ?1 AND "
                                    "(session_id = ?2 OR status IN ('Assigned', 'Opened')) "
                                    "ORDER BY created_at, id");
  w.Bind(1, state.conversation_identifier).Bind(2, state.session_id);
  while (w.Step()) state.works.push_back(ReadWork(w));
  Statement r = writer_db_->Prepare(
      "SELECT event_id, routing_type, requested_by, target_kind, target_id, status, "
      "requested_at, deadline FROM routing_requests WHERE conversation_identifier = ?1 AND "
      "status IN ('Pending', 'Answered') ORDER BY requested_at");
  r.Bind(1, state.conversation_identifier);
  while (r.Step()) {
    state.routing_requests.push_back(
        {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6), r.Int(7)});
  }
  const std::string org_id = state.org_id;
  const std::string conversation = state.conversation_identifier;
  state.rep_availability = [this, org_id](const std::string& user_id) {
    domain::RepAvailability availability;
    Statement presence = writer_db_->Prepare(
        "SELECT online, capacity FROM rep_presence WHERE org_id = ?1 AND user_id = ?2");
    presence.Bind(1, org_id).Bind(2, user_id);
    if (!presence.Step()) return availability;
    availability.online = presence.Int(0) != 0;
    availability.capacity = static_cast<int>(presence.Int(1));
    Statement load = writer_db_->Prepare(std::string("SELECT ") + kLoadSql +
                                         " FROM agent_works WHERE org_id = ?1 AND user_id = ?2 "
                                         "AND status IN ('Assigned', 'Opened')");
    load.Bind(1, org_id).Bind(2, user_id).Bind(3, static_cast<int64_t>(availability.capacity));
    load.Step();
    availability.load = load.Double(0);
    return availability;
  };
  state.waiting_in_queue = [this, org_id, conversation](const std::string& queue_id) {
    Statement count = writer_db_->Prepare(
        "SELECT COUNT(*) FROM psrs p JOIN conversations c ON c.identifier = "
        "p.conversation_identifier AND c.current_session_id = p.session_id WHERE p.org_id = ?1 "
        "AND p.queue_id = ?2 AND p.conversation_identifier != ?3 AND NOT EXISTS (SELECT 1 FROM "
        "agent_works w WHERE w.psr_id = p.id AND w.status IN ('Assigned', 'Opened'))");
    count.Bind(1, org_id).Bind(2, queue_id).Bind(3, conversation);
    count.Step();
    return static_cast<int>(count.Int(0));
  };
  state.next_record_id = [this](const std::string& prefix) {
    return NextId(prefix == "0Bz"   ? "agent_work"
                  : prefix == "0JR" ? "psr"
                                    : "record",
                  prefix.c_str());
  };
}

void SqliteStore::ApplyRouting(const domain::ConversationState& state,
                               const domain::ConversationChange& change) {
  for (const auto& psr : change.psrs) {
    if (psr.deleted) {
      Statement s = writer_db_->Prepare("DELETE FROM psrs WHERE id = ?1");
      s.Bind(1, psr.id).Run();
      continue;
    }
    Statement s = writer_db_->Prepare(
        "INSERT OR REPLACE INTO psrs(id, org_id, conversation_identifier, session_id, "
        "routing_type, queue_id, flow_id, target_user, target_bot, routing_correlation_id, "
        "initiator_subject, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12)");
    s.Bind(1, psr.id).Bind(2, state.org_id).Bind(3, state.conversation_identifier);
    s.Bind(4, state.session_id).Bind(5, psr.routing_type).Bind(6, psr.queue_id);
    s.Bind(7, psr.flow_id).Bind(8, psr.target_user).Bind(9, psr.target_bot);
    s.Bind(10, psr.routing_correlation_id).Bind(11, psr.initiator_subject);
    s.Bind(12, psr.created_at).Run();
  }
  for (const auto& work : change.works) {
    Statement s = writer_db_->Prepare(
        "INSERT OR REPLACE INTO agent_works(id, org_id, conversation_identifier, session_id, "
        "user_id, bot_id, context_type, status, psr_id, queue_id, routing_type, "
        "routing_correlation_id, capacity_weight, capacity_percentage, "
        "agent_action_visibilities, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    s.Bind(1, work.id).Bind(2, state.org_id).Bind(3, state.conversation_identifier);
    s.Bind(4, work.session_id).Bind(5, work.user_id).Bind(6, work.bot_id);
    s.Bind(7, work.context_type).Bind(8, work.status).Bind(9, work.psr_id);
    s.Bind(10, work.queue_id).Bind(11, work.routing_type).Bind(12, work.routing_correlation_id);
    if (work.capacity_weight) {
      s.BindDouble(13, *work.capacity_weight);
    } else {
      s.BindNull(13);
    }
    if (work.capacity_percentage) {
      s.BindDouble(14, *work.capacity_percentage);
    } else {
      s.BindNull(14);
    }
    s.Bind(15, work.agent_action_visibilities_json).Bind(16, work.created_at);
    s.Bind(17, work.updated_at).Run();
  }
  for (const auto& request : change.routing_requests) {
    Statement s = writer_db_->Prepare(
        "INSERT OR REPLACE INTO routing_requests(event_id, org_id, conversation_identifier, "
        "routing_type, requested_by, target_kind, target_id, status, requested_at, deadline) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    s.Bind(1, request.event_id).Bind(2, state.org_id).Bind(3, state.conversation_identifier);
    s.Bind(4, request.routing_type).Bind(5, request.requested_by).Bind(6, request.target_kind);
    s.Bind(7, request.target_id).Bind(8, request.status).Bind(9, request.requested_at);
    s.Bind(10, request.deadline).Run();
  }
}

void SqliteStore::SetRepPresence(const std::string& org_id, const std::string& user_id, bool online,
                                 int capacity, int64_t now_ms,
                                 std::function<void(domain::Status)> done) {
  Submit(PendingWrite{[this, org_id, user_id, online, capacity,
                       now_ms](std::vector<events::OutboundEvent>&) -> domain::Status {
                        Statement s = writer_db_->Prepare(
                            "INSERT OR REPLACE INTO rep_presence(org_id, user_id, online, "
                            "capacity, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)");
                        s.Bind(1, org_id).Bind(2, user_id).Bind(3, int64_t{online ? 1 : 0});
                        s.Bind(4, int64_t{capacity}).Bind(5, now_ms).Run();
                        return domain::OkStatus();
                      },
                      std::move(done)});
}

void SqliteStore::SubmitRoutingPass(int64_t now_ms, Decide decide,
                                    std::function<void(Result<int>)> done) {
  SubmitPass(now_ms, /*offer_waiting=*/true, std::move(decide), std::move(done));
}

void SqliteStore::SubmitDeadlinePass(int64_t now_ms, Decide decide,
                                     std::function<void(Result<int>)> done) {
  SubmitPass(now_ms, /*offer_waiting=*/false, std::move(decide), std::move(done));
}

void SqliteStore::SubmitPass(int64_t now_ms, bool offer_waiting, Decide decide,
                             std::function<void(Result<int>)> done) {
  auto changed = std::make_shared<int>(0);
  Submit(PendingWrite{
      [this, now_ms, offer_waiting, decide = std::move(decide),
       changed](std::vector<events::OutboundEvent>& appended) -> domain::Status {
        std::vector<std::string> conversations;
        // Waiting: an open PSR of the conversation's current session without active work.
        Statement due = writer_db_->Prepare(
            "SELECT conversation_identifier FROM (SELECT p.conversation_identifier, "
            "p.created_at AS at FROM psrs p JOIN conversations c ON c.identifier = "
            "p.conversation_identifier AND c.current_session_id = p.session_id WHERE ?2 AND "
            "NOT EXISTS (SELECT 1 FROM agent_works w WHERE w.psr_id = p.id AND w.status IN "
            "('Assigned', 'Opened')) UNION ALL SELECT conversation_identifier, deadline AS at "
            "FROM routing_requests WHERE status = 'Pending' AND deadline <= ?1) "
            "GROUP BY conversation_identifier ORDER BY MIN(at), conversation_identifier");
        due.Bind(1, now_ms).Bind(2, int64_t{offer_waiting ? 1 : 0});
        while (due.Step()) conversations.push_back(due.Text(0));
        for (const auto& identifier : conversations) {
          writer_db_->Exec("SAVEPOINT routing_pass_item");
          try {
            std::optional<domain::ConversationState> state = LoadConversation(identifier);
            auto decided = state ? decide(*state)
                                 : Result<domain::ConversationChange>(Error::Of(10018, "gone"));
            if (decided.ok() && (!decided->events.empty() || !decided->works.empty() ||
                                 !decided->routing_requests.empty() || !decided->psrs.empty())) {
              ApplyChange(*state, *decided);
              for (const auto& event : decided->events) appended.push_back(event);
              ++*changed;
            }
            writer_db_->Exec("RELEASE routing_pass_item");
          } catch (const SqliteError&) {
            writer_db_->Exec("ROLLBACK TO routing_pass_item");
            writer_db_->Exec("RELEASE routing_pass_item");
          }
        }
        return domain::OkStatus();
      },
      [changed, done = std::move(done)](domain::Status status) {
        if (!status.ok()) return done(status.error());
        done(*changed);
      }});
}

Result<std::optional<std::string>> SqliteStore::FindConversationOfRecord(
    const char* sql, const std::string& org_id, const std::string& record_id) {
  try {
    std::unique_ptr<Database> reader = AcquireReader();
    std::optional<std::string> found;
    {
      Statement s = reader->Prepare(sql);
      // An 18-character id names the record of its first 15 characters.
      s.Bind(1, org_id).Bind(2, record_id.size() == 18 ? record_id.substr(0, 15) : record_id);
      if (s.Step()) found = s.Text(0);
    }
    ReleaseReader(std::move(reader));
    return found;
  } catch (const SqliteError& e) {
    return Error::Of(500, std::string("store read: ") + e.what());
  }
}

Result<std::optional<std::string>> SqliteStore::FindConversationOfWork(const std::string& org_id,
                                                                       const std::string& work_id) {
  return FindConversationOfRecord(
      "SELECT conversation_identifier FROM agent_works WHERE org_id = ?1 AND id = ?2", org_id,
      work_id);
}

Result<std::optional<std::string>> SqliteStore::FindConversationOfSession(
    const std::string& org_id, const std::string& session_id) {
  return FindConversationOfRecord(
      "SELECT conversation_identifier FROM sessions WHERE org_id = ?1 AND id = ?2", org_id,
      session_id);
}

Result<boost::json::value> SqliteStore::GetRep(const std::string& org_id,
                                               const std::string& user_id) {
  try {
    std::unique_ptr<Database> reader = AcquireReader();
    boost::json::object rep;
    rep["userId"] = user_id;
    {
      Statement p = reader->Prepare(
          "SELECT online, capacity FROM rep_presence WHERE org_id = ?1 AND user_id = ?2");
      p.Bind(1, org_id).Bind(2, user_id);
      boost::json::object presence;
      if (p.Step()) {
        presence["status"] = p.Int(0) != 0 ? "Online" : "Offline";
        presence["capacity"] = p.Int(1);
      } else {
        presence["status"] = "Offline";
        presence["capacity"] = 0;
      }
      rep["presence"] = std::move(presence);
      boost::json::array work;
      Statement w = reader->Prepare(std::string("SELECT ") + kWorkColumns +
                                    ", conversation_identifier FROM agent_works WHERE org_id = ?1 "
                                    "AND user_id = ?2 AND status IN ('Assigned', 'Opened') "
                                    "ORDER BY created_at, id");
      w.Bind(1, org_id).Bind(2, user_id);
      while (w.Step()) work.push_back(WorkJson(ReadWork(w), w.Text(15)));
      rep["work"] = std::move(work);
    }
    ReleaseReader(std::move(reader));
    return boost::json::value(std::move(rep));
  } catch (const SqliteError& e) {
    return Error::Of(500, std::string("store read: ") + e.what());
  }
}

}  // namespace interactiond::store

namespace interactiond::store {

void SqliteStore::AppendRoutingView(Database& db, const std::string& identifier,
                                    boost::json::object& view) {
  boost::json::array psrs;
  Statement p = db.Prepare(
      "SELECT id, routing_type, queue_id, flow_id, target_user, target_bot, created_at FROM psrs "
      "WHERE conversation_identifier = ?1 ORDER BY created_at, id");
  p.Bind(1, identifier);
  while (p.Step()) {
    boost::json::object psr;
    psr["psrId"] = p.Text(0);
    psr["routingType"] = p.Text(1);
    psr["queueId"] = p.Text(2);
    psr["flowId"] = p.Text(3);
    psr["userId"] = p.Text(4);
    psr["botId"] = p.Text(5);
    psr["createdAt"] = p.Int(6);
    psrs.push_back(std::move(psr));
  }
  view["pendingServiceRoutings"] = std::move(psrs);
  boost::json::array works;
  Statement w = db.Prepare(std::string("SELECT ") + kWorkColumns +
                           " FROM agent_works WHERE conversation_identifier = ?1 "
                           "ORDER BY created_at, id");
  w.Bind(1, identifier);
  while (w.Step()) works.push_back(WorkJson(ReadWork(w), identifier));
  view["agentWork"] = std::move(works);
}

}  // namespace interactiond::store
