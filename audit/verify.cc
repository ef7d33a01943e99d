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
    case Problem::kRolledBack: return "rolled back";
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
  if (record->Is(wire::AuditKind::kRelayRecovered)) NoteUnproven(*record);
  if (record->Is(wire::AuditKind::kCheckpoint)) report_.signed_hash = hash;
  CheckHeadsAt(stored.seq, hash);
  if (!report_.ok()) return;
  if (record->Is(wire::AuditKind::kSessionStart))
    sessions_[record->session].technician = record->data.value("technician", "");
  if (record->Is(wire::AuditKind::kReceipt)) CheckReceiptRecord(*record);
  last_kind_ = record->kind;
  previous_ = std::move(hash);
  ++expected_seq_;
}

CheckpointCheck CheckCheckpointRecord(const Record& record, ByteView relay_key) {
  using Verdict = CheckpointCheck::Verdict;
  const auto& d = record.data;
  const auto count_field = d.value("count", nlohmann::json());
  CheckpointCheck c;
  c.head = FromHex(StringField(d, "head"));
  c.key = FromHex(StringField(d, "key"));
  const auto final_field = d.value("final", nlohmann::json());
  c.final = final_field.is_boolean() && final_field.get<bool>();
  if (!count_field.is_number_integer() || count_field.get<int64_t>() != record.seq - 1)
    c.verdict = Verdict::kWrongCount;
  else if (c.key != Bytes(relay_key.begin(), relay_key.end()))
    c.verdict = Verdict::kOtherKey;
  else if (!crypto::VerifySignature(
               relay_key, CheckpointStatement(record.seq - 1, c.head, record.time_ms, c.final),
               FromHex(StringField(d, "signature"))))
    c.verdict = Verdict::kBadSignature;
  else
    c.verdict = Verdict::kOk;
  return c;
}

bool Verifier::CheckCheckpoint(const Record& record) {
  using Verdict = CheckpointCheck::Verdict;
  const std::string at = "record " + std::to_string(record.seq);
  const CheckpointCheck c = CheckCheckpointRecord(record, options_.relay_key);
  if (c.verdict == Verdict::kWrongCount || c.head != previous_) {
    Fail(Problem::kChanged, record.seq,
         at + " is a checkpoint whose count or chain head does not match the records before it");
    return false;
  }
  if (c.verdict == Verdict::kOtherKey) {
    Fail(Problem::kBadSignature, record.seq,
         at + " is a checkpoint signed by another key (" + crypto::KeyFingerprint(c.key) +
             "), not the pinned relay key (" + crypto::KeyFingerprint(options_.relay_key) + ")");
    return false;
  }
  if (c.verdict == Verdict::kBadSignature) {
    Fail(Problem::kBadSignature, record.seq,
         at + " is a checkpoint whose signature does not verify with the pinned relay key");
    return false;
  }
  ++report_.checkpoints;
  report_.signed_through = record.seq;
  last_final_ = c.final;
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

// What the auditor saw before and what the relay's store signed, checked where they point.
void Verifier::CheckHeadsAt(int64_t seq, const Bytes& hash) {
  const std::string at = "record " + std::to_string(seq);
  if (options_.known && seq == options_.known->count && hash != options_.known->hash)
    Fail(Problem::kRolledBack, seq,
         at + " is not the one in " + options_.known->where +
             ": this log does not continue it (replaced or rewritten)");
  if (!options_.stored_head || seq != options_.stored_head->count) return;
  const SignedHead& h = *options_.stored_head;
  if (hash != h.head) {
    Fail(Problem::kChanged, seq,
         at + " is not the record the relay signed as the end of its last batch (" +
             IsoTime(h.time_ms) + "): the log was changed after the relay wrote it");
  } else if (!HeadSignedBy(h, options_.relay_key)) {
    Fail(Problem::kBadSignature, seq,
         "the head the relay's store signed does not verify with the pinned relay key");
  } else {
    stored_head_seen_ = true;
  }
}

// relay_recovered names the records the relay could not prove it wrote when it started; it
// is signed by what follows it, so only the relay can make this claim.
void Verifier::NoteUnproven(const Record& r) {
  const auto& d = r.data;
  if (d.contains("restored_lost_from"))
    report_.notes.push_back(
        "record " + std::to_string(r.seq) + ": on " + IsoTime(r.time_ms) +
        " the relay was started on a backup on purpose (--audit-accept-restore); records " +
        std::to_string(d.value("restored_lost_from", int64_t{0})) + " to " +
        std::to_string(d.value("restored_lost_to", int64_t{0})) +
        " of the log it had signed before are lost");
  if (!d.contains("unproven_from")) return;
  UnprovenRange range;
  range.from = d.value("unproven_from", int64_t{0});
  range.to = d.value("unproven_to", int64_t{0});
  range.found_ms = r.time_ms;
  range.why = d.value("unproven_why", "");
  if (range.from < 1 || range.to < range.from || range.to != r.seq - 1 ||
      FromHex(d.value("unproven_head", std::string())) != previous_) {
    Fail(Problem::kChanged, r.seq,
         "record " + std::to_string(r.seq) + " names unproven records that are not before it");
    return;
  }
  report_.unproven.push_back(std::move(range));
}

VerifyReport Verifier::Finish() {
  if (!report_.ok()) return report_;
  const int64_t last = expected_seq_ - 1;
  if (last == 0) {
    Fail(Problem::kTruncated, 0, "the log is empty");
    return report_;
  }
  if (!FinishKnown(last)) return report_;
  if (options_.attested) {
    FinishAttested(last);
    return report_;
  }
  if (!FinishStoredHead(last)) return report_;
  if (report_.signed_through == 0) {
    // Nothing is signed: the pinned key has proved nothing about this log yet.
    Fail(Problem::kTruncated, last,
         "no record is covered by a checkpoint signed with the pinned relay key: nothing in "
         "this log is proven (a relay signs every N records, after a quiet minute and when it "
         "stops)");
    return report_;
  }
  FinishTail(last);
  return report_;
}

bool Verifier::FinishKnown(int64_t last) {
  if (!options_.known || last >= options_.known->count) return true;
  const KnownHead& k = *options_.known;
  Fail(Problem::kRolledBack, last,
       "this log ends at record " + std::to_string(last) + ", but " + k.where + " holds " +
           std::to_string(k.count) +
           " records: it was cut back or is an older copy (rolled back)");
  return false;
}

// Read from a running relay: what it signed for this read is where the log must end.
void Verifier::FinishAttested(int64_t last) {
  const SignedHead& a = *options_.attested;
  if (!HeadSignedBy(a, options_.relay_key)) {
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
    report_.signed_hash = previous_;
    report_.notes.push_back("records after the last checkpoint are covered by the relay's "
                            "signed head of " + IsoTime(a.time_ms));
  }
}

// A copy of the data directory: the store's batch head covers the records up to it.
bool Verifier::FinishStoredHead(int64_t last) {
  if (!options_.stored_head) return true;
  const SignedHead& h = *options_.stored_head;
  if (last < h.count) {
    Fail(Problem::kTruncated, last,
         "the relay signed " + std::to_string(h.count) + " records (" + IsoTime(h.time_ms) +
             ") but this copy ends at record " + std::to_string(last) + " (truncated)");
    return false;
  }
  if (!stored_head_seen_) return true;
  if (h.count > report_.signed_through) {
    report_.signed_through = h.count;
    report_.signed_hash = h.head;
  }
  if (h.count == last && !last_final_) {
    // Like a periodic checkpoint: a copy cut back together with an older batch head would end
    // the same way, so only a copy said to be of a running relay is accepted.
    const std::string why = "the log ends at record " + std::to_string(last) +
                            ", at the head the relay signed on " + IsoTime(h.time_ms) +
                            ", not at its closing checkpoint";
    if (options_.live) {
      covered_end_ = true;
      report_.notes.push_back(why + " (a copy of a running relay)");
    } else {
      Fail(Problem::kTruncated, last,
           why + ": records after it may have been cut (truncated); if the relay was running "
                 "when the copy was made, use --live");
      return false;
    }
  }
  return true;
}

// What follows the last signed record: nothing, the closing checkpoint, or a tail.
void Verifier::FinishTail(int64_t last) {
  if (covered_end_) return;
  if (last_kind_ != wire::ToWire(wire::AuditKind::kCheckpoint)) {
    const std::string tail =
        std::to_string(last - report_.signed_through) + " record(s) after " +
        (report_.signed_through ? "record " + std::to_string(report_.signed_through)
                                : std::string("the start"));
    if (options_.live) {
      report_.notes.push_back(tail + " are not yet covered by a signed checkpoint (a live copy; "
                                     "sessions they touch are marked UNPROVEN and not billed)");
      report_.unsigned_tail = UnprovenRange{report_.signed_through + 1, last, 0, "live_tail"};
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
}

}  // namespace telemaint::audit
