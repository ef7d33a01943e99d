#include "relay/user_cli.h"

#include <cstdio>
#include <ctime>
#include <iostream>

#include "common/prompt.h"
#include "common/text_width.h"
#include "crypto/password.h"
#include "crypto/secret.h"
#include "relay/store/user_store.h"

namespace telemaint::relay {
namespace {

std::optional<crypto::SecretBytes> ReadNewPassword(bool from_stdin) {
  std::optional<std::string> pw;
  if (from_stdin) {
    pw = ReadLineFromStdin();
  } else {
    pw = PromptSecret("New password: ");
    if (pw) {
      auto again = PromptSecret("Repeat it: ");
      if (!again || *again != *pw) {
        std::cerr << "The two passwords differ; nothing was changed.\n";
        if (again) crypto::Wipe(*again);
        crypto::Wipe(*pw);
        return std::nullopt;
      }
      crypto::Wipe(*again);
    } else {
      std::cerr << "No terminal to ask for the password: use --password-stdin.\n";
      return std::nullopt;
    }
  }
  if (!pw) {
    std::cerr << "No password was given on standard input.\n";
    return std::nullopt;
  }
  if (pw->size() < 10) {
    crypto::Wipe(*pw);
    std::cerr << "The password is too short: use at least 10 characters.\n";
    return std::nullopt;
  }
  return crypto::SecretBytes::TakeString(*pw);
}

// Asks for a new password and returns its Argon2id hash; nullopt after telling the user why.
std::optional<std::string> NewPasswordHash(bool from_stdin) {
  auto pw = ReadNewPassword(from_stdin);
  if (!pw) return std::nullopt;
  auto hash = crypto::HashPassword(*pw);
  if (!hash.ok()) {
    std::cerr << "error: " << hash.status().message() << "\n";
    return std::nullopt;
  }
  return *hash;
}

}  // namespace

namespace {

int Fail(const Status& s) {
  std::cerr << "error: " << s.message() << "\n";
  return 1;
}

int ListUsers(UserStore& users) {
  auto list = users.List();
  if (!list.ok()) return Fail(list.status());
  // Columns by display width, not bytes: "Zoé Müller" and "山田太郎" line up with the rest.
  auto row = [](std::string_view name, std::string_view role, std::string_view state,
                std::string_view display, std::string_view organisation) {
    std::cout << PadToWidth(name, 24) << ' ' << PadToWidth(role, 11) << ' '
              << PadToWidth(state, 9) << ' ' << PadToWidth(display, 24) << ' ' << organisation
              << '\n';
  };
  row("NAME", "ROLE", "STATE", "DISPLAY NAME", "ORGANISATION");
  for (const User& u : *list)
    row(u.name, RoleName(u.role), u.disabled ? "disabled" : "active", u.display_name,
        u.organisation);
  return 0;
}

int AddUser(UserStore& users, const UserCommand& cmd) {
  auto role = ParseRole(cmd.role);
  if (!role) {
    std::cerr << "error: --role is technician, auditor or admin\n";
    return 2;
  }
  auto existing = users.Get(cmd.name);
  if (existing.ok() && existing->has_value()) {
    std::cerr << "error: the account '" << cmd.name << "' already exists\n";
    return 1;
  }
  auto hash = NewPasswordHash(cmd.password_stdin);
  if (!hash) return 2;
  User u;
  u.name = cmd.name;
  u.role = *role;
  u.password_hash = *hash;
  u.display_name = cmd.display_name.empty() ? cmd.name : cmd.display_name;
  u.organisation = cmd.organisation;
  if (Status s = users.Add(u); !s.ok()) return Fail(s);
  std::cout << "Added " << RoleName(u.role) << " '" << u.name << "'.\n";
  return 0;
}

int SetDisabled(UserStore& users, const UserCommand& cmd) {
  const bool disable = cmd.action == "disable";
  if (Status s = users.SetDisabled(cmd.name, disable); !s.ok()) return Fail(s);
  std::cout << (disable ? "Disabled" : "Enabled") << " '" << cmd.name << "'.\n";
  return 0;
}

int ChangePassword(UserStore& users, const UserCommand& cmd) {
  auto existing = users.Get(cmd.name);
  if (!existing.ok() || !existing->has_value()) {
    std::cerr << "error: no account named '" << cmd.name << "'\n";
    return 1;
  }
  auto hash = NewPasswordHash(cmd.password_stdin);
  if (!hash) return 2;
  if (Status s = users.SetPasswordHash(cmd.name, *hash); !s.ok()) return Fail(s);
  std::cout << "Changed the password of '" << cmd.name << "'.\n";
  return 0;
}

}  // namespace

int RunUserCommand(const UserCommand& cmd) {
  auto store = UserStore::Open(cmd.data_dir);
  if (!store.ok()) return Fail(store.status());
  UserStore& users = **store;
  if (cmd.action == "list") return ListUsers(users);
  if (!IsValidUserName(cmd.name)) {
    std::cerr << "error: account names are 1-64 letters, digits and . _ @ -\n";
    return 2;
  }
  if (cmd.action == "add") return AddUser(users, cmd);
  if (cmd.action == "disable" || cmd.action == "enable") return SetDisabled(users, cmd);
  if (cmd.action == "passwd") return ChangePassword(users, cmd);
  std::cerr << "error: unknown user action '" << cmd.action << "'\n";
  return 2;
}

}  // namespace telemaint::relay
