// telemaint-audit: verifies the relay's audit log and reports from it, trusting nothing but
// the relay's public key (--relay-key). Works on a copy of the relay's data directory or on a
// file written by `export --format log`. Every report is made only from a log that verifies.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <tuple>

#include "audit/remote.h"
#include "audit/sessions.h"
#include "audit/store.h"
#include "audit/verify.h"
#include "common/log.h"
#include "common/prompt.h"
#include "crypto/secret.h"

using namespace telemaint;
using namespace telemaint::audit;

namespace {

constexpr int kExitBad = 1;    // the log does not verify, or the session asked for is not there
constexpr int kExitUsage = 2;
constexpr int kExitRead = 3;   // the log or key cannot be read

// The key as 64 hex digits, or a file holding them (what `telemaint-relay audit-key` prints).
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
  if (key.size() != 32) return Status::InvalidInput("--relay-key: not an Ed25519 public key (64 hex digits)");
  return key;
}

Result<std::vector<StoredRecord>> LoadRecords(const std::string& data_dir, const std::string& file) {
  std::vector<StoredRecord> records;
  if (!file.empty()) {
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
  auto store = AuditStore::Open(AuditDbPath(data_dir), /*read_only=*/true);
  if (!store.ok()) return store.status();
  if (Status s = (*store)->ForEach([&](StoredRecord r) { records.push_back(std::move(r)); });
      !s.ok())
    return s;
  return records;
}

void PrintReport(const VerifyReport& r, std::ostream& out) {
  for (const auto& note : r.notes) out << "note: " << note << "\n";
  if (r.ok()) {
    out << "OK: " << r.records << " records, " << r.checkpoints << " signed checkpoint"
        << (r.checkpoints == 1 ? "" : "s") << ", every record signed through record "
        << r.signed_through << "\n";
  } else {
    out << "FAILED (" << ProblemName(r.problem) << ") at record " << r.bad_seq << ": "
        << r.message << "\n";
  }
}

}  // namespace

int Run(int argc, char** argv);

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    // A log no check foresaw must still end in a sentence, never an abort.
    std::cerr << "error: " << e.what() << "\n";
    return kExitRead;
  }
}

int Run(int argc, char** argv) {
  CLI::App app{
      "telemaint-audit: verifies the relay's tamper-evident audit log and reports from it:\n"
      "who connected to which machine, when, for how long, with what permission, for which\n"
      "ticket and how it ended. Trusts nothing but the relay's public key (--relay-key)."};
  std::string data_dir, file, relay_key, relay_url, ca_file, user;
  app.add_option("--data-dir", data_dir, "A copy of the relay's data directory");
  app.add_option("--file", file, "A log written by `export --format log`");
  app.add_option("--relay", relay_url,
                 "Read a running relay's log over HTTPS: https://HOST:PORT (or wss://), with "
                 "--ca and --user (an auditor account; password from TELEMAINT_PASSWORD or a "
                 "prompt)");
  app.add_option("--ca", ca_file, "With --relay: the CA certificate that signed the relay's");
  app.add_option("--user", user, "With --relay: your auditor account");
  app.add_option("--relay-key", relay_key,
                 "The relay's audit public key, 64 hex digits or a file holding them "
                 "(`telemaint-relay audit-key` prints it) (required)");
  app.require_subcommand(1);

  bool live = false;
  app.add_flag("--live", live,
               "The log comes from a running relay (always so with --relay): records after its "
               "last checkpoint are reported, not an error");
  auto* verify = app.add_subcommand("verify", "Check the chain, checkpoints and sequence");

  SessionFilter filter;
  std::string from, to;
  auto add_filters = [&](CLI::App* sub) {
    sub->add_option("--from", from, "Sessions started on or after (YYYY-MM-DD or ISO time, UTC)");
    sub->add_option("--to", to, "Sessions started before (YYYY-MM-DD or ISO time, UTC)");
    sub->add_option("--technician", filter.technician, "Technician account");
    sub->add_option("--host", filter.host, "Host address or machine name");
    sub->add_option("--customer", filter.customer, "Customer name");
    sub->add_option("--ticket", filter.ticket, "Ticket reference");
    sub->add_option("--outcome", filter.outcome, "How it ended, e.g. host_closed, user_stopped");
  };
  auto* sessions = app.add_subcommand("sessions", "List sessions");
  add_filters(sessions);
  std::string session_id;
  auto* show = app.add_subcommand("show", "One session's timeline");
  show->add_option("SESSION", session_id, "Session id (or its first characters)")->required();
  std::string format, output;
  auto* exp = app.add_subcommand("export", "Write sessions (csv, json) or the whole log (log)");
  exp->add_option("--format", format, "csv, json, or log (the records, for --file)")
      ->required()
      ->check(CLI::IsMember({"csv", "json", "log"}));
  exp->add_option("--output", output, "File to write (default: standard output)");
  add_filters(exp);
  std::string customer, month;
  int round_minutes = 15;
  auto* hours = app.add_subcommand("hours", "Billable time of one customer in one month");
  hours->add_option("--customer", customer, "Customer name")->required();
  hours->add_option("--month", month, "YYYY-MM (UTC)")->required();
  hours->add_option("--round", round_minutes,
                    "Each session counts in started blocks of this many minutes (0: minutes)")
      ->check(CLI::Range(0, 1440))
      ->capture_default_str();
  for (auto* sub : app.get_subcommands({})) sub->fallthrough();  // global flags after it too
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  if ((!data_dir.empty()) + (!file.empty()) + (!relay_url.empty()) != 1) {
    std::cerr << "error: give one of --data-dir, --file or --relay\n";
    return kExitUsage;
  }
  RemoteSource remote;
  if (!relay_url.empty()) {
    std::string url = relay_url;
    if (url.rfind("https://", 0) == 0) url = "wss://" + url.substr(8);
    if (url.rfind("wss://", 0) != 0) {
      std::cerr << "error: --relay: use https://HOST:PORT (or wss://HOST:PORT)\n";
      return kExitUsage;
    }
    auto relay = ParseRelayUrl(url);
    if (!relay.ok()) {
      std::cerr << "error: --relay: " << relay.status().message() << "\n";
      return kExitUsage;
    }
    if (ca_file.empty() || user.empty()) {
      std::cerr << "error: --relay needs --ca and --user\n";
      return kExitUsage;
    }
    remote.relay = *relay;
    remote.ca_file = ca_file;
    remote.user = user;
    if (const char* env = std::getenv("TELEMAINT_PASSWORD")) {
      remote.password = env;
      unsetenv("TELEMAINT_PASSWORD");
    } else if (auto typed = PromptSecret("Password for " + user + ": ")) {
      remote.password = std::move(*typed);
    } else {
      std::cerr << "error: no password (set TELEMAINT_PASSWORD or run on a terminal)\n";
      return kExitUsage;
    }
  }
  if (relay_key.empty()) {
    std::cerr << "error: --relay-key is required: reports are made only from a log checked "
                 "against the relay's key\n";
    return kExitUsage;
  }
  for (auto [flag, text, bound] : {std::tuple{"--from", &from, &filter.from_ms},
                                   std::tuple{"--to", &to, &filter.to_ms}}) {
    if (text->empty()) continue;
    *bound = ParseTime(*text);
    if (!*bound) {
      std::cerr << "error: " << flag << ": use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (a real date, UTC)\n";
      return kExitUsage;
    }
  }
  auto key = ReadRelayKey(relay_key);
  if (!key.ok()) {
    std::cerr << "error: " << key.status().message() << "\n";
    return kExitUsage;
  }
  std::optional<AttestedHead> attested;
  Result<std::vector<StoredRecord>> records = std::vector<StoredRecord>();
  if (relay_url.empty()) {
    records = LoadRecords(data_dir, file);
  } else {
    auto fetched = FetchRecords(remote);
    if (fetched.ok()) {
      attested = fetched->head;
      records = std::move(fetched->records);
    } else {
      records = fetched.status();
    }
  }
  crypto::Wipe(remote.password);
  if (!records.ok()) {
    std::cerr << "error: " << records.status().message() << "\n";
    return kExitRead;
  }

  Verifier verifier({*key, live, attested});
  SessionIndex index;
  for (const StoredRecord& stored : *records) {
    if (auto record = verifier.Add(stored)) index.Add(*record);
  }
  VerifyReport report = verifier.Finish();
  for (const ReceiptProblem& p : report.receipt_problems) index.MarkReceiptProblem(p.session);
  if (verify->parsed() || !report.ok()) {
    PrintReport(report, report.ok() ? std::cout : std::cerr);
    for (const ReceiptProblem& p : report.receipt_problems)
      std::cerr << "FAILED (bad receipt) at " << log::Printable(p.message) << "\n";
    if (!report.ok() && !verify->parsed())
      std::cerr << "nothing reported: the log does not verify\n";
    return report.ok() && report.receipt_problems.empty() ? 0 : kExitBad;
  }
  if (!report.receipt_problems.empty())
    std::cerr << "note: " << report.receipt_problems.size()
              << " session receipt(s) do not check out (see verify); those sessions are marked\n";

  std::vector<const SessionSummary*> chosen;
  for (const SessionSummary* s : index.All())
    if (filter.Matches(*s)) chosen.push_back(s);

  if (sessions->parsed()) {
    for (const SessionSummary* s : chosen) {
      std::cout << s->id.substr(0, 8) << "  " << IsoTime(s->start_ms) << "  "
                << s->duration_ms / 1000 << " s" << (s->duration_known ? "" : "+") << "  "
                << log::Printable(s->technician) << " -> "
                << log::Printable(s->machine.empty() ? s->host_address : s->machine)
                << (s->customer.empty() ? "" : " (" + log::Printable(s->customer) + ")")
                << (s->ticket.empty() ? "" : "  ticket " + log::Printable(s->ticket)) << "  "
                << (s->permissions.empty() ? "no answer" : s->permissions.back()) << "  "
                << s->outcome << "  receipts: "
                << (s->receipts.empty() ? "none" : ReceiptsText(*s)) << "\n";
    }
    std::cout << chosen.size() << " session(s)\n";
    return 0;
  }
  if (show->parsed()) {
    std::string why;
    const SessionSummary* s = index.Find(session_id, &why);
    if (!s) {
      std::cerr << "error: " << why << "\n";
      return kExitBad;
    }
    WriteTimeline(std::cout, *s);
    return 0;
  }
  if (exp->parsed()) {
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
      for (const StoredRecord& r : *records)
        out << EncodeRecordLine(r);
    out.flush();
    if (!out) {
      std::cerr << "error: writing the export failed\n";
      return kExitRead;
    }
    return 0;
  }
  if (hours->parsed()) {
    auto range = ParseMonth(month);
    if (!range) {
      std::cerr << "error: --month: use YYYY-MM\n";
      return kExitUsage;
    }
    SessionFilter f;
    f.customer = customer;
    f.from_ms = range->first;
    f.to_ms = range->second;
    int64_t total = 0, unknown = 0;
    bool customer_known = false;
    for (const SessionSummary* s : index.All()) customer_known = customer_known || s->customer == customer;
    if (!customer_known)
      std::cerr << "note: no session in this log is for customer '" << log::Printable(customer)
                << "' (names must match exactly; `sessions` lists them)\n";
    for (const SessionSummary* s : index.All()) {
      if (!f.Matches(*s)) continue;
      int64_t billed = BillableMinutes(*s, round_minutes);
      total += billed;
      if (!s->duration_known) ++unknown;
      std::cout << s->id.substr(0, 8) << "  " << IsoTime(s->start_ms) << "  "
                << log::Printable(s->technician) << "  "
                << (s->ticket.empty() ? "-" : log::Printable(s->ticket)) << "  "
                << (s->allowed_ms + 999) / 1000 << " s allowed" << (s->duration_known ? "" : "+")
                << " -> " << billed << " min\n";
    }
    std::cout << "total for " << log::Printable(customer) << " in " << month << ": " << total
              << " min (" << total / 60 << " h " << total % 60 << " min), rounded up to "
              << (round_minutes ? std::to_string(round_minutes) + "-minute blocks"
                                : std::string("whole minutes"))
              << " per session\n";
    if (unknown)
      std::cout << "note: " << unknown
                << " session(s) were cut by a relay stop; their time is the part known\n";
    return 0;
  }
  return kExitUsage;
}
