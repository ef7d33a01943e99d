#include "audit/commands.h"

#include <algorithm>
#include <fstream>
#include <iostream>

#include "audit/store.h"
#include "common/log.h"
#include "crypto/secret.h"

namespace telemaint::audit {

Result<Bytes> ReadRelayKey(const std::string& given) {
  std::string text = given;
  if (given.size() != 64) {
    std::ifstream in(given);
    if (!in) return Status::NotFound("--relay-key: neither 64 hex digits nor a readable file");
    std::getline(in, text);
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r'))
    text.pop_back();
  Bytes key = FromHex(text);
  if (key.size() != 32)
    return Status::InvalidInput("--relay-key: not an Ed25519 public key (64 hex digits)");
  return key;
}

namespace {

Result<std::vector<StoredRecord>> ReadExport(const std::string& file) {
  std::vector<StoredRecord> records;
  std::ifstream in(file);
  if (!in) return Status::NotFound("cannot read " + file);
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    auto record = ParseRecordLine(line);
    if (!record.ok())
      return Status::InvalidInput(file + " line " + std::to_string(n) +
                                  " is not a record of an exported log");
    records.push_back(std::move(*record));
  }
  return records;
}

// The records of a copy of the data directory, and the head its store signed last.
Status ReadCopy(const std::string& data_dir, std::vector<StoredRecord>& records,
                std::optional<SignedHead>& stored_head) {
  auto store = AuditStore::Open(AuditDbPath(data_dir), /*read_only=*/true);
  if (!store.ok()) return store.status();
  Status s = (*store)->ForEach([&](StoredRecord r) { records.push_back(std::move(r)); });
  if (!s.ok()) return s;
  auto head = (*store)->BatchHead();
  if (!head.ok()) return head.status();
  stored_head = *head;
  return Status::Ok();
}

}  // namespace

std::string SourceText(const LogSource& source) {
  if (source.remote) return "--relay " + source.remote_url;
  if (!source.file.empty()) return "--file " + source.file;
  return "--data-dir " + source.data_dir;
}

Result<VerifiedLog> ReadAndVerify(LogSource& source, const VerifyInputs& inputs) {
  VerifiedLog log;
  VerifyOptions options;
  options.relay_key = inputs.relay_key;
  options.live = inputs.live;
  options.known = inputs.known;
  if (source.remote) {
    auto fetched = FetchRecords(*source.remote);
    crypto::Wipe(source.remote->password);
    if (!fetched.ok()) return fetched.status();
    options.attested = fetched->head;
    log.records = std::move(fetched->records);
  } else if (!source.file.empty()) {
    auto read = ReadExport(source.file);
    if (!read.ok()) return read.status();
    log.records = std::move(*read);
  } else if (Status s = ReadCopy(source.data_dir, log.records, options.stored_head); !s.ok()) {
    return s;
  }
  Verifier verifier(options);
  for (const StoredRecord& stored : log.records) {
    auto record = verifier.Add(stored);
    if (!record) continue;
    log.index.Add(*record);
    try {
      if (auto pack = PackFromRecord(*record)) log.packs.push_back(std::move(*pack));
    } catch (const nlohmann::json::exception&) {
      // A malformed pack counts for nothing; the verifier judges the record itself.
    }
  }
  log.report = verifier.Finish();
  for (const ReceiptProblem& p : log.report.receipt_problems)
    log.index.MarkReceiptProblem(p.session);
  std::vector<UnprovenRange> unproven = log.report.unproven;
  if (log.report.unsigned_tail) unproven.push_back(*log.report.unsigned_tail);
  log.index.MarkUnproven(unproven);
  // A pack in an unproven range may be forged: it pays for nothing.
  std::erase_if(log.packs, [&](const Pack& p) {
    return std::any_of(unproven.begin(), unproven.end(),
                       [&](const UnprovenRange& u) { return p.seq >= u.from && p.seq <= u.to; });
  });
  return log;
}

int ReportVerification(const VerifyReport& r, bool asked) {
  std::ostream& out = r.ok() ? std::cout : std::cerr;
  for (const auto& note : r.notes) out << "note: " << note << "\n";
  if (r.ok()) {
    out << "OK: " << r.records << " records, " << r.checkpoints << " signed checkpoint"
        << (r.checkpoints == 1 ? "" : "s") << ", every record signed through record "
        << r.signed_through << "\n";
  } else {
    out << "FAILED (" << ProblemName(r.problem) << ") at record " << r.bad_seq << ": "
        << r.message << "\n";
  }
  for (const ReceiptProblem& p : r.receipt_problems)
    std::cerr << "FAILED (bad receipt) at " << log::Printable(p.message) << "\n";
  for (const UnprovenRange& u : r.unproven)
    std::cerr << "WARNING (unproven): records " << u.from << " to " << u.to
              << " were found unsigned when the relay started on " << IsoTime(u.found_ms)
              << (u.why == "signed_record_changed"
                      ? " (the record it had signed last was no longer there as it signed it)"
                      : " (after everything it had signed)")
              << ": they may be forged; the relay never vouched for them, and reports mark "
                 "every session they touch as UNPROVEN\n";
  if (!r.ok() && !asked) std::cerr << "nothing reported: the log does not verify\n";
  return r.ok() && r.receipt_problems.empty() && r.unproven.empty() ? kExitOk : kExitBad;
}

void NoteReceiptProblems(const VerifyReport& report) {
  if (!report.unproven.empty())
    std::cerr << "note: " << report.unproven.size()
              << " range(s) of records are unproven (see verify); sessions they touch are marked "
                 "UNPROVEN and not billed\n";
  if (!report.receipt_problems.empty())
    std::cerr << "note: " << report.receipt_problems.size()
              << " session receipt(s) do not check out (see verify); those sessions are marked\n";
}

void PrintSessions(std::ostream& out, const std::vector<const SessionSummary*>& sessions,
                   const TimeZone& zone) {
  for (const SessionSummary* s : sessions) {
    out << (s->unproven ? "UNPROVEN " : "") << s->id.substr(0, 8) << "  "
        << zone.Format(s->start_ms) << "  " << HumanDuration(s->duration_ms)
        << (s->duration_known ? "" : "+") << "  " << TechnicianText(*s) << " -> " << log::Printable(s->machine.empty() ? s->host_address : s->machine)
        << (s->customer.empty() ? "" : " (" + log::Printable(s->customer) + ")")
        << (s->unattended ? "  unattended" : "")
        << (s->ticket.empty() ? "" : "  ticket " + log::Printable(s->ticket)) << "  "
        << (!s->permissions.empty() ? s->permissions.back()
            : s->unattended         ? std::string("refused")  // by its policy or certificate
                                    : std::string("no answer"))
        << "  "
        << log::Printable(s->outcome)
        << "  receipts: " << (s->receipts.empty() ? "none" : ReceiptsText(*s)) << "\n";
  }
  out << sessions.size() << " session(s)\n";
}

namespace {

// One customer's sessions of the month and their total.
void PrintCustomerHours(std::ostream& out, const SessionIndex& index, const HoursQuery& q,
                        const std::string& customer) {
  SessionFilter f;
  f.customer = customer;
  f.from_ms = q.from_ms;
  f.to_ms = q.to_ms;
  int64_t total = 0, unknown = 0, unproven = 0;
  for (const SessionSummary* s : index.All()) {
    if (!f.Matches(*s)) continue;
    if (s->unproven) {
      ++unproven;
      continue;
    }
    const int64_t billed = BillableMinutes(*s, q.round_minutes);
    total += billed;
    if (!s->duration_known) ++unknown;
    out << s->id.substr(0, 8) << "  " << q.zone.Format(s->start_ms) << "  "
        << log::Printable(s->technician) << "  "
        << (s->ticket.empty() ? "-" : log::Printable(s->ticket)) << "  "
        << WholeSeconds(s->allowed_ms) << " s allowed" << (s->duration_known ? "" : "+")
        << " -> " << billed << " min\n";
  }
  out << "total for " << log::Printable(customer) << " in " << q.month << ": " << total
      << " min (" << total / 60 << " h " << total % 60 << " min), rounded up to "
      << (q.round_minutes ? std::to_string(q.round_minutes) + "-minute blocks"
                          : std::string("whole minutes"))
      << " per session\n";
  if (unproven)
    out << "note: " << unproven
        << " UNPROVEN session(s) not counted: their records may be forged (see verify)\n";
  if (unknown)
    out << "note: " << unknown
        << " session(s) were cut by a relay stop; their time is the part known\n";
}

}  // namespace

std::string UnknownCustomerNote(const std::string& customer,
                                const std::vector<std::string>& known) {
  std::string names;
  for (const std::string& n : known) names += (names.empty() ? "" : ", ") + log::Printable(n);
  return "no session or pack in this log is for customer '" + log::Printable(customer) +
         "' (case and surrounding spaces do not matter); the customers are: " +
         (names.empty() ? std::string("(none)") : names);
}

void PrintHours(std::ostream& out, const SessionIndex& index, const HoursQuery& q,
                const std::vector<std::string>& known_customers) {
  if (!q.customer.empty()) {
    PrintCustomerHours(out, index, q, q.customer);
    return;
  }
  // Every customer with a session that started in the month.
  std::vector<std::string> customers;
  for (const std::string& name : known_customers) {
    SessionFilter f;
    f.customer = name;
    f.from_ms = q.from_ms;
    f.to_ms = q.to_ms;
    for (const SessionSummary* s : index.All())
      if (f.Matches(*s)) {
        customers.push_back(name);
        break;
      }
  }
  for (const std::string& name : customers) PrintCustomerHours(out, index, q, name);
  if (customers.empty()) out << "no session of a named customer in " << q.month << "\n";
}

int Export(const VerifiedLog& log, const std::vector<const SessionSummary*>& chosen,
           const std::string& format, const std::string& output) {
  std::ofstream file_out;
  if (!output.empty()) {
    file_out.open(output, std::ios::trunc);
    if (!file_out) {
      std::cerr << "error: cannot write " << output << "\n";
      return kExitRead;
    }
  }
  std::ostream& out = output.empty() ? std::cout : file_out;
  if (format == "csv") WriteCsv(out, chosen);
  if (format == "json") WriteJson(out, chosen);
  if (format == "log")
    for (const StoredRecord& r : log.records) out << EncodeRecordLine(r);
  out.flush();
  if (!out) {
    std::cerr << "error: writing the export failed\n";
    return kExitRead;
  }
  return kExitOk;
}

}  // namespace telemaint::audit
