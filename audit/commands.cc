#include "audit/commands.h"

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

Result<std::vector<StoredRecord>> ReadCopy(const std::string& data_dir) {
  std::vector<StoredRecord> records;
  auto store = AuditStore::Open(AuditDbPath(data_dir), /*read_only=*/true);
  if (!store.ok()) return store.status();
  Status s = (*store)->ForEach([&](StoredRecord r) { records.push_back(std::move(r)); });
  if (!s.ok()) return s;
  return records;
}

}  // namespace

Result<VerifiedLog> ReadAndVerify(LogSource& source, const Bytes& relay_key, bool live) {
  VerifiedLog log;
  std::optional<SignedHead> attested;
  if (source.remote) {
    auto fetched = FetchRecords(*source.remote);
    crypto::Wipe(source.remote->password);
    if (!fetched.ok()) return fetched.status();
    attested = fetched->head;
    log.records = std::move(fetched->records);
  } else {
    auto read = source.file.empty() ? ReadCopy(source.data_dir) : ReadExport(source.file);
    if (!read.ok()) return read.status();
    log.records = std::move(*read);
  }
  Verifier verifier({relay_key, live, attested});
  for (const StoredRecord& stored : log.records)
    if (auto record = verifier.Add(stored)) log.index.Add(*record);
  log.report = verifier.Finish();
  for (const ReceiptProblem& p : log.report.receipt_problems)
    log.index.MarkReceiptProblem(p.session);
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
  if (!r.ok() && !asked) std::cerr << "nothing reported: the log does not verify\n";
  return r.ok() && r.receipt_problems.empty() ? kExitOk : kExitBad;
}

void NoteReceiptProblems(const VerifyReport& report) {
  if (!report.receipt_problems.empty())
    std::cerr << "note: " << report.receipt_problems.size()
              << " session receipt(s) do not check out (see verify); those sessions are marked\n";
}

void PrintSessions(std::ostream& out, const std::vector<const SessionSummary*>& sessions) {
  for (const SessionSummary* s : sessions) {
    out << s->id.substr(0, 8) << "  " << IsoTime(s->start_ms) << "  " << s->duration_ms / 1000
        << " s" << (s->duration_known ? "" : "+") << "  " << log::Printable(s->technician)
        << " -> " << log::Printable(s->machine.empty() ? s->host_address : s->machine)
        << (s->customer.empty() ? "" : " (" + log::Printable(s->customer) + ")")
        << (s->ticket.empty() ? "" : "  ticket " + log::Printable(s->ticket)) << "  "
        << (s->permissions.empty() ? "no answer" : s->permissions.back()) << "  " << s->outcome
        << "  receipts: " << (s->receipts.empty() ? "none" : ReceiptsText(*s)) << "\n";
  }
  out << sessions.size() << " session(s)\n";
}

void PrintHours(std::ostream& out, const SessionIndex& index, const HoursQuery& q) {
  SessionFilter f;
  f.customer = q.customer;
  f.from_ms = q.from_ms;
  f.to_ms = q.to_ms;
  bool customer_known = false;
  for (const SessionSummary* s : index.All()) customer_known |= s->customer == q.customer;
  if (!customer_known)
    std::cerr << "note: no session in this log is for customer '" << log::Printable(q.customer)
              << "' (names must match exactly; `sessions` lists them)\n";
  int64_t total = 0, unknown = 0;
  for (const SessionSummary* s : index.All()) {
    if (!f.Matches(*s)) continue;
    const int64_t billed = BillableMinutes(*s, q.round_minutes);
    total += billed;
    if (!s->duration_known) ++unknown;
    out << s->id.substr(0, 8) << "  " << IsoTime(s->start_ms) << "  "
        << log::Printable(s->technician) << "  "
        << (s->ticket.empty() ? "-" : log::Printable(s->ticket)) << "  "
        << (s->allowed_ms + 999) / 1000 << " s allowed" << (s->duration_known ? "" : "+")
        << " -> " << billed << " min\n";
  }
  out << "total for " << log::Printable(q.customer) << " in " << q.month << ": " << total
      << " min (" << total / 60 << " h " << total % 60 << " min), rounded up to "
      << (q.round_minutes ? std::to_string(q.round_minutes) + "-minute blocks"
                          : std::string("whole minutes"))
      << " per session\n";
  if (unknown)
    out << "note: " << unknown
        << " session(s) were cut by a relay stop; their time is the part known\n";
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
