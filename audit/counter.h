#pragma once
// The relay's audit counter (DATA_DIR/audit-counter, beside the signing key, 0600): the head
// of the last batch the relay committed, signed. It lives outside audit.db so that a log cut
// back, or replaced by an older copy of itself, is caught at the next start: the relay refuses
// to continue a log older than the last one it signed. Written by the audit log's writer
// thread after each commit (never ahead of the database); read once when the log opens.
#include <optional>
#include <string>

#include "audit/record.h"
#include "common/status.h"

namespace telemaint::audit {

std::string CounterPath(const std::string& data_dir);

// nullopt when there is no counter yet (a new log, or one from before counters).
Result<std::optional<SignedHead>> ReadCounter(const std::string& data_dir);
// Replaces the counter atomically (a new file, synced, then renamed over the old one), so a
// crash leaves the old counter or the new one, never a torn file.
Status WriteCounter(const std::string& data_dir, const SignedHead& head);

}  // namespace telemaint::audit
