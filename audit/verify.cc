#include "audit/verify.h"

#include "receipt/receipt.h"
#include "audit/sessions.h"
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

std::optional<Record> Verifier::Add(const StoredRecord& stored) {
  parsed_.reset();
  if (!report_.ok()) return std::nullopt;
  try {
    AddRecord(stored);
  } catch (const nlohmann::json::exception&) {
    // A field of the wrong type: only a changed record can have one (the relay writes them).
    Fail(Problem::kChanged, stored.seq,
         "record " + std::to_string(stored.seq) + " was changed: a field has the wrong type");
  }
  return std::move(parsed_);
}

bool Verifier::InSequence(const StoredRecord& stored) {
  if (stored.seq > expected_seq_) {
    Fail(Problem::kRemoved, expected_seq_,
         stored.seq - expected_seq_ == 1
             ? "record " + std::to_string(expected_seq_) + " is missing (removed)"
             : "records " + std::to_string(expected_seq_) + " to " +
                   std::to_string(stored.seq - 1) + " are missing (removed)");
    return false;
  }
  if (stored.seq < expected_seq_) {
    Fail(Problem::kReordered, stored.seq,
         "record " + std::to_string(stored.seq) + " appears twice or out of order (reordered)");
    return false;
  }
  return true;
}

void Verifier::AddRecord(const StoredRecord& stored) {
  ++report_.records;
  if (!InSequence(stored)) return;
  const std::string at = "record " + std::to_string(stored.seq);
  auto record = ParseBody(stored.body);
  if (!record.ok()) {
    Fail(Problem::kChanged, stored.seq, at + " was changed: " + record.status().message());
    return;
  }
  parsed_ = *record;
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
  if (record->Is(wire::AuditKind::kCheckpoint) && !CheckCheckpoint(*record)) return;
  if (record->Is(wire::AuditKind::kRelayStarted) && !CheckRelayStarted(*record)) return;
  if (record->Is(wire::AuditKind::kSessionStart))
    sessions_[record->session].technician = record->data.value("technician", "");
  if (record->Is(wire::AuditKind::kReceipt)) CheckReceiptRecord(*record);
  last_kind_ = record->kind;
  previous_ = std::move(hash);
  ++expected_seq_;
}

bool Verifier::CheckCheckpoint(const Record& record) {
  const std::string at = "record " + std::to_string(record.seq);
  const auto& d = record.data;
  const int64_t count = d.value("count", int64_t{-1});
  Bytes head = FromHex(d.value("head", std::string()));
  Bytes signature = FromHex(d.value("signature", std::string()));
  Bytes key = FromHex(d.value("key", std::string()));
  if (count != record.seq - 1 || head != previous_) {
    Fail(Problem::kChanged, record.seq,
         at + " is a checkpoint whose count or chain head does not match the records before it");
    return false;
  }
  if (key != options_.relay_key) {
    Fail(Problem::kBadSignature, record.seq,
         at + " is a checkpoint signed by another key (" + crypto::KeyFingerprint(key) +
             "), not the pinned relay key (" + crypto::KeyFingerprint(options_.relay_key) + ")");
    return false;
  }
  const bool final = d.value("final", false);
  if (!crypto::VerifySignature(options_.relay_key,
                               CheckpointStatement(count, head, record.time_ms, final),
                               signature)) {
    Fail(Problem::kBadSignature, record.seq,
         at + " is a checkpoint whose signature does not verify with the pinned relay key");
    return false;
  }
  ++report_.checkpoints;
  report_.signed_through = record.seq;
  last_final_ = final;
  return true;
}

// Every start names the key it signs with: a start under another key is a relay that lost or
// replaced its key, or a log not from this relay.
bool Verifier::CheckRelayStarted(const Record& record) {
  Bytes started_with = FromHex(record.data.value("key", std::string()));
  if (started_with.empty() || started_with == options_.relay_key) return true;
  Fail(Problem::kBadSignature, record.seq,
       "record " + std::to_string(record.seq) + " says the relay started with another key (" +
           crypto::KeyFingerprint(started_with) + "), not the pinned relay key (" +
           crypto::KeyFingerprint(options_.relay_key) + ")");
  return false;
}

void Verifier::ReceiptFails(const Record& r, std::string message) {
  report_.receipt_problems.push_back(
      {r.seq, r.session, "record " + std::to_string(r.seq) + ": " + std::move(message)});
}

void Verifier::CheckReceiptRecord(const Record& r) {
  auto seen = sessions_.find(r.session);
  if (seen == sessions_.end()) {
    ReceiptFails(r, "a receipt for a session this log never started");
    return;
  }
  SessionSeen& s = seen->second;
  auto by = wire::FromWire<wire::Party>(r.data.value("by", ""));
  if (!by || by == wire::Party::kRelay) {
    ReceiptFails(r, "the receipt record does not say whether it is the host's or the viewer's");
    return;
  }
  auto facts = receipt::CheckReceiptFor(r.data.value("receipt", ""),
                                        FromHex(r.data.value("signature", "")), *by, r.session,
                                        s.technician);
  if (!facts.ok()) {
    ReceiptFails(r, facts.status().message());
    return;
  }
  if (!s.has_receipt) {
    s.has_receipt = true;
    s.transcript = facts->transcript;
    s.host_key = facts->host_key;
    s.technician_key = facts->technician_key;
    return;
  }
  // A key one side never learned (its hello did not arrive) is empty, not a disagreement.
  auto differ = [](const Bytes& a, const Bytes& b) { return !a.empty() && !b.empty() && a != b; };
  if (facts->transcript != s.transcript || differ(facts->host_key, s.host_key) ||
      differ(facts->technician_key, s.technician_key))
    ReceiptFails(r, "the host's and the viewer's receipts disagree on the channel or the keys");
}

VerifyReport Verifier::Finish() {
  if (!report_.ok()) return report_;
  const int64_t last = expected_seq_ - 1;
  if (last == 0) {
    Fail(Problem::kTruncated, 0, "the log is empty");
    return report_;
  }
  if (options_.attested) {
    // Read from a running relay: what it signed for this read is where the log must end.
    const SignedHead& a = *options_.attested;
    if (!crypto::VerifySignature(options_.relay_key, HeadStatement(a.count, a.head, a.time_ms),
                                 a.signature)) {
      Fail(Problem::kBadSignature, a.count,
           "the relay's signed head does not verify with the pinned relay key");
    } else if (last < a.count) {
      Fail(Problem::kTruncated, last,
           "the relay signed " + std::to_string(a.count) + " records but sent " +
               std::to_string(last) + " (truncated)");
    } else if (last > a.count || previous_ != a.head) {
      Fail(Problem::kChanged, a.count,
           "the records sent do not end at the head the relay signed (changed)");
    } else if (report_.signed_through < last) {
      report_.signed_through = last;
      report_.notes.push_back("records after the last checkpoint are covered by the relay's "
                              "signed head of " + IsoTime(a.time_ms));
    }
    return report_;
  }
  if (report_.checkpoints == 0) {
    // Nothing is signed: the pinned key has proved nothing about this log yet.
    Fail(Problem::kTruncated, last,
         "no record is covered by a checkpoint signed with the pinned relay key: nothing in "
         "this log is proven (a relay signs every N records and when it stops)");
    return report_;
  }
  if (last_kind_ != wire::ToWire(wire::AuditKind::kCheckpoint)) {
    const std::string tail =
        std::to_string(last - report_.signed_through) + " record(s) after " +
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
