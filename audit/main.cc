// telemaint-audit: verifies the relay's audit log and reports from it, trusting nothing but
// the relay's public key (--relay-key). Argument parsing only; the work is in
// audit/commands.h.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <tuple>

#include "audit/commands.h"
#include "audit/known_heads.h"
#include "common/prompt.h"

using namespace telemaint;
using namespace telemaint::audit;

namespace {

struct Arguments {
  std::string data_dir, file, relay_url, ca_file, user, relay_key;
  std::string known_head, known_heads = DefaultKnownHeadsPath();
  bool live = false, no_remember = false;
  SessionFilter filter;
  std::string from, to, session_id, format, output, tz, packs_format = "text";
  bool raw = false;
  HoursQuery hours;
};

struct Commands {
  CLI::App *verify, *sessions, *show, *exp, *hours, *packs;
};

void AddSourceOptions(CLI::App& app, Arguments& a) {
  app.add_option("--data-dir", a.data_dir, "A copy of the relay's data directory");
  app.add_option("--file", a.file, "A log written by `export --format log`");
  app.add_option("--relay", a.relay_url,
                 "Read a running relay's log over HTTPS: https://HOST:PORT (or wss://), with "
                 "--ca and --user (an auditor account; password from TELEMAINT_PASSWORD or a "
                 "prompt)");
  app.add_option("--ca", a.ca_file, "With --relay: the CA certificate that signed the relay's");
  app.add_option("--user", a.user, "With --relay: your auditor account");
  app.add_option("--relay-key", a.relay_key,
                 "The relay's audit public key, 64 hex digits or a file holding them "
                 "(`telemaint-relay audit-key` prints it) (required)");
  app.add_option("--known-head", a.known_head,
                 "An earlier export (--format log) or signed head you kept: the log must still "
                 "hold it unchanged (a log cut back or replaced by an older copy fails)");
  app.add_option("--known-heads", a.known_heads,
                 "Where the furthest signed record of each relay's log you verified is "
                 "remembered and checked, like ssh's known_hosts")
      ->capture_default_str();
  app.add_flag("--no-remember", a.no_remember,
               "Neither check against nor update what earlier verifications remembered");
  app.add_option("--tz", a.tz,
                 "Time zone of times in text output, e.g. Europe/Paris or UTC (default: this "
                 "machine's); JSON and CSV are always UTC");
  app.add_flag("--live", a.live,
               "The log comes from a running relay (always so with --relay): records after its "
               "last checkpoint are reported, not an error");
}

void AddFilters(CLI::App* sub, Arguments& a) {
  sub->add_option("--from", a.from, "Sessions started on or after (YYYY-MM-DD or ISO time, UTC)");
  sub->add_option("--to", a.to, "Sessions started before (YYYY-MM-DD or ISO time, UTC)");
  sub->add_option("--technician", a.filter.technician, "Technician account or display name");
  sub->add_option("--host", a.filter.host, "Host address or machine name");
  sub->add_option("--customer", a.filter.customer, "Customer name");
  sub->add_option("--ticket", a.filter.ticket, "Ticket reference");
  sub->add_option("--outcome", a.filter.outcome,
                  "How it ended, e.g. user_declined, user_stopped, host_closed, open");
}

Commands AddCommands(CLI::App& app, Arguments& a) {
  Commands c;
  c.verify = app.add_subcommand("verify", "Check the chain, checkpoints and sequence");
  c.sessions = app.add_subcommand("sessions", "List sessions");
  AddFilters(c.sessions, a);
  c.show = app.add_subcommand("show", "One session's timeline");
  c.show->add_option("SESSION", a.session_id, "Session id (or its first characters)")
      ->required();
  c.show->add_flag("--raw", a.raw, "Also print each receipt as signed");
  c.exp = app.add_subcommand("export", "Write sessions (csv, json) or the whole log (log)");
  c.exp->add_option("--format", a.format, "csv, json, or log (the records, for --file)")
      ->required()
      ->check(CLI::IsMember({"csv", "json", "log"}));
  c.exp->add_option("--output", a.output, "File to write (default: standard output)");
  AddFilters(c.exp, a);
  c.hours = app.add_subcommand("hours", "Billable time of each customer (or one) in a month");
  c.hours->add_option("--customer", a.hours.customer, "Only this customer");
  c.hours->add_option("--month", a.hours.month, "YYYY-MM (UTC)")->required();
  c.packs = app.add_subcommand(
      "packs", "Prepaid hour packs: bought, used per session, remaining, for each customer");
  c.packs->add_option("--customer", a.hours.customer, "Only this customer");
  c.packs->add_option("--format", a.packs_format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}))
      ->capture_default_str();
  for (auto* sub : {c.hours, c.packs})
    sub->add_option("--round", a.hours.round_minutes,
                    "Each session counts in started blocks of this many minutes (0: minutes)")
        ->check(CLI::Range(0, 1440))
        ->capture_default_str();
  for (auto* sub : app.get_subcommands({})) sub->fallthrough();  // global flags after it too
  return c;
}

// The remote source from --relay, --ca, --user and the password; an error sentence if not.
Result<RemoteSource> RemoteFrom(const Arguments& a) {
  std::string url = a.relay_url;
  if (url.rfind("https://", 0) == 0) url = "wss://" + url.substr(8);
  if (url.rfind("wss://", 0) != 0)
    return Status::InvalidInput("--relay: use https://HOST:PORT (or wss://HOST:PORT)");
  auto relay = ParseRelayUrl(url);
  if (!relay.ok()) return Status::InvalidInput("--relay: " + relay.status().message());
  if (a.ca_file.empty() || a.user.empty())
    return Status::InvalidInput("--relay needs --ca and --user");
  RemoteSource remote{*relay, a.ca_file, a.user, {}};
  if (const char* env = std::getenv("TELEMAINT_PASSWORD")) {
    remote.password = env;
    unsetenv("TELEMAINT_PASSWORD");
  } else if (auto typed = PromptSecret("Password for " + a.user + ": ")) {
    remote.password = std::move(*typed);
  } else {
    return Status::InvalidInput("no password (set TELEMAINT_PASSWORD or run on a terminal)");
  }
  return remote;
}

// Checks the arguments that need more than CLI11 checks; a usage error's sentence if not.
Status CheckArguments(Arguments& a, LogSource& source) {
  if ((!a.data_dir.empty()) + (!a.file.empty()) + (!a.relay_url.empty()) != 1)
    return Status::InvalidInput("give one of --data-dir, --file or --relay");
  source.data_dir = a.data_dir;
  source.file = a.file;
  source.remote_url = a.relay_url;
  if (!a.relay_url.empty()) {
    auto remote = RemoteFrom(a);
    if (!remote.ok()) return remote.status();
    source.remote = std::move(*remote);
  }
  if (a.relay_key.empty())
    return Status::InvalidInput(
        "--relay-key is required: reports are made only from a log checked against the "
        "relay's key");
  if (!a.filter.outcome.empty()) {
    const auto words = OutcomeWords();
    if (std::find(words.begin(), words.end(), a.filter.outcome) == words.end()) {
      std::string list;
      for (const auto& w : words) list += (list.empty() ? "" : ", ") + w;
      return Status::InvalidInput("--outcome: unknown word '" + a.filter.outcome +
                                  "'; use one of: " + list);
    }
  }
  auto zone = TimeZone::Named(a.tz);
  if (!zone.ok()) return zone.status();
  a.hours.zone = *zone;
  for (auto [flag, text, bound] : {std::tuple{"--from", &a.from, &a.filter.from_ms},
                                   std::tuple{"--to", &a.to, &a.filter.to_ms}}) {
    if (text->empty()) continue;
    *bound = ParseTime(*text);
    if (!*bound)
      return Status::InvalidInput(std::string(flag) +
                                  ": use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (a real date, UTC)");
  }
  return Status::Ok();
}

// The head this log must still hold: the one given, else the one remembered.
Status FindKnownHead(const Arguments& a, VerifyInputs& inputs) {
  if (!a.known_head.empty()) {
    auto given = KnownHeadFromFile(a.known_head);
    if (!given.ok()) return given.status();
    inputs.known = *given;
    return Status::Ok();
  }
  if (a.no_remember) return Status::Ok();
  auto recalled = RecallHead(a.known_heads, inputs.relay_key);
  if (!recalled.ok()) return recalled.status();
  inputs.known = *recalled;
  return Status::Ok();
}

int Report(const Commands& c, Arguments& a, const VerifiedLog& log) {
  std::vector<const SessionSummary*> chosen;
  for (const SessionSummary* s : log.index.All())
    if (a.filter.Matches(*s)) chosen.push_back(s);
  if (c.sessions->parsed()) {
    PrintSessions(std::cout, chosen, a.hours.zone);
    return kExitOk;
  }
  if (c.show->parsed()) {
    std::string why;
    const SessionSummary* s = log.index.Find(a.session_id, &why);
    if (!s) {
      std::cerr << "error: " << why << "\n";
      return kExitBad;
    }
    WriteTimeline(std::cout, *s, a.hours.zone, a.raw);
    return kExitOk;
  }
  if (c.exp->parsed()) return Export(log, chosen, a.format, a.output);
  const auto known = KnownCustomers(log.packs, log.index);
  if (!a.hours.customer.empty() &&
      std::none_of(known.begin(), known.end(), [&](const std::string& name) {
        return CustomerKey(name) == CustomerKey(a.hours.customer);
      }))
    std::cerr << "note: " << UnknownCustomerNote(a.hours.customer, known) << "\n";
  if (c.packs->parsed()) {
    auto all = ComputePacks(log.packs, log.index, a.hours.round_minutes, a.hours.customer);
    if (a.packs_format == "csv") WritePacksCsv(std::cout, all);
    if (a.packs_format == "json") WritePacksJson(std::cout, all);
    if (a.packs_format == "text") WritePacksText(std::cout, all, 120);
    return kExitOk;
  }
  auto range = ParseMonth(a.hours.month);
  if (!range) {
    std::cerr << "error: --month: use YYYY-MM\n";
    return kExitUsage;
  }
  std::tie(a.hours.from_ms, a.hours.to_ms) = *range;
  PrintHours(std::cout, log.index, a.hours, known);
  return kExitOk;
}

int Run(int argc, char** argv) {
  CLI::App app{
      "telemaint-audit: verifies the relay's tamper-evident audit log and reports from it:\n"
      "who connected to which machine, when, for how long, with what permission, for which\n"
      "ticket and how it ended. Trusts nothing but the relay's public key (--relay-key)."};
  Arguments a;
  AddSourceOptions(app, a);
  app.require_subcommand(1);
  const Commands commands = AddCommands(app, a);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  LogSource source;
  if (Status s = CheckArguments(a, source); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return kExitUsage;
  }
  auto key = ReadRelayKey(a.relay_key);
  if (!key.ok()) {
    std::cerr << "error: " << key.status().message() << "\n";
    return kExitUsage;
  }
  VerifyInputs inputs{*key, a.live, std::nullopt};
  if (Status s = FindKnownHead(a, inputs); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return kExitRead;
  }
  auto log = ReadAndVerify(source, inputs);
  if (!log.ok()) {
    std::cerr << "error: " << log.status().message() << "\n";
    return kExitRead;
  }
  if (!a.no_remember)
    if (Status s = RememberHead(a.known_heads, *key, log->report, SourceText(source)); !s.ok())
      std::cerr << "note: " << s.message() << "\n";
  if (commands.verify->parsed() || !log->report.ok())
    return ReportVerification(log->report, commands.verify->parsed());
  NoteReceiptProblems(log->report);
  return Report(commands, a, *log);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    // A log no check foresaw must still end in a sentence, never an abort.
    std::cerr << "error: " << e.what() << "\n";
    return kExitRead;
  }
}
