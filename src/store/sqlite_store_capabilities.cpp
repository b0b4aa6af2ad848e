// SqliteStore's capabilities registrations (table `capabilities`, schema migration 5). Writes go
// through the single writer like every other change, so a PATCH is acknowledged only after the
// transaction replacing its registrations has committed.
#include <memory>
#include <utility>

#include <boost/json.hpp>

#include "store/sqlite_store.h"

namespace interactiond::store {
namespace {

using domain::Error;
using domain::Result;

constexpr const char* kColumns =
    "org_id, integration_type, developer_name, app_type, channel_capabilities, request_id, "
    "registered_at";

boost::json::value RegistrationFromRow(const Statement& s) {
  boost::json::object registration;
  registration["orgId"] = s.Text(0);
  registration["integrationType"] = s.Text(1);
  registration["developerName"] = s.Text(2);
  registration["appType"] = s.Text(3);
  boost::system::error_code ec;
  boost::json::value entries = boost::json::parse(s.Text(4), ec);
  registration["channelCapabilities"] = ec ? boost::json::value(boost::json::array()) : entries;
  registration["requestId"] = s.Text(5);
  registration["registeredDate"] = s.Int(6);
  return registration;
}

// Runs `release` when the scope ends, however it ends.
template <typename Release>
class ScopeExit {
 public:
  explicit ScopeExit(Release release) : release_(std::move(release)) {}
  ~ScopeExit() { release_(); }
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;

 private:
  Release release_;
};

}  // namespace

void SqliteStore::SubmitCapabilities(CapabilitiesWrite write,
                                     std::function<void(domain::Status)> done) {
  auto shared_write = std::make_shared<CapabilitiesWrite>(std::move(write));
  Submit(PendingWrite{
      [this, shared_write](std::vector<events::OutboundEvent>&) -> domain::Status {
        // INSERT OR REPLACE: the primary key is the integration, so the new row is the whole
        // registration and nothing of the previous one survives.
        Statement replace =
            writer_db_->Prepare(std::string("INSERT OR REPLACE INTO capabilities(") + kColumns +
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        for (const domain::CapabilitiesRegistration& registration : shared_write->registrations) {
          replace.Bind(1, shared_write->org_id);
          replace.Bind(2, domain::IntegrationKindName(registration.kind));
          replace.Bind(3, registration.developer_name);
          replace.Bind(4, registration.app_type);
          replace.Bind(5, boost::json::serialize(registration.channel_capabilities));
          replace.Bind(6, shared_write->request_id);
          replace.Bind(7, shared_write->registered_at_ms);
          replace.Run();
          replace.Reset();
        }
        return domain::OkStatus();
      },
      std::move(done)});
}

Result<boost::json::value> SqliteStore::GetCapabilities(const std::string& org_id,
                                                        domain::IntegrationKind kind,
                                                        const std::string& developer_name) {
  CapabilitiesQuery query;
  query.org_id = org_id;
  query.kind = kind;
  query.developer_name = developer_name;
  auto list = ListCapabilities(query);
  if (!list.ok()) return list.error();
  const boost::json::array& registrations = list->at("registrations").as_array();
  return registrations.empty() ? boost::json::value(nullptr) : registrations.front();
}

Result<boost::json::value> SqliteStore::ListCapabilities(const CapabilitiesQuery& query) {
  try {
    std::unique_ptr<Database> reader = AcquireReader();
    ScopeExit release([this, &reader] { ReleaseReader(std::move(reader)); });
    Statement s = reader->Prepare(
        std::string("SELECT ") + kColumns +
        " FROM capabilities WHERE (?1 = '' OR org_id = ?1) AND (?2 = '' OR integration_type = ?2) "
        "AND (?3 = '' OR developer_name = ?3) ORDER BY org_id, integration_type, developer_name");
    s.Bind(1, query.org_id);
    // A default string_view would bind SQL NULL, which matches nothing.
    s.Bind(2, query.kind ? domain::IntegrationKindName(*query.kind) : std::string_view(""));
    s.Bind(3, query.developer_name);
    boost::json::array registrations;
    while (s.Step()) registrations.push_back(RegistrationFromRow(s));
    boost::json::object body;
    body["totalSize"] = registrations.size();
    body["registrations"] = std::move(registrations);
    return boost::json::value(std::move(body));
  } catch (const SqliteError& e) {
    return Error::Of(500, std::string("capabilities read: ") + e.what());
  }
}

}  // namespace interactiond::store
