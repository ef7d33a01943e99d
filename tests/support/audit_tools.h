#pragma once
// What the audit tests do with a relay's log from outside: run telemaint-audit, read the
// relay's key, read the records, and change the file the way someone holding it would
// (through the project's SQLite wrapper: no sqlite3.h outside audit/).
#include <string>
#include <vector>

#include "audit/record.h"
#include "common/status.h"

namespace telemaint::testing {

struct AuditRun {
  int status = -1;
  std::string out;
};

// Runs telemaint-audit. Each run remembers what it verified in a state directory of its own,
// unless `state` names one (an auditor's memory across runs), so runs on different copies do
// not see each other.
AuditRun Audit(std::vector<std::string> args, std::string state = {});
// `telemaint-relay audit-key` for this data directory.
std::string RelayKey(const std::string& data_dir);

std::vector<audit::StoredRecord> ReadAll(const std::string& db_path);
Status RawSql(const std::string& db_path, const std::string& sql);
void Sql(const std::string& db_path, const std::string& sql);
// Opening the store puts its triggers back: every tampering drops them again.
inline constexpr char kDropTriggers[] =
    "DROP TRIGGER IF EXISTS records_no_update; DROP TRIGGER IF EXISTS records_no_delete;";
// Appends a record with a correct chain hash, as a forger without the key can.
void AppendForged(const std::string& db_path, const std::string& kind, const std::string& session,
                  nlohmann::json data, int64_t time_ms);

}  // namespace telemaint::testing
