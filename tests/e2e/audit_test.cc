// The relay's audit log, end to end: a real relay records real sessions in SQLite;
// telemaint-audit verifies a copy against the relay's pinned key and reports from it. Each
// kind of tampering on a copy (a changed byte, a removed record, two swapped, the tail cut, a
// checkpoint re-signed with another key) is found and named; a relay killed with SIGKILL in
// the middle of a session closes that session with a record when it starts again.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <regex>
#include <thread>
#include <sstream>

#include "receipt/receipt.h"
#include "audit/record.h"
#include "audit/sessions.h"
#include "audit/sqlite/database.h"
#include "audit/store.h"
#include "crypto/identity.h"
#include "tests/support/audit_tools.h"
#include "tests/support/deployment.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

namespace fs = std::filesystem;
const std::string kCheckpoint(wire::ToWire(wire::AuditKind::kCheckpoint));

// The sessions of a stopped relay's log, as `export --format json` gives them (an empty array
// when the export fails, with the failure recorded).
nlohmann::json ExportedSessions(const Deployment& d) {
  AuditRun run = Audit({"--data-dir", d.data_dir(), "--relay-key", RelayKey(d.data_dir()),
                        "export", "--format", "json"});
  EXPECT_EQ(run.status, 0) << run.out;
  auto parsed = nlohmann::json::parse(run.out, nullptr, false);
  return parsed.is_array() ? parsed : nlohmann::json::array();
}

// Whose receipts a session has, sorted.
std::vector<std::string> Receipts(const nlohmann::json& session) {
  auto receipts = session["receipts"].get<std::vector<std::string>>();
  std::sort(receipts.begin(), receipts.end());
  return receipts;
}

// Rewrites the log the way someone with the file would, so the chain is consistent again:
// `edit` sees each record and the hash before it and says whether it changed it; from the first
// change on, every hash is recomputed. Returns the first changed record's seq (-1: none).
int64_t Rewrite(const std::string& db_path,
                const std::function<bool(audit::Record&, const Bytes& previous)>& edit) {
  int64_t first = -1;
  Bytes previous = audit::GenesisHash();
  std::string sql = kDropTriggers;
  for (auto& r : ReadAll(db_path)) {
    auto body = audit::ParseBody(r.body);
    if (!body.ok()) return -1;
    if (edit(*body, previous) && first < 0) first = r.seq;
    r.body = audit::EncodeBody(*body);
    r.hash = audit::ChainHash(previous, r.body);
    previous = r.hash;
    if (first < 0) continue;
    std::string quoted;
    for (char c : r.body) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    sql += "UPDATE records SET body = '" + quoted + "', hash = X'" + ToHex(r.hash) +
           "' WHERE seq = " + std::to_string(r.seq) + ";";
  }
  Sql(db_path, sql);
  return first;
}

// One relay run with two finished sessions for a customer, stopped cleanly; every test works
// on its own copy of that data directory.
class AuditTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    d_ = new Deployment();
    x_ = new VirtualDisplay("320x240x24");
    auto relay = d_->StartRelay({"--audit-checkpoint-every", "5"});
    auto host = d_->StartBuiltInHost(x_->name(), {"--customer", "Dupont SA"});
    std::string previous;
    for (int i = 0; i < 2; ++i) {
      std::string code = d_->WaitForCode(previous);
      previous = code;
      auto viewer = d_->StartViewer(code, {"--snapshot", d_->dir() / "shot.png", "--ticket",
                                           "T-1234"});
      auto status = viewer->Wait(60s);
      if (status != 0) throw std::runtime_error("a session failed: " + viewer->Output());
    }
    host->Signal(SIGTERM);
    host->Wait(10s);
    relay->Signal(SIGTERM);
    if (relay->Wait(20s) != 0)
      throw std::runtime_error("the relay did not stop: " + relay->Output());
    *relay_output_ = relay->Output();
    *key_ = RelayKey(d_->data_dir());
  }
  static void TearDownTestSuite() {
    delete x_;
    delete d_;
  }
  void SetUp() override {
    copy_ = d_->dir() / ("copy-" + std::to_string(++copies_));
    fs::create_directories(copy_);
    fs::copy_file(fs::path(d_->data_dir()) / "audit.db", copy_ / "audit.db");
  }
  std::string db() const { return copy_ / "audit.db"; }
  AuditRun Verify() { return Audit({"--data-dir", copy_, "--relay-key", *key_, "verify"}); }
  AuditRun Report(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", copy_.string(), "--relay-key", *key_});
    return Audit(args);
  }
  // The seq of the first record of `kind` (and the checkpoints' seqs).
  int64_t FirstOf(const std::string& kind) {
    for (const auto& r : ReadAll(db()))
      if (audit::ParseBody(r.body)->kind == kind) return r.seq;
    return -1;
  }

  static Deployment* d_;
  static VirtualDisplay* x_;
  static inline std::string* key_ = new std::string;
  static inline std::string* relay_output_ = new std::string;
  static inline int copies_ = 0;
  fs::path copy_;
};
Deployment* AuditTest::d_ = nullptr;
VirtualDisplay* AuditTest::x_ = nullptr;

TEST(AuditKeyTest, AMistypedDirectoryGetsNoNewKey) {
  TempDir dir;
  Process p({BinPath("telemaint-relay"), "audit-key", "--data-dir", dir / "no-such-relay"});
  EXPECT_EQ(p.Wait(10s), 1) << p.Output();
  EXPECT_TRUE(p.WaitForLine("no audit key in", 0s)) << p.Output();
  EXPECT_FALSE(fs::exists(dir / "no-such-relay/audit-signing.key"));
}

TEST(AuditKeyTest, ATechnicianPrintsTheFingerprintAuditorsCompare) {
  TempDir dir;
  Process p({BinPath("telemaint-viewer"), "--show-key", "--key-file", dir / "tech.key"});
  ASSERT_EQ(p.Wait(10s), 0) << p.Output();
  auto key = crypto::SigningKey::LoadOrCreate(dir / "tech.key");
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(p.WaitForLine(crypto::KeyFingerprint(key->public_key()), 0s)) << p.Output();
}

TEST_F(AuditTest, TheUntouchedLogVerifies) {
  AuditRun r = Verify();
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("OK: "), std::string::npos) << r.out;
  // The key printed by audit-key is the one the relay signs with: another key fails.
  AuditRun other = Audit({"--data-dir", copy_, "--relay-key",
                          ToHex(crypto::SigningKey::Generate().public_key()), "verify"});
  EXPECT_EQ(other.status, 1) << other.out;
  EXPECT_NE(other.out.find("(bad signature)"), std::string::npos) << other.out;
}

TEST_F(AuditTest, TheStoreRefusesUpdatesAndDeletes) {
  auto store = audit::AuditStore::Open(db(), /*read_only=*/false);  // puts the triggers back
  ASSERT_TRUE(store.ok());
  Status update = RawSql(db(), "UPDATE records SET body = 'x' WHERE seq = 1");
  EXPECT_FALSE(update.ok());
  EXPECT_NE(update.message().find("append-only"), std::string::npos) << update.message();
  EXPECT_FALSE(RawSql(db(), "DELETE FROM records WHERE seq = 1").ok());
  store->reset();
  EXPECT_EQ(Verify().status, 0);
}

TEST_F(AuditTest, OneChangedByteIsFoundAndNamed) {
  int64_t seq = FirstOf("session_start");
  ASSERT_GT(seq, 0);
  Sql(db(), std::string(kDropTriggers) +
                "UPDATE records SET body = replace(body, 'T-1234', 'T-1235') WHERE seq = " +
                std::to_string(seq));
  AuditRun r = Verify();
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("FAILED (changed) at record " + std::to_string(seq) + ":"),
            std::string::npos) << r.out;
}

TEST_F(AuditTest, ARemovedRecordIsFoundAndNamed) {
  Sql(db(), std::string(kDropTriggers) + "DELETE FROM records WHERE seq = 4");
  AuditRun r = Verify();
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("FAILED (removed) at record 4: record 4 is missing"), std::string::npos)
      << r.out;
}

TEST_F(AuditTest, TwoSwappedRecordsAreFoundAndNamed) {
  Sql(db(), std::string(kDropTriggers) +
                "UPDATE records SET seq = -1 WHERE seq = 3;"
                "UPDATE records SET seq = 3 WHERE seq = 4;"
                "UPDATE records SET seq = 4 WHERE seq = -1;");
  AuditRun r = Verify();
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("FAILED (reordered) at record 3: record 3 holds record 4"),
            std::string::npos) << r.out;
}

TEST_F(AuditTest, ACutTailIsFoundAndNamed) {
  auto records = ReadAll(db());
  ASSERT_GT(records.size(), 8u);
  const int64_t keep = records.back().seq - 2;
  // Cut at a record...

  Sql(db(), std::string(kDropTriggers) + "DELETE FROM records WHERE seq > " + std::to_string(keep));
  ASSERT_EQ(ReadAll(db()).back().seq, keep);
  AuditRun r = Verify();
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("FAILED (truncated) at record " + std::to_string(keep)), std::string::npos)
      << r.out;
  // ... and right after a periodic checkpoint: only the relay's closing one may end a copy of
  // a stopped relay's log.
  int64_t periodic = -1;
  for (const auto& rec : ReadAll(db())) {
    auto body = audit::ParseBody(rec.body);
    if (body->kind == kCheckpoint && !body->data["final"].get<bool>()) periodic = rec.seq;
  }
  ASSERT_GT(periodic, 0);
  Sql(db(),
      std::string(kDropTriggers) + "DELETE FROM records WHERE seq > " + std::to_string(periodic));
  AuditRun at_checkpoint = Verify();
  EXPECT_EQ(at_checkpoint.status, 1) << at_checkpoint.out;
  EXPECT_NE(at_checkpoint.out.find("FAILED (truncated) at record " + std::to_string(periodic)),
            std::string::npos) << at_checkpoint.out;
  // A copy of a running relay's store carries the head of the relay's last batch, signed in
  // the same transaction: a cut is caught even with --live.
  AuditRun live = Audit({"--data-dir", copy_, "--relay-key", *key_, "verify", "--live"});
  EXPECT_EQ(live.status, 1) << live.out;
  EXPECT_NE(live.out.find("the relay signed"), std::string::npos) << live.out;
  // Without that head (a log from before batch heads), a copy of a running relay's log may
  // end anywhere: --live says so.
  Sql(db(), "DROP TABLE batch_head;");
  live = Audit({"--data-dir", copy_, "--relay-key", *key_, "verify", "--live"});
  EXPECT_EQ(live.status, 0) << live.out;
}

TEST_F(AuditTest, ACheckpointReSignedWithAnotherKeyIsFoundAndNamed) {
  // Someone with the file and their own key rewrites a checkpoint and every hash after it, so
  // the chain itself is consistent again: only the pinned key can tell.
  auto forger = crypto::SigningKey::Generate();
  bool done = false;
  const int64_t checkpoint = Rewrite(db(), [&](audit::Record& r, const Bytes&) {
    if (done || r.kind != kCheckpoint) return false;
    done = true;
    Bytes head = FromHex(r.data["head"].get<std::string>());
    r.data["key"] = ToHex(forger.public_key());
    r.data["signature"] = ToHex(
        forger.Sign(audit::CheckpointStatement(r.data["count"].get<int64_t>(), head, r.time_ms,
                                               r.data["final"].get<bool>())));
    return true;
  });
  ASSERT_GT(checkpoint, 0);
  AuditRun r = Verify();
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("FAILED (bad signature) at record " + std::to_string(checkpoint) +
                       ": record " + std::to_string(checkpoint) +
                       " is a checkpoint signed by another key"),
            std::string::npos) << r.out;
}

// The relay's operator has the relay's key and can rewrite the whole chain and sign it again.
// What they cannot do is sign for the technician: a viewer's receipt rewritten with another
// key no longer agrees with the host's.
TEST_F(AuditTest, ARelayRewritingAReceiptWithItsOwnKeysIsCaught) {
  auto relay_key = crypto::SigningKey::LoadOrCreate(fs::path(d_->data_dir()) / "audit-signing.key",
                                                    "relay audit");
  ASSERT_TRUE(relay_key.ok());
  auto forger = crypto::SigningKey::Generate();
  bool done = false;
  const int64_t forged = Rewrite(db(), [&](audit::Record& r, const Bytes& previous) {
    if (r.kind == "receipt" && r.data["by"] == "viewer" && !done) {
      auto facts =
          receipt::CheckReceipt(r.data["receipt"], FromHex(r.data["signature"].get<std::string>()));
      if (!facts.ok()) return false;
      facts->technician_key = forger.public_key();
      auto signed_again = receipt::SignReceipt(*facts, forger);
      r.data["receipt"] = signed_again.text;
      r.data["signature"] = ToHex(signed_again.signature);
      done = true;
      return true;
    }
    if (r.kind == kCheckpoint && done) {  // the operator signs the new chain again
      r.data["head"] = ToHex(previous);
      r.data["signature"] = ToHex(relay_key->Sign(
          audit::CheckpointStatement(r.data["count"].get<int64_t>(), previous, r.time_ms,
                                     r.data["final"].get<bool>())));
      return true;
    }
    return false;
  });
  ASSERT_GT(forged, 0) << "no viewer receipt in the log";
  AuditRun r = Verify();
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("(bad receipt)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("disagree"), std::string::npos) << r.out;
}

TEST_F(AuditTest, ReportsRefuseALogThatDoesNotVerify) {
  Sql(db(), std::string(kDropTriggers) + "DELETE FROM records WHERE seq = 2");
  AuditRun r = Report({"sessions"});
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("nothing reported"), std::string::npos) << r.out;
}

TEST_F(AuditTest, AFullSessionIsInSessionsShowAndBothExports) {
  AuditRun list = Report({"sessions", "--customer", "Dupont SA", "--ticket", "T-1234"});
  ASSERT_EQ(list.status, 0) << list.out;
  EXPECT_NE(list.out.find("2 session(s)"), std::string::npos) << list.out;
  // The account and the name the relay knows the technician by.
  EXPECT_NE(list.out.find("alice (Alice Martin) -> "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("(Dupont SA)  ticket T-1234  control"), std::string::npos) << list.out;
  AuditRun none = Report({"sessions", "--technician", "bob"});
  EXPECT_NE(none.out.find("0 session(s)"), std::string::npos) << none.out;
  // A display name finds them too, and customers match whatever the case and spaces.
  AuditRun by_name = Report({"sessions", "--technician", "alice martin", "--customer",
                             "  DUPONT sa "});
  EXPECT_NE(by_name.out.find("2 session(s)"), std::string::npos) << by_name.out;
  // A filter word that does not exist is refused with the valid ones, not "0 session(s)".
  AuditRun declined = Report({"sessions", "--outcome", "declined"});
  EXPECT_EQ(declined.status, 2) << declined.out;
  EXPECT_NE(declined.out.find("user_declined"), std::string::npos) << declined.out;
  // Times in the zone asked for.
  AuditRun paris = Report({"sessions", "--tz", "Europe/Paris"});
  EXPECT_TRUE(paris.out.find(" CET ") != std::string::npos ||
              paris.out.find(" CEST ") != std::string::npos) << paris.out;
  AuditRun bad_zone = Report({"sessions", "--tz", "Mars/Olympus"});
  EXPECT_EQ(bad_zone.status, 2) << bad_zone.out;

  // The relay's own log line for each session: duration and bytes each way.
  std::regex ended("session ([0-9a-f]{32}) ended: (\\w+) after \\d+ s, (\\d+) bytes host->viewer, "
                   "(\\d+) bytes viewer->host");
  std::map<std::string, std::pair<std::string, std::string>> bytes;
  for (std::sregex_iterator it(relay_output_->begin(), relay_output_->end(), ended), end;
       it != end; ++it)
    bytes[(*it)[1]] = {(*it)[3], (*it)[4]};
  ASSERT_EQ(bytes.size(), 2u) << *relay_output_;

  AuditRun csv = Report({"export", "--format", "csv", "--customer", "Dupont SA"});
  ASSERT_EQ(csv.status, 0) << csv.out;
  AuditRun json_run = Report({"export", "--format", "json", "--customer", "Dupont SA"});
  ASSERT_EQ(json_run.status, 0) << json_run.out;
  auto sessions = nlohmann::json::parse(json_run.out);
  ASSERT_EQ(sessions.size(), 2u);
  for (const auto& s : sessions) {
    const std::string id = s["session"];
    ASSERT_TRUE(bytes.count(id)) << id;
    EXPECT_EQ(std::to_string(s["bytes_host_to_viewer"].get<uint64_t>()), bytes[id].first);
    EXPECT_EQ(std::to_string(s["bytes_viewer_to_host"].get<uint64_t>()), bytes[id].second);
    EXPECT_GT(s["bytes_host_to_viewer"].get<uint64_t>(), 1000u) << "a screen was sent";
    EXPECT_EQ(s["technician"], "alice");
    EXPECT_EQ(s["ticket"], "T-1234");
    EXPECT_EQ(s["permissions"], nlohmann::json::array({"control"}));
    EXPECT_EQ(s["outcome"], "viewer_closed");
    EXPECT_TRUE(s["duration_known"].get<bool>());
    EXPECT_LT(s["duration_s"].get<int>(), 60);
    // Both ends signed a receipt naming the same keys; the verifier checked them.
    auto receipts = s["receipts"].get<std::vector<std::string>>();
    std::sort(receipts.begin(), receipts.end());
    EXPECT_EQ(receipts, (std::vector<std::string>{"host", "viewer"}));
    EXPECT_EQ(s["technician_key"].get<std::string>().size(), 39u) << s.dump();
    EXPECT_EQ(s["host_key"].get<std::string>().size(), 39u) << s.dump();
    // The CSV row says the same.
    const std::string row_start = id + ",";
    auto at = csv.out.find(row_start);
    ASSERT_NE(at, std::string::npos) << csv.out;
    std::string row = csv.out.substr(at, csv.out.find('\n', at) - at);
    EXPECT_NE(row.find(",alice,"), std::string::npos) << row;
    EXPECT_NE(row.find(",Dupont SA,"), std::string::npos) << row;
    EXPECT_NE(
        row.find(",T-1234,control,viewer_closed," + bytes[id].first + "," + bytes[id].second + ","),
        std::string::npos)
        << row;

    AuditRun show = Report({"show", id.substr(0, 10)});
    ASSERT_EQ(show.status, 0) << show.out;
    for (const char* kind : {"session_start", "permission", "receipt", "session_end"})
      EXPECT_NE(show.out.find(std::string("  ") + kind + "  "), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("\"event\":\"answered\""), std::string::npos) << show.out;
    // Receipts by their keys' fingerprints; the signed text only when asked for.
    EXPECT_NE(show.out.find("technician  alice (Alice Martin) from "), std::string::npos)
        << show.out;
    EXPECT_NE(show.out.find("receipt  by host, host key "), std::string::npos) << show.out;
    EXPECT_EQ(show.out.find("\"signature\""), std::string::npos) << show.out;
    AuditRun raw = Report({"show", id.substr(0, 10), "--raw"});
    EXPECT_NE(raw.out.find("\"signature\""), std::string::npos) << raw.out;
  }
}

TEST_F(AuditTest, HoursAddUpWithTheRoundingRule) {
  const std::string month = audit::IsoTime(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count())
                                .substr(0, 7);
  AuditRun quarter = Report({"hours", "--customer", "Dupont SA", "--month", month});
  ASSERT_EQ(quarter.status, 0) << quarter.out;
  // Two short sessions, each a started quarter of an hour.
  EXPECT_NE(quarter.out.find("total for Dupont SA in " + month + ": 30 min (0 h 30 min)"),
            std::string::npos) << quarter.out;
  AuditRun minutes = Report({"hours", "--customer", "Dupont SA", "--month", month, "--round", "0"});
  EXPECT_NE(minutes.out.find(": 2 min (0 h 2 min)"), std::string::npos) << minutes.out;
  AuditRun other = Report({"hours", "--customer", "Martin SARL", "--month", month});
  EXPECT_NE(other.out.find(": 0 min"), std::string::npos) << other.out;
}

TEST_F(AuditTest, AnExportedLogVerifiesOnItsOwnAndTamperingStillShows) {
  const std::string file = copy_ / "log.jsonl";
  ASSERT_EQ(Report({"export", "--format", "log", "--output", file}).status, 0);
  AuditRun ok = Audit({"--file", file, "--relay-key", *key_, "verify"});
  EXPECT_EQ(ok.status, 0) << ok.out;
  std::ifstream in(file);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  in.close();
  auto at = all.find("T-1234");
  ASSERT_NE(at, std::string::npos);
  all[at + 5] = '9';
  std::ofstream(file) << all;
  AuditRun bad = Audit({"--file", file, "--relay-key", *key_, "verify"});
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_NE(bad.out.find("FAILED (changed)"), std::string::npos) << bad.out;
}

// kill -9 in the middle of a session: the next start closes it with a record saying so, and
// the log still verifies.
TEST(AuditCrashTest, ARelayKilledMidSessionClosesItOnRestart) {
  VirtualDisplay x("320x240x24");
  Deployment d;
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(x.name(), {"--customer", "Dupont SA"});
  auto viewer = d.StartViewer(d.WaitForCode());
  ASSERT_TRUE(viewer->WaitForLine("The customer allowed control.", 20s)) << viewer->Output();
  // The consent record is written by the log's own thread within milliseconds of the answer
  // reaching the relay; give it that before the kill (what was committed must survive).
  std::this_thread::sleep_for(300ms);
  relay->Signal(SIGKILL);
  relay->Wait(10s);
  viewer->Wait(20s);
  auto again = d.StartRelay();
  again->Signal(SIGTERM);
  ASSERT_EQ(again->Wait(20s), 0) << again->Output();
  const std::string key = RelayKey(d.data_dir());
  AuditRun verify = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "verify"});
  EXPECT_EQ(verify.status, 0) << verify.out;
  auto sessions = ExportedSessions(d);
  ASSERT_EQ(sessions.size(), 1u) << sessions.dump(2);
  EXPECT_EQ(sessions[0]["outcome"], "relay_stopped");
  EXPECT_FALSE(sessions[0]["duration_known"].get<bool>());
  EXPECT_EQ(sessions[0]["permissions"], nlohmann::json::array({"control"}))
      << "the consent answer was committed before the kill";
  bool recovered = false;
  for (const auto& r : ReadAll(fs::path(d.data_dir()) / "audit.db"))
    recovered = recovered || audit::ParseBody(r.body)->kind == "relay_recovered";
  EXPECT_TRUE(recovered);
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

AuditRun RemoteAudit(const Deployment& d, const std::string& user, const std::string& password,
                     std::vector<std::string> args) {
  std::string url = d.relay_url();
  url.replace(0, 3, "https");  // wss://localhost:PORT -> https://localhost:PORT
  std::vector<std::string> argv = {BinPath("telemaint-audit"), "--relay", url, "--ca", d.ca(),
                                   "--user", user};
  argv.insert(argv.end(), args.begin(), args.end());
  char state[] = "/tmp/telemaint-auditor-XXXXXX";
  Process p(argv, {{"TELEMAINT_PASSWORD", password}, {"XDG_STATE_HOME", mkdtemp(state)}});
  AuditRun r;
  auto status = p.Wait(60s);
  r.status = status ? *status : -1;
  r.out = p.Output();
  return r;
}

// The attempts that do not become sessions are recorded too: a wrong password, a wrong code
// (the code is burned), the burned code tried again.
TEST(AuditAttemptsTest, FailedLoginsWrongAndUnknownCodesAreRecorded) {
  VirtualDisplay x("320x240x24");
  Deployment d;
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(x.name(), {"--customer", "Dupont SA"});
  std::string code = d.WaitForCode();
  auto bad_password = d.StartViewer(code, {}, "alice", "not her password", "v1");
  EXPECT_NE(bad_password->Wait(20s), 0);
  auto wrong = d.StartViewer(WrongSecretSameNameplate(code), {}, "alice", kTechPassword, "v2");
  EXPECT_NE(wrong->Wait(20s), 0);
  // A password typed into the user field: not an account name, so not kept anywhere.
  auto typo = d.StartViewer(code, {}, "my secret pass!", "x", "v0");
  EXPECT_NE(typo->Wait(20s), 0);
  auto burned = d.StartViewer(code, {}, "alice", kTechPassword, "v3");  // refused from now on
  EXPECT_NE(burned->Wait(20s), 0);
  d.WaitForCode(code);  // the host's next connection, with a new code
  host->Signal(SIGTERM);
  host->Wait(10s);
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0);
  const std::string key = RelayKey(d.data_dir());
  AuditRun log =
      Audit({"--data-dir", d.data_dir(), "--relay-key", key, "export", "--format", "log"});
  ASSERT_EQ(log.status, 0) << log.out;
  std::map<std::string, std::vector<nlohmann::json>> by_kind;
  std::istringstream lines(log.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    auto body = audit::ParseBody(nlohmann::json::parse(line)["body"].get<std::string>());
    ASSERT_TRUE(body.ok());
    by_kind[body->kind].push_back(body->data);
  }
  ASSERT_EQ(by_kind["login_failed"].size(), 2u);
  EXPECT_EQ(by_kind["login_failed"][0]["technician"], "alice");
  EXPECT_EQ(by_kind["login_failed"][1]["technician"], "(not an account name)");
  EXPECT_EQ(log.out.find("my secret pass"), std::string::npos);
  EXPECT_EQ(ReadFile(d.log_file("relay")).find("my secret pass"), std::string::npos)
      << "the relay's own log keeps it out too";
  EXPECT_EQ(by_kind["login_failed"][0]["address"], "127.0.0.1");
  ASSERT_EQ(by_kind["code_burned"].size(), 1u);
  EXPECT_EQ(by_kind["code_burned"][0]["nameplate"], code.substr(0, 5));
  std::vector<std::string> results;
  for (const auto& j : by_kind["join_attempt"]) results.push_back(j["result"]);
  EXPECT_EQ(results, (std::vector<std::string>{"paired", "code_in_use"}))
      << "the wrong code paired (and failed in the handshake), the burned one was refused";
  ASSERT_GE(by_kind["host_connected"].size(), 2u) << "a new connection for the new code";
  EXPECT_EQ(by_kind["host_connected"][0]["customer"], "Dupont SA");
  EXPECT_FALSE(by_kind["host_connected"][0]["machine"].get<std::string>().empty());
  EXPECT_EQ(by_kind["host_gone"].size(), by_kind["host_connected"].size());
  AuditRun verify = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "verify"});
  EXPECT_EQ(verify.status, 0) << verify.out;
}

// A technician who ends with Ctrl+C, and a host stopped with SIGTERM, still sign their
// receipts: the session ends the proper way, not with a bare abort.
TEST(AuditReceiptsTest, CtrlCAndSigtermStillLeaveBothReceipts) {
  VirtualDisplay x("320x240x24");
  Deployment d;
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(x.name());
  std::string code = d.WaitForCode();
  auto viewer = d.StartViewer(code);
  ASSERT_TRUE(viewer->WaitForLine("The customer allowed control.", 20s)) << viewer->Output();
  viewer->Signal(SIGINT);
  EXPECT_EQ(viewer->Wait(10s), 0) << viewer->Output();
  auto second = d.StartViewer(d.WaitForCode(code), {}, "alice", kTechPassword, "second");
  ASSERT_TRUE(second->WaitForLine("The customer allowed control.", 20s)) << second->Output();
  host->Signal(SIGTERM);
  EXPECT_EQ(host->Wait(10s), 0) << host->Output();
  second->Wait(10s);
  // The technician reads a sentence, not the protocol's word for the ending.
  EXPECT_TRUE(second->WaitForLine("the customer's computer ended the session", 1s))
      << second->Output();
  EXPECT_EQ(second->Output().find("(host_closed)"), std::string::npos) << second->Output();
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0);
  auto sessions = ExportedSessions(d);
  ASSERT_EQ(sessions.size(), 2u) << sessions.dump(2);
  for (const auto& s : sessions)
    EXPECT_EQ(Receipts(s), (std::vector<std::string>{"host", "viewer"})) << s.dump(2);
  EXPECT_EQ(sessions[0]["outcome"], "viewer_closed");
  EXPECT_EQ(sessions[1]["outcome"], "host_closed");
}

// A relay stopped in order during a session keeps both sides' receipts (they get 2 s).
TEST(AuditReceiptsTest, ARelayStoppedDuringASessionKeepsBothReceipts) {
  VirtualDisplay x("320x240x24");
  Deployment d;
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(x.name());
  auto viewer = d.StartViewer(d.WaitForCode());
  ASSERT_TRUE(viewer->WaitForLine("The customer allowed control.", 20s)) << viewer->Output();
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0) << relay->Output();
  auto sessions = ExportedSessions(d);
  ASSERT_EQ(sessions.size(), 1u) << sessions.dump(2);
  EXPECT_EQ(Receipts(sessions[0]), (std::vector<std::string>{"host", "viewer"}))
      << sessions[0].dump(2) << relay->Output() << host->Output();
  EXPECT_EQ(sessions[0]["outcome"], "relay_shutdown");
}

// Over HTTPS from a running relay: an auditor reads and verifies (the tail after the last
// checkpoint is unsigned while it runs: --relay implies --live); a technician and a wrong password
// are refused, and so is a request without an account.
TEST(AuditRemoteTest, AnAuditorReadsOverHttpsAndOthersAreRefused) {
  VirtualDisplay x("320x240x24");
  Deployment d;
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(x.name(), {"--customer", "Dupont SA"});
  auto viewer = d.StartViewer(d.WaitForCode(), {"--snapshot", d.dir() / "shot.png"});
  ASSERT_EQ(viewer->Wait(60s), 0) << viewer->Output();
  const std::string key = RelayKey(d.data_dir());

  AuditRun ok = RemoteAudit(d, "audrey", kAuditorPassword, {"--relay-key", key, "verify"});
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("OK: "), std::string::npos) << ok.out;
  AuditRun list = RemoteAudit(d, "audrey", kAuditorPassword, {"--relay-key", key, "sessions"});
  EXPECT_EQ(list.status, 0) << list.out;
  EXPECT_NE(list.out.find("(Dupont SA)"), std::string::npos) << list.out;

  AuditRun technician = RemoteAudit(d, "alice", kTechPassword, {"--relay-key", key, "verify"});
  EXPECT_EQ(technician.status, 3) << technician.out;
  EXPECT_NE(technician.out.find("auditor accounts only"), std::string::npos) << technician.out;
  AuditRun wrong = RemoteAudit(d, "audrey", "not the password", {"--relay-key", key, "verify"});
  EXPECT_EQ(wrong.status, 3) << wrong.out;
  EXPECT_NE(wrong.out.find("refused the account or password"), std::string::npos) << wrong.out;

  // No account at all: curl, as any HTTPS client would ask.
  Process curl({"/usr/bin/curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", d.ca(),
                "https://localhost:" + std::to_string(d.relay_port()) + "/v1/audit/records"});
  ASSERT_EQ(curl.Wait(20s), 0) << curl.Output();
  EXPECT_TRUE(curl.WaitForLine("401", 0s)) << curl.Output();

  // The reads and the refusals are in the log themselves.
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0);
  AuditRun json_run =
      Audit({"--data-dir", d.data_dir(), "--relay-key", key, "export", "--format", "log"});
  ASSERT_EQ(json_run.status, 0) << json_run.out;
  EXPECT_NE(json_run.out.find("auditor_read"), std::string::npos);
  EXPECT_NE(json_run.out.find("login_failed"), std::string::npos);
}

}  // namespace
}  // namespace telemaint::testing
