#include "audit/verify.h"

#include "audit/receipt.h"
#include "crypto/identity.h"

namespace telemaint::audit {

const char* ProblemName(Problem p) {
  switch (p) {
    case Problem::kNone: return "ok";
    case Problem::kChanged: return "changed";
    case Problem::kRemoved: return "removed";
    case Problem::kReordered: return "reordered";
    case Problem::kTruncated: return "truncated";
    case Problem::kBadSignature: return "bad signature";
    case Problem::kBadReceipt: return "bad receipt";
  }
  return "?";
}

Verifier::Verifier(VerifyOptions options) : options_(std::move(options)) {}

void Verifier::Fail(Problem p, int64_t seq, std::string message) {
  if (!report_.ok()) return;  // the first problem is the one that counts
  report_.problem = p;
  report_.bad_seq = seq;
  report_.message = std::move(message);
}

void Verifier::Add(const StoredRecord& stored) {
  if (!report_.ok()) return;
  ++report_.records;
  const std::string at = "record " + std::to_string(stored.seq);
  if (stored.seq > expected_seq_) {
    Fail(Problem::kRemoved, expected_seq_,
         stored.seq - expected_seq_ == 1
             ? "record " + std::to_string(expected_seq_) + " is missing (removed)"
             : "records " + std::to_string(expected_seq_) + " to " +
                   std::to_string(stored.seq - 1) + " are missing (removed)");
    return;
  }
  if (stored.seq < expected_seq_) {
    Fail(Problem::kReordered, stored.seq, at + " appears twice or out of order (reordered)");
    return;
  }
  auto record = ParseBody(stored.body);
  if (!record.ok()) {
    Fail(Problem::kChanged, stored.seq, at + " was changed: " + record.status().message());
    return;
  }
  if (record->seq != stored.seq) {
    Fail(Problem::kReordered, stored.seq,
         at + " holds record " + std::to_string(record->seq) + " (reordered)");
    return;
  }
  Bytes hash = ChainHash(previous_, stored.body);
  if (hash != stored.hash) {
    Fail(Problem::kChanged, stored.seq,
         at + " was changed: its content does not match its hash (" + record->kind + ")");
    return;
  }
  if (record->kind == kCheckpoint) {
    const auto& d = record->data;
    const int64_t count = d.value("count", int64_t{-1});
    Bytes head = FromHex(d.value("head", std::string()));
    Bytes signature = FromHex(d.value("signature", std::string()));
    Bytes key = FromHex(d.value("key", std::string()));
    if (count != stored.seq - 1 || head != previous_) {
      Fail(Problem::kChanged, stored.seq,
           at + " is a checkpoint whose count or chain head does not match the records before it");
      return;
    }
    if (key != options_.relay_key) {
      Fail(Problem::kBadSignature, stored.seq,
           at + " is a checkpoint signed by another key (" + crypto::KeyFingerprint(key) +
               "), not the pinned relay key (" + crypto::KeyFingerprint(options_.relay_key) + ")");
      return;
    }
    if (!crypto::VerifySignature(options_.relay_key,
                                 CheckpointStatement(count, head, record->time_ms), signature)) {
      Fail(Problem::kBadSignature, stored.seq,
           at + " is a checkpoint whose signature does not verify with the pinned relay key");
      return;
    }
    ++report_.checkpoints;
    report_.signed_through = stored.seq;
    last_final_ = d.value("final", false);
  }
  if (record->kind == "session_start")
    sessions_[record->session].technician = record->data.value("technician", "");
  if (record->kind == "receipt") CheckReceiptRecord(*record);
  last_kind_ = record->kind;
  previous_ = std::move(hash);
  ++expected_seq_;
}

void Verifier::CheckReceiptRecord(const Record& r) {
  const std::string at = "record " + std::to_string(r.seq);
  const std::string by = r.data.value("by", "");
  auto facts = CheckReceipt(r.data.value("receipt", ""), FromHex(r.data.value("signature", "")));
  if (!facts.ok()) {
    Fail(Problem::kBadReceipt, r.seq, at + ": " + facts.status().message());
    return;
  }
  auto seen = sessions_.find(r.session);
  if (facts->role != by || facts->session != r.session || seen == sessions_.end()) {
    Fail(Problem::kBadReceipt, r.seq,
         at + ": the " + facts->role + "'s receipt is filed under another session or side");
    return;
  }
  if (facts->technician != seen->second.technician) {
    Fail(Problem::kBadReceipt, r.seq,
         at + ": the " + facts->role + "'s receipt names technician '" + facts->technician +
             "', the session '" + seen->second.technician + "'");
    return;
  }
  SessionSeen& s = seen->second;
  if (!s.has_receipt) {
    s.has_receipt = true;
    s.transcript = facts->transcript;
    s.host_key = facts->host_key;
    s.technician_key = facts->technician_key;
    return;
  }
  if (facts->transcript != s.transcript || facts->host_key != s.host_key ||
      facts->technician_key != s.technician_key)
    Fail(Problem::kBadReceipt, r.seq,
         at + ": the host's and the viewer's receipts disagree on the channel or the keys");
}

VerifyReport Verifier::Finish() {
  if (!report_.ok()) return report_;
  const int64_t last = expected_seq_ - 1;
  if (last == 0) {
    Fail(Problem::kTruncated, 0, "the log is empty");
    return report_;
  }
  if (last_kind_ != kCheckpoint) {
    const std::string tail = std::to_string(last - report_.signed_through) + " record(s) after " +
                             (report_.signed_through ? "record " + std::to_string(report_.signed_through)
                                                     : std::string("the start"));
    if (options_.live) {
      report_.notes.push_back(tail + " are not yet covered by a signed checkpoint (a live copy)");
    } else {
      Fail(Problem::kTruncated, last,
           "the log ends at record " + std::to_string(last) +
               " without a signed checkpoint: records after it may have been cut (truncated); " +
               tail + " are unsigned");
    }
  } else if (!last_final_) {
    const std::string why = "the log ends at record " + std::to_string(last) +
                            ", a periodic checkpoint, not the relay's closing one";
    if (options_.live) {
      report_.notes.push_back(why + " (a live copy)");
    } else {
      Fail(Problem::kTruncated, last,
           why + ": records after it may have been cut (truncated); if the relay was running "
                 "when the copy was made, use --live");
    }
  }
  return report_;
}

}  // namespace telemaint::audit
