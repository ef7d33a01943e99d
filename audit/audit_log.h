#pragma once
// The relay's side of the audit log: appends records to the chain, signs a checkpoint every N
// records and at shutdown with the relay's Ed25519 key (made at first start, DATA_DIR/
// audit-signing.key, 0600), and after a crash closes what was left open with records saying so.
// Records are written by a thread of its own, in batches (one transaction and one sync each),
// so the relay's io thread never waits for the disk and a flood of events costs few syncs.
// Append and SignedHead may be called from any thread.
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
};

// The relay's audit public key (hex); NotFound before the relay's first start.
Result<std::string> AuditPublicKeyHex(const std::string& data_dir);

class AuditLog {
 public:
  // Opens (or creates) the log, runs crash recovery, appends relay_started, starts the writer.
  static Result<std::unique_ptr<AuditLog>> Open(AuditLogOptions options);
  ~AuditLog();

  // Queues one record. `done`, if given, runs on the writer thread once the record is durable
  // (WAL, synchronous=FULL) or could not be written.
  void Append(wire::AuditKind kind, std::string session, nlohmann::json data,
              std::function<void(Status)> done = {});
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
