#pragma once
// `telemaint-relay audit-checkpoint` and `pack add|list`: administration that writes the audit
// log goes to the running relay over its control socket (only the relay writes its log);
// `pack list` reads the log itself. Each returns the process exit code.
#include <string>

namespace telemaint::relay {

int RunAuditCheckpoint(const std::string& data_dir);

struct PackCommand {
  std::string action;  // add, list
  std::string data_dir, customer, hours, date, note;
};
int RunPackCommand(const PackCommand& cmd);

}  // namespace telemaint::relay
