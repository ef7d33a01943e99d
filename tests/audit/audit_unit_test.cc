// The audit log's pieces on their own: the verifier on records made in memory, receipts,
// session summaries, billable time and the CSV a spreadsheet opens.
#include <gtest/gtest.h>

#include <sstream>

#include "receipt/receipt.h"
#include "audit/record.h"
#include "audit/sessions.h"
#include "audit/verify.h"
#include "crypto/identity.h"

namespace telemaint::audit {
namespace {

using receipt::CheckReceipt;
using receipt::ReceiptFacts;
using receipt::SignReceipt;

const std::string kCheckpoint(wire::ToWire(wire::AuditKind::kCheckpoint));

// A chain of records as the relay writes it, signed with `key`.
class Chain {
 public:
  explicit Chain(const crypto::SigningKey& key) : key_(key) {}
  void Add(const std::string& kind, const std::string& session = "", nlohmann::json data = {}) {
    Record r;
    r.seq = static_cast<int64_t>(records_.size()) + 1;
    r.time_ms = 1'700'000'000'000 + r.seq * 1000;
    r.kind = kind;
    r.session = session;
    r.data = data.is_object() ? data : nlohmann::json::object();
    StoredRecord s{r.seq, EncodeBody(r), {}};
    s.hash = ChainHash(head_, s.body);
    head_ = s.hash;
    records_.push_back(s);
  }
  void Checkpoint(bool final) {
    const int64_t count = static_cast<int64_t>(records_.size());
    const int64_t time = 1'700'000'000'000 + (count + 1) * 1000;
    Add(kCheckpoint, "",
        {{"count", count}, {"head", ToHex(head_)}, {"key", ToHex(key_.public_key())},
         {"signature", ToHex(key_.Sign(CheckpointStatement(count, head_, time, final)))},
         {"final", final}});
  }
  std::vector<StoredRecord>& records() { return records_; }

 private:
  const crypto::SigningKey& key_;
  Bytes head_ = GenesisHash();
  std::vector<StoredRecord> records_;
};

VerifyReport CheckWith(const std::vector<StoredRecord>& records, VerifyOptions options) {
  Verifier v(options);
  for (const auto& r : records) v.Add(r);
  return v.Finish();
}

VerifyReport Check(const std::vector<StoredRecord>& records, const Bytes& key, bool live = false) {
  VerifyOptions options;
  options.relay_key = key;
  options.live = live;
  return CheckWith(records, options);
}

TEST(VerifierTest, AnIntactChainVerifiesAndEachTamperingIsNamed) {
  auto key = crypto::SigningKey::Generate();
  Chain chain(key);
  chain.Add("relay_started");
  chain.Add("host_connected", "", {{"address", "192.0.2.1"}});
  chain.Checkpoint(false);
  chain.Add("relay_stopping");
  chain.Checkpoint(true);
  auto good = chain.records();
  EXPECT_TRUE(Check(good, key.public_key()).ok());

  auto changed = good;
  changed[1].body[changed[1].body.find("192")] = '9';
  EXPECT_EQ(Check(changed, key.public_key()).problem, Problem::kChanged);
  EXPECT_EQ(Check(changed, key.public_key()).bad_seq, 2);

  auto removed = good;
  removed.erase(removed.begin() + 1);
  EXPECT_EQ(Check(removed, key.public_key()).problem, Problem::kRemoved);

  auto swapped = good;
  std::swap(swapped[0].body, swapped[1].body);
  std::swap(swapped[0].hash, swapped[1].hash);
  EXPECT_EQ(Check(swapped, key.public_key()).problem, Problem::kReordered);

  auto cut = good;
  cut.pop_back();
  EXPECT_EQ(Check(cut, key.public_key()).problem, Problem::kTruncated);
  EXPECT_TRUE(Check(cut, key.public_key(), /*live=*/true).ok());

  auto other = crypto::SigningKey::Generate();
  EXPECT_EQ(Check(good, other.public_key()).problem, Problem::kBadSignature);
  EXPECT_EQ(Check({}, key.public_key()).problem, Problem::kTruncated);
}

ReceiptFacts Facts(const std::string& role, const crypto::SigningKey& host,
                   const crypto::SigningKey& tech) {
  ReceiptFacts f;
  f.role = *wire::FromWire<wire::Party>(role);
  f.session = std::string(32, 'a');
  f.transcript = crypto::TranscriptHash(Bytes(32, 7));
  f.host_key = host.public_key();
  f.technician_key = tech.public_key();
  f.technician = "alice";
  f.start_ms = 1;
  f.end_ms = 2;
  f.permissions = {"control"};
  f.ending = wire::EndReason::kViewerClosed;
  return f;
}

TEST(ReceiptTest, ReceiptsOfTheWrongShapeAreRefusedNotThrown) {
  for (const char* text :
       {"{\"type\":1}", "[]", "{", "{\"type\":\"telemaint/v1 session receipt\",\"role\":[]}"})
    EXPECT_FALSE(CheckReceipt(text, Bytes(64)).ok()) << text;
}

TEST(ReceiptTest, ASignedReceiptChecksAndAChangedOneDoesNot) {
  auto host = crypto::SigningKey::Generate(), tech = crypto::SigningKey::Generate();
  auto signed_receipt = SignReceipt(Facts("viewer", host, tech), tech);
  auto facts = CheckReceipt(signed_receipt.text, signed_receipt.signature);
  ASSERT_TRUE(facts.ok()) << facts.status().message();
  EXPECT_EQ(facts->technician, "alice");
  std::string changed = signed_receipt.text;
  changed.replace(changed.find("alice"), 5, "mallo");
  EXPECT_FALSE(CheckReceipt(changed, signed_receipt.signature).ok());
  // Signed by the host's key but claiming to be the viewer's: refused.
  auto wrong = SignReceipt(Facts("viewer", host, tech), host);
  EXPECT_FALSE(CheckReceipt(wrong.text, wrong.signature).ok());
}

TEST(VerifierTest, NothingSignedProvesNothingAndAStartUnderAnotherKeyFails) {
  auto key = crypto::SigningKey::Generate(), other = crypto::SigningKey::Generate();
  Chain young(key);
  young.Add("relay_started", "", {{"key", ToHex(key.public_key())}});
  young.Add("host_connected");
  // A live copy before the first checkpoint: whatever key is pinned, it cannot pass.
  EXPECT_FALSE(Check(young.records(), other.public_key(), /*live=*/true).ok());
  EXPECT_FALSE(Check(young.records(), key.public_key(), /*live=*/true).ok());
  Chain restarted(key);
  restarted.Add("relay_started", "", {{"key", ToHex(other.public_key())}});
  restarted.Checkpoint(true);
  auto report = Check(restarted.records(), key.public_key());
  EXPECT_EQ(report.problem, Problem::kBadSignature);
  EXPECT_EQ(report.bad_seq, 1);
}

TEST(VerifierTest, AMalformedFieldIsAChangeNotACrash) {
  auto key = crypto::SigningKey::Generate();
  Chain chain(key);
  chain.Add("relay_started");
  chain.Add("receipt", std::string(32, 'a'), {{"by", 7}, {"receipt", {{"type", 1}}}});
  chain.Checkpoint(true);
  auto report = Check(chain.records(), key.public_key());
  // Not a crash; the record is named (its data has the wrong types).
  EXPECT_TRUE(!report.ok() || !report.receipt_problems.empty());
}

TEST(VerifierTest, ReceiptsMustAgreeWithEachOtherAndTheSession) {
  auto relay = crypto::SigningKey::Generate(), host = crypto::SigningKey::Generate(),
       tech = crypto::SigningKey::Generate(), forger = crypto::SigningKey::Generate();
  const std::string sid(32, 'a');
  auto build = [&](const crypto::SigningKey& viewer_key) {
    auto chain = std::make_unique<Chain>(relay);
    chain->Add("session_start", sid, {{"technician", "alice"}});
    auto h = SignReceipt(Facts("host", host, tech), host);
    chain->Add("receipt", sid,
               {{"by", "host"}, {"receipt", h.text}, {"signature", ToHex(h.signature)}});
    auto facts = Facts("viewer", host, viewer_key);
    auto v = SignReceipt(facts, viewer_key);
    chain->Add("receipt", sid,
               {{"by", "viewer"}, {"receipt", v.text}, {"signature", ToHex(v.signature)}});
    chain->Checkpoint(true);
    return chain;
  };
  auto good = Check(build(tech)->records(), relay.public_key());
  EXPECT_TRUE(good.ok());
  EXPECT_TRUE(good.receipt_problems.empty());
  // The chain is sound, so reports can be made; the session's receipts are named as bad.
  auto forged = Check(build(forger)->records(), relay.public_key());
  EXPECT_TRUE(forged.ok());
  ASSERT_EQ(forged.receipt_problems.size(), 1u);
  EXPECT_EQ(forged.receipt_problems[0].seq, 3);
  EXPECT_EQ(forged.receipt_problems[0].session, sid);
}

SessionSummary Lasting(int64_t ms) {
  SessionSummary s;
  s.allowed_ms = ms;
  return s;
}

TEST(HoursTest, OnlyTheTimeTheCustomerAllowedIsBilled) {
  SessionIndex index;
  const std::string a(32, 'a'), b(32, 'b');
  auto add = [&](int64_t seq, int64_t t, const std::string& kind, const std::string& sid,
                 nlohmann::json data) {
    Record r;
    r.seq = seq;
    r.time_ms = t;
    r.kind = kind;
    r.session = sid;
    r.data = data;
    index.Add(r);
  };
  // Asked for 90 s, then allowed for 10 minutes.
  add(1, 0, "session_start", a, {{"customer", "C"}});
  add(2, 90'000, "permission", a, {{"event", "answered"}, {"permission", "control"}});
  add(3, 690'000, "session_end", a, {{"duration_ms", 690'000}, {"reason", "viewer_closed"}});
  // Declined after a minute: nothing to bill.
  add(4, 0, "session_start", b, {{"customer", "C"}});
  add(5, 60'000, "permission", b, {{"event", "answered"}, {"permission", "denied"}});
  add(6, 60'000, "session_end", b, {{"duration_ms", 60'000}, {"reason", "user_declined"}});
  auto all = index.All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->allowed_ms, 600'000);
  EXPECT_EQ(BillableMinutes(*all[0], 15), 15);
  EXPECT_EQ(BillableMinutes(*all[1], 15), 0);
  EXPECT_EQ(all[1]->permissions, (std::vector<std::string>{"denied"}));
}

TEST(HoursTest, EachStartedBlockCounts) {
  EXPECT_EQ(BillableMinutes(Lasting(0), 15), 0);
  EXPECT_EQ(BillableMinutes(Lasting(1), 15), 15);
  EXPECT_EQ(BillableMinutes(Lasting(15 * 60000), 15), 15);
  EXPECT_EQ(BillableMinutes(Lasting(15 * 60000 + 1), 15), 30);
  EXPECT_EQ(BillableMinutes(Lasting(61000), 0), 2);
}

TEST(HoursTest, MonthsAndDatesAreUtc) {
  auto m = ParseMonth("2026-12");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(IsoTime(m->first), "2026-12-01T00:00:00Z");
  EXPECT_EQ(IsoTime(m->second), "2027-01-01T00:00:00Z");
  EXPECT_FALSE(ParseMonth("2026-1").has_value());
  EXPECT_EQ(ParseTime("2026-11-26T14:35:20Z"), ParseTime("2026-11-26").value() + 52520000);
  EXPECT_FALSE(ParseTime("yesterday").has_value());
  EXPECT_FALSE(ParseTime("2026-02-30").has_value()) << "no such day";
  EXPECT_FALSE(ParseTime("2026-11-31").has_value());
  EXPECT_FALSE(ParseTime("2026-11-26T15:50:00").has_value()) << "UTC must be said (Z)";
  EXPECT_TRUE(ParseTime("2028-02-29").has_value());
}

TEST(CsvTest, NamesCannotBecomeFormulasOrBreakColumns) {
  SessionSummary s;
  s.id = "abc";
  s.customer = "=HYPERLINK(\"http://x\")";
  s.ticket = "T-1, urgent";
  std::ostringstream out;
  WriteCsv(out, {&s});
  EXPECT_NE(out.str().find(",\"'=HYPERLINK(\"\"http://x\"\")\","), std::string::npos) << out.str();
  EXPECT_NE(out.str().find(",\"T-1, urgent\","), std::string::npos) << out.str();
}

}  // namespace
}  // namespace telemaint::audit

namespace telemaint::audit {
namespace {

TEST(VerifierTest, ALogShorterOrOtherThanOneSeenBeforeIsRolledBack) {
  auto key = crypto::SigningKey::Generate();
  Chain chain(key);
  chain.Add("relay_started");
  chain.Checkpoint(true);
  chain.Add("relay_started");
  chain.Checkpoint(true);
  VerifyOptions options;
  options.relay_key = key.public_key();
  auto full = CheckWith(chain.records(), options);
  ASSERT_TRUE(full.ok()) << full.message;
  EXPECT_EQ(full.signed_through, 4);
  EXPECT_EQ(full.signed_hash, chain.records()[3].hash);
  // The auditor saw all four; the first run's log alone verifies on its own, but not against it.
  options.known = KnownHead{4, full.signed_hash, "the log you verified"};
  std::vector<StoredRecord> older(chain.records().begin(), chain.records().begin() + 2);
  VerifyOptions alone;
  alone.relay_key = key.public_key();
  EXPECT_TRUE(CheckWith(older, alone).ok());
  auto rolled = CheckWith(older, options);
  EXPECT_EQ(rolled.problem, Problem::kRolledBack) << rolled.message;
  // Another history of the same length does not continue it either.
  options.known = KnownHead{2, Bytes(32, 7), "an export"};
  EXPECT_EQ(CheckWith(chain.records(), options).problem, Problem::kRolledBack);
}

TEST(VerifierTest, UnprovenRecordsAreReportedOnlyAsTheRelayNamesThem) {
  auto key = crypto::SigningKey::Generate();
  Chain chain(key);
  chain.Add("relay_started");
  chain.Checkpoint(true);
  chain.Add("session_start", std::string(32, 'f'), {{"technician", "mallory"}});
  const Bytes forged_head = chain.records().back().hash;
  chain.Add("relay_recovered", "",
            {{"unproven_from", 3}, {"unproven_to", 3}, {"unproven_head", ToHex(forged_head)},
             {"unproven_why", "unsigned_tail"}});
  chain.Checkpoint(true);
  VerifyOptions options;
  options.relay_key = key.public_key();
  auto report = CheckWith(chain.records(), options);
  ASSERT_TRUE(report.ok()) << report.message;
  ASSERT_EQ(report.unproven.size(), 1u);
  EXPECT_EQ(report.unproven[0].from, 3);
  // A claim that does not point at the records before it is a changed record.
  Chain bad(key);
  bad.Add("relay_started");
  bad.Add("relay_recovered", "", {{"unproven_from", 1}, {"unproven_to", 5},
                                  {"unproven_head", ToHex(Bytes(32, 1))}});
  bad.Checkpoint(true);
  EXPECT_EQ(CheckWith(bad.records(), options).problem, Problem::kChanged);
}

}  // namespace
}  // namespace telemaint::audit
