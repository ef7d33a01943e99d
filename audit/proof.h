#pragma once
// What a relay can prove of the log it opens, with nothing but its own key: the last record
// covered by its signature (its counter, the batch head in the store, or a checkpoint), and
// whether the log is older than the last one it signed. Records after the proven point were
// not proven to be the relay's own: they may be a crash's torn batch or someone's forgery, and
// the relay never signs them as if it had written them (docs/protocol.md#audit-records).
// Called once, by AuditLog::Open, before the writer starts.
#include <cstdint>
#include <optional>
#include <string>

#include "audit/record.h"
#include "audit/store.h"
#include "common/bytes.h"
#include "common/status.h"

namespace telemaint::audit {

// Why records after the proven point are not proven.
enum class Unproven {
  kNone,
  kUnsignedTail,   // records after everything the relay signed
  kSignedChanged,  // the record the relay last signed is not there as it signed it
};
const char* UnprovenWord(Unproven why);  // "unsigned_tail", "signed_record_changed"

struct OpenedLog {
  std::optional<StoredRecord> last;
  int64_t proven_through = 0;  // records 1..proven_through are the relay's own, signed
  Unproven why = Unproven::kNone;
  // Restored from a backup on purpose (accept_restore): the counter the relay had signed,
  // and when; the records after last_seq up to it are lost and relay_recovered says so.
  std::optional<SignedHead> restored_from;
  int64_t last_seq() const { return last ? last->seq : 0; }
};

// Fails (and the relay must not start) when the log ends before the counter the relay signed
// (unless `accept_restore`: an operator restoring a backup on purpose), when the counter is not
// signed by `key`, or when it is missing beside a log that has batch heads (someone removed it
// to hide a rollback).
Result<OpenedLog> CheckOpenedLog(AuditStore& store, ByteView key,
                                 std::optional<SignedHead> counter,
                                 const std::string& counter_path, bool accept_restore);

}  // namespace telemaint::audit
