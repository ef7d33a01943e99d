#pragma once
// `telemaint-relay user add|list|disable|enable|passwd`: account administration on the relay's
// database. Returns the process exit code.
#include <string>

namespace telemaint::relay {

struct UserCommand {
  std::string action;  // add, list, disable, enable, passwd
  std::string name;
  std::string role = "technician";
  std::string display_name;
  std::string organisation;
  std::string data_dir;
  bool password_stdin = false;
};

int RunUserCommand(const UserCommand& cmd);

}  // namespace telemaint::relay
