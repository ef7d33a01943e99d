#include "audit/store.h"

#include <sqlite3.h>

#include <filesystem>

namespace telemaint::audit {

std::string AuditDbPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "audit.db").string();
}

namespace {

constexpr const char* kSchema[] = {
    "CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, "
    "hash BLOB NOT NULL)",
    // Append-only: the relay never changes or removes a record, and nothing else should.
    "CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
};

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

StoredRecord Row(sqlite3_stmt* s) {
  StoredRecord r;
  r.seq = sqlite3_column_int64(s, 0);
  const auto* body = sqlite3_column_text(s, 1);
  r.body = body ? reinterpret_cast<const char*>(body) : "";
  const auto* hash = static_cast<const uint8_t*>(sqlite3_column_blob(s, 2));
  r.hash.assign(hash, hash + sqlite3_column_bytes(s, 2));
  return r;
}

}  // namespace

struct AuditStore::Impl {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;  // prepared once: the writer appends many
  ~Impl() {
    sqlite3_finalize(insert);
    sqlite3_close(db);
  }
  Status Error(const std::string& what) const {
    return Status::Io(what + ": " + (db ? sqlite3_errmsg(db) : "cannot open"));
  }
};

AuditStore::AuditStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditStore::~AuditStore() = default;

Result<std::unique_ptr<AuditStore>> AuditStore::Open(const std::string& path, bool read_only) {
  auto impl = std::make_unique<Impl>();
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &impl->db, flags | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK)
    return impl->Error("cannot open the audit log " + path);
  sqlite3_busy_timeout(impl->db, 5000);
  if (!read_only) {
    // Like relay.db: the relay's own file (copies for auditors are made on purpose).
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write, ec);
    for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"})
      if (sqlite3_exec(impl->db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        return impl->Error("cannot set up the audit log");
    for (const char* sql : kSchema)
      if (sqlite3_exec(impl->db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        return impl->Error("cannot create the audit log");
  } else {
    Stmt check(impl->db, "SELECT seq, body, hash FROM records LIMIT 1");
    if (!check.ok()) return impl->Error(path + " is not a telemaint audit log");
  }
  return std::unique_ptr<AuditStore>(new AuditStore(std::move(impl)));
}

Status AuditStore::Append(const StoredRecord& r) {
  sqlite3_stmt* s = impl_->insert;
  if (!s && sqlite3_prepare_v2(impl_->db, "INSERT INTO records (seq, body, hash) VALUES (?, ?, ?)",
                               -1, &impl_->insert, nullptr) != SQLITE_OK)
    return impl_->Error("cannot append to the audit log");
  s = impl_->insert;
  sqlite3_reset(s);
  sqlite3_bind_int64(s, 1, r.seq);
  sqlite3_bind_text(s, 2, r.body.data(), static_cast<int>(r.body.size()), SQLITE_TRANSIENT);
  sqlite3_bind_blob(s, 3, r.hash.data(), static_cast<int>(r.hash.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);  // releases the statement's hold, so COMMIT and ROLLBACK can run
  if (rc != SQLITE_DONE) return impl_->Error("cannot append to the audit log");
  return Status::Ok();
}

Status AuditStore::Exec(const char* sql) {
  if (sqlite3_exec(impl_->db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    return impl_->Error(std::string("audit log: ") + sql);
  return Status::Ok();
}

Result<std::optional<StoredRecord>> AuditStore::Last() {
  Stmt s(impl_->db, "SELECT seq, body, hash FROM records ORDER BY seq DESC LIMIT 1");
  if (!s.ok()) return impl_->Error("cannot read the audit log");
  int rc = sqlite3_step(s.get());
  if (rc == SQLITE_DONE) return std::optional<StoredRecord>();
  if (rc != SQLITE_ROW) return impl_->Error("cannot read the audit log");
  return std::optional<StoredRecord>(Row(s.get()));
}

Status AuditStore::ForEach(const std::function<void(StoredRecord)>& visit) {
  Stmt s(impl_->db, "SELECT seq, body, hash FROM records ORDER BY seq");
  if (!s.ok()) return impl_->Error("cannot read the audit log");
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) visit(Row(s.get()));
  if (rc != SQLITE_DONE) return impl_->Error("cannot read the audit log");
  return Status::Ok();
}

Status AuditStore::ForEachAfter(int64_t after, int64_t limit,
                                const std::function<bool(StoredRecord)>& visit) {
  Stmt s(impl_->db, "SELECT seq, body, hash FROM records WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!s.ok()) return impl_->Error("cannot read the audit log");
  sqlite3_bind_int64(s.get(), 1, after);
  sqlite3_bind_int64(s.get(), 2, limit);
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
    if (!visit(Row(s.get()))) return Status::Ok();
  if (rc != SQLITE_DONE) return impl_->Error("cannot read the audit log");
  return Status::Ok();
}

Result<std::vector<StoredRecord>> AuditStore::OfKinds(const std::vector<wire::AuditKind>& kinds) {
  std::vector<StoredRecord> out;
  Stmt s(impl_->db,
         "SELECT seq, body, hash FROM records WHERE json_extract(body, '$.kind') IN "
         "(SELECT value FROM json_each(?)) ORDER BY seq");
  if (!s.ok()) return impl_->Error("cannot read the audit log");
  nlohmann::json words = nlohmann::json::array();
  for (wire::AuditKind kind : kinds) words.push_back(wire::ToWire(kind));
  std::string list = words.dump();
  sqlite3_bind_text(s.get(), 1, list.data(), static_cast<int>(list.size()), SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(Row(s.get()));
  if (rc != SQLITE_DONE) return impl_->Error("cannot read the audit log");
  return out;
}

}  // namespace telemaint::audit
