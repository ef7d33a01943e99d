#include "common/log.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/files.h"

namespace telemaint::log {
namespace {

TEST(LogTest, NetworkTextCannotForgeLinesOrDriveTheTerminal) {
  EXPECT_EQ(Printable("alice\n2026-01-01 relay info: forged"),
            "alice\\x0a2026-01-01 relay info: forged");
  EXPECT_EQ(Printable("\x1b[2J"), "\\x1b[2J");
  EXPECT_EQ(Printable("Ticket é€ T-1"), "Ticket é€ T-1") << "UTF-8 text is kept";
  EXPECT_EQ(Printable("emoji \xf0\x9f\x98\x80 ok"), "emoji \xf0\x9f\x98\x80 ok");
  // C1 controls: U+009B is a CSI to a terminal, as a code point and as a lone byte.
  EXPECT_EQ(Printable("a\xc2\x9b"
                      "2Jb"),
            "a\\u009b2Jb");
  EXPECT_EQ(Printable("a\x9b"
                      "2J"),
            "a\\x9b2J");
  // Bidirectional controls would reorder what an auditor reads ("Dupont" shown backwards).
  EXPECT_EQ(Printable("x\xe2\x80\xaetnopuD"), "x\\u202etnopuD");
  EXPECT_EQ(Printable("\xe2\x81\xa6i\xe2\x81\xa9 \xe2\x80\x8f"), "\\u2066i\\u2069 \\u200f");
  // Not UTF-8: overlong forms, surrogates and truncated sequences are bytes, escaped.
  EXPECT_EQ(Printable("\xc0\xaf"), "\\xc0\\xaf");
  EXPECT_EQ(Printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");
  EXPECT_EQ(Printable("end\xe2\x82"), "end\\xe2\\x82");
}

}  // namespace
}  // namespace telemaint::log

namespace telemaint::log {
namespace {

void LibraryStyleLog(const char* format, ...) {
  va_list args;
  va_start(args, format);
  WriteFormatted(Level::kWarn, "somelib: ", format, args);
  va_end(args);
}

TEST(LogTest, LibraryPrintfLinesAreFormattedTrimmedAndEscaped) {
  std::string path = ::testing::TempDir() + "/log_test_formatted.log";
  std::remove(path.c_str());
  ASSERT_TRUE(SetFile(path));
  LibraryStyleLog("client %d said \x1b[31m%s\n", 7, "hi");
  SetFile("");
  std::ifstream f(path);
  std::string line;
  ASSERT_TRUE(std::getline(f, line));
  EXPECT_NE(line.find("warn: somelib: client 7 said \\x1b[31mhi"), std::string::npos) << line;
  EXPECT_EQ(line.back(), 'i') << "the library's newline is dropped, not escaped";
  std::remove(path.c_str());
}

TEST(PrintableLabelTest, AtSignsAreDoubledForTheWindowsAndControlsStillEscaped) {
  EXPECT_EQ(PrintableLabel("alice@acme"), "alice@@acme");
  EXPECT_EQ(PrintableLabel("@C1 red\x1b[2J"), "@@C1 red\\x1b[2J");
  EXPECT_EQ(PrintableLabel("Zoë"), "Zoë");
}

// A state directory that is a symlink (planted where a program run as root with a user's HOME
// would follow it) is refused: the lines go to standard error instead, nothing is written there.
TEST(StateDirectoryLogTest, ASymlinkedStateDirectoryIsRefused) {
  char base[] = "/tmp/telemaint-logstate-XXXXXX";
  ASSERT_NE(mkdtemp(base), nullptr);
  const std::string elsewhere = std::string(base) + "/elsewhere";
  ASSERT_EQ(mkdir(elsewhere.c_str(), 0700), 0);
  ASSERT_EQ(symlink(elsewhere.c_str(), (std::string(base) + "/telemaint").c_str()), 0);
  setenv("XDG_STATE_HOME", base, 1);
  EXPECT_FALSE(SetFileInStateDirectory("viewer"));
  EXPECT_FALSE(std::filesystem::exists(elsewhere + "/viewer.log"));
  // A real directory of ours is used.
  const std::string real = std::string(base) + "/real";
  setenv("XDG_STATE_HOME", real.c_str(), 1);
  EXPECT_TRUE(SetFileInStateDirectory("viewer"));
  Info("a line for the file");
  EXPECT_NE(ReadTextFile(real + "/telemaint/viewer.log").find("a line for the file"),
            std::string::npos);
  EXPECT_TRUE(SetFile(""));
  SetTerminal(true);
  unsetenv("XDG_STATE_HOME");
  std::filesystem::remove_all(base);
}

}  // namespace
}  // namespace telemaint::log
