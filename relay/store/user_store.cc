#include "relay/store/user_store.h"

#include "audit/sqlite/database.h"

#include <ctime>
#include <filesystem>
#include <functional>
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

constexpr const char* kColumns =
    "SELECT name, role, password_hash, disabled, display_name, organisation, created_at "
    "FROM users ";

User ReadUser(const sqlite::Statement& s) {
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
  std::unique_ptr<sqlite::Database> db;
  std::mutex mu;
  Status Error(const std::string& what) const { return db->Error(what); }
  // Runs an UPDATE of one account (?1 the value, ?2 the name); NotFound when there is none.
  Status UpdateOne(const char* sql, const std::string& name, const char* what,
                   const std::function<void(sqlite::Statement&)>& bind_value);
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
  std::string path = (std::filesystem::path(data_dir) / "relay.db").string();
  auto db = sqlite::Database::Open(path, sqlite::Database::Mode::kReadWrite);
  if (!db.ok())
    return Status::Io("cannot open the database '" + path + "': " + db.status().message());
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", kSchema}) {
    if (Status s = impl->db->Exec(sql); !s.ok())
      return Status::Io("cannot prepare the database '" + path + "': " + s.message());
  }
  return std::unique_ptr<UserStore>(new UserStore(std::move(impl)));
}

Status UserStore::Add(const User& user) {
  std::lock_guard lock(impl_->mu);
  auto s = impl_->db->Prepare(
      "INSERT INTO users (name, role, password_hash, disabled, display_name, organisation, "
      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!s.ok()) return impl_->Error("cannot add the account");
  s->Bind(1, user.name);
  s->Bind(2, RoleName(user.role));
  s->Bind(3, user.password_hash);
  s->Bind(4, int64_t{user.disabled});
  s->Bind(5, user.display_name);
  s->Bind(6, user.organisation);
  s->Bind(7, static_cast<int64_t>(std::time(nullptr)));
  const auto step = s->Next();
  if (step == sqlite::Statement::Step::kConstraint)
    return Status::InvalidInput("the account '" + user.name + "' already exists");
  if (step != sqlite::Statement::Step::kDone) return impl_->Error("cannot add the account");
  return Status::Ok();
}

Result<std::optional<User>> UserStore::Get(const std::string& name) {
  std::lock_guard lock(impl_->mu);
  auto s = impl_->db->Prepare((std::string(kColumns) + "WHERE name = ?1").c_str());
  if (!s.ok()) return impl_->Error("cannot read the account");
  s->Bind(1, name);
  const auto step = s->Next();
  if (step == sqlite::Statement::Step::kDone) return std::optional<User>();
  if (step != sqlite::Statement::Step::kRow) return impl_->Error("cannot read the account");
  return std::optional<User>(ReadUser(*s));
}

Result<std::vector<User>> UserStore::List() {
  std::lock_guard lock(impl_->mu);
  auto s = impl_->db->Prepare((std::string(kColumns) + "ORDER BY name").c_str());
  if (!s.ok()) return impl_->Error("cannot list accounts");
  std::vector<User> out;
  sqlite::Statement::Step step;
  while ((step = s->Next()) == sqlite::Statement::Step::kRow) out.push_back(ReadUser(*s));
  if (step != sqlite::Statement::Step::kDone) return impl_->Error("cannot list accounts");
  return out;
}

Status UserStore::Impl::UpdateOne(const char* sql, const std::string& name, const char* what,
                                  const std::function<void(sqlite::Statement&)>& bind_value) {
  std::lock_guard lock(mu);
  auto s = db->Prepare(sql);
  if (!s.ok()) return Error(what);
  bind_value(*s);
  s->Bind(2, name);
  if (s->Next() != sqlite::Statement::Step::kDone) return Error(what);
  if (db->Changes() == 0) return Status::NotFound("no account named '" + name + "'");
  return Status::Ok();
}

Status UserStore::SetDisabled(const std::string& name, bool disabled) {
  return impl_->UpdateOne("UPDATE users SET disabled = ?1 WHERE name = ?2", name,
                          "cannot change the account",
                          [&](sqlite::Statement& s) { s.Bind(1, int64_t{disabled}); });
}

Status UserStore::SetPasswordHash(const std::string& name, const std::string& hash) {
  return impl_->UpdateOne("UPDATE users SET password_hash = ?1 WHERE name = ?2", name,
                          "cannot change the password",
                          [&](sqlite::Statement& s) { s.Bind(1, hash); });
}

}  // namespace telemaint::relay
