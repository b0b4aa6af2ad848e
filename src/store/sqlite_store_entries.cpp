// GET /api/v1/conversationEntry's read: a page of a conversation's entries on a reader connection.
// The entries table's UNIQUE (conversation_identifier, entry_id) index narrows the scan to the
// conversation; its entries are then filtered and ordered by clientTimestamp (ties in arrival
// order, `seq`), which is what the bot sees in each entry and pages by.
#include <boost/json.hpp>

#include "store/sqlite_store.h"

namespace interactiond::store {
namespace {

// Hands the reader connection back to the pool however the read ends.
class ReaderGuard {
 public:
  ReaderGuard(std::unique_ptr<Database>& reader, std::function<void()> release)
      : reader_(reader), release_(std::move(release)) {}
  ~ReaderGuard() { release_(); }
  ReaderGuard(const ReaderGuard&) = delete;
  ReaderGuard& operator=(const ReaderGuard&) = delete;
  Database& db() { return *reader_; }

 private:
  std::unique_ptr<Database>& reader_;
  std::function<void()> release_;
};

}  // namespace

domain::Result<std::optional<EntryPage>> SqliteStore::ListEntries(const EntryQuery& query) {
  try {
    std::unique_ptr<Database> reader = AcquireReader();
    ReaderGuard guard(reader, [this, &reader] { ReleaseReader(std::move(reader)); });
    Statement conversation =
        guard.db().Prepare("SELECT org_id FROM conversations WHERE identifier = ?1");
    conversation.Bind(1, query.conversation_identifier);
    if (!conversation.Step()) return std::optional<EntryPage>();
    EntryPage page;
    page.org_id = conversation.Text(0);

    // Two statements rather than one with a computed ORDER BY: each keeps a plain, indexable
    // ordering.
    const std::string select =
        "SELECT entry_id, entry_type, sender_app_type, sender_subject, sender_role, "
        "client_timestamp, transcripted_timestamp, payload FROM entries "
        "WHERE conversation_identifier = ?1 AND client_timestamp >= ?2 AND "
        "(?3 IS NULL OR client_timestamp <= ?3) ";
    Statement entries = guard.db().Prepare(
        select + (query.from_end ? "ORDER BY client_timestamp DESC, seq DESC LIMIT ?4"
                                 : "ORDER BY client_timestamp ASC, seq ASC LIMIT ?4"));
    entries.Bind(1, query.conversation_identifier).Bind(2, query.start_time);
    if (query.end_time) {
      entries.Bind(3, *query.end_time);
    } else {
      entries.BindNull(3);
    }
    entries.Bind(4, query.limit);
    while (entries.Step()) {
      StoredEntry entry;
      entry.entry_id = entries.Text(0);
      entry.entry_type = entries.Text(1);
      entry.sender_app_type = entries.Text(2);
      entry.sender_subject = entries.Text(3);
      entry.sender_role = entries.Text(4);
      entry.client_timestamp = entries.Int(5);
      entry.transcripted_timestamp = entries.Int(6);
      entry.payload_json = entries.Text(7);
      page.entries.push_back(std::move(entry));
    }
    return std::optional<EntryPage>(std::move(page));
  } catch (const SqliteError& e) {
    return domain::Error::Of(500, std::string("entries read: ") + e.what());
  }
}

}  // namespace interactiond::store
