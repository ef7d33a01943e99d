#include "common/log.h"

#include <gtest/gtest.h>

#include <cstdarg>
#include <cstdio>
#include <fstream>

namespace telemaint::log {
namespace {

TEST(LogTest, NetworkTextCannotForgeLinesOrDriveTheTerminal) {
  EXPECT_EQ(Printable("alice\n2026-01-01 relay info: forged"),
            "alice\\x0a2026-01-01 relay info: forged");
  EXPECT_EQ(Printable("\x1b[2J"), "\\x1b[2J");
  EXPECT_EQ(Printable("Ticket é€ T-1"), "Ticket é€ T-1") << "UTF-8 text is kept";
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

}  // namespace
}  // namespace telemaint::log
