// Which display an enrolled machine's service shares when it is given none.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "host/active_display.h"

namespace telemaint::host {
namespace {

TEST(ActiveDisplay, TheActiveLocalGraphicalSessionsDisplay) {
  std::string user;
  auto display = DisplayOfSession("Display=:0\nActive=yes\nType=x11\nName=alice\nRemote=no\n",
                                  user);
  ASSERT_TRUE(display.has_value());
  EXPECT_EQ(*display, ":0");
  EXPECT_EQ(user, "alice");
  EXPECT_FALSE(DisplayOfSession("Display=:0\nActive=no\nType=x11\nName=bob\n", user));
  EXPECT_FALSE(DisplayOfSession("Display=\nActive=yes\nType=tty\nName=root\n", user));
  EXPECT_FALSE(DisplayOfSession("Display=:1\nActive=yes\nType=x11\nName=eve\nRemote=yes\n", user));
}

TEST(ActiveDisplay, XServersByTheirSockets) {
  const std::string dir = testing::TempDir() + "x11-unix-test";
  std::filesystem::create_directories(dir);
  for (const char* name : {"X10", "X2", "Xnot", "lock"}) std::ofstream(dir + "/" + name) << "";
  auto displays = LocalXDisplays(dir);
  EXPECT_EQ(displays, (std::vector<std::string>{":2", ":10"}));
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(LocalXDisplays(dir).empty());
}

}  // namespace
}  // namespace telemaint::host
