// An enrolled machine's policy and hours.
#include <gtest/gtest.h>

#include "host/policy.h"

namespace telemaint::host {
namespace {

std::tm At(int wday, int hour, int minute) {
  std::tm t{};
  t.tm_wday = wday;  // 0 Sunday
  t.tm_hour = hour;
  t.tm_min = minute;
  return t;
}

TEST(PolicyHours, OfficeHoursOnWeekdays) {
  auto h = ParseHours("Mon-Fri 08:00-18:00");
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_TRUE(WithinHours(*h, At(1, 8, 0)));    // Monday 08:00
  EXPECT_TRUE(WithinHours(*h, At(5, 17, 59)));  // Friday 17:59
  EXPECT_FALSE(WithinHours(*h, At(5, 18, 0)));  // Friday 18:00
  EXPECT_FALSE(WithinHours(*h, At(6, 10, 0)));  // Saturday
  EXPECT_FALSE(WithinHours(*h, At(0, 10, 0)));  // Sunday
}

TEST(PolicyHours, NightsPastMidnightBelongToTheirEvening) {
  auto h = ParseHours("Fri 22:00-06:00");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(WithinHours(*h, At(5, 23, 0)));   // Friday night
  EXPECT_TRUE(WithinHours(*h, At(6, 5, 59)));   // Saturday early: Friday's night
  EXPECT_FALSE(WithinHours(*h, At(5, 5, 0)));   // Friday early: Thursday's night
  EXPECT_FALSE(WithinHours(*h, At(6, 22, 30)));
}

TEST(PolicyHours, ListsDailyAndMalformedHours) {
  auto weekend = ParseHours("Sat,Sun 10:00-12:00");
  ASSERT_TRUE(weekend.ok());
  EXPECT_TRUE(WithinHours(*weekend, At(0, 11, 0)));
  EXPECT_FALSE(WithinHours(*weekend, At(3, 11, 0)));
  EXPECT_TRUE(ParseHours("daily 00:00-24:00").ok());
  for (const char* bad : {"", "Mon-Fri", "Mon-Fri 8-18", "Lun-Ven 08:00-18:00",
                          "Mon 25:00-26:00", "Mon 08:00-08:00", "Mon 08:00-18:00x"})
    EXPECT_FALSE(ParseHours(bad).ok()) << bad;
}

TEST(PolicyHours, OutsideTheHoursThePolicyIsDeny) {
  MachinePolicy p{wire::UnattendedPolicy::kAllow, "Mon-Fri 08:00-18:00"};
  // 2026-12-05 is a Saturday; the machine's local time is what counts.
  std::tm saturday{};
  saturday.tm_year = 126;
  saturday.tm_mon = 11;
  saturday.tm_mday = 5;
  saturday.tm_hour = 12;
  saturday.tm_isdst = -1;
  auto now = ApplyPolicy(p, std::mktime(&saturday));
  EXPECT_EQ(now.policy, wire::UnattendedPolicy::kDeny);
  EXPECT_NE(now.why.find("outside"), std::string::npos);
  p.hours.clear();
  EXPECT_EQ(ApplyPolicy(p, std::mktime(&saturday)).policy, wire::UnattendedPolicy::kAllow);
  p.policy = wire::UnattendedPolicy::kDeny;
  EXPECT_EQ(ApplyPolicy(p, std::mktime(&saturday)).policy, wire::UnattendedPolicy::kDeny);
}

}  // namespace
}  // namespace telemaint::host
