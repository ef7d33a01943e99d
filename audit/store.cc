#include "audit/store.h"

#include <filesystem>

#include "audit/sqlite/database.h"

namespace telemaint::audit {

std::string AuditDbPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "audit.db").string();
}

namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, "
    "hash BLOB NOT NULL);"
    // Append-only: the relay never changes or removes a record, and nothing else should.
    "CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    // The relay's signature over the head of its last committed batch: one row, replaced in
    // the same transaction as the batch, so every committed record is signed.
    "CREATE TABLE IF NOT EXISTS batch_head (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "head TEXT NOT NULL);";

StoredRecord Row(const sqlite::Statement& s) { return {s.Int(0), s.Text(1), s.Blob(2)}; }

}  // namespace

struct AuditStore::Impl {
  std::unique_ptr<sqlite::Database> db;
  std::optional<sqlite::Statement> insert;  // prepared once: the writer appends many

  // Steps `s` to its end, handing each row to `visit` until it returns false.
  Status ForRows(sqlite::Statement& s, const std::function<bool(StoredRecord)>& visit) {
    sqlite::Statement::Step step;
    while ((step = s.Next()) == sqlite::Statement::Step::kRow)
      if (!visit(Row(s))) return Status::Ok();
    if (step != sqlite::Statement::Step::kDone) return db->Error("cannot read the audit log");
    return Status::Ok();
  }
};

AuditStore::AuditStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditStore::~AuditStore() = default;

Result<std::unique_ptr<AuditStore>> AuditStore::Open(const std::string& path, bool read_only) {
  auto db = sqlite::Database::Open(
      path, read_only ? sqlite::Database::Mode::kReadOnly : sqlite::Database::Mode::kReadWrite);
  if (!db.ok())
    return Status::Io("cannot open the audit log " + path + ": " + db.status().message());
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  if (!read_only) {
    // Like relay.db: the relay's own file (copies for auditors are made on purpose).
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write, ec);
    if (Status s = impl->db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !s.ok())
      return Status::Io("cannot set up the audit log: " + s.message());
    if (Status s = impl->db->Exec(kSchema); !s.ok())
      return Status::Io("cannot create the audit log: " + s.message());
  } else if (!impl->db->Prepare("SELECT seq, body, hash FROM records LIMIT 1").ok()) {
    return Status::Io(path + " is not a telemaint audit log");
  }
  return std::unique_ptr<AuditStore>(new AuditStore(std::move(impl)));
}

Status AuditStore::Append(const StoredRecord& r) {
  if (!impl_->insert) {
    auto prepared = impl_->db->Prepare("INSERT INTO records (seq, body, hash) VALUES (?, ?, ?)");
    if (!prepared.ok()) return impl_->db->Error("cannot append to the audit log");
    impl_->insert.emplace(std::move(*prepared));
  }
  sqlite::Statement& s = *impl_->insert;
  s.Bind(1, r.seq);
  s.Bind(2, r.body);
  s.BindBlob(3, r.hash);
  const auto step = s.Next();
  s.Reset();  // releases the statement's hold, so COMMIT and ROLLBACK can run
  if (step != sqlite::Statement::Step::kDone)
    return impl_->db->Error("cannot append to the audit log");
  return Status::Ok();
}

Status AuditStore::Begin() { return impl_->db->Exec("BEGIN IMMEDIATE"); }
Status AuditStore::Commit() { return impl_->db->Exec("COMMIT"); }
void AuditStore::Rollback() { (void)impl_->db->Exec("ROLLBACK"); }

Result<std::optional<StoredRecord>> AuditStore::Last() {
  auto s = impl_->db->Prepare("SELECT seq, body, hash FROM records ORDER BY seq DESC LIMIT 1");
  if (!s.ok()) return impl_->db->Error("cannot read the audit log");
  std::optional<StoredRecord> last;
  Status read = impl_->ForRows(*s, [&](StoredRecord r) {
    last = std::move(r);
    return false;
  });
  if (!read.ok()) return read;
  return last;
}

Status AuditStore::ForEach(const std::function<void(StoredRecord)>& visit) {
  auto s = impl_->db->Prepare("SELECT seq, body, hash FROM records ORDER BY seq");
  if (!s.ok()) return impl_->db->Error("cannot read the audit log");
  return impl_->ForRows(*s, [&](StoredRecord r) {
    visit(std::move(r));
    return true;
  });
}

Status AuditStore::ForEachAfter(int64_t after, int64_t limit,
                                const std::function<bool(StoredRecord)>& visit) {
  auto s = impl_->db->Prepare(
      "SELECT seq, body, hash FROM records WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!s.ok()) return impl_->db->Error("cannot read the audit log");
  s->Bind(1, after);
  s->Bind(2, limit);
  return impl_->ForRows(*s, visit);
}

Result<std::vector<StoredRecord>> AuditStore::OfKinds(const std::vector<wire::AuditKind>& kinds,
                                                     int64_t through) {
  auto s = impl_->db->Prepare(
      "SELECT seq, body, hash FROM records WHERE seq <= ? AND json_valid(body) AND "
      "json_extract(body, '$.kind') IN "
      "(SELECT value FROM json_each(?)) ORDER BY seq");
  if (!s.ok()) return impl_->db->Error("cannot read the audit log");
  nlohmann::json words = nlohmann::json::array();
  for (wire::AuditKind kind : kinds) words.push_back(wire::ToWire(kind));
  s->Bind(1, through);
  s->Bind(2, words.dump());
  std::vector<StoredRecord> out;
  Status read = impl_->ForRows(*s, [&](StoredRecord r) {
    out.push_back(std::move(r));
    return true;
  });
  if (!read.ok()) return read;
  return out;
}

Result<std::optional<StoredRecord>> AuditStore::At(int64_t seq) {
  auto s = impl_->db->Prepare("SELECT seq, body, hash FROM records WHERE seq = ?");
  if (!s.ok()) return impl_->db->Error("cannot read the audit log");
  s->Bind(1, seq);
  std::optional<StoredRecord> found;
  Status read = impl_->ForRows(*s, [&](StoredRecord r) {
    found = std::move(r);
    return false;
  });
  if (!read.ok()) return read;
  return found;
}

Status AuditStore::SetBatchHead(const SignedHead& head) {
  auto s = impl_->db->Prepare("INSERT OR REPLACE INTO batch_head (id, head) VALUES (1, ?)");
  if (!s.ok()) return impl_->db->Error("cannot sign the audit log's head");
  s->Bind(1, HeadToJson(head).dump());
  if (s->Next() != sqlite::Statement::Step::kDone)
    return impl_->db->Error("cannot sign the audit log's head");
  return Status::Ok();
}

Result<std::optional<SignedHead>> AuditStore::BatchHead() {
  // A log written before batch heads existed has no such table: no head, not an error.
  auto s = impl_->db->Prepare("SELECT head FROM batch_head WHERE id = 1");
  if (!s.ok()) return std::optional<SignedHead>();
  if (s->Next() != sqlite::Statement::Step::kRow) return std::optional<SignedHead>();
  auto head = HeadFromJson(nlohmann::json::parse(s->Text(0), nullptr, false));
  if (!head.ok()) return Status::InvalidInput("the audit log's signed head is unreadable");
  return std::optional<SignedHead>(*head);
}

}  // namespace telemaint::audit
