#pragma once
// Sessions as an auditor reads them, rebuilt from verified records: who (technician, from
// where), which machine (customer, host address and name), when, how long, what the person
// allowed, which ticket, how it ended and the bytes each way. Filters, CSV/JSON export and
// billable hours per customer.
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "audit/record.h"
#include "audit/verify.h"
#include "common/status.h"

namespace telemaint::audit {

struct SessionSummary {
  std::string id;
  int64_t start_ms = 0, end_ms = 0;  // end 0: still open in this log
  int64_t duration_ms = 0;
  bool duration_known = true;  // false when the relay stopped during the session
  std::string technician, technician_name, technician_address, customer, machine, host_address, host_version,
      ticket;
  bool unattended = false;  // an enrolled machine's session (no code; its policy decided)
  std::string machine_id;   // unattended: the machine's id
  std::vector<std::string> permissions;  // in order: "control", "view only", "denied", ...
  std::string outcome;                   // how it ended (reason), or "open"
  uint64_t bytes_host_to_viewer = 0, bytes_viewer_to_host = 0;
  std::vector<std::string> receipts;  // whose signed receipts the log holds: "host", "viewer"
  bool receipt_problem = false;       // set from the Verifier's receipt problems
  // A record of it lies in a range the relay could not prove it wrote (possibly forged): it is
  // marked wherever it is listed and never billed.
  bool unproven = false;
  // Billable: from the customer's yes (control or view only) to the end; 0 if never allowed.
  int64_t allowed_ms = 0;
  int64_t granted_at_ms = 0;  // when the customer first said yes (0: never)
  std::string host_key, technician_key;  // fingerprints, from the receipts
  // What crossed beside the screen, as the host reported it (facts, never content): each
  // file's outcome ("setup.exe from the technician, 1 234 bytes, SHA-256 …: completed"), and
  // how many clipboard texts and chat messages went each way.
  std::vector<std::string> files;
  int clipboard_texts = 0, chat_messages = 0;
  std::vector<Record> timeline;  // every record about this session
};

class SessionIndex {
 public:
  void Add(const Record& record);
  // In start order.
  std::vector<const SessionSummary*> All() const;
  const SessionSummary* Find(const std::string& id_or_prefix, std::string* why) const;
  void MarkReceiptProblem(const std::string& id);
  void MarkUnproven(const std::vector<UnprovenRange>& ranges);

 private:
  void AddRecord(const Record& record);
  std::map<std::string, SessionSummary> sessions_;
  std::vector<std::string> order_;
};

// Customers are matched trimmed and without regard to case; a technician by account or
// display name.
struct SessionFilter {
  std::optional<int64_t> from_ms, to_ms;  // start within [from, to)
  std::string technician, host, customer, ticket, outcome;
  bool Matches(const SessionSummary& s) const;
};
// The words --outcome takes: every end reason, and "open".
std::vector<std::string> OutcomeWords();

// "2026-11-26T14:35:20Z"
std::string IsoTime(int64_t unix_ms);

// How text reports show times: in UTC, or in a zone's local time with its abbreviation
// ("2026-11-26 15:35:20 CET"). JSON and CSV keep UTC. telemaint-audit is single-threaded:
// Named sets the process's TZ once; the last zone named is the one every local time uses.
class TimeZone {
 public:
  TimeZone() = default;  // UTC
  // "UTC", an IANA name ("Europe/Paris"), or "" for the machine's own zone.
  static Result<TimeZone> Named(const std::string& name);
  std::string Format(int64_t unix_ms) const;

 private:
  bool utc_ = true;
};

// "42 s", "3 min 20 s", "1 h 05 min": a duration for people.
std::string HumanDuration(int64_t ms);
// "alice" or "alice (Sébastien Lefèvre)" when the display name says more.
std::string TechnicianText(const SessionSummary& s);
// "2026-11-26" or "2026-11-26T14:35:20Z" to unix ms; nullopt if neither.
std::optional<int64_t> ParseTime(const std::string& text);
// "2026-11" to [start, end) in unix ms.
std::optional<std::pair<int64_t, int64_t>> ParseMonth(const std::string& text);

void WriteCsv(std::ostream& out, const std::vector<const SessionSummary*>& sessions);
void WriteJson(std::ostream& out, const std::vector<const SessionSummary*>& sessions);
// `show`: the summary and every record, times in `zone`; receipts' raw text only with `raw`.
void WriteTimeline(std::ostream& out, const SessionSummary& s, const TimeZone& zone, bool raw);
// "host+viewer", "viewer", or with "BAD " in front when one does not check out.
std::string ReceiptsText(const SessionSummary& s);

// Milliseconds as whole seconds, the one rounding (down) of every report and export; billing
// counts from the milliseconds themselves.
int64_t WholeSeconds(int64_t ms);

// A session's billable minutes: the time the customer allowed (from their yes to the end)
// rounded up to whole `round_minutes` (0: to the minute, started minutes count). Refused or
// unanswered sessions bill nothing.
int64_t BillableMinutes(const SessionSummary& s, int round_minutes);

}  // namespace telemaint::audit
