#pragma once
// Checks an audit log the way an auditor must, trusting nothing but the relay's public key:
// sequence numbers without gaps, each record's hash over the previous one, each checkpoint's
// claim and signature, an end at a checkpoint, and each session receipt's signature by the
// key it names (the host's and the viewer's receipts must agree on the channel and keys). Stops
// at the first bad record and says what is wrong with it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/record.h"
#include "common/bytes.h"

namespace telemaint::audit {

enum class Problem {
  kNone,
  kChanged,
  kRemoved,
  kReordered,
  kTruncated,
  kBadSignature,
  kBadReceipt,
  kRolledBack,
};
const char* ProblemName(Problem p);  // "changed", "removed", ...

// A record of the log an auditor saw before: its seq and hash, and where they saw it.
struct KnownHead {
  int64_t count = 0;
  Bytes hash;
  std::string where;  // "the export FILE", "the log you verified on DATE (SOURCE)"
};

// Records the relay found at its start and could not prove it wrote (audit/proof.h): forged,
// or a damaged end. It signs later records, never these as its own.
struct UnprovenRange {
  int64_t from = 0, to = 0;
  int64_t found_ms = 0;  // the relay's start that found them
  std::string why;       // "unsigned_tail", "signed_record_changed"
};

struct VerifyOptions {
  Bytes relay_key;    // pinned; checkpoints signed by any other key fail
  bool live = false;  // a copy of a running relay's log: records after the last checkpoint
                      // are reported, not an error
  // Read from a running relay: what it signed when asked (GET /v1/audit/head); the log must
  // end exactly there.
  std::optional<SignedHead> attested;
  // A copy of the relay's data directory: the head of the relay's last committed batch, as
  // its store holds it (audit/store.h). Covers the records up to it, like a checkpoint.
  std::optional<SignedHead> stored_head;
  // What the auditor saw of this relay's log before (an earlier export or verification): the
  // log must still hold it, unchanged (a shorter or different log was rolled back).
  std::optional<KnownHead> known;
};

// A session receipt that does not check out. The chain is still verified past it (a hostile
// technician or host must not be able to blind the auditor to the rest of the log).
struct ReceiptProblem {
  int64_t seq = 0;
  std::string session, message;
};

struct VerifyReport {
  Problem problem = Problem::kNone;
  int64_t bad_seq = 0;     // the first bad record (or where the log was cut)
  std::string message;     // a sentence for the auditor
  int64_t records = 0;     // read
  int64_t checkpoints = 0; // verified
  int64_t signed_through = 0;  // the last record a valid checkpoint covers
  Bytes signed_hash;           // that record's hash (what an auditor keeps as a known head)
  std::vector<UnprovenRange> unproven;
  // --live: records after the last signature (not an error, but not proven either: reports
  // mark the sessions they touch and bill none of them).
  std::optional<UnprovenRange> unsigned_tail;
  std::vector<std::string> notes;
  std::vector<ReceiptProblem> receipt_problems;
  // The chain, sequence and checkpoints are sound (reports may be made from it).
  bool ok() const { return problem == Problem::kNone; }
};

// Feed records in the order the store gives them (by sequence number), then Finish.
// A checkpoint record read against the relay's key: its count must be the number of records
// before it and its signature the key's; the head it claims is for the caller to compare with
// the chain it knows (the verifier's previous hash, the relay's stored records).
struct CheckpointCheck {
  enum class Verdict { kOk, kWrongCount, kOtherKey, kBadSignature };
  Verdict verdict = Verdict::kWrongCount;
  Bytes head, key;
  bool final = false;
};
CheckpointCheck CheckCheckpointRecord(const Record& record, ByteView relay_key);

class Verifier {
 public:
  explicit Verifier(VerifyOptions options);
  // The record's parsed body when it could be read (for reports, so nothing is parsed twice).
  std::optional<Record> Add(const StoredRecord& stored);
  VerifyReport Finish();

 private:
  void Fail(Problem p, int64_t seq, std::string message);
  void AddRecord(const StoredRecord& stored);
  bool InSequence(const StoredRecord& stored);
  bool CheckCheckpoint(const Record& record);
  bool CheckRelayStarted(const Record& record);
  void CheckHeadsAt(int64_t seq, const Bytes& hash);
  void NoteUnproven(const Record& record);
  bool FinishKnown(int64_t last);
  void FinishAttested(int64_t last);
  bool FinishStoredHead(int64_t last);
  void FinishTail(int64_t last);
  void CheckReceiptRecord(const Record& record);
  void ReceiptFails(const Record& record, std::string message);
  VerifyOptions options_;
  VerifyReport report_;
  Bytes previous_ = GenesisHash();
  int64_t expected_seq_ = 1;
  std::string last_kind_;
  bool last_final_ = false;
  bool stored_head_seen_ = false;  // the record at stored_head.count matched it
  bool covered_end_ = false;       // the stored head is the log's last record
  std::optional<Record> parsed_;  // the record Add is looking at, once read
  // Per session: the technician the relay named, and the first receipt's view of the channel.
  struct SessionSeen {
    std::string technician;
    Bytes transcript, host_key, technician_key;
    bool has_receipt = false;
  };
  std::map<std::string, SessionSeen> sessions_;
};

}  // namespace telemaint::audit
