// Prepaid hour packs and the auditor's words on their own: names, validation, deduction in
// session order by the billing rule, durations and zones for people.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "audit/packs.h"
#include "audit/sessions.h"

namespace telemaint::audit {
namespace {

Record At(int64_t seq, int64_t time_ms, wire::AuditKind kind, std::string session,
          nlohmann::json data) {
  Record r;
  r.seq = seq;
  r.time_ms = time_ms;
  r.kind = wire::ToWire(kind);
  r.session = std::move(session);
  r.data = std::move(data);
  return r;
}

// A session of `customer` allowed for `allowed_ms`.
void AddSession(SessionIndex& index, int64_t& seq, const std::string& id,
                const std::string& customer, int64_t allowed_ms, const std::string& ticket) {
  const int64_t t = 1'700'000'000'000 + seq * 10'000'000;
  index.Add(At(++seq, t, wire::AuditKind::kSessionStart, id,
               {{"technician", "alice"}, {"customer", customer}, {"ticket", ticket}}));
  index.Add(At(++seq, t, wire::AuditKind::kPermission, id,
               {{"event", "answered"}, {"permission", "control"}}));
  index.Add(At(++seq, t + allowed_ms, wire::AuditKind::kSessionEnd, id,
               {{"reason", "viewer_closed"}, {"duration_ms", allowed_ms}}));
}

TEST(PacksTest, NamesAreMatchedTrimmedAndWithoutCase) {
  EXPECT_EQ(CustomerKey("  Dupont SA "), CustomerKey("dupont sa"));
  EXPECT_NE(CustomerKey("Dupont SA"), CustomerKey("Dupont"));
  EXPECT_EQ(TrimmedName("\tMartin SARL  "), "Martin SARL");
}

TEST(PacksTest, APackIsCheckedBeforeItIsRecorded) {
  EXPECT_TRUE(PackData({"Dupont SA", 600, "2026-03-01", "facture F-2031", "root", 0}).ok());
  EXPECT_FALSE(PackData({"  ", 600, "2026-03-01", "", "", 0}).ok());
  EXPECT_FALSE(PackData({"Dupont SA", 0, "2026-03-01", "", "", 0}).ok());
  EXPECT_FALSE(PackData({"Dupont SA", 60, "2026-02-30", "", "", 0}).ok());
  EXPECT_FALSE(PackData({"Dupont\x1b[2J", 60, "2026-03-01", "", "", 0}).ok());
  // A record of another kind, or with a field of the wrong type, is no pack (and no crash).
  auto wrong = At(9, 0, wire::AuditKind::kPackAdded, "",
                  {{"customer", 5}, {"minutes", 60}, {"date", "2026-03-01"}});
  EXPECT_FALSE(PackFromRecord(wrong).has_value());
}

TEST(PacksTest, SessionsAreDeductedByTheRoundingRuleAndUnprovenOnesAreNot) {
  SessionIndex index;
  int64_t seq = 0;
  AddSession(index, seq, std::string(32, 'a'), "dupont sa", 16 * 60'000, "T-1");  // 30 min
  AddSession(index, seq, std::string(32, 'b'), "Dupont SA ", 5 * 60'000, "T-2");   // 15 min
  AddSession(index, seq, std::string(32, 'c'), "Dupont SA", 60 * 60'000, "T-3");   // forged
  AddSession(index, seq, std::string(32, 'd'), "Martin", 60'000, "T-4");
  index.MarkUnproven({UnprovenRange{7, 9, 0, "unsigned_tail"}});
  std::vector<Pack> packs{{"Dupont SA", 60, "2026-03-01", "F-1", "", 100}};
  auto all = ComputePacks(packs, index, 15, "");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].customer, "Dupont SA");
  EXPECT_EQ(all[0].bought, 60);
  EXPECT_EQ(all[0].used, 45);
  EXPECT_EQ(all[0].remaining(), 15);
  ASSERT_EQ(all[0].uses.size(), 2u);
  EXPECT_EQ(all[0].uses[1].session->ticket, "T-2");
  EXPECT_EQ(all[1].remaining(), -15) << "Martin bought nothing";
  std::ostringstream text;
  WritePacksText(text, all, 120);
  EXPECT_NE(text.str().find("nearly used up"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("more than bought"), std::string::npos) << text.str();
  EXPECT_EQ(ComputePacks(packs, index, 15, " DUPONT sa").size(), 1u);
}

TEST(ReportWordsTest, DurationsAndZonesForPeople) {
  EXPECT_EQ(HumanDuration(42'900), "42 s");
  EXPECT_EQ(HumanDuration(200'000), "3 min 20 s");
  EXPECT_EQ(HumanDuration(3'900'000), "1 h 05 min");
  EXPECT_FALSE(TimeZone::Named("Mars/Olympus").ok());
  EXPECT_FALSE(TimeZone::Named("../../etc/passwd").ok());
  auto paris = TimeZone::Named("Europe/Paris");
  ASSERT_TRUE(paris.ok());
  EXPECT_EQ(paris->Format(1'700'000'000'000), "2023-11-14 23:13:20 CET");
  EXPECT_EQ(TimeZone().Format(1'700'000'000'000), "2023-11-14T22:13:20Z");
  auto words = OutcomeWords();
  EXPECT_NE(std::find(words.begin(), words.end(), "user_declined"), words.end());
  EXPECT_EQ(std::find(words.begin(), words.end(), "declined"), words.end());
}

}  // namespace
}  // namespace telemaint::audit
