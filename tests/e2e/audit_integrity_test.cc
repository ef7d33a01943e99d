// The audit log against someone who holds its file but not the relay's key: a forged tail is
// never signed by a restart as if the relay had written it, a log put back to an older state
// is refused by the relay and caught by the auditor, and a small relay's log verifies without
// waiting for a hundred records. Packs of prepaid hours are recorded and deducted.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "audit/record.h"
#include "audit/sessions.h"
#include "common/clock.h"
#include "tests/support/audit_tools.h"
#include "tests/support/deployment.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

namespace fs = std::filesystem;

void RunRelayOnce(Deployment& d, std::vector<std::string> extra = {}) {
  auto relay = d.StartRelay(std::move(extra));
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0) << relay->Output();
}

std::string Db(const Deployment& d) { return fs::path(d.data_dir()) / "audit.db"; }

// A consistent copy of a running relay's log, as SQLite's online backup makes it.
std::string LiveCopy(const Deployment& d, const std::string& name) {
  fs::path dir = d.dir() / name;
  fs::create_directories(dir);
  Sql(Db(d), "VACUUM INTO '" + (dir / "audit.db").string() + "'");
  return dir;
}

// Appends a five-hour session with hashes that chain, as anyone with the file can.
void ForgeSession(const std::string& db, const std::string& id, int64_t t) {
  AppendForged(db, "session_start", id,
               {{"technician", "mallory"}, {"customer", "Dupont SA"}, {"ticket", "T-666"}}, t);
  AppendForged(db, "permission", id,
               {{"event", "answered"}, {"permission", "control"}, {"by", "host"}}, t + 1000);
  AppendForged(db, "session_end", id,
               {{"reason", "viewer_closed"}, {"by", "viewer"}, {"duration_ms", 18000000},
                {"duration_known", true}}, t + 18000000);
}

std::unique_ptr<Process> StartRelayDirect(const Deployment& d, std::vector<std::string> extra) {
  std::vector<std::string> argv = {BinPath("telemaint-relay"), "--listen", "127.0.0.1:0",
                                   "--cert", d.dir() / "certs/relay.pem", "--key",
                                   d.dir() / "certs/relay.key", "--data-dir", d.data_dir()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<Process>(argv);
}

TEST(AuditForgeryTest, ARestartDoesNotLaunderAForgedTail) {
  Deployment d;
  RunRelayOnce(d, {"--audit-checkpoint-every", "5"});
  // Without the key, after the closing checkpoint: a session appended.
  auto records = ReadAll(Db(d));
  const int64_t closing = records.back().seq;
  const int64_t t = audit::ParseBody(records.back().body)->time_ms;
  ForgeSession(Db(d), std::string(32, 'f'), t);
  auto relay = d.StartRelay();
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0) << relay->Output();
  EXPECT_NE(relay->Output().find("are not signed by this relay"), std::string::npos)
      << relay->Output();

  const std::string key = RelayKey(d.data_dir());
  AuditRun verify = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "verify"});
  EXPECT_EQ(verify.status, 1) << verify.out;
  EXPECT_NE(verify.out.find("WARNING (unproven): records " + std::to_string(closing + 1) +
                            " to " + std::to_string(closing + 3)),
            std::string::npos) << verify.out;
  AuditRun sessions = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "sessions"});
  EXPECT_NE(sessions.out.find("UNPROVEN ffffffff"), std::string::npos) << sessions.out;
  const std::string json_file = d.dir() / "sessions.json";
  AuditRun json = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "export", "--format",
                         "json", "--output", json_file});
  auto exported = nlohmann::json::parse(ReadFile(json_file), nullptr, false);
  ASSERT_TRUE(exported.is_array() && exported.size() == 1) << json.out;
  EXPECT_TRUE(exported[0]["unproven"].get<bool>());
  AuditRun hours = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "hours", "--month",
                          audit::IsoTime(t).substr(0, 7), "--customer", "Dupont SA"});
  EXPECT_NE(hours.out.find(": 0 min"), std::string::npos) << hours.out;
  EXPECT_NE(hours.out.find("1 UNPROVEN session(s) not counted"), std::string::npos) << hours.out;

  // The reproduction of the review: the closing checkpoint removed and a session put in its
  // place. The record the relay signed last is gone: it does not start on that log...
  records = ReadAll(Db(d));
  const int64_t second_closing = records.back().seq;
  Sql(Db(d), std::string(kDropTriggers) + "DELETE FROM records WHERE seq = " +
                 std::to_string(second_closing));
  ForgeSession(Db(d), std::string(32, 'e'), t + 1);
  auto refused = StartRelayDirect(d, {});
  EXPECT_EQ(refused->Wait(20s), 1) << refused->Output();
  EXPECT_NE(refused->Output().find("no longer holds the records this relay signed last"),
            std::string::npos) << refused->Output();
  // ...unless told to, and then the forgery is marked, never signed as the relay's own.
  RunRelayOnce(d, {"--audit-accept-restore"});
  AuditRun again = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "sessions"});
  EXPECT_NE(again.out.find("UNPROVEN eeeeeeee"), std::string::npos) << again.out;
}

TEST(AuditRollbackTest, AnOlderLogIsRefusedByTheRelayAndCaughtByTheAuditor) {
  Deployment d;
  RunRelayOnce(d);
  const std::string old_copy = d.dir() / "old.db";
  fs::copy_file(Db(d), old_copy);
  RunRelayOnce(d);
  const std::string key = RelayKey(d.data_dir());
  const std::string auditor = d.dir() / "auditor-state";
  fs::create_directories(auditor);
  ASSERT_EQ(Audit({"--data-dir", d.data_dir(), "--relay-key", key, "verify"}, auditor).status, 0);
  const std::string exported = d.dir() / "export.log";
  ASSERT_EQ(Audit({"--data-dir", d.data_dir(), "--relay-key", key, "--no-remember", "export",
                   "--format", "log", "--output", exported}).status, 0);
  // The older copy put back in place.
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(Db(d) + suffix);
  fs::copy_file(old_copy, Db(d));

  // The auditor's memory of the last verification, and an export they kept, both catch it.
  AuditRun remembered = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "verify"},
                              auditor);
  EXPECT_EQ(remembered.status, 1) << remembered.out;
  EXPECT_NE(remembered.out.find("FAILED (rolled back)"), std::string::npos) << remembered.out;
  AuditRun kept = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "--no-remember",
                         "--known-head", exported, "verify"});
  EXPECT_NE(kept.out.find("FAILED (rolled back)"), std::string::npos) << kept.out;

  // The relay refuses to continue it...
  auto refused = StartRelayDirect(d, {});
  EXPECT_EQ(refused->Wait(20s), 1) << refused->Output();
  EXPECT_NE(refused->Output().find("cut back or replaced by an older copy"), std::string::npos)
      << refused->Output();
  // ...unless told the restore is on purpose; the log then says what was lost.
  RunRelayOnce(d, {"--audit-accept-restore"});
  AuditRun restored = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "verify"});
  EXPECT_EQ(restored.status, 0) << restored.out;
  EXPECT_NE(restored.out.find("on a backup on purpose"), std::string::npos) << restored.out;
}

TEST(AuditSmallRelayTest, AFewRecordsVerifyAndACheckpointCanBeAskedFor) {
  Deployment d;
  auto relay = d.StartRelay({"--audit-checkpoint-quiet", "1"});
  const std::string key = RelayKey(d.data_dir());
  // A copy of the running relay with one record: the store's signed batch head proves it
  // (as of a running relay: without --live it could be cut, and the tool says how to go on).
  const std::string early = LiveCopy(d, "early");
  AuditRun live = Audit({"--data-dir", early, "--relay-key", key, "--live", "verify"});
  EXPECT_EQ(live.status, 0) << live.out;
  EXPECT_NE(live.out.find("a copy of a running relay"), std::string::npos) << live.out;
  AuditRun not_live = Audit({"--data-dir", early, "--relay-key", key, "verify"});
  EXPECT_EQ(not_live.status, 1) << not_live.out;
  EXPECT_NE(not_live.out.find("use --live"), std::string::npos) << not_live.out;
  EXPECT_EQ(not_live.out.find("nothing in this log is proven"), std::string::npos)
      << not_live.out;
  // After a quiet second, a checkpoint record: an export verifies on its own (--live).
  bool checkpointed = false;
  for (int i = 0; i < 50 && !checkpointed; ++i) {
    std::this_thread::sleep_for(100ms);
    for (const auto& r : ReadAll(Db(d)))
      checkpointed = checkpointed || audit::ParseBody(r.body)->kind == "checkpoint";
  }
  EXPECT_TRUE(checkpointed);
  const std::string file = d.dir() / "small.log";
  ASSERT_EQ(Audit({"--data-dir", LiveCopy(d, "later"), "--relay-key", key, "--live",
                   "--no-remember", "export", "--format", "log", "--output", file})
                .status,
            0);
  AuditRun from_file = Audit({"--file", file, "--relay-key", key, "--live", "verify"});
  EXPECT_EQ(from_file.status, 0) << from_file.out;
  // On request.
  Process asked({BinPath("telemaint-relay"), "audit-checkpoint", "--data-dir", d.data_dir()});
  ASSERT_EQ(asked.Wait(20s), 0) << asked.Output();
  EXPECT_NE(asked.Output().find("signed through record"), std::string::npos) << asked.Output();
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0) << relay->Output();
  Process stopped({BinPath("telemaint-relay"), "audit-checkpoint", "--data-dir", d.data_dir()});
  EXPECT_EQ(stopped.Wait(20s), 1);
  EXPECT_NE(stopped.Output().find("is not running"), std::string::npos) << stopped.Output();
}

// Two writers of one audit log would break its chain: a second relay on a data directory whose
// relay is running does not start.
TEST(AuditSmallRelayTest, ASecondRelayOnTheSameDataDirectoryIsRefused) {
  Deployment d;
  auto relay = d.StartRelay();
  auto second = StartRelayDirect(d, {});
  EXPECT_EQ(second->Wait(20s), 1) << second->Output();
  EXPECT_NE(second->Output().find("another relay is running"), std::string::npos)
      << second->Output();
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0) << relay->Output();
  AuditRun verify = Audit({"--data-dir", d.data_dir(), "--relay-key", RelayKey(d.data_dir()),
                           "verify"});
  EXPECT_EQ(verify.status, 0) << verify.out;
}

TEST(AuditPacksTest, PacksAreRecordedAndEachSessionIsDeducted) {
  VirtualDisplay x("320x240x24");
  Deployment d;
  auto relay = d.StartRelay();
  auto pack = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {BinPath("telemaint-relay"), "pack"});
    args.insert(args.end(), {"--data-dir", d.data_dir()});
    auto p = std::make_unique<Process>(args);
    p->Wait(20s);
    return p;
  };
  auto added = pack({"add", "Dupont SA", "--hours", "1", "--date", "2026-11-02", "--note",
                     "facture F-2031"});
  EXPECT_NE(added->Output().find("a pack of 1 h 00"), std::string::npos) << added->Output();
  auto bad = pack({"add", "Dupont SA", "--hours", "many"});
  EXPECT_NE(bad->Output().find("--hours"), std::string::npos) << bad->Output();
  auto host = d.StartBuiltInHost(x.name(), {"--customer", " dupont sa"});
  auto viewer = d.StartViewer(d.WaitForCode(), {"--snapshot", d.dir() / "shot.png", "--ticket",
                                                "T-77"});
  ASSERT_EQ(viewer->Wait(60s), 0) << viewer->Output();
  auto listed = pack({"list"});
  EXPECT_NE(listed->Output().find("facture F-2031"), std::string::npos) << listed->Output();
  host->Signal(SIGTERM);
  host->Wait(10s);
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0) << relay->Output();

  const std::string key = RelayKey(d.data_dir());
  AuditRun text = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "packs"});
  ASSERT_EQ(text.status, 0) << text.out;
  // One short session: a started quarter of an hour, from a name typed another way.
  EXPECT_NE(text.out.find("Dupont SA: bought 1 h 00, used 0 h 15, remaining 0 h 45"),
            std::string::npos) << text.out;
  EXPECT_NE(text.out.find("ticket T-77"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("nearly used up"), std::string::npos) << text.out;
  AuditRun json = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "packs", "--format",
                         "json"});
  auto parsed = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(parsed.is_array() && parsed.size() == 1) << json.out;
  EXPECT_EQ(parsed[0]["remaining_min"], 45);
  // Every customer of the month without --customer; an unknown name says which exist.
  const std::string month = audit::IsoTime(UnixMillisNow()).substr(0, 7);
  AuditRun all = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "hours", "--month", month});
  EXPECT_NE(all.out.find("total for Dupont SA in " + month + ": 15 min"), std::string::npos)
      << all.out;
  AuditRun unknown = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "hours", "--month",
                            month, "--customer", "Martin"});
  EXPECT_NE(unknown.out.find("the customers are: Dupont SA"), std::string::npos) << unknown.out;
}

// A customer name with a C1 CSI and a right-to-left override reaches the relay's log and the
// auditor's terminal escaped, never raw.
TEST(AuditEscapesTest, ControlCodePointsInNamesAreShownEscaped) {
  VirtualDisplay x("320x240x24");
  Deployment d;
  auto relay = d.StartRelay();
  const std::string evil = "Evil\xc2\x9b" "2J\xe2\x80\xae" "AS tnopuD";
  auto host = d.StartBuiltInHost(x.name(), {"--customer", evil});
  auto viewer = d.StartViewer(d.WaitForCode(), {"--snapshot", d.dir() / "shot.png"});
  ASSERT_EQ(viewer->Wait(60s), 0) << viewer->Output();
  host->Signal(SIGTERM);
  host->Wait(10s);
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0) << relay->Output();
  const std::string key = RelayKey(d.data_dir());
  AuditRun list = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "sessions"});
  ASSERT_EQ(list.status, 0) << list.out;
  EXPECT_NE(list.out.find("Evil\\u009b2J\\u202eAS tnopuD"), std::string::npos) << list.out;
  AuditRun show = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "show",
                         list.out.substr(0, 8)});
  EXPECT_EQ(show.status, 0) << show.out;
  for (const std::string& out : {list.out, show.out, ReadFile(d.log_file("relay")),
                                 relay->Output()}) {
    EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos) << out;
    EXPECT_EQ(out.find("\xe2\x80\xae"), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace telemaint::testing
