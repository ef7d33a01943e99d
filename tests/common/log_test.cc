#include "common/log.h"

#include <gtest/gtest.h>

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
