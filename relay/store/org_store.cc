#include "relay/store/org_store.h"

#include <filesystem>
#include <mutex>

#include "audit/sqlite/database.h"

namespace telemaint::relay {
namespace {

using Step = sqlite::Statement::Step;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS enrolments (
  machine_id TEXT PRIMARY KEY,
  request TEXT NOT NULL,
  address TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS machines (
  machine_id TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  name TEXT NOT NULL,
  customer TEXT NOT NULL,
  approved_at INTEGER NOT NULL,
  last_seen INTEGER NOT NULL DEFAULT 0,
  inventory TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS revocations (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  serial INTEGER NOT NULL,
  list TEXT NOT NULL
);
)sql";

}  // namespace

struct OrgStore::Impl {
  std::unique_ptr<sqlite::Database> db;
  std::mutex mu;
  // Prepares `sql`, lets `bind` fill it, runs it to its end.
  template <typename Bind>
  Status Run(const char* sql, const char* what, Bind bind) {
    auto s = db->Prepare(sql);
    if (!s.ok()) return db->Error(what);
    bind(*s);
    if (s->Next() != Step::kDone) return db->Error(what);
    return Status::Ok();
  }
};

OrgStore::OrgStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OrgStore::~OrgStore() = default;

Result<std::unique_ptr<OrgStore>> OrgStore::Open(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  std::string path = (std::filesystem::path(data_dir) / "machines.db").string();
  auto db = sqlite::Database::Open(path, sqlite::Database::Mode::kReadWrite);
  if (!db.ok())
    return Status::Io("cannot open the database '" + path + "': " + db.status().message());
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", kSchema}) {
    if (Status s = impl->db->Exec(sql); !s.ok())
      return Status::Io("cannot prepare the database '" + path + "': " + s.message());
  }
  return std::unique_ptr<OrgStore>(new OrgStore(std::move(impl)));
}

Status OrgStore::AddEnrolment(const PendingEnrolment& e) {
  std::lock_guard lock(impl_->mu);
  return impl_->Run(
      "INSERT OR REPLACE INTO enrolments (machine_id, request, address, received_at) "
      "VALUES (?1, ?2, ?3, ?4)",
      "cannot store the enrolment request", [&](sqlite::Statement& s) {
        s.Bind(1, e.machine_id);
        s.Bind(2, e.request);
        s.Bind(3, e.address);
        s.Bind(4, e.received_at);
      });
}

Result<std::vector<PendingEnrolment>> OrgStore::ListEnrolments() {
  std::lock_guard lock(impl_->mu);
  auto s = impl_->db->Prepare(
      "SELECT machine_id, request, address, received_at FROM enrolments ORDER BY received_at");
  if (!s.ok()) return impl_->db->Error("cannot list enrolment requests");
  std::vector<PendingEnrolment> out;
  Step step;
  while ((step = s->Next()) == Step::kRow)
    out.push_back({s->Text(0), s->Text(1), s->Text(2), s->Int(3)});
  if (step != Step::kDone) return impl_->db->Error("cannot list enrolment requests");
  return out;
}

Status OrgStore::RemoveEnrolment(const std::string& machine_id) {
  std::lock_guard lock(impl_->mu);
  Status s = impl_->Run("DELETE FROM enrolments WHERE machine_id = ?1",
                        "cannot remove the enrolment request",
                        [&](sqlite::Statement& st) { st.Bind(1, machine_id); });
  if (s.ok() && impl_->db->Changes() == 0)
    return Status::NotFound("no pending request for machine " + machine_id);
  return s;
}

Status OrgStore::PutMachine(const StoredMachine& m) {
  std::lock_guard lock(impl_->mu);
  Status s = impl_->Run(
      "INSERT INTO machines (machine_id, record, name, customer, approved_at, last_seen, "
      "inventory) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(machine_id) DO UPDATE SET "
      "record = ?2, name = ?3, customer = ?4, approved_at = ?5",
      "cannot store the machine record", [&](sqlite::Statement& st) {
        st.Bind(1, m.machine_id);
        st.Bind(2, m.record);
        st.Bind(3, m.name);
        st.Bind(4, m.customer);
        st.Bind(5, m.approved_at);
        st.Bind(6, m.last_seen);
        st.Bind(7, m.inventory);
      });
  if (!s.ok()) return s;
  return impl_->Run("DELETE FROM enrolments WHERE machine_id = ?1",
                    "cannot remove the enrolment request",
                    [&](sqlite::Statement& st) { st.Bind(1, m.machine_id); });
}

Result<std::vector<StoredMachine>> OrgStore::ListMachines() {
  std::lock_guard lock(impl_->mu);
  auto s = impl_->db->Prepare(
      "SELECT machine_id, record, name, customer, approved_at, last_seen, inventory "
      "FROM machines ORDER BY customer, name");
  if (!s.ok()) return impl_->db->Error("cannot list machines");
  std::vector<StoredMachine> out;
  Step step;
  while ((step = s->Next()) == Step::kRow)
    out.push_back({s->Text(0), s->Text(1), s->Text(2), s->Text(3), s->Int(4), s->Int(5),
                   s->Text(6)});
  if (step != Step::kDone) return impl_->db->Error("cannot list machines");
  return out;
}

Status OrgStore::NoteSeen(const std::string& machine_id, int64_t when,
                          const std::string& inventory) {
  std::lock_guard lock(impl_->mu);
  return impl_->Run(
      "UPDATE machines SET last_seen = ?2, inventory = CASE WHEN ?3 = '' THEN inventory "
      "ELSE ?3 END WHERE machine_id = ?1",
      "cannot note the machine's inventory", [&](sqlite::Statement& st) {
        st.Bind(1, machine_id);
        st.Bind(2, when);
        st.Bind(3, inventory);
      });
}

Result<std::optional<std::string>> OrgStore::RevocationList() {
  std::lock_guard lock(impl_->mu);
  auto s = impl_->db->Prepare("SELECT list FROM revocations WHERE id = 1");
  if (!s.ok()) return impl_->db->Error("cannot read the revocation list");
  const Step step = s->Next();
  if (step == Step::kDone) return std::optional<std::string>();
  if (step != Step::kRow) return impl_->db->Error("cannot read the revocation list");
  return std::optional<std::string>(s->Text(0));
}

Status OrgStore::PutRevocationList(uint64_t serial, const std::string& text) {
  std::lock_guard lock(impl_->mu);
  return impl_->Run(
      "INSERT OR REPLACE INTO revocations (id, serial, list) VALUES (1, ?1, ?2)",
      "cannot store the revocation list", [&](sqlite::Statement& st) {
        st.Bind(1, static_cast<int64_t>(serial));
        st.Bind(2, text);
      });
}

}  // namespace telemaint::relay
