#pragma once
// A short conversation with the relay's /v1/org endpoint, for telemaint-admin (pending
// requests, approvals, revocations) and telemaint-viewer machines: log in with an account and
// its password, send requests, read the answers. Blocking: runs its own io_context on the
// calling thread. See docs/protocol.md#organisation-endpoint.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/address.h"
#include "common/status.h"

namespace telemaint::org {

struct RelayAccount {
  HostPort relay;
  std::string ca_file;
  std::string user;
};

// Logs in, sends each request in turn and returns the answers. The first answer that is an
// error ends the conversation: its sentence is the Status. `password` is wiped.
Result<std::vector<nlohmann::json>> AskRelay(const RelayAccount& account, std::string& password,
                                             const std::vector<nlohmann::json>& requests);

}  // namespace telemaint::org
