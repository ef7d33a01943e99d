#include "relay/store/user_store.h"

#include <sqlite3.h>

#include <ctime>
#include <filesystem>
#include <mutex>

namespace telemaint::relay {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kTechnician: return "technician";
    case Role::kAuditor: return "auditor";
    case Role::kAdmin: return "admin";
  }
  return "?";
}

std::optional<Role> ParseRole(const std::string& name) {
  if (name == "technician") return Role::kTechnician;
  if (name == "auditor") return Role::kAuditor;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

bool IsValidUserName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '@' || c == '-'))
      return false;
  return true;
}

std::string AccountNameForLog(const std::string& name) {
  return IsValidUserName(name) ? name : "(not an account name)";
}

namespace {

// Owns a prepared statement for one call.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  void Bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, long long v) { sqlite3_bind_int64(stmt_, i, v); }
  int Step() { return sqlite3_step(stmt_); }
  std::string Text(int col) {
    auto p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  long long Int(int col) { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('technician','auditor','admin')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  display_name TEXT NOT NULL DEFAULT '',
  organisation TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
)sql";

User ReadUser(Stmt& s) {
  User u;
  u.name = s.Text(0);
  u.role = ParseRole(s.Text(1)).value_or(Role::kAuditor);  // unknown: least privilege
  u.password_hash = s.Text(2);
  u.disabled = s.Int(3) != 0;
  u.display_name = s.Text(4);
  u.organisation = s.Text(5);
  u.created_at = s.Int(6);
  return u;
}

}  // namespace

struct UserStore::Impl {
  sqlite3* db = nullptr;
  std::mutex mu;
  ~Impl() {
    if (db) sqlite3_close(db);
  }
  Status Error(const std::string& what) {
    return Status::Io(what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
  }
};

UserStore::UserStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UserStore::~UserStore() = default;

Result<std::unique_ptr<UserStore>> UserStore::Open(const std::string& data_dir) {
  std::error_code ec;
  bool created = std::filesystem::create_directories(data_dir, ec);
  if (ec) return Status::Io("cannot create the data directory '" + data_dir + "': " + ec.message());
  if (created)  // an existing directory keeps the permissions its admin gave it
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  auto impl = std::make_unique<Impl>();
  std::string path = (std::filesystem::path(data_dir) / "relay.db").string();
  if (sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK)
    return impl->Error("cannot open the database '" + path + "'");
  sqlite3_busy_timeout(impl->db, 5000);
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", kSchema}) {
    char* err = nullptr;
    if (sqlite3_exec(impl->db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      return Status::Io("cannot prepare the database '" + path + "': " + msg);
    }
  }
  return std::unique_ptr<UserStore>(new UserStore(std::move(impl)));
}

Status UserStore::Add(const User& user) {
  std::lock_guard lock(impl_->mu);
  Stmt s(impl_->db,
         "INSERT INTO users (name, role, password_hash, disabled, display_name, organisation, "
         "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!s.ok()) return impl_->Error("cannot add the account");
  s.Bind(1, user.name);
  s.Bind(2, std::string(RoleName(user.role)));
  s.Bind(3, user.password_hash);
  s.Bind(4, static_cast<long long>(user.disabled));
  s.Bind(5, user.display_name);
  s.Bind(6, user.organisation);
  s.Bind(7, static_cast<long long>(std::time(nullptr)));
  int rc = s.Step();
  if (rc == SQLITE_CONSTRAINT) return Status::InvalidInput("the account '" + user.name + "' already exists");
  if (rc != SQLITE_DONE) return impl_->Error("cannot add the account");
  return Status::Ok();
}

Result<std::optional<User>> UserStore::Get(const std::string& name) {
  std::lock_guard lock(impl_->mu);
  Stmt s(impl_->db,
         "SELECT name, role, password_hash, disabled, display_name, organisation, created_at "
         "FROM users WHERE name = ?1");
  if (!s.ok()) return impl_->Error("cannot read the account");
  s.Bind(1, name);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<User>();
  if (rc != SQLITE_ROW) return impl_->Error("cannot read the account");
  return std::optional<User>(ReadUser(s));
}

Result<std::vector<User>> UserStore::List() {
  std::lock_guard lock(impl_->mu);
  Stmt s(impl_->db,
         "SELECT name, role, password_hash, disabled, display_name, organisation, created_at "
         "FROM users ORDER BY name");
  if (!s.ok()) return impl_->Error("cannot list accounts");
  std::vector<User> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadUser(s));
  if (rc != SQLITE_DONE) return impl_->Error("cannot list accounts");
  return out;
}

Status UserStore::SetDisabled(const std::string& name, bool disabled) {
  std::lock_guard lock(impl_->mu);
  Stmt s(impl_->db, "UPDATE users SET disabled = ?1 WHERE name = ?2");
  s.Bind(1, static_cast<long long>(disabled));
  s.Bind(2, name);
  if (s.Step() != SQLITE_DONE) return impl_->Error("cannot change the account");
  if (sqlite3_changes(impl_->db) == 0) return Status::NotFound("no account named '" + name + "'");
  return Status::Ok();
}

Status UserStore::SetPasswordHash(const std::string& name, const std::string& hash) {
  std::lock_guard lock(impl_->mu);
  Stmt s(impl_->db, "UPDATE users SET password_hash = ?1 WHERE name = ?2");
  s.Bind(1, hash);
  s.Bind(2, name);
  if (s.Step() != SQLITE_DONE) return impl_->Error("cannot change the password");
  if (sqlite3_changes(impl_->db) == 0) return Status::NotFound("no account named '" + name + "'");
  return Status::Ok();
}

}  // namespace telemaint::relay
