#pragma once
// The relay's side of the audit log: appends records to the chain, signs the head of every
// committed batch (in the store, and in the counter file outside it: audit/counter.h), signs a
// checkpoint record every N records, after a quiet minute, on request and at shutdown with the
// relay's Ed25519 key (made at first start, DATA_DIR/audit-signing.key, 0600). At start it
// refuses a log older than its counter, marks what it cannot prove it wrote (audit/proof.h),
// and closes what a crash left open with records saying so. Records are written by a thread
// of its own, in batches (one transaction and one sync each), so the relay's io thread never
// waits for the disk and a flood of events costs few syncs.
// Append and SignedHead may be called from any thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "audit/record.h"
#include "common/bytes.h"
#include "common/status.h"
#include "common/vocabulary.h"

namespace telemaint::audit {

struct AuditLogOptions {
  std::string data_dir;
  int checkpoint_every = 100;           // records between signed checkpoints
  std::string relay_version;            // in the relay_started record
  std::function<int64_t()> now_ms;      // unix milliseconds; default the system clock
  size_t max_queued = 100000;           // records waiting for the disk; beyond, refused
  // Tests only: runs on the writer thread before each batch (to hold the writer back).
  std::function<void()> before_batch;
  // A checkpoint is signed this long after the last record no checkpoint covers (0: never).
  std::chrono::milliseconds quiet_checkpoint{60000};
  // The operator restored an older backup on purpose: start on it, recording what was lost.
  bool accept_restore = false;
};

// The relay's audit public key (hex); NotFound before the relay's first start.
Result<std::string> AuditPublicKeyHex(const std::string& data_dir);

class AuditLog {
 public:
  // Opens (or creates) the log, runs crash recovery, appends relay_started, starts the writer.
  static Result<std::unique_ptr<AuditLog>> Open(AuditLogOptions options);
  ~AuditLog();

  // Who caused a record. Anyone on the network can cause unauthenticated ones (a failed login,
  // a refused join, a new host), so they may fill at most half the queue: a flood of them never
  // makes the log refuse a session's records.
  enum class Source { kSession, kUnauthenticated };
  // Queues one record. `done`, if given, runs on the writer thread once the record is durable
  // (WAL, synchronous=FULL) or could not be written.
  void Append(wire::AuditKind kind, std::string session, nlohmann::json data,
              std::function<void(Status)> done = {}, Source source = Source::kSession);
  // Signs a checkpoint after what is queued now (none when the last record is one); `done`
  // runs on the writer thread with the checkpoint's seq, or why it could not be written.
  void RequestCheckpoint(std::function<void(Result<int64_t>)> done);
  // Writes what is queued, then relay_stopping and the final checkpoint; stops the writer.
  Status Close();
  const Bytes& public_key() const;

  // The committed records' count and chain head, signed now (HeadStatement).
  SignedHead Head() const;

 private:
  struct Impl;
  explicit AuditLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::audit
