#pragma once
// UserStore: technician, auditor and admin accounts in the relay's SQLite database
// (DATA_DIR/relay.db, WAL, synchronous=FULL). Thread-safe: one connection behind a mutex, so the
// relay may call it from its worker threads.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace telemaint::relay {

enum class Role { kTechnician, kAuditor, kAdmin };
const char* RoleName(Role role);
std::optional<Role> ParseRole(const std::string& name);

struct User {
  std::string name;
  Role role = Role::kTechnician;
  std::string password_hash;  // Argon2id string; never logged
  bool disabled = false;
  std::string display_name;
  std::string organisation;
  long long created_at = 0;  // unix seconds
};

// Account names: 1-64 of [A-Za-z0-9._@-].
bool IsValidUserName(const std::string& name);
// A name typed at a login prompt, as logs may keep it: it may be a password typed in the wrong
// field, so only a name that can be an account is kept, else "(not an account name)".
std::string AccountNameForLog(const std::string& name);

class UserStore {
 public:
  static Result<std::unique_ptr<UserStore>> Open(const std::string& data_dir);
  ~UserStore();

  Status Add(const User& user);
  Result<std::optional<User>> Get(const std::string& name);
  Result<std::vector<User>> List();
  Status SetDisabled(const std::string& name, bool disabled);
  Status SetPasswordHash(const std::string& name, const std::string& hash);

 private:
  struct Impl;
  explicit UserStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::relay
