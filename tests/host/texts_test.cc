// The host window's language comes from the locale as gettext picks it, and names from the
// relay are text, never places to fill.
#include "host/gui/texts.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

namespace telemaint::host::gui {
namespace {

class LocaleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : kVars) unsetenv(v);
  }
  void TearDown() override { SetUp(); }
  static constexpr const char* kVars[] = {"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"};
};

TEST_F(LocaleTest, FrenchFromLangAndEnglishOtherwise) {
  EXPECT_EQ(LanguageFromLocale(), Language::kEnglish);
  setenv("LANG", "fr_FR.UTF-8", 1);
  EXPECT_EQ(LanguageFromLocale(), Language::kFrench);
  setenv("LANG", "fr_CA.UTF-8", 1);
  EXPECT_EQ(LanguageFromLocale(), Language::kFrench);
  setenv("LANG", "de_DE.UTF-8", 1);
  EXPECT_EQ(LanguageFromLocale(), Language::kEnglish);
}

TEST_F(LocaleTest, LcAllWinsOverLangAndCMeansEnglish) {
  setenv("LANG", "fr_FR.UTF-8", 1);
  setenv("LC_ALL", "C.UTF-8", 1);
  EXPECT_EQ(LanguageFromLocale(), Language::kEnglish);
  setenv("LC_ALL", "fr_BE.UTF-8", 1);
  setenv("LANG", "en_GB.UTF-8", 1);
  EXPECT_EQ(LanguageFromLocale(), Language::kFrench);
}

TEST(TextsTest, FillPutsValuesInOrderAndLeavesTheirPercentSignsAlone) {
  EXPECT_EQ(Fill("Account %s, key %s", "a%sb", "K"), "Account a%sb, key K");
  EXPECT_EQ(Fill("%s is viewing your screen", "Alice (Acme)"),
            "Alice (Acme) is viewing your screen");
  EXPECT_EQ(Fill("no place", "x"), "no place");
}

// Times a person reads as durations, never as a clock time ("1:58" read as two to two).
TEST(TextsTest, TimesAreWrittenAsDurations) {
  EXPECT_EQ(TimeLeft(118), "1 min 58 s");
  EXPECT_EQ(TimeLeft(600), "10 min");
  EXPECT_EQ(TimeLeft(59), "59 s");
  EXPECT_EQ(TimeLeft(-3), "0 s");
  const Texts& fr = TextsFor(Language::kFrench);
  EXPECT_EQ(SessionLength(fr, 42), "moins d'une minute");
  EXPECT_EQ(SessionLength(fr, 12 * 60 + 59), "12 min");
  EXPECT_EQ(SessionLength(fr, 65 * 60), "1 h 05 min");
  EXPECT_EQ(Fill(fr.session_ended_with, "Alice Martin (Acme IT)", SessionLength(fr, 720)),
            "La session avec Alice Martin (Acme IT) est terminée — 12 min.");
}

TEST(TextsTest, EveryTextExistsInBothLanguages) {
  const Texts& en = TextsFor(Language::kEnglish);
  const Texts& fr = TextsFor(Language::kFrench);
  EXPECT_STREQ(en.stop, "Stop");
  EXPECT_STREQ(fr.stop, "Arrêter");
  // The two tables have the same fields; none is empty or left in English.
  auto* e = reinterpret_cast<const char* const*>(&en);
  auto* f = reinterpret_cast<const char* const*>(&fr);
  for (size_t i = 0; i < sizeof(Texts) / sizeof(const char*); ++i) {
    ASSERT_NE(e[i], nullptr);
    ASSERT_NE(f[i], nullptr);
    EXPECT_GT(std::string(f[i]).size(), 0u) << i;
    EXPECT_STRNE(e[i], f[i]) << "text " << i << " is not translated";
  }
}

}  // namespace
}  // namespace telemaint::host::gui
