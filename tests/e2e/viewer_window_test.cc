// telemaint-viewer's own window, driven like a technician would with xdotool on a second
// virtual display: what is typed and clicked there reaches real X clients on the host's
// display (Xvfb) through the relay, and the window shows the host's screen pixel for pixel.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "host/gui/layout.h"
#include "tests/support/audit_tools.h"
#include "tests/support/deployment.h"
#include "tests/support/tcp.h"
#include "tests/support/window.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

constexpr int kMenuHeight = 25;  // the window's menu bar; the picture is below it
// Where the menu bar's titles are with the default fonts.
constexpr int kSessionMenu = 29, kViewMenu = 96, kQualityMenu = 154, kMonitorMenu = 221;

// Each pixel the average of a 2x2 block: what the window shows at half size.
RgbImage HalfSize(const RgbImage& image) {
  RgbImage half;
  half.width = image.width / 2;
  half.height = image.height / 2;
  half.rgb.resize(static_cast<size_t>(half.width) * half.height * 3);
  for (int y = 0; y < half.height; ++y)
    for (int x = 0; x < half.width; ++x)
      for (int c = 0; c < 3; ++c) {
        unsigned sum = 0;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx)
            sum +=
                image.rgb[((static_cast<size_t>(y) * 2 + dy) * image.width + x * 2 + dx) * 3 + c];
        half.rgb[(static_cast<size_t>(y) * half.width + x) * 3 + c] = static_cast<uint8_t>(sum / 4);
      }
  return half;
}

class ViewerWindowTest : public ::testing::Test {
 protected:
  // By default the host's screen is the size of the window's initial picture area, so the
  // picture is shown at scale 1 and window pixels map to host pixels one to one.
  void MakeHostDisplay(const std::string& geometry) {
    host_display_ = std::make_unique<VirtualDisplay>(geometry);
  }
  VirtualDisplay& host_x() {
    if (!host_display_) MakeHostDisplay("1024x768x24");
    return *host_display_;
  }
  std::unique_ptr<VirtualDisplay> host_display_;
  VirtualDisplay viewer_x_{"1280x1024x24"};
  Deployment d_;
  std::unique_ptr<Process> relay_, host_, viewer_;
  WindowPlace window_;

  ::testing::AssertionResult Open(std::vector<std::string> host_extra = {},
                                  std::vector<std::string> viewer_extra = {},
                                  bool auto_allow = true) {
    relay_ = d_.StartRelay();
    host_ = d_.StartBuiltInHost(host_x().name(), host_extra, "host", auto_allow);
    viewer_ = d_.StartWindowViewer(d_.WaitForCode(), viewer_x_.name(), viewer_extra);
    auto found = FindWindow(viewer_x_, "telemaint", 30s);
    if (!found)
      return ::testing::AssertionFailure() << "no viewer window\n"
                                           << viewer_->Output() << host_->Output();
    window_ = *found;
    // The stand-in at the customer's screen allows control; input counts from then on.
    if (auto_allow && (!viewer_->WaitForLine("The customer allowed control", 20s) ||
                       !WaitForTitleWithout(viewer_x_, window_.id, {"waiting"}, 10s))) {
      Process title({"/usr/bin/xdotool", "getwindowname", window_.id}, viewer_x_.env());
      title.Wait(10s);
      return ::testing::AssertionFailure() << "no consent; window title: " << title.Output() << "\n"
                                           << viewer_->Output() << host_->Output();
    }
    return ::testing::AssertionSuccess();
  }
  // Opens a menu by its title and picks its item-th entry (the arrow keys walk an open menu).
  bool Choose(int title_x, int item) {
    std::vector<std::string> args = {"mousemove",
                                     std::to_string(window_.x + title_x),
                                     std::to_string(window_.y + 12),
                                     "click",
                                     "1",
                                     "sleep",
                                     "0.5"};
    for (int i = 0; i < item; ++i) args.push_back("key"), args.push_back("Down");
    args.push_back("key");
    args.push_back("Return");
    return Xdotool(viewer_x_, args);
  }
  // Runs a command on the host's display (xrandr, setxkbmap, xdotool) and says whether it worked.
  bool OnHost(std::vector<std::string> argv) {
    Process p(argv, host_x().env());
    bool ok = p.Wait(20s) == 0;
    if (!ok) ADD_FAILURE() << argv[0] << " failed: " << p.Output();
    return ok;
  }
  // Root coordinates, on the viewer's display, of a host pixel shown at scale 1.
  std::string WindowX(int host_x) const { return std::to_string(window_.x + host_x); }
  std::string WindowY(int host_y) const { return std::to_string(window_.y + kMenuHeight + host_y); }

  // The host's screen once two captures agree.
  RgbImage SettledHostScreen() {
    std::optional<RgbImage> screen, previous;
    for (int i = 0; i < 20 && (!screen || !(screen == previous)); ++i) {
      previous = screen;
      screen = CaptureRoot(host_x(), d_.dir() / "host.xwd");
    }
    EXPECT_TRUE(screen.has_value() && screen == previous) << "the host screen never settled";
    return screen.value_or(RgbImage{});
  }
  // Differing pixels between `expected` and the window's picture area (from `top`, where a
  // picture wider than the area starts when scaled to fit), once they agree or after the
  // timeout.
  size_t PictureDifference(const RgbImage& expected, std::chrono::seconds timeout, int top = 0) {
    size_t differing = SIZE_MAX;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (differing != 0 && std::chrono::steady_clock::now() < deadline) {
      auto shown = CaptureRoot(viewer_x_, d_.dir() / "viewer.xwd");
      if (shown) {
        RgbImage picture =
            Crop(*shown, window_.x, window_.y + kMenuHeight + top, expected.width, expected.height);
        differing = CountDifferingPixels(picture, expected);
      }
      if (differing != 0) std::this_thread::sleep_for(200ms);  // updates are on their way
    }
    return differing;
  }
};

TEST_F(ViewerWindowTest, TypingInTheWindowReachesAnXtermExactly) {
  std::string ready = d_.dir() / "ready", out = d_.dir() / "typed";
  Process xterm({"/usr/bin/xterm", "-geometry", "80x4+0+0", "-u8", "-e", "/bin/sh", "-c",
                 "touch " + ready + "; IFS= read -r line; printf '%s' \"$line\" > " + out},
                {{"DISPLAY", host_x().name()}, {"LANG", "C.UTF-8"}, {"LC_ALL", "C.UTF-8"}});
  ASSERT_TRUE(WaitForFile(ready, 15s)) << xterm.Output();
  ASSERT_TRUE(Open());
  // The click puts the host's pointer on the xterm (focus follows it: no window manager), the
  // viewer's pointer on the window (likewise on the technician's display).
  ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", WindowX(40), WindowY(20), "click", "1"}));
  ASSERT_TRUE(Xdotool(viewer_x_, {"type", "--delay", "40", "hello ~|>_A! é €"}));
  ASSERT_TRUE(Xdotool(viewer_x_, {"key", "Return"}));
  auto typed = WaitForFileContent(out, "", 20s);
  ASSERT_TRUE(typed.has_value()) << "nothing was typed\n" << viewer_->Output() << host_->Output();
  EXPECT_EQ(*typed, "hello ~|>_A! \xc3\xa9 \xe2\x82\xac");
}

TEST_F(ViewerWindowTest, ClickLandsOnTheRightPixelAndWheelAndDragArrive) {
  Process xev({"/usr/bin/xev", "-geometry", "300x200+100+100"}, host_x().env());
  ASSERT_TRUE(xev.WaitForLine("MapNotify", 15s)) << xev.Output();
  ASSERT_TRUE(Open());
  ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", WindowX(150), WindowY(160), "click", "1"}));
  ASSERT_TRUE(Xdotool(viewer_x_, {"click", "5"}));  // wheel down
  ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", WindowX(120), WindowY(130), "mousedown", "1",
                                  "mousemove", WindowX(170), WindowY(180), "mousemove",
                                  WindowX(220), WindowY(230), "mouseup", "1"}));
  EXPECT_TRUE(xev.WaitForLine("button 5,", 10s)) << "wheel down\n" << xev.Output();
  ASSERT_TRUE(xev.WaitForLine("root:(220,230)", 10s)) << "drag end\n" << xev.Output();
  EXPECT_EQ(CheckXevButtons(xev.Output(), "150,160", "220,230"), "");
}

TEST_F(ViewerWindowTest, WindowShowsTheHostScreenPixelForPixelAndScalesToFit) {
  // Static content only: xeyes would follow the pointer and change the picture under us.
  auto logo = host_x().Run(
      {"/usr/bin/xlogo", "-geometry", "300x200+40+60", "-fg", "#d02060", "-bg", "#20a0f0"});
  auto logo2 = host_x().Run(
      {"/usr/bin/xlogo", "-geometry", "200x150+380+260", "-fg", "#10c040", "-bg", "#fff0a0"});
  auto term = host_x().Run({"/usr/bin/xterm", "-geometry", "60x10+500+500", "-e", "/bin/sh", "-c",
                            "echo 'The customer says hello'; sleep 600"});
  ASSERT_TRUE(Open({}, {"--quality", "lossless"}));
  // The pointer stays off the window: its shape is the remote cursor, not part of the picture.
  ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", "1270", "1010"}));
  RgbImage screen = SettledHostScreen();
  EXPECT_EQ(PictureDifference(screen, 30s), 0u)
      << "pixels differ between the host screen and the window\n"
      << viewer_->Output();

  // Half the size: each window pixel is the average of a 2x2 block of the host's.
  ASSERT_TRUE(
      Xdotool(viewer_x_, {"windowsize", window_.id, "512", std::to_string(384 + kMenuHeight)}));
  EXPECT_EQ(PictureDifference(HalfSize(screen), 30s), 0u)
      << "the window did not scale the picture to fit";
}

TEST_F(ViewerWindowTest, KeysHeldWhenTheViewerDiesAreReleasedOnTheHost) {
  ASSERT_TRUE(Open());
  auto keys_down = [&] {
    Process state({"/usr/bin/xinput", "query-state", "Virtual core XTEST keyboard"},
                  host_x().env());
    if (state.Wait(10s) != 0) return -1;
    return state.CountLines("=down");
  };
  ASSERT_TRUE(Xdotool(
      viewer_x_, {"mousemove", WindowX(300), WindowY(300), "keydown", "ctrl", "keydown", "a"}));
  int during = 0;
  for (int i = 0; i < 200 && during < 2; ++i) {
    during = keys_down();
    if (during < 2) std::this_thread::sleep_for(20ms);  // polling X state, not readiness
  }
  EXPECT_EQ(during, 2) << "Ctrl and a are held while the session runs";
  viewer_->Signal(SIGKILL);  // the technician's PC crashes with both keys down
  int after = -1;
  for (int i = 0; i < 200 && after != 0; ++i) {
    after = keys_down();
    if (after != 0) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(after, 0) << "a key stayed held on the customer's PC";
  Xdotool(viewer_x_, {"keyup", "a", "keyup", "ctrl"});
}

TEST_F(ViewerWindowTest, QualityAndDisconnectFromTheMenu) {
  ASSERT_TRUE(Open({"--verbose"}, {"--quality", "lossless"}));
  ASSERT_TRUE(Choose(kQualityMenu, 3));  // Quality > Low bandwidth
  // libvncserver on the host logs the encodings the viewer asks for (--verbose).
  EXPECT_TRUE(WaitForFileToContain(d_.log_file("host"), "image quality level 3", 15s))
      << "the host was not asked for low quality\n"
      << host_->Output();
  ASSERT_TRUE(Choose(kSessionMenu, 7));  // Session > Disconnect (after the chat and file items)
  EXPECT_EQ(viewer_->Wait(15s), 0) << viewer_->Output();
  EXPECT_TRUE(viewer_->WaitForLine("The session ended: you disconnected.", 0s))
      << viewer_->Output();
  EXPECT_TRUE(host_->WaitForLine("The session ended", 10s)) << host_->Output();
}

TEST(ViewerWithoutDisplayTest, SaysHowToGoOnAndKeepsTheCode) {
  Deployment d;
  auto relay = d.StartRelay();
  auto host = d.StartHost(ClosedLoopbackPort());  // never serves: no technician gets that far
  std::string code = d.WaitForCode();
  auto viewer = d.StartWindowViewer(code, "");
  EXPECT_EQ(viewer->Wait(15s), 1) << viewer->Output();
  EXPECT_TRUE(viewer->WaitForLine("cannot open a window", 0s)) << viewer->Output();
  EXPECT_TRUE(viewer->WaitForLine("--listen", 0s)) << viewer->Output();
  // Nothing was sent to the relay: the customer's code is still good.
  auto second = d.StartViewer(code, {}, "alice", kTechPassword, "second");
  EXPECT_NE(ViewerPort(*second), 0) << second->Output();
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

// The host's desktop as XRandR, XFixes and XKB describe it: monitors, resolution changes,
// the pointer's shape, keyboard layouts and Caps Lock.
TEST_F(ViewerWindowTest, MonitorsAreListedAndTheChosenOneIsShown) {
  MakeHostDisplay("2048x768x24");
  ASSERT_TRUE(
      OnHost({"/usr/bin/xrandr", "--setmonitor", "left", "1024/270x768/203+0+0", "screen"}));
  ASSERT_TRUE(
      OnHost({"/usr/bin/xrandr", "--setmonitor", "right", "1024/270x768/203+1024+0", "none"}));
  auto logo = host_x().Run(
      {"/usr/bin/xlogo", "-geometry", "300x200+40+60", "-fg", "#d02060", "-bg", "#20a0f0"});
  Process xev({"/usr/bin/xev", "-geometry", "300x200+1124+100"}, host_x().env());
  ASSERT_TRUE(xev.WaitForLine("MapNotify", 15s)) << xev.Output();
  ASSERT_TRUE(Open({}, {"--quality", "lossless"}));
  ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", "1270", "1010"}));  // off the window
  RgbImage screen = SettledHostScreen();
  // Both monitors side by side fill the window's width at half size, centred in its height.
  EXPECT_EQ(PictureDifference(HalfSize(screen), 30s, (768 - 384) / 2), 0u)
      << "the whole screen is not shown";
  // Monitor > 2: right, then the window shows that monitor alone, at actual size.
  ASSERT_TRUE(WaitForFileToContain(d_.log_file("viewer"), "has 2 monitor(s)", 15s));
  ASSERT_TRUE(Choose(kMonitorMenu, 3));
  EXPECT_TRUE(WaitForFileToContain(d_.log_file("host"), "chose to see monitor 2", 15s))
      << host_->Output();
  screen = SettledHostScreen();
  EXPECT_EQ(PictureDifference(Crop(screen, 1024, 0, 1024, 768), 30s), 0u)
      << "the window does not show the right-hand monitor";
  // A click in the window lands on that monitor.
  ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", WindowX(150), WindowY(160), "click", "1"}));
  ASSERT_TRUE(xev.WaitForLine("ButtonRelease", 10s)) << xev.Output();
  std::string events = xev.Output();
  auto press = events.find("ButtonPress event");
  ASSERT_NE(press, std::string::npos);
  EXPECT_NE(events.substr(press, 200).find("root:(1174,160)"), std::string::npos)
      << events.substr(press, 300);
}

TEST_F(ViewerWindowTest, AResolutionChangeOnTheHostIsFollowed) {
  MakeHostDisplay("1280x800x24");  // Xvfb can shrink below its start size, not grow past it
  auto logo = host_x().Run({"/usr/bin/xlogo", "-geometry", "300x200+40+60"});
  ASSERT_TRUE(Open({}, {"--quality", "lossless"}));
  ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", "1270", "1010"}));
  ASSERT_TRUE(OnHost({"/usr/bin/xrandr", "--newmode", "1024x768", "0", "1024", "0", "0", "0", "768",
                      "0", "0", "0"}));
  ASSERT_TRUE(OnHost({"/usr/bin/xrandr", "--addmode", "screen", "1024x768"}));
  ASSERT_TRUE(OnHost({"/usr/bin/xrandr", "--output", "screen", "--mode", "1024x768"}));
  RgbImage screen = SettledHostScreen();
  ASSERT_EQ(screen.width, 1024);
  // 1024x768 is the window's picture area: the new screen shows at actual size, exactly.
  EXPECT_EQ(PictureDifference(screen, 30s), 0u) << "the window did not follow the new size\n"
                                                << host_->Output();
  EXPECT_TRUE(WaitForFileToContain(d_.log_file("host"), "the screen is now 1024x768", 5s));
}

TEST_F(ViewerWindowTest, TheWindowShowsTheHostsPointerShape) {
  // Over an xterm the host's pointer is an I-beam, not the root window's default.
  auto term = host_x().Run({"/usr/bin/xterm", "-geometry", "80x24+0+0"});
  ASSERT_TRUE(Open());
  std::optional<PointerPicture> root_shape = CurrentPointer(host_x());
  ASSERT_TRUE(root_shape.has_value());
  ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", WindowX(200), WindowY(100)}));
  // The host's pointer moves onto the xterm; its new shape comes back to the window.
  std::optional<PointerPicture> host_pointer, shown;
  bool same = false;
  for (int i = 0; i < 100 && !same; ++i) {
    host_pointer = CurrentPointer(host_x());
    shown = CurrentPointer(viewer_x_);
    same = host_pointer && shown && host_pointer->argb != root_shape->argb &&
           host_pointer->width == shown->width && host_pointer->height == shown->height &&
           host_pointer->hot_x == shown->hot_x && host_pointer->hot_y == shown->hot_y;
    if (same) {
      for (size_t p = 0; p < host_pointer->argb.size(); ++p) {
        // Opaque where the host's is mostly opaque, and then the same colour.
        uint32_t h = host_pointer->argb[p], v = shown->argb[p];
        bool opaque = (h >> 24) >= 128;
        if (opaque != ((v >> 24) == 255) || (opaque && (h & 0xffffff) != (v & 0xffffff)))
          same = false;
      }
    }
    if (!same) std::this_thread::sleep_for(100ms);  // the shape is on its way
  }
  ASSERT_TRUE(host_pointer && shown);
  EXPECT_TRUE(host_pointer->argb != root_shape->argb)
      << "the host's pointer never reached the xterm";
  EXPECT_TRUE(same) << "host pointer " << host_pointer->width << "x" << host_pointer->height
                    << ", window pointer " << shown->width << "x" << shown->height;
}

class KeyboardLayoutTest : public ViewerWindowTest {
 protected:
  // An xterm on the host that writes the line typed into it, byte for byte.
  std::string StartLineReader() {
    std::string ready = d_.dir() / "ready", out = d_.dir() / "typed";
    xterm_ = std::make_unique<Process>(
        std::vector<std::string>{
            "/usr/bin/xterm", "-geometry", "80x4+0+0", "-u8", "-e", "/bin/sh", "-c",
            "touch " + ready + "; IFS= read -r line; printf '%s' \"$line\" > " + out},
        std::map<std::string, std::string>{
            {"DISPLAY", host_x().name()}, {"LANG", "C.UTF-8"}, {"LC_ALL", "C.UTF-8"}});
    EXPECT_TRUE(WaitForFile(ready, 15s)) << xterm_->Output();
    return out;
  }
  std::optional<std::string> TypeThroughTheWindow(const std::string& out, const std::string& text) {
    // With no window manager, X keyboard focus does not come back by itself after a menu.
    if (!Xdotool(viewer_x_, {"windowfocus", window_.id})) return {};
    if (!Xdotool(viewer_x_, {"mousemove", WindowX(40), WindowY(20), "click", "1"})) return {};
    if (!Xdotool(viewer_x_, {"type", "--delay", "40", text})) return {};
    if (!Xdotool(viewer_x_, {"key", "Return"})) return {};
    return WaitForFileContent(out, "", 20s);
  }
  std::unique_ptr<Process> xterm_;
};

TEST_F(KeyboardLayoutTest, AFrenchHostKeyboardGetsTheRightCharactersThroughAltGr) {
  // On AZERTY, ~ # { [ | @ ] } € need AltGr; digits need Shift; a and q swap places.
  ASSERT_TRUE(OnHost({"/usr/bin/setxkbmap", "-layout", "fr"}));
  Process check({"/usr/bin/setxkbmap", "-query"}, host_x().env());
  ASSERT_EQ(check.Wait(10s), 0);
  ASSERT_TRUE(check.WaitForLine("fr", 0s)) << "the layout did not change: " << check.Output();
  std::string out = StartLineReader();
  ASSERT_TRUE(Open());
  const std::string text = "aqzw AQ 1290 ~#{[|@]} \xe2\x82\xac \xc3\xa9\xc3\xa8\xc3\xa7 >_!";
  auto typed = TypeThroughTheWindow(out, text);
  ASSERT_TRUE(typed.has_value()) << "nothing was typed\n" << host_->Output();
  EXPECT_EQ(*typed, text);
}

TEST_F(KeyboardLayoutTest, CapsLockOnTheHostDoesNotChangeWhatIsTyped) {
  ASSERT_TRUE(OnHost({"/usr/bin/xdotool", "key", "Caps_Lock"}));  // the customer left it on
  std::string out = StartLineReader();
  ASSERT_TRUE(Open());
  const std::string text = "Hello World abc XYZ 123";
  auto typed = TypeThroughTheWindow(out, text);
  ASSERT_TRUE(typed.has_value()) << "nothing was typed\n" << host_->Output();
  EXPECT_EQ(*typed, text);
  Process state({"/usr/bin/xset", "q"}, host_x().env());
  ASSERT_EQ(state.Wait(10s), 0);
  EXPECT_TRUE(state.WaitForLine("Caps Lock:   on", 0s)) << "the customer's Caps Lock was changed\n"
                                                        << state.Output();
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

// The same request, answered in the host's window (--ui gui): the customer first allows view
// only, then the technician asks for control from the menu.
class HostWindowRequestTest : public KeyboardLayoutTest {
 protected:
  void Click(const WindowPlace& w, const host::gui::layout::Rect& r) {
    ASSERT_TRUE(Xdotool(host_x(), {"mousemove", std::to_string(w.x + r.cx()),
                                   std::to_string(w.y + r.cy()), "click", "1"}));
  }
  // The request for control as the customer sees it (nullopt if it never came).
  std::optional<WindowPlace> ViewOnlyThenAskForControl() {
    namespace L = host::gui::layout;
    if (!Open({"--ui", "gui"}, {}, /*auto_allow=*/false)) return std::nullopt;
    auto dialog = FindWindow(host_x(), "a technician asks to connect", 20s);
    if (!dialog) return std::nullopt;
    Click(*dialog, L::kViewOnly);
    if (!viewer_->WaitForLine("The customer allowed viewing only", 10s)) return std::nullopt;
    // The code window opened over the xterm the test types into: moved aside, as a person
    // would, and out from under the banner (no window manager here to place them).
    if (auto code_window = FindWindow(host_x(), "remote help", 10s))
      Xdotool(host_x(), {"windowmove", "--sync", code_window->id, "500", "400"});
    if (!WaitForTitleWithout(viewer_x_, window_.id, {"waiting"}, 10s)) return std::nullopt;
    if (!Choose(kSessionMenu, 3)) return std::nullopt;  // Session > Ask the customer for control
    // A question of its own, with its own title.
    return FindWindow(host_x(), "asks to take control", 10s);
  }
};

TEST_F(HostWindowRequestTest, AllowControlFromTheSecondQuestionLetsTheTechnicianType) {
  namespace L = host::gui::layout;
  std::string out = StartLineReader();
  auto again = ViewOnlyThenAskForControl();
  ASSERT_TRUE(again.has_value()) << host_->Output() << viewer_->Output();
  Click(*again, L::kAllow);
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control.", 10s)) << viewer_->Output();
  ASSERT_TRUE(WaitForTitleWithout(viewer_x_, window_.id, {"view only", "waiting"}, 10s));
  auto typed = TypeThroughTheWindow(out, "asked twice");
  ASSERT_TRUE(typed.has_value()) << "nothing was typed\n" << viewer_->Output();
  EXPECT_EQ(*typed, "asked twice");
}

// "Keep view only": the session goes on as it was, and the code window says a session is
// running, not that someone is asking in a window that is gone.
TEST_F(HostWindowRequestTest, AfterKeepViewOnlyTheCodeWindowSaysTheSessionGoesOn) {
  namespace L = host::gui::layout;
  auto again = ViewOnlyThenAskForControl();
  ASSERT_TRUE(again.has_value()) << host_->Output() << viewer_->Output();
  Click(*again, L::kDeny);  // "Keep view only"
  ASSERT_TRUE(host_->WaitForLine("You answered: view only.", 10s)) << host_->Output();
  auto code_window = FindWindow(host_x(), "remote help", 10s);
  ASSERT_TRUE(code_window.has_value());
  std::this_thread::sleep_for(500ms);  // redrawn
  const std::string text = ReadWindowText(host_x(), *code_window, d_.dir().path());
  EXPECT_NE(text.find("Session in progress"), std::string::npos) << text;
  EXPECT_EQ(text.find("just opened"), std::string::npos) << text;
}

TEST_F(KeyboardLayoutTest, TheTechnicianAsksForControlFromAViewOnlySession) {
  std::string out = StartLineReader();
  ASSERT_TRUE(Open({}, {}, /*auto_allow=*/false));
  ASSERT_TRUE(host_->WaitForLine("or deny [d]?", 20s)) << host_->Output();
  host_->Write("v\n");
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed viewing only", 10s)) << viewer_->Output();
  // Session > Ask the customer for control (active only in a view-only session, which the
  // window shows in its title once it knows).
  ASSERT_TRUE(WaitForTitleWithout(viewer_x_, window_.id, {"waiting"}, 10s));
  ASSERT_TRUE(Choose(kSessionMenu, 3));
  ASSERT_TRUE(host_->WaitForLine("asks to take control of this computer", 10s)) << host_->Output();
  host_->Write("a\n");
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control.", 10s)) << viewer_->Output();
  // The window takes input again once it shows the change (its title loses the notice).
  ASSERT_TRUE(WaitForTitleWithout(viewer_x_, window_.id, {"view only", "waiting"}, 10s));
  auto typed = TypeThroughTheWindow(out, "now in control");
  ASSERT_TRUE(typed.has_value()) << "nothing was typed\n"
                                 << viewer_->Output() << ReadFile(d_.log_file("viewer"));
  EXPECT_EQ(*typed, "now in control");
}

// A request the customer refuses leaves a trace: in the relay's audit log (read live, from
// the running relay's store) and in the host's own list of sessions.
TEST_F(KeyboardLayoutTest, ADeclinedRequestForControlIsRecorded) {
  ASSERT_TRUE(Open({}, {}, /*auto_allow=*/false));
  ASSERT_TRUE(host_->WaitForLine("or deny [d]?", 20s)) << host_->Output();
  host_->Write("v\n");
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed viewing only", 10s)) << viewer_->Output();
  ASSERT_TRUE(WaitForTitleWithout(viewer_x_, window_.id, {"waiting"}, 10s));
  ASSERT_TRUE(Choose(kSessionMenu, 3));
  ASSERT_TRUE(host_->WaitForLine("keep view only [d]?", 10s)) << host_->Output();
  host_->Write("d\n");
  const std::string key = RelayKey(d_.data_dir());
  nlohmann::json permissions;
  for (auto until = std::chrono::steady_clock::now() + 15s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(200ms)) {
    AuditRun run = Audit({"--data-dir", d_.data_dir(), "--relay-key", key, "--live",
                          "--no-remember", "export", "--format", "json"});
    auto sessions = nlohmann::json::parse(run.out, nullptr, false);
    if (!sessions.is_array() || sessions.empty()) continue;
    permissions = sessions[0]["permissions"];
    if (permissions.size() >= 3) break;
  }
  EXPECT_EQ(permissions,
            nlohmann::json::array({"view only", "control requested", "request declined"}));
  Process log({BinPath("telemaint-host"), "log", "--history-file", d_.history_file("host")});
  log.Wait(10s);
  EXPECT_NE(log.Output().find("request for control declined"), std::string::npos) << log.Output();
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

TEST_F(ViewerWindowTest, ActualSizeShowsTheScreenOneToOneWithScrolling) {
  MakeHostDisplay("1600x1000x24");  // larger than the window: fit shrinks it, actual does not
  auto logo = host_x().Run(
      {"/usr/bin/xlogo", "-geometry", "300x200+40+60", "-fg", "#d02060", "-bg", "#20a0f0"});
  ASSERT_TRUE(Open({}, {"--quality", "lossless"}));
  ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", "1270", "1010"}));
  ASSERT_TRUE(Choose(kViewMenu, 2));  // View > Actual size
  RgbImage screen = SettledHostScreen();
  // The top-left part of the screen, at scale 1, in the window (minus its scroll bars).
  EXPECT_EQ(PictureDifference(Crop(screen, 0, 0, 900, 700), 30s), 0u)
      << "actual size does not show the screen one to one";
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

TEST_F(ViewerWindowTest, SendCtrlAltDelFromTheMenu) {
  Process xev({"/usr/bin/xev", "-geometry", "300x200+100+100"}, host_x().env());
  ASSERT_TRUE(xev.WaitForLine("MapNotify", 15s)) << xev.Output();
  ASSERT_TRUE(Open());
  // Put the host's pointer on xev's window (focus follows it), then use the menu. The click
  // must have reached the host before the menu takes the technician's pointer. A first click
  // right after the window opens is sometimes lost here (cause not found yet; see the stop
  // note): this test is about Ctrl+Alt+Del, so it clicks again until one arrives.
  bool clicked = false;
  for (int i = 0; i < 5 && !clicked; ++i) {
    ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", WindowX(200 + i), WindowY(200), "click", "1"}));
    clicked = xev.WaitForLine("ButtonRelease", 2s).has_value();
  }
  ASSERT_TRUE(clicked) << xev.Output();
  ASSERT_TRUE(Choose(kSessionMenu, 1));  // Session > Send Ctrl+Alt+Del
  ASSERT_TRUE(xev.WaitForLine("Delete", 10s)) << xev.Output();
  // Pressed in that order, and all released.
  std::string events = xev.Output();
  auto ctrl = events.find("Control_L"), alt = events.find("Alt_L"), del = events.find("Delete");
  ASSERT_NE(ctrl, std::string::npos) << events;
  ASSERT_NE(alt, std::string::npos) << events;
  EXPECT_LT(ctrl, alt);
  EXPECT_LT(alt, del);
  EXPECT_TRUE(xev.WaitForLine("KeyRelease", 5s));
}

TEST_F(ViewerWindowTest, FullScreenFillsTheTechniciansDisplay) {
  ASSERT_TRUE(Open());
  ASSERT_TRUE(Choose(kViewMenu, 3));  // View > Full screen
  std::string seen;
  bool full = false;
  for (int i = 0; i < 20 && !full; ++i) {
    // Without a window manager FLTK may make a new X window for full screen: look it up again.
    auto place = FindWindow(viewer_x_, "telemaint", 1s);
    if (place) seen += std::to_string(place->width) + "x" + std::to_string(place->height) + " ";
    full = place && place->width == 1280 && place->height == 1024;
    if (!full) std::this_thread::sleep_for(100ms);  // the window is being resized
  }
  EXPECT_TRUE(full) << "sizes seen: " << seen;
}

}  // namespace
}  // namespace telemaint::testing
