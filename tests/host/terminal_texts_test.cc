// What telemaint-host says on its terminal and in `telemaint-host log`, in French when the
// locale is French: the same facts as in English, in words an office worker reads.
#include "host/terminal_texts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "host/session_history.h"

namespace telemaint::host {
namespace {

TEST(TerminalTextsTest, EveryTextExistsInBothLanguages) {
  const TerminalTexts& en = TerminalTextsFor(Language::kEnglish);
  const TerminalTexts& fr = TerminalTextsFor(Language::kFrench);
  auto* e = reinterpret_cast<const char* const*>(&en);
  auto* f = reinterpret_cast<const char* const*>(&fr);
  for (size_t i = 0; i < sizeof(TerminalTexts) / sizeof(const char*); ++i) {
    ASSERT_NE(e[i], nullptr) << i;
    ASSERT_NE(f[i], nullptr) << i;
    // The same places to fill, in the same number.
    auto places = [](const char* text) {
      size_t n = 0;
      for (const char* p = text; (p = std::strstr(p, "%s")); p += 2) ++n;
      return n;
    };
    EXPECT_EQ(places(e[i]), places(f[i])) << e[i] << " / " << f[i];
  }
  // The answers are the same letters in both languages.
  EXPECT_NE(std::string(fr.choices).find("[a]"), std::string::npos);
  EXPECT_NE(std::string(fr.choices).find("[v]"), std::string::npos);
  EXPECT_NE(std::string(fr.choices).find("[d]"), std::string::npos);
}

TEST(TerminalTextsTest, TheSessionListSpeaksFrench) {
  char path[] = "/tmp/telemaint-history-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    SessionHistory history(path);
    history.Record("0123456789abcdef0123456789abcdef", HistoryEvent::kAsked,
                   {{"account", "alice"},
                    {"name", "Alice Martin"},
                    {"organisation", "Acme IT"},
                    {"key", "412c e268"}});
    history.Record("0123456789abcdef0123456789abcdef", HistoryEvent::kAnswered,
                   {{"permission", "control"}});
    history.Record("0123456789abcdef0123456789abcdef", HistoryEvent::kChanged,
                   {{"permission", "view only"}});
    history.Record("0123456789abcdef0123456789abcdef", HistoryEvent::kEnded,
                   {{"how", "you stopped it"}, {"reason", "user_stopped"}, {"seconds", 30}});
  }
  auto fr = SessionHistory::Summaries(path, Language::kFrench);
  auto en = SessionHistory::Summaries(path, Language::kEnglish);
  std::remove(path);
  ASSERT_TRUE(fr.ok() && fr->size() == 1u);
  const std::string& line = fr->front();
  EXPECT_NE(line.find("session 01234567  Alice Martin (Acme IT), compte alice, clé 412c e268"),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("autorisé : contrôle, puis vue seule"), std::string::npos) << line;
  EXPECT_NE(line.find(": vous l'avez arrêtée"), std::string::npos) << line;
  ASSERT_TRUE(en.ok() && en->size() == 1u);
  EXPECT_NE(en->front().find("allowed: control, then view only"), std::string::npos) << en->front();
}

}  // namespace
}  // namespace telemaint::host
