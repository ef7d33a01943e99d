#include "audit/proof.h"

#include <algorithm>
#include <limits>

#include "audit/sessions.h"
#include "audit/verify.h"
#include "crypto/identity.h"

namespace telemaint::audit {

const char* UnprovenWord(Unproven why) {
  switch (why) {
    case Unproven::kNone: return "none";
    case Unproven::kUnsignedTail: return "unsigned_tail";
    case Unproven::kSignedChanged: return "signed_record_changed";
  }
  return "?";
}

namespace {

// The stored record `seq` has hash `hash` (seq 0: the genesis hash).
bool HashAt(AuditStore& store, int64_t seq, const Bytes& hash) {
  if (seq == 0) return hash == GenesisHash();
  auto record = store.At(seq);
  return record.ok() && *record && (*record)->hash == hash;
}

bool Covers(AuditStore& store, ByteView key, const SignedHead& head, int64_t last_seq) {
  return head.count <= last_seq && HeadSignedBy(head, key) && HashAt(store, head.count, head.head);
}

// A checkpoint record the relay signed, whose claim matches the records before it and whose
// own stored hash follows from them.
bool ValidCheckpoint(AuditStore& store, ByteView key, const StoredRecord& stored) {
  auto r = ParseBody(stored.body);
  if (!r.ok() || !r->Is(wire::AuditKind::kCheckpoint)) return false;
  const CheckpointCheck c = CheckCheckpointRecord(*r, key);
  return c.verdict == CheckpointCheck::Verdict::kOk && HashAt(store, r->seq - 1, c.head) &&
         ChainHash(c.head, stored.body) == stored.hash;
}

// The last checkpoint that proves itself, scanning back from the end (normally the last one).
Result<int64_t> LastValidCheckpoint(AuditStore& store, ByteView key, int64_t last_seq) {
  auto checkpoints = store.OfKinds({wire::AuditKind::kCheckpoint}, last_seq);
  if (!checkpoints.ok()) return checkpoints.status();
  for (auto it = checkpoints->rbegin(); it != checkpoints->rend(); ++it)
    if (ValidCheckpoint(store, key, *it)) return it->seq;
  return int64_t{0};
}

// The records after the proven point must at least follow each other (readable, in sequence,
// each hash over the one before): the relay would otherwise chain on from a hash someone chose,
// and every later record would fail verification.
Status CheckTailChains(AuditStore& store, int64_t proven_through) {
  Bytes previous = GenesisHash();
  if (proven_through > 0) {
    auto at = store.At(proven_through);
    if (!at.ok()) return at.status();
    if (!*at) return Status::InvalidInput("the audit log has no record " +
                                          std::to_string(proven_through));
    previous = (*at)->hash;
  }
  int64_t expected = proven_through + 1;
  std::string broken;
  Status read = store.ForEachAfter(proven_through, std::numeric_limits<int64_t>::max(),
                                   [&](StoredRecord r) {
    if (r.seq != expected || !ParseBody(r.body).ok() || ChainHash(previous, r.body) != r.hash) {
      broken = "record " + std::to_string(r.seq);
      return false;
    }
    previous = r.hash;
    ++expected;
    return true;
  });
  if (!read.ok()) return read;
  if (broken.empty()) return Status::Ok();
  return Status::InvalidInput(
      "the audit log is damaged after record " + std::to_string(proven_through) + " (" + broken +
      " does not follow the chain): check it with telemaint-audit verify and restore the newest "
      "backup; the relay will not chain on from it");
}

Status CheckNotRolledBack(const std::optional<SignedHead>& counter, ByteView key,
                          int64_t last_seq, bool has_batch_head, const std::string& path) {
  if (!counter) {
    if (!has_batch_head) return Status::Ok();  // a new log, or one from before counters
    return Status::InvalidInput(
        "the audit counter " + path + " is missing beside a log that had one: it may hide a "
        "rollback of audit.db. Restore it from the same backup as the signing key");
  }
  if (!HeadSignedBy(*counter, key))
    return Status::InvalidInput("the audit counter " + path +
                                " is not signed by this relay's audit key");
  if (last_seq >= counter->count) return Status::Ok();
  return Status::InvalidInput(
      "the audit log ends at record " + std::to_string(last_seq) + ", but this relay signed " +
      std::to_string(counter->count) + " records on " + IsoTime(counter->time_ms) + " (" + path +
      "): the log was cut back or replaced by an older copy. Restore the newest audit.db; the "
      "relay will not add to a log that lost records (if you restored an older backup on "
      "purpose, start once with --audit-accept-restore: the log then records what was lost)");
}

}  // namespace

Result<OpenedLog> CheckOpenedLog(AuditStore& store, ByteView key,
                                 std::optional<SignedHead> counter,
                                 const std::string& counter_path, bool accept_restore) {
  OpenedLog opened;
  auto last = store.Last();
  if (!last.ok()) return last.status();
  opened.last = std::move(*last);
  const int64_t last_seq = opened.last_seq();
  auto batch = store.BatchHead();
  if (!batch.ok()) return batch.status();
  if (accept_restore && counter && HeadSignedBy(*counter, key) && counter->count > last_seq) {
    opened.restored_from = counter;
    counter.reset();  // it speaks of the log before the restore
  } else if (Status s = CheckNotRolledBack(counter, key, last_seq, batch->has_value(),
                                           counter_path);
             !s.ok()) {
    return s;
  }
  bool signed_changed = false;
  for (const std::optional<SignedHead>& head : {counter, *batch}) {
    if (!head) continue;
    if (Covers(store, key, *head, last_seq))
      opened.proven_through = std::max(opened.proven_through, head->count);
    else
      signed_changed = true;
  }
  if (opened.proven_through < last_seq) {
    auto checkpoint = LastValidCheckpoint(store, key, last_seq);
    if (!checkpoint.ok()) return checkpoint.status();
    opened.proven_through = std::max(opened.proven_through, *checkpoint);
  }
  if (opened.proven_through == last_seq) return opened;
  opened.why = signed_changed ? Unproven::kSignedChanged : Unproven::kUnsignedTail;
  // Records the relay had signed are no longer as it signed them: real records were replaced
  // (a rollback padded back to length, a rewritten end). Not carried on without the operator.
  if (opened.why == Unproven::kSignedChanged && !accept_restore)
    return Status::InvalidInput(
        "the audit log no longer holds the records this relay signed last (" + counter_path +
        "): it was rewritten or replaced. Restore the newest audit.db; to start on this log "
        "anyway, with records " + std::to_string(opened.proven_through + 1) + " to " +
        std::to_string(last_seq) + " marked unproven, start once with --audit-accept-restore");
  if (Status s = CheckTailChains(store, opened.proven_through); !s.ok()) return s;
  return opened;
}

}  // namespace telemaint::audit
