// The relay's audit writer (audit/audit_log.cc) under a flood: records anyone can cause without
// an account may fill only half of its queue, so a session's records are never refused because
// of them, even while the disk is slow (the writer is held back here).
#include <gtest/gtest.h>

#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "audit/audit_log.h"
#include "audit/store.h"

namespace telemaint::audit {
namespace {

struct HeldWriter {
  std::mutex mu;
  std::condition_variable cv;
  bool held = true, waiting = false;
  void Wait() {  // on the writer thread
    std::unique_lock lock(mu);
    waiting = true;
    cv.notify_all();
    cv.wait(lock, [&] { return !held; });
  }
  void UntilWaiting() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return waiting; });
  }
  void Release() {
    {
      std::lock_guard lock(mu);
      held = false;
    }
    cv.notify_all();
  }
};

TEST(AuditLogTest, AFloodOfUnauthenticatedRecordsNeverCrowdsOutASessionsRecords) {
  char dir_template[] = "/tmp/telemaint-audit-log-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  HeldWriter writer;
  AuditLogOptions options;
  options.data_dir = dir;
  options.max_queued = 200;
  options.before_batch = [&writer] { writer.Wait(); };
  auto log = AuditLog::Open(options);
  ASSERT_TRUE(log.ok()) << log.status().message();

  std::atomic<int> flood_refused{0}, session_refused{0};
  const std::string session = std::string(32, 'a');
  // The writer takes this one and is held with it: from now on nothing is written.
  (*log)->Append(wire::AuditKind::kPermission, session, {{"event", "first"}},
                 [&](Status s) { session_refused += !s.ok(); });
  writer.UntilWaiting();
  for (int i = 0; i < 1000; ++i)
    (*log)->Append(wire::AuditKind::kLoginFailed, "",
                   {{"technician", "nobody" + std::to_string(i)}, {"reason", "auth_failed"}},
                   [&](Status s) { flood_refused += !s.ok(); },
                   AuditLog::Source::kUnauthenticated);
  for (int i = 0; i < 90; ++i)
    (*log)->Append(wire::AuditKind::kPermission, session, {{"event", "answered"}, {"n", i}},
                   [&](Status s) { session_refused += !s.ok(); });
  writer.Release();
  ASSERT_TRUE((*log)->Close().ok());

  EXPECT_EQ(session_refused, 0) << "a session's record was refused because of the flood";
  EXPECT_EQ(flood_refused, 1000 - 100) << "the flood took more or less than half of the queue";
  auto store = AuditStore::Open(AuditDbPath(dir), /*read_only=*/true);
  ASSERT_TRUE(store.ok());
  int session_records = 0;
  ASSERT_TRUE((*store)
                  ->ForEach([&](StoredRecord r) {
                    session_records += r.body.find(session) != std::string::npos;
                  })
                  .ok());
  EXPECT_EQ(session_records, 91);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace telemaint::audit
