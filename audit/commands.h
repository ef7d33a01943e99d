#pragma once
// What telemaint-audit does, apart from parsing its arguments (audit/main.cc): read a log
// (a copy of the relay's data directory, an exported file, or a running relay over HTTPS),
// verify it against the pinned relay key, and write each subcommand's report. Every report is
// made only from a log that verifies. Single-threaded.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "audit/packs.h"
#include "audit/remote.h"
#include "audit/sessions.h"
#include "audit/verify.h"
#include "common/bytes.h"
#include "common/status.h"

namespace telemaint::audit {

// The tool's exit codes (docs/auditor-guide.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitBad =
    1;  // the log does not verify, or the session asked for is not there
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRead = 3;   // the log or key cannot be read

// The relay key as 64 hex digits, or a file holding them (what `telemaint-relay audit-key`
// prints).
Result<Bytes> ReadRelayKey(const std::string& given);

// Where the log comes from: exactly one of these.
struct LogSource {
  std::string data_dir;                // a copy of the relay's data directory
  std::string file;                    // a log written by `export --format log`
  std::optional<RemoteSource> remote;  // a running relay (its password is wiped once read)
  std::string remote_url;              // as given, for messages
};

// A log read and verified, with its sessions rebuilt (from the verified records only).
struct VerifiedLog {
  std::vector<StoredRecord> records;
  std::vector<Pack> packs;  // proven ones only
  VerifyReport report;
  SessionIndex index;
};
struct VerifyInputs {
  Bytes relay_key;
  bool live = false;
  std::optional<KnownHead> known;  // what the auditor saw of this log before
};
Result<VerifiedLog> ReadAndVerify(LogSource& source, const VerifyInputs& inputs);
// How the log was read, for people: "--data-dir DIR", "--file FILE", "--relay URL".
std::string SourceText(const LogSource& source);

// `verify`, or any other command on a log that does not verify: prints the check and returns
// the exit code.
int ReportVerification(const VerifyReport& report, bool asked);
// A note on stderr when some receipts do not check out (the report still goes on).
void NoteReceiptProblems(const VerifyReport& report);

void PrintSessions(std::ostream& out, const std::vector<const SessionSummary*>& sessions,
                   const TimeZone& zone);
// `hours`: the billable time of each customer (or one) in one month ([from, to) in unix ms).
struct HoursQuery {
  std::string customer, month;  // customer empty: every customer of the month
  int64_t from_ms = 0, to_ms = 0;
  int round_minutes = 15;
  TimeZone zone;
};
void PrintHours(std::ostream& out, const SessionIndex& index, const HoursQuery& query,
                const std::vector<std::string>& known_customers);
// "no session or pack ... is for customer X; the customers are: A, B".
std::string UnknownCustomerNote(const std::string& customer,
                                const std::vector<std::string>& known);
// `export`: csv, json or log, to `output` or standard output.
int Export(const VerifiedLog& log, const std::vector<const SessionSummary*>& chosen,
           const std::string& format, const std::string& output);

}  // namespace telemaint::audit
