// SqliteStore's managed-subscription commits (table `managed_replays`, schema migration 6). A
// commit goes through the single writer like every other change, so the Pub/Sub API acknowledges
// a CommitReplayRequest only once the replay id it stored would survive a crash.
#include <memory>
#include <utility>

#include "store/sqlite_store.h"

namespace interactiond::store {

void SqliteStore::CommitManagedReplay(const std::string& org_id, const std::string& subscription_id,
                                      uint64_t replay_id, int64_t committed_at_ms,
                                      std::function<void(domain::Status)> done) {
  Submit(PendingWrite{
      [this, org_id, subscription_id, replay_id,
       committed_at_ms](std::vector<events::OutboundEvent>&) -> domain::Status {
        // The primary key is the subscription: the new row is its whole state.
        Statement replace = writer_db_->Prepare(
            "INSERT OR REPLACE INTO managed_replays(org_id, subscription_id, replay_id, "
            "committed_at) VALUES (?1, ?2, ?3, ?4)");
        replace.Bind(1, org_id).Bind(2, subscription_id);
        replace.Bind(3, static_cast<int64_t>(replay_id)).Bind(4, committed_at_ms).Run();
        return domain::OkStatus();
      },
      std::move(done)});
}

domain::Result<std::optional<uint64_t>> SqliteStore::LoadManagedReplay(
    const std::string& org_id, const std::string& subscription_id) {
  try {
    // The reader goes back to the pool however the read ends.
    struct Lease {
      SqliteStore& store;
      std::unique_ptr<Database> db;
      ~Lease() { store.ReleaseReader(std::move(db)); }
    } lease{*this, AcquireReader()};
    Statement s = lease.db->Prepare(
        "SELECT replay_id FROM managed_replays WHERE org_id = ?1 AND subscription_id = ?2");
    s.Bind(1, org_id).Bind(2, subscription_id);
    std::optional<uint64_t> committed;
    if (s.Step()) committed = static_cast<uint64_t>(s.Int(0));
    return committed;
  } catch (const SqliteError& e) {
    return domain::Error::Of(500, std::string("managed replay read: ") + e.what());
  }
}

}  // namespace interactiond::store
