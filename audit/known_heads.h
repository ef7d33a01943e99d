#pragma once
// What an auditor keeps of the logs they verified, so that a log cut back to an earlier state
// or replaced by an older copy is caught (as ssh's known_hosts catches a changed host key):
// per relay key, the furthest signed record verified, its hash, when and from what. Kept in
// $XDG_STATE_HOME/telemaint/audit-known-heads.json (default ~/.local/state/...), 0600.
// Also reads what an auditor kept by hand: an earlier export, or a signed head.
// Single-threaded (telemaint-audit).
#include <cstdint>
#include <optional>
#include <string>

#include "audit/verify.h"
#include "common/bytes.h"
#include "common/status.h"

namespace telemaint::audit {

std::string DefaultKnownHeadsPath();

// What `path` remembers of the relay with this key; nullopt when nothing yet.
Result<std::optional<KnownHead>> RecallHead(const std::string& path, const Bytes& relay_key);
// Remembers the report's signed end, when it goes further than what was remembered.
Status RememberHead(const std::string& path, const Bytes& relay_key, const VerifyReport& report,
                    const std::string& source);

// An earlier export (`export --format log`) or a signed head (GET /v1/audit/head, as JSON):
// its last record's seq and hash.
Result<KnownHead> KnownHeadFromFile(const std::string& file);

}  // namespace telemaint::audit
