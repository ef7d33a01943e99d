// The person at the customer's PC decides, through the host's windows (--ui gui) on the
// shared display, driven with xdotool the way a person clicks: the question (Allow control,
// View only, Deny, with a countdown), the banner with Stop and View only that stays on top,
// the code window's New code button, and the French texts.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "host/gui/layout.h"
#include "tests/support/deployment.h"
#include "tests/support/tcp.h"
#include "tests/support/window.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

namespace L = host::gui::layout;

constexpr char kDialogTitle[] = "a technician asks to connect";
// xdotool matches titles as regular expressions in the C locale: no "—" in them.
constexpr char kBannerTitle[] = "^telemaint .+ session$";
constexpr char kCodeWindowTitle[] = "remote help";
constexpr char kBannerYellow[] = {static_cast<char>(255), static_cast<char>(214), 10};

class HostWindowTest : public ::testing::Test {
 protected:
  void StartHost(std::vector<std::string> extra = {},
                 std::map<std::string, std::string> env = {{"LANG", "en_GB.UTF-8"}}) {
    relay_ = d_.StartRelay();
    extra.insert(extra.begin(), {"--display", x_.name(), "--ui", "gui"});
    host_ = std::make_unique<Process>(d_.HostArgs("host", extra), env);
  }
  void StartSession(std::vector<std::string> host_extra = {}) {
    StartHost(host_extra);
    viewer_ = d_.StartViewer(d_.WaitForCode());
  }
  // The question, once it is on the screen.
  WindowPlace WaitForQuestion() {
    auto dialog = FindWindow(x_, kDialogTitle, 20s);
    if (!dialog) throw std::runtime_error("no question appeared: " + host_->Output());
    return *dialog;
  }
  void Click(const WindowPlace& w, const L::Rect& r) {
    ASSERT_TRUE(Xdotool(x_, {"mousemove", std::to_string(w.x + r.cx()),
                             std::to_string(w.y + r.cy()), "click", "1"}));
  }
  // An xterm on the customer's screen that writes the first line typed into it to a file.
  std::unique_ptr<Process> LineReader(const std::string& out) {
    auto xterm = StartLineReader(x_, out, "80x4+0+300");
    EXPECT_TRUE(xterm) << "the xterm did not start";
    return xterm;
  }
  VirtualDisplay x_{"1024x768x24"};
  Deployment d_;
  std::unique_ptr<Process> relay_, host_, viewer_;
};

TEST_F(HostWindowTest, AllowLetsTheTechnicianTypeAndTheBannerSaysWhoIsThere) {
  std::string out = d_.dir() / "typed";
  auto xterm = LineReader(out);
  StartSession();
  WindowPlace dialog = WaitForQuestion();
  uint16_t port = ViewerPort(*viewer_);
  ASSERT_NE(port, 0);
  Click(dialog, L::kAllow);
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control.", 10s)) << viewer_->Output();
  EXPECT_TRUE(host_->WaitForLine("You answered: control.", 0s)) << host_->Output();
  auto banner = FindWindow(x_, kBannerTitle, 10s);
  ASSERT_TRUE(banner.has_value()) << "no banner during the session";
  EXPECT_EQ(banner->y, 0) << "the banner is at the top of the screen";
  SaveWindow(x_, *banner, d_.dir() / "root.xwd", "session-banner");
  EXPECT_TRUE(host_->WaitForLine("Alice Martin (Acme IT) is controlling your screen", 0s))
      << host_->Output();
  Process input({"/usr/bin/perl", SourcePath("tests/support/vnc_input.pl"), std::to_string(port),
                 "move", "40", "320", "text", "abc", "key", "ff0d"});
  EXPECT_EQ(input.Wait(30s), 0) << input.Output();
  auto typed = WaitForFileContent(out, "", 10s);
  ASSERT_TRUE(typed.has_value()) << "the technician's keys did not arrive";
  EXPECT_EQ(*typed, "abc");
}

TEST_F(HostWindowTest, DenyEndsTheSessionAtOnceWithoutOneScreenByte) {
  StartSession();
  WindowPlace dialog = WaitForQuestion();
  uint16_t port = ViewerPort(*viewer_);
  ASSERT_NE(port, 0);
  int fd = ConnectLoopback(port);
  ASSERT_GE(fd, 0);
  auto start = std::chrono::steady_clock::now();
  Click(dialog, L::kDeny);
  EXPECT_EQ(viewer_->Wait(5s), 6) << viewer_->Output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms) << "the viewer took too long";
  EXPECT_TRUE(viewer_->WaitForLine("The session ended: the customer declined.", 0s))
      << viewer_->Output();
  EXPECT_EQ(ReadExactly(fd, 1, 2s), "") << "a screen byte reached the technician";
  close(fd);
  EXPECT_TRUE(host_->WaitForLine("You answered: denied.", 0s)) << host_->Output();
}

TEST_F(HostWindowTest, ViewOnlyDropsKeysUntilTheBannerAllowsControl) {
  std::string out = d_.dir() / "typed";
  auto xterm = LineReader(out);
  StartSession();
  WindowPlace dialog = WaitForQuestion();
  Click(dialog, L::kViewOnly);
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed viewing only", 10s)) << viewer_->Output();
  ASSERT_TRUE(host_->WaitForLine("is viewing your screen", 10s)) << host_->Output();
  auto banner = FindWindow(x_, kBannerTitle, 10s);
  ASSERT_TRUE(banner.has_value());
  uint16_t port = ViewerPort(*viewer_);
  ASSERT_NE(port, 0);
  // Keys now, then again three seconds later, by which time the banner gave control.
  auto input = TypeTwiceThroughVnc(port, 40, 320);
  EXPECT_FALSE(WaitForFileContent(out, "", 1500ms).has_value())
      << "keys reached the customer's screen in view-only mode";
  Click(*banner, L::kBannerSwitch);  // "Allow control"
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control.", 2s)) << viewer_->Output();
  EXPECT_TRUE(host_->WaitForLine("is controlling your screen", 2s)) << host_->Output();
  EXPECT_EQ(input->Wait(30s), 0) << input->Output();
  auto typed = WaitForFileContent(out, "", 10s);
  ASSERT_TRUE(typed.has_value()) << "nothing was typed once control was allowed";
  EXPECT_EQ(*typed, "xyz") << "only what was typed after the customer allowed control";
}

TEST_F(HostWindowTest, StopOnTheBannerEndsTheSessionWithinASecond) {
  StartSession();
  Click(WaitForQuestion(), L::kAllow);
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control.", 10s)) << viewer_->Output();
  auto banner = FindWindow(x_, kBannerTitle, 10s);
  ASSERT_TRUE(banner.has_value());
  auto start = std::chrono::steady_clock::now();
  Click(*banner, L::kBannerStop);
  EXPECT_TRUE(viewer_->WaitForLine("The session ended: the customer ended the session.", 5s))
      << viewer_->Output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(viewer_->Wait(5s), 0) << viewer_->Output();
  Process log({BinPath("telemaint-host"), "log", "--history-file", d_.history_file()});
  ASSERT_EQ(log.Wait(10s), 0) << log.Output();
  EXPECT_TRUE(log.WaitForLine("you stopped it", 0s)) << log.Output();
}

TEST_F(HostWindowTest, NoAnswerForTwoMinutesIsADeny) {
  // The default two minutes, on a clock running 60 times faster: two seconds.
  StartSession({"--test-clock-rate", "60"});
  WaitForQuestion();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(viewer_->Wait(15s), 6) << viewer_->Output();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GT(took, 1s) << "refused before the two (fast) minutes were up";
  EXPECT_TRUE(viewer_->WaitForLine("the customer did not answer in time", 0s)) << viewer_->Output();
  EXPECT_TRUE(host_->WaitForLine("No answer: the technician was not let in.", 0s))
      << host_->Output();
}

TEST_F(HostWindowTest, TheQuestionShowsTheTechniciansNameAndOrganisation) {
  StartSession();
  WindowPlace dialog = WaitForQuestion();
  std::this_thread::sleep_for(500ms);  // one countdown refresh: the picture is complete
  const std::string ppm = SaveWindow(x_, dialog, d_.dir() / "root.xwd", "consent-dialog");
  ASSERT_FALSE(ppm.empty());
  // Read back by OCR, three times enlarged for the recogniser.
  const std::string big = d_.dir() / "dialog-3x.ppm";
  Process scale({"/bin/sh", "-c", "pnmscale 3 '" + ppm + "' > '" + big + "'"});
  ASSERT_EQ(scale.Wait(20s), 0) << scale.Output();
  Process ocr({"/usr/bin/tesseract", big, "stdout"});
  ASSERT_EQ(ocr.Wait(60s), 0) << ocr.Output();
  EXPECT_TRUE(ocr.WaitForLine("Alice Martin", 0s)) << ocr.Output();
  EXPECT_TRUE(ocr.WaitForLine("Acme IT", 0s)) << ocr.Output();
  EXPECT_TRUE(ocr.WaitForLine("access will be refused", 0s)) << ocr.Output();
}

TEST_F(HostWindowTest, TheBannerStaysAboveAWindowOpenedOverIt) {
  StartSession();
  Click(WaitForQuestion(), L::kAllow);
  auto banner = FindWindow(x_, kBannerTitle, 10s);
  ASSERT_TRUE(banner.has_value());
  Process state({"/usr/bin/xprop", "-id", banner->id, "_NET_WM_STATE"}, x_.env());
  ASSERT_EQ(state.Wait(10s), 0);
  EXPECT_TRUE(state.WaitForLine("_NET_WM_STATE_ABOVE", 0s)) << state.Output();
  // A window opened later right over it (no window manager here to keep order).
  auto cover = x_.Run({"/usr/bin/xterm", "-geometry", "200x10+0+0", "-bg", "black"});
  ASSERT_TRUE(FindWindow(x_, "xterm", 10s).has_value());
  std::this_thread::sleep_for(1s);
  auto root = CaptureRoot(x_, d_.dir() / "root.xwd");
  ASSERT_TRUE(root.has_value());
  // A pixel of the banner's own colour, away from its text and buttons.
  const int px = banner->x + L::kBannerText.x + L::kBannerText.w - 4, py = banner->y + 3;
  const uint8_t* p = &root->rgb[(static_cast<size_t>(py) * root->width + px) * 3];
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p), 3), std::string(kBannerYellow, 3))
      << "the banner is covered";
}

TEST_F(HostWindowTest, NewCodeReplacesTheCodeAndTheOldOneNoLongerWorks) {
  StartHost();
  std::string first = d_.WaitForCode();
  auto window = FindWindow(x_, kCodeWindowTitle, 20s);
  ASSERT_TRUE(window.has_value()) << host_->Output();
  std::this_thread::sleep_for(300ms);  // the code drawn
  SaveWindow(x_, *window, d_.dir() / "root.xwd", "code-window");
  Click(*window, L::kNewCode);
  std::string second = d_.WaitForCode(first);
  EXPECT_NE(second, first);
  EXPECT_TRUE(host_->WaitForLine("You asked for a new code.", 0s)) << host_->Output();
  viewer_ = d_.StartViewer(first);
  EXPECT_NE(viewer_->Wait(20s), 0) << "the old code still worked: " << viewer_->Output();
}

// Escape is a key a person presses by mistake: it must not close the code window (which stops
// the host); the window's close button does.
TEST_F(HostWindowTest, EscapeDoesNotStopTheHostButClosingTheWindowDoes) {
  StartHost();
  std::string first = d_.WaitForCode();
  auto window = FindWindow(x_, kCodeWindowTitle, 20s);
  ASSERT_TRUE(window.has_value()) << host_->Output();
  ASSERT_TRUE(
      Xdotool(x_, {"mousemove", std::to_string(window->x + 20), std::to_string(window->y + 20)}));
  ASSERT_TRUE(Xdotool(x_, {"key", "--window", window->id, "Escape"}));
  EXPECT_FALSE(host_->Wait(2s).has_value()) << "Escape stopped the host: " << host_->Output();
  EXPECT_TRUE(FindWindow(x_, kCodeWindowTitle, 1s).has_value());
  ASSERT_TRUE(Xdotool(x_, {"windowclose", window->id}));
  EXPECT_EQ(host_->Wait(10s), 0) << host_->Output();
}

TEST_F(HostWindowTest, FrenchLocaleGivesFrenchTexts) {
  relay_ = d_.StartRelay();
  host_ = std::make_unique<Process>(d_.HostArgs("host", {"--display", x_.name(), "--ui", "gui"}),
                                    std::map<std::string, std::string>{{"LANG", "fr_FR.UTF-8"}});
  viewer_ = d_.StartViewer(d_.WaitForCode());
  auto dialog = FindWindow(x_, "demande de connexion", 20s);
  ASSERT_TRUE(dialog.has_value()) << host_->Output();
  EXPECT_TRUE(FindWindow(x_, "assistance", 5s).has_value());
  Click(*dialog, L::kDeny);  // "Refuser"
  EXPECT_EQ(viewer_->Wait(10s), 6) << viewer_->Output();
}

TEST_F(HostWindowTest, WithADisplayTheWindowIsTheDefault) {
  relay_ = d_.StartRelay();
  auto args = d_.HostArgs("host", {"--display", x_.name(), "--ui", "gui"});
  args.resize(args.size() - 2);  // the same arguments without "--ui gui"
  host_ = std::make_unique<Process>(args);
  EXPECT_TRUE(FindWindow(x_, kCodeWindowTitle, 20s).has_value()) << host_->Output();
}

// A display that is there but refuses this user (X authority): the host must not be ended by
// the window library; it answers on its terminal instead, or says why the window cannot open.
TEST(HostDisplayTest, ADisplayThatRefusesUsFallsBackToTheTerminal) {
  TempDir dir;
  const std::string cookies = dir / "cookies";
  Process make({"/bin/sh", "-c", "xauth -f '" + cookies + "' add :0 . $(mcookie)"});
  ASSERT_EQ(make.Wait(10s), 0) << make.Output();
  VirtualDisplay locked("320x240x24", cookies);
  Deployment d;
  auto relay = d.StartRelay();
  // Sharing another VNC server, the host needs the display only for its window.
  std::map<std::string, std::string> env = {{"DISPLAY", locked.name()},
                                            {"XAUTHORITY", dir / "no-cookies"}};
  auto args = d.HostArgs("host", {"--vnc-server", "127.0.0.1:5999", "--ui", "gui"});
  args.resize(args.size() - 2);  // no --ui: the default
  Process host(args, env);
  EXPECT_TRUE(host.WaitForLine("Session code", 20s)) << host.Output();
  host.Signal(SIGTERM);
  EXPECT_EQ(host.Wait(10s), 0) << host.Output();
  Process forced(d.HostArgs("host2", {"--vnc-server", "127.0.0.1:5999", "--ui", "gui"}), env);
  EXPECT_EQ(forced.Wait(10s), 1) << forced.Output();
  EXPECT_TRUE(forced.WaitForLine("--ui gui: cannot open the X display", 0s)) << forced.Output();
}

}  // namespace
}  // namespace telemaint::testing
