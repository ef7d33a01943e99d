#include "tests/support/audit_tools.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "audit/sqlite/database.h"
#include "audit/store.h"
#include "tests/support/deployment.h"

namespace telemaint::testing {

AuditRun Audit(std::vector<std::string> args, std::string state) {
  args.insert(args.begin(), BinPath("telemaint-audit"));
  if (state.empty()) {
    char dir[] = "/tmp/telemaint-auditor-XXXXXX";
    state = mkdtemp(dir) ? dir : "/tmp";
  }
  Process p(args, {{"XDG_STATE_HOME", state}});
  AuditRun r;
  auto status = p.Wait(std::chrono::seconds(60));
  r.status = status ? *status : -1;
  r.out = p.Output();
  return r;
}

std::string RelayKey(const std::string& data_dir) {
  Process p({BinPath("telemaint-relay"), "audit-key", "--data-dir", data_dir});
  EXPECT_EQ(p.Wait(std::chrono::seconds(10)), 0) << p.Output();
  std::string out = p.Output();
  out.erase(out.find_last_not_of("\n ") + 1);
  return out;
}

std::vector<audit::StoredRecord> ReadAll(const std::string& db_path) {
  std::vector<audit::StoredRecord> out;
  auto store = audit::AuditStore::Open(db_path, /*read_only=*/true);
  EXPECT_TRUE(store.ok()) << store.status().message();
  if (store.ok())
    (void)(*store)->ForEach([&](audit::StoredRecord r) { out.push_back(std::move(r)); });
  return out;
}

Status RawSql(const std::string& db_path, const std::string& sql) {
  auto db = sqlite::Database::Open(db_path, sqlite::Database::Mode::kReadWrite);
  if (!db.ok()) return db.status();
  return (*db)->Exec(sql);
}

void Sql(const std::string& db_path, const std::string& sql) {
  Status done = RawSql(db_path, sql);
  ASSERT_TRUE(done.ok()) << done.message();
}

void AppendForged(const std::string& db_path, const std::string& kind, const std::string& session,
                  nlohmann::json data, int64_t time_ms) {
  auto records = ReadAll(db_path);
  ASSERT_FALSE(records.empty());
  audit::Record r;
  r.seq = records.back().seq + 1;
  r.time_ms = time_ms;
  r.kind = kind;
  r.session = session;
  r.data = std::move(data);
  const std::string body = audit::EncodeBody(r);
  const Bytes hash = audit::ChainHash(records.back().hash, body);
  std::string quoted;
  for (char c : body) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  Sql(db_path, std::string(kDropTriggers) + "INSERT INTO records (seq, body, hash) VALUES (" +
                   std::to_string(r.seq) + ", '" + quoted + "', X'" + ToHex(hash) + "');");
}

}  // namespace telemaint::testing
