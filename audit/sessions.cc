#include "audit/sessions.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "audit/packs.h"
#include "receipt/receipt.h"
#include "common/log.h"
#include "crypto/identity.h"

namespace telemaint::audit {

namespace {

using wire::AuditKind;

// A permission record as an auditor reads it: "control", "view only", "stopped"...
std::string PermissionEntry(const Record& r) {
  const std::string event = r.data.value("event", "");
  const std::string permission = r.data.value("permission", "");
  const auto what = wire::FromWire<wire::ConsentEvent>(event);
  auto known = wire::FromWire<wire::Permission>(permission);
  if (what == wire::ConsentEvent::kStopped) return "stopped";
  if (what == wire::ConsentEvent::kAllowedByPolicy) return "control (policy allow)";
  if (what == wire::ConsentEvent::kControlRequested) return "control requested";
  if (what == wire::ConsentEvent::kRequestAnswered && known != wire::Permission::kControl)
    return known == wire::Permission::kNoAnswer ? "request not answered" : "request declined";
  return known ? wire::PermissionText(*known) : log::Printable(permission);
}

// A transfer record: files' final outcomes as lines; clipboard texts and chat lines counted.
void AddTransfer(SessionSummary& s, const Record& r) {
  const auto what = wire::FromWire<wire::TransferKind>(r.data.value("what", ""));
  const auto event = wire::FromWire<wire::TransferEvent>(r.data.value("event", ""));
  if (what == wire::TransferKind::kClipboard) ++s.clipboard_texts;
  if (what == wire::TransferKind::kChat) ++s.chat_messages;
  if (what != wire::TransferKind::kFile || !event || *event == wire::TransferEvent::kOffered ||
      *event == wire::TransferEvent::kAccepted)
    return;
  const bool from_host = r.data.value("from", "") == wire::ToWire(wire::Party::kHost);
  std::string line = log::Printable(r.data.value("name", "")) +
                     (from_host ? " from the customer" : " from the technician") + ", " +
                     std::to_string(r.data.value("size", uint64_t{0})) + " bytes";
  if (const std::string sha = r.data.value("sha256", ""); !sha.empty())
    line += ", SHA-256 " + log::Printable(sha);
  line += ": " + std::string(wire::ToWire(*event));
  if (const std::string why = r.data.value("detail", ""); !why.empty())
    line += " (" + log::Printable(why) + ")";
  s.files.push_back(line);
}

bool IsGrant(const Record& r) {
  auto p = wire::FromWire<wire::Permission>(r.data.value("permission", ""));
  return p == wire::Permission::kControl || p == wire::Permission::kViewOnly;
}

SessionSummary FromStart(const Record& r) {
  SessionSummary s;
  s.id = r.session;
  s.start_ms = r.time_ms;
  s.outcome = "open";
  const auto& d = r.data;
  s.technician = d.value("technician", "");
  s.technician_name = d.value("technician_name", "");
  s.technician_address = d.value("technician_address", "");
  s.customer = d.value("customer", "");
  s.machine = d.value("machine", "");
  s.host_address = d.value("host_address", "");
  s.host_version = d.value("host_version", "");
  s.ticket = d.value("ticket", "");
  s.unattended = d.value("mode", "") == wire::ToWire(wire::HostMode::kUnattended);
  s.machine_id = d.value("machine_id", "");
  return s;
}

// The Verifier checks the signatures (and marks a session whose receipt fails); here only who
// signed and the keys they name.
void AddReceipt(SessionSummary& s, const Record& r) {
  auto facts = receipt::ParseReceipt(r.data.value("receipt", ""));
  if (!facts.ok()) return;
  s.receipts.push_back(std::string(wire::ToWire(facts->role)));
  if (!facts->host_key.empty()) s.host_key = crypto::KeyFingerprint(facts->host_key);
  if (!facts->technician_key.empty())
    s.technician_key = crypto::KeyFingerprint(facts->technician_key);
}

void AddEnd(SessionSummary& s, const Record& r) {
  s.end_ms = r.time_ms;
  s.outcome = r.data.value("reason", "");
  s.duration_ms = r.data.value("duration_ms", int64_t{0});
  s.duration_known = r.data.value("duration_known", true);
  s.bytes_host_to_viewer = r.data.value("bytes_host_to_viewer", uint64_t{0});
  s.bytes_viewer_to_host = r.data.value("bytes_viewer_to_host", uint64_t{0});
  // The time the customer allowed: from their yes to the end (the question is not billed).
  const int64_t ended = s.start_ms + s.duration_ms;
  s.allowed_ms = s.granted_at_ms ? std::max<int64_t>(0, ended - s.granted_at_ms) : 0;
}

// Spreadsheets run cells that start with = + - @ as formulas; names come from hosts.
std::string CsvField(const std::string& value) {
  std::string v = value;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' ||
                     v[0] == '\r'))
    v = "'" + v;
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

}  // namespace

void SessionIndex::MarkReceiptProblem(const std::string& id) {
  if (auto it = sessions_.find(id); it != sessions_.end()) it->second.receipt_problem = true;
}

void SessionIndex::MarkUnproven(const std::vector<UnprovenRange>& ranges) {
  for (auto& [id, s] : sessions_)
    for (const Record& r : s.timeline)
      for (const UnprovenRange& u : ranges) s.unproven = s.unproven || (r.seq >= u.from && r.seq <= u.to);
}

void SessionIndex::Add(const Record& r) {
  try {
    AddRecord(r);
  } catch (const nlohmann::json::exception&) {
    // A field of the wrong type: the Verifier names the record; the report skips it.
  }
}

void SessionIndex::AddRecord(const Record& r) {
  if (r.session.empty()) return;
  auto it = sessions_.find(r.session);
  if (r.Is(AuditKind::kSessionStart) && it == sessions_.end()) {
    it = sessions_.emplace(r.session, FromStart(r)).first;
    order_.push_back(r.session);
  }
  if (it == sessions_.end()) return;
  SessionSummary& s = it->second;
  s.timeline.push_back(r);
  if (r.Is(AuditKind::kPermission)) {
    s.permissions.push_back(PermissionEntry(r));
    if (!s.granted_at_ms && IsGrant(r)) s.granted_at_ms = r.time_ms;
  }
  if (r.Is(AuditKind::kReceipt)) AddReceipt(s, r);
  if (r.Is(AuditKind::kTransfer)) AddTransfer(s, r);
  if (r.Is(AuditKind::kSessionEnd)) AddEnd(s, r);
}

std::vector<const SessionSummary*> SessionIndex::All() const {
  std::vector<const SessionSummary*> out;
  for (const auto& id : order_) out.push_back(&sessions_.at(id));
  return out;
}

const SessionSummary* SessionIndex::Find(const std::string& prefix, std::string* why) const {
  const SessionSummary* found = nullptr;
  for (const auto& [id, s] : sessions_) {
    if (id.compare(0, prefix.size(), prefix) != 0 || prefix.empty()) continue;
    if (found) {
      *why = "more than one session starts with " + prefix;
      return nullptr;
    }
    found = &s;
  }
  if (!found) *why = "no session " + prefix + " in this log";
  return found;
}

bool SessionFilter::Matches(const SessionSummary& s) const {
  if (from_ms && s.start_ms < *from_ms) return false;
  if (to_ms && s.start_ms >= *to_ms) return false;
  if (!technician.empty() && s.technician != technician &&
      CustomerKey(s.technician_name) != CustomerKey(technician))
    return false;
  if (!host.empty() && s.host_address != host && s.machine != host) return false;
  if (!customer.empty() && CustomerKey(s.customer) != CustomerKey(customer)) return false;
  if (!ticket.empty() && s.ticket != ticket) return false;
  if (!outcome.empty() && s.outcome != outcome) return false;
  return true;
}

std::vector<std::string> OutcomeWords() {
  std::vector<std::string> words{"open"};
  for (const auto& [value, word] : wire::Words<wire::EndReason>::kAll) words.emplace_back(word);
  return words;
}

namespace {

// unix ms in `format`, as UTC or in the process's zone (TZ).
std::string FormatTime(int64_t unix_ms, bool utc, const char* format) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  if (utc)
    gmtime_r(&t, &tm);
  else
    localtime_r(&t, &tm);
  char out[64];
  std::strftime(out, sizeof out, format, &tm);
  return out;
}

}  // namespace

Result<TimeZone> TimeZone::Named(const std::string& name) {
  TimeZone zone;
  if (name == "UTC" || name == "Z") return zone;
  zone.utc_ = false;
  // A name TZ does not know silently means UTC: check the zone database instead.
  std::error_code ec;
  if (!name.empty() && (name.find("..") != std::string::npos ||
                        !std::filesystem::is_regular_file("/usr/share/zoneinfo/" + name, ec)))
    return Status::InvalidInput("--tz: unknown time zone '" + name +
                                "' (use a name such as Europe/Paris, or UTC)");
  // Once for the process (telemaint-audit is single-threaded), not at every time shown.
  if (name.empty())
    unsetenv("TZ");
  else
    setenv("TZ", name.c_str(), 1);
  tzset();
  return zone;
}

std::string TimeZone::Format(int64_t unix_ms) const {
  return utc_ ? IsoTime(unix_ms) : FormatTime(unix_ms, false, "%Y-%m-%d %H:%M:%S %Z");
}

std::string HumanDuration(int64_t ms) {
  const int64_t s = ms / 1000;
  char out[48];
  if (s < 60)
    std::snprintf(out, sizeof out, "%lld s", static_cast<long long>(s));
  else if (s < 3600)
    std::snprintf(out, sizeof out, "%lld min %02lld s", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(out, sizeof out, "%lld h %02lld min", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  return out;
}

std::string TechnicianText(const SessionSummary& s) {
  if (s.technician_name.empty() || s.technician_name == s.technician)
    return log::Printable(s.technician);
  return log::Printable(s.technician) + " (" + log::Printable(s.technician_name) + ")";
}

std::string IsoTime(int64_t unix_ms) { return FormatTime(unix_ms, true, "%Y-%m-%dT%H:%M:%SZ"); }

std::optional<int64_t> ParseTime(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  if (text.size() == 10) {
    in >> std::get_time(&tm, "%Y-%m-%d");
  } else if (text.size() == 20 && text.back() == 'Z') {
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  } else {
    return std::nullopt;
  }
  if (in.fail()) return std::nullopt;
  const std::tm given = tm;
  const std::time_t t = timegm(&tm);
  // timegm moves February 30 to March 2: a date that moved did not exist.
  if (tm.tm_mday != given.tm_mday || tm.tm_mon != given.tm_mon || tm.tm_year != given.tm_year)
    return std::nullopt;
  return static_cast<int64_t>(t) * 1000;
}

std::optional<std::pair<int64_t, int64_t>> ParseMonth(const std::string& text) {
  auto start = ParseTime(text + "-01");
  if (!start || text.size() != 7) return std::nullopt;
  std::tm tm{};
  std::istringstream(text + "-01") >> std::get_time(&tm, "%Y-%m-%d");
  tm.tm_mon += 1;  // timegm normalises December + 1 into January
  return std::make_pair(*start, static_cast<int64_t>(timegm(&tm)) * 1000);
}

void WriteCsv(std::ostream& out, const std::vector<const SessionSummary*>& sessions) {
  out << "session,start,end,duration_s,duration_known,technician,technician_address,customer,"
         "machine,host_address,ticket,permissions,outcome,bytes_host_to_viewer,"
         "bytes_viewer_to_host,receipts,allowed_s,unproven,technician_name\n";
  for (const SessionSummary* s : sessions) {
    out << s->id << ',' << IsoTime(s->start_ms) << ',' << (s->end_ms ? IsoTime(s->end_ms) : "")
        << ',' << s->duration_ms / 1000 << ',' << (s->duration_known ? "yes" : "no") << ','
        << CsvField(s->technician) << ',' << CsvField(s->technician_address) << ','
        << CsvField(s->customer) << ',' << CsvField(s->machine) << ','
        << CsvField(s->host_address) << ',' << CsvField(s->ticket) << ','
        << CsvField(Join(s->permissions, " > ")) << ',' << CsvField(s->outcome) << ','
        << s->bytes_host_to_viewer << ',' << s->bytes_viewer_to_host << ','
        << ReceiptsText(*s) << ',' << WholeSeconds(s->allowed_ms) << ','
        << (s->unproven ? "yes" : "no") << ',' << CsvField(s->technician_name) << '\n';
  }
}

void WriteJson(std::ostream& out, const std::vector<const SessionSummary*>& sessions) {
  nlohmann::json all = nlohmann::json::array();
  for (const SessionSummary* s : sessions) {
    nlohmann::json timeline = nlohmann::json::array();
    for (const Record& r : s->timeline)
      timeline.push_back({{"seq", r.seq}, {"time", IsoTime(r.time_ms)}, {"kind", r.kind},
                          {"data", r.data}});
    all.push_back({{"session", s->id},
                   {"start", IsoTime(s->start_ms)},
                   {"end", s->end_ms ? nlohmann::json(IsoTime(s->end_ms)) : nlohmann::json()},
                   {"duration_s", WholeSeconds(s->duration_ms)},
                   {"duration_ms", s->duration_ms},
                   {"duration_known", s->duration_known},
                   {"technician", s->technician},
                   {"technician_name", s->technician_name},
                   {"technician_address", s->technician_address},
                   {"customer", s->customer},
                   {"machine", s->machine},
                   {"unattended", s->unattended},
                   {"machine_id", s->machine_id},
                   {"host_address", s->host_address},
                   {"host_version", s->host_version},
                   {"ticket", s->ticket},
                   {"permissions", s->permissions},
                   {"outcome", s->outcome},
                   {"bytes_host_to_viewer", s->bytes_host_to_viewer},
                   {"bytes_viewer_to_host", s->bytes_viewer_to_host},
                   {"receipts", s->receipts},
                   {"receipt_problem", s->receipt_problem},
                   {"unproven", s->unproven},
                   {"allowed_s", WholeSeconds(s->allowed_ms)},
                   {"allowed_ms", s->allowed_ms},
                   {"host_key", s->host_key},
                   {"technician_key", s->technician_key},
                   {"files", s->files},
                   {"clipboard_texts", s->clipboard_texts},
                   {"chat_messages", s->chat_messages},
                   {"timeline", timeline}});
  }
  out << all.dump(2) << "\n";
}

namespace {

// One record of `show`: receipts by whose they are (their raw text only when asked).
std::string TimelineData(const Record& r, bool raw) {
  if (raw || !r.Is(AuditKind::kReceipt)) return log::Printable(r.data.dump());
  auto facts = receipt::ParseReceipt(r.data.value("receipt", ""));
  std::string text = "by " + log::Printable(r.data.value("by", "?"));
  if (facts.ok() && !facts->host_key.empty())
    text += ", host key " + crypto::KeyFingerprint(facts->host_key);
  if (facts.ok() && !facts->technician_key.empty())
    text += ", technician key " + crypto::KeyFingerprint(facts->technician_key);
  return text + " (raw receipt: show --raw)";
}

}  // namespace

void WriteTimeline(std::ostream& out, const SessionSummary& s, const TimeZone& zone, bool raw) {
  // Names come from hosts and viewers: no control character reaches the auditor's terminal.
  using log::Printable;
  if (s.unproven)
    out << "UNPROVEN: records of this session are not signed by the relay as its own (found "
           "unsigned at a start, or after the last signature of a live copy); it may be forged "
           "(see verify)\n";
  out << "session " << s.id << "\n"
      << "  technician  " << TechnicianText(s) << " from " << s.technician_address << "\n"
      << "  machine     " << (s.machine.empty() ? "(no name)" : Printable(s.machine)) << " at "
      << s.host_address << (s.customer.empty() ? "" : ", customer " + Printable(s.customer))
      << "\n"
      << "  started     " << zone.Format(s.start_ms) << "\n"
      << "  ticket      " << (s.ticket.empty() ? "(none)" : Printable(s.ticket)) << "\n"
      << "  permissions " << (s.permissions.empty() ? "(none given)" : Join(s.permissions, " > "))
      << "\n"
      << "  outcome     " << Printable(s.outcome) << ", " << HumanDuration(s.duration_ms)
      << (s.duration_known ? "" : " (at least: the relay stopped during it)") << ", "
      << s.bytes_host_to_viewer << " bytes to the technician, " << s.bytes_viewer_to_host
      << " bytes to the host\n"
      << "  receipts    "
      << (s.receipts.empty() ? "(none)"
          : s.receipt_problem ? Join(s.receipts, ", ") + " (DO NOT CHECK OUT: see verify)"
                              : Join(s.receipts, ", ") + " (signatures verified)")
      << (s.technician_key.empty() ? "" : "; technician key " + s.technician_key)
      << (s.host_key.empty() ? "" : "; host key " + s.host_key) << "\n";
  for (const std::string& file : s.files) out << "  file        " << file << "\n";
  if (s.clipboard_texts || s.chat_messages)
    out << "  beside      " << s.clipboard_texts << " clipboard text(s), " << s.chat_messages
        << " chat message(s)\n";
  for (const Record& r : s.timeline)
    out << "  " << zone.Format(r.time_ms) << "  #" << r.seq << "  " << r.kind << "  "
        << TimelineData(r, raw) << "\n";
}

std::string ReceiptsText(const SessionSummary& s) {
  std::vector<std::string> sorted = s.receipts;
  std::sort(sorted.begin(), sorted.end());
  return (s.receipt_problem ? "BAD " : "") + Join(sorted, "+");
}

int64_t WholeSeconds(int64_t ms) { return ms / 1000; }

int64_t BillableMinutes(const SessionSummary& s, int round_minutes) {
  if (s.allowed_ms <= 0) return 0;
  const int64_t unit_ms = static_cast<int64_t>(round_minutes > 0 ? round_minutes : 1) * 60000;
  const int64_t units = (s.allowed_ms + unit_ms - 1) / unit_ms;
  return units * (round_minutes > 0 ? round_minutes : 1);
}

}  // namespace telemaint::audit
