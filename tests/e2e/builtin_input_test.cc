// Keyboard and mouse through the whole chain: a real VNC client (Perl's Net::VNC) on the
// viewer's local port, the relay, and the host's built-in server injecting into a real X
// display (Xvfb) with real X clients (xterm, xev).
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/deployment.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

class BuiltInInputTest : public ::testing::Test {
 protected:
  // Starts relay, built-in host on the display and a viewer; returns the viewer's local port.
  uint16_t Connect(const VirtualDisplay& x) {
    relay_ = d_.StartRelay();
    auto joined = d_.JoinBuiltIn(x.name());
    host_ = std::move(joined.host);
    viewer_ = std::move(joined.viewer);
    return joined.port;
  }
  std::unique_ptr<Process> Input(uint16_t port, std::vector<std::string> commands) {
    std::vector<std::string> argv = {"/usr/bin/perl", SourcePath("tests/support/vnc_input.pl"),
                                     std::to_string(port)};
    argv.insert(argv.end(), commands.begin(), commands.end());
    return std::make_unique<Process>(argv);
  }
  Deployment d_;
  std::unique_ptr<Process> relay_, host_, viewer_;
};

TEST_F(BuiltInInputTest, TypingReachesAnXtermExactly) {
  VirtualDisplay x("640x480x24");
  std::string ready = d_.dir() / "ready", out = d_.dir() / "typed";
  // The xterm reads one line and writes it to a file, byte for byte.
  Process xterm({"/usr/bin/xterm", "-geometry", "80x4+0+0", "-u8", "-e", "/bin/sh", "-c",
                 "touch " + ready + "; IFS= read -r line; printf '%s' \"$line\" > " + out},
                {{"DISPLAY", x.name()}, {"LANG", "C.UTF-8"}, {"LC_ALL", "C.UTF-8"}});
  ASSERT_TRUE(WaitForFile(ready, 15s)) << xterm.Output();
  uint16_t port = Connect(x);
  ASSERT_NE(port, 0) << viewer_->Output() << host_->Output();
  // Shifted symbols, capitals, keysyms missing from the US keymap (é, €), and Return.
  auto typing = Input(port, {"move", "40", "20", "text", "hello ~|>_A!", "key", "20", "key",
                             "e9", "key", "20", "key", "20ac", "key", "ff0d"});
  EXPECT_EQ(typing->Wait(30s), 0) << typing->Output();
  auto typed = WaitForFileContent(out, "", 15s);
  ASSERT_TRUE(typed.has_value()) << "nothing was typed\n" << host_->Output();
  EXPECT_EQ(*typed, "hello ~|>_A! \xc3\xa9 \xe2\x82\xac");
}

TEST_F(BuiltInInputTest, ClickLandsOnTheRightPixelAndWheelAndDragArrive) {
  VirtualDisplay x("640x480x24");
  Process xev({"/usr/bin/xev", "-geometry", "300x200+100+100"}, x.env());
  ASSERT_TRUE(xev.WaitForLine("MapNotify", 15s)) << xev.Output();
  uint16_t port = Connect(x);
  ASSERT_NE(port, 0) << viewer_->Output();
  auto mouse = Input(port, {"click", "150", "160", "wheel", "150", "160", "down", "drag", "120",
                            "130", "220", "230"});
  EXPECT_EQ(mouse->Wait(30s), 0) << mouse->Output();
  EXPECT_TRUE(xev.WaitForLine("button 5,", 10s)) << "wheel down\n" << xev.Output();
  ASSERT_TRUE(xev.WaitForLine("root:(220,230)", 10s)) << "drag end\n" << xev.Output();
  EXPECT_EQ(CheckXevButtons(xev.Output(), "150,160", "220,230"), "");
  EXPECT_GE(xev.CountLines("MotionNotify"), 5) << "the drag moved through the window";
}

TEST_F(BuiltInInputTest, EndingTheSessionWithAKeyHeldReleasesIt) {
  VirtualDisplay x("640x480x24");
  uint16_t port = Connect(x);
  ASSERT_NE(port, 0) << viewer_->Output();
  // XTest input arrives through this device; its state lists every key held.
  auto keys_down = [&] {
    Process state({"/usr/bin/xinput", "query-state", "Virtual core XTEST keyboard"}, x.env());
    if (state.Wait(10s) != 0) return -1;
    return state.CountLines("=down");
  };
  auto held = Input(port, {"down", "ffe3", "down", "61", "pause", "3000"});  // Ctrl+a, held
  int during = 0;
  for (int i = 0; i < 100 && during < 2; ++i) {
    during = keys_down();
    if (during < 2) std::this_thread::sleep_for(20ms);  // polling X state, not readiness
  }
  EXPECT_EQ(during, 2) << "Ctrl and a are held while the session runs";
  EXPECT_EQ(held->Wait(30s), 0) << held->Output();  // the client leaves with both still down
  int after = -1;
  for (int i = 0; i < 100 && after != 0; ++i) {
    after = keys_down();
    if (after != 0) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(after, 0) << "a key stayed held on the customer's PC";
}

}  // namespace
}  // namespace telemaint::testing
