#include "crypto/session_code.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace telemaint::crypto {
namespace {

TEST(SessionCodeTest, DammCheckDigitKnownValues) {
  EXPECT_EQ(DammCheckDigit("572"), 4);  // the textbook example
  EXPECT_EQ(DammCheckDigit("5724"), 0);
  EXPECT_EQ(DammCheckDigit("12a"), -1);
}

TEST(SessionCodeTest, NewCodeHasValidCheckDigitAndFormat) {
  auto code = NewSessionCode("04213");
  ASSERT_TRUE(code.ok());
  std::string digits(code->Digits().chars());
  ASSERT_EQ(digits.size(), 12u);
  EXPECT_EQ(digits.substr(0, 5), "04213");
  EXPECT_EQ(DammCheckDigit(digits), 0);
  std::string shown(code->Display().chars());
  ASSERT_EQ(shown.size(), 14u);
  EXPECT_EQ(shown[4], ' ');
  EXPECT_EQ(shown[9], ' ');
}

TEST(SessionCodeTest, SecretDigitsAreFreshEachTime) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) seen.insert(std::string(NewSessionCode("11111")->secret.chars()));
  EXPECT_GT(seen.size(), 45u);
}

TEST(SessionCodeTest, RejectsInvalidNameplateFromRelay) {
  EXPECT_FALSE(NewSessionCode("1234").ok());
  EXPECT_FALSE(NewSessionCode("12a45").ok());
}

TEST(SessionCodeTest, ParsesWithSpacesDashesOrNothing) {
  auto code = NewSessionCode("98765");
  std::string digits(code->Digits().chars());
  for (std::string typed : {digits, digits.substr(0, 4) + " " + digits.substr(4, 4) + " " +
                                        digits.substr(8),
                            digits.substr(0, 4) + "-" + digits.substr(4, 4) + "-" +
                                digits.substr(8)}) {
    auto parsed = ParseSessionCode(typed);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(parsed->nameplate, "98765");
    EXPECT_EQ(parsed->secret.chars(), code->secret.chars());
    EXPECT_TRUE(typed.empty()) << "the typed code must be wiped";
  }
}

TEST(SessionCodeTest, EverySingleDigitTypoIsCaughtLocally) {
  auto code = NewSessionCode("31415");
  std::string digits(code->Digits().chars());
  for (size_t i = 0; i < digits.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == digits[i]) continue;
      std::string typed = digits;
      typed[i] = d;
      auto parsed = ParseSessionCode(typed);
      EXPECT_FALSE(parsed.ok()) << "typo at " << i << " not caught";
      if (!parsed.ok()) {
        EXPECT_NE(parsed.status().message().find("typo"), std::string::npos);
      }
    }
  }
}

TEST(SessionCodeTest, EveryAdjacentTranspositionIsCaught) {
  auto code = NewSessionCode("27182");
  std::string digits(code->Digits().chars());
  for (size_t i = 0; i + 1 < digits.size(); ++i) {
    if (digits[i] == digits[i + 1]) continue;
    std::string typed = digits;
    std::swap(typed[i], typed[i + 1]);
    EXPECT_FALSE(ParseSessionCode(typed).ok()) << "swap at " << i;
  }
}

TEST(SessionCodeTest, RejectsWrongLengthAndLetters) {
  std::string short_code = "1234 5678 901";
  EXPECT_FALSE(ParseSessionCode(short_code).ok());
  std::string long_code = "1234 5678 90123";
  EXPECT_FALSE(ParseSessionCode(long_code).ok());
  std::string letters = "1234 5678 9O12";
  auto r = ParseSessionCode(letters);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("only digits"), std::string::npos);
}

}  // namespace
}  // namespace telemaint::crypto
