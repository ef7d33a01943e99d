#pragma once
// The relay's side of the audit log: appends records to the chain, signs a checkpoint every N
// records and at shutdown with the relay's Ed25519 key (made at first start, DATA_DIR/
// audit-signing.key, 0600), and after a crash closes what was left open with records saying so.
// Not thread-safe: the relay's io thread owns it.
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace telemaint::audit {

struct AuditLogOptions {
  std::string data_dir;
  int checkpoint_every = 100;           // records between signed checkpoints
  std::string relay_version;            // in the relay_started record
  std::function<int64_t()> now_ms;      // unix milliseconds; default the system clock
};

// The relay's audit public key (hex), made with its secret half if it does not exist yet.
Result<std::string> AuditPublicKeyHex(const std::string& data_dir);

class AuditLog {
 public:
  // Opens (or creates) the log, runs crash recovery, and appends relay_started.
  static Result<std::unique_ptr<AuditLog>> Open(AuditLogOptions options);
  ~AuditLog();

  // Appends one record, durable when this returns Ok (WAL, synchronous=FULL).
  Status Append(const std::string& kind, const std::string& session, nlohmann::json data);
  // relay_stopping and the final checkpoint; the log is closed afterwards.
  Status Close();
  const Bytes& public_key() const;
  int64_t count() const;

 private:
  struct Impl;
  explicit AuditLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::audit
