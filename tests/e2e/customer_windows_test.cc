// What the person at the customer's PC reads in the host's windows (--ui gui), read back by
// OCR on a virtual display: how the last session ended and with whom, before the next code;
// what the code area says when there is no code; the window that says the host is not set up;
// and every label of the windows fitting its widget, in English and French.
#include <FL/Fl.H>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "host/gui/host_windows.h"
#include "host/gui/layout.h"
#include "tests/support/deployment.h"
#include "tests/support/window.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

namespace gui = host::gui;
namespace L = host::gui::layout;

constexpr char kCodeWindowTitle[] = "remote help";
constexpr char kFrenchCodeWindowTitle[] = "assistance";

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += "\n  " + line;
  return out;
}

// The windows in each state they can be in, with a technician's usual name: no label may be
// cut off or run over its button, in either language ("Garder la vue seule" once did).
TEST(CustomerWindowLabelsTest, EveryLabelFitsItsWidgetInEnglishAndFrench) {
  VirtualDisplay x("1024x768x24");
  Fl::display(x.name().c_str());
  const host::Technician alice{"alice", "Alice Martin", "Acme IT",
                               "412c e268 e92b 2f35 e62d defe 8a38 7539"};
  for (gui::Language language : {gui::Language::kEnglish, gui::Language::kFrench}) {
    const std::string in = language == gui::Language::kFrench ? "French, " : "English, ";
    gui::HostWindows windows(gui::TextsFor(language), nullptr);
    auto check = [&](const std::string& when) {
      auto overflowing = windows.LabelsThatDoNotFit();
      EXPECT_TRUE(overflowing.empty()) << in << when << ":" << Joined(overflowing);
    };
    using host::HostState;
    for (HostState state : {HostState::kConnecting, HostState::kUnreachable, HostState::kWaiting,
                            HostState::kWrongCode, HostState::kAsking, HostState::kInSession}) {
      windows.ShowState(state);
      check("state " + std::to_string(static_cast<int>(state)) + " without a code");
    }
    windows.ShowCode("1234 5678 9012", std::chrono::seconds(600));
    check("a code after a wrong one");
    windows.ShowState(HostState::kWaiting);
    check("a code");
    windows.Ask(alice, false, true, host::AnswerTime{}, [](host::Permission) {});
    check("the question");
    windows.Ask(alice, true, true, host::AnswerTime{}, [](host::Permission) {});
    check("the request for control");
    windows.CloseQuestion();
    windows.ShowBanner(alice, host::Permission::kControl, true, [](host::Permission) {});
    check("the banner in control");
    windows.ShowBanner(alice, host::Permission::kViewOnly, true, [](host::Permission) {});
    check("the banner in view only");
    windows.SessionEnded(alice, std::chrono::minutes(65));
    check("a session's end");
  }
}

class CustomerWindowTest : public ::testing::Test {
 protected:
  void StartHost(const std::string& lang, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--display", x_.name(), "--ui", "gui"});
    host_ = std::make_unique<Process>(d_.HostArgs("host", extra),
                                      std::map<std::string, std::string>{{"LANG", lang}});
  }
  std::string Read(const WindowPlace& w, const std::string& language) {
    return ReadWindowText(x_, w, d_.dir().path(), language);
  }
  VirtualDisplay x_{"1024x768x24"};
  Deployment d_;
  std::unique_ptr<Process> relay_, host_, viewer_;
};

TEST_F(CustomerWindowTest, AfterASessionTheWindowSaysWithWhomAndHowLongThenTheNextCode) {
  relay_ = d_.StartRelay();
  StartHost("fr_FR.UTF-8");
  const std::string first = d_.WaitForCode();
  viewer_ = d_.StartViewer(first);
  auto dialog = FindWindow(x_, "demande de connexion", 20s);
  ASSERT_TRUE(dialog.has_value()) << host_->Output();
  ASSERT_TRUE(Xdotool(x_, {"mousemove", std::to_string(dialog->x + L::kAllow.cx()),
                           std::to_string(dialog->y + L::kAllow.cy()), "click", "1"}));
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control.", 10s)) << viewer_->Output();
  auto window = FindWindow(x_, kFrenchCodeWindowTitle, 10s);
  ASSERT_TRUE(window.has_value());
  // Out from under the banner (no window manager here to place it).
  ASSERT_TRUE(Xdotool(x_, {"windowmove", "--sync", window->id, "500", "400"}));
  window = WindowGeometry(x_, window->id);
  ASSERT_TRUE(window.has_value());
  std::this_thread::sleep_for(300ms);  // redrawn
  EXPECT_NE(Read(*window, "fra").find("Session en cours"), std::string::npos)
      << "during the session the code area says so";
  viewer_->Signal(SIGINT);
  ASSERT_EQ(viewer_->Wait(10s), 0) << viewer_->Output();
  d_.WaitForCode(first);  // the next code is there, but not shown yet
  const std::string ended = Read(*window, "fra");
  SaveWindow(x_, *window, d_.dir() / "root.xwd", "code-window-ended-fr");
  EXPECT_NE(ended.find("La session avec Alice Martin (Acme IT) est termin"), std::string::npos)
      << ended;
  EXPECT_NE(ended.find("moins d'une minute"), std::string::npos) << ended;
  std::this_thread::sleep_for(7s);
  EXPECT_NE(Read(*window, "fra").find("Votre code de session"), std::string::npos)
      << "the next code is shown a few seconds later";
}

TEST_F(CustomerWindowTest, WithTheRelayUnreachableTheCodeAreaSaysSo) {
  relay_ = d_.StartRelay();
  relay_->Signal(SIGTERM);  // its port, closed now: nothing answers there
  ASSERT_EQ(relay_->Wait(10s), 0);
  StartHost("en_GB.UTF-8");
  auto window = FindWindow(x_, kCodeWindowTitle, 20s);
  ASSERT_TRUE(window.has_value()) << host_->Output();
  ASSERT_TRUE(host_->WaitForLine("Cannot reach the relay", 20s)) << host_->Output();
  const std::string text = Read(*window, "eng");
  EXPECT_NE(text.find("No connection"), std::string::npos) << text;
  EXPECT_NE(text.find("cannot be reached. Trying again in a few seconds"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("Your session code"), std::string::npos) << text;
}

// Started from the menu, with nothing configured: a window says what to do (standard error is
// read by nobody), and the host stops once it is closed.
TEST_F(CustomerWindowTest, FromTheMenuWithNothingSetUpAWindowSaysWhatToDo) {
  const std::string empty = d_.dir() / "empty.conf";
  std::ofstream(empty) << "# nothing yet\n";
  Process host({BinPath("telemaint-host"), "--config", empty, "--ui", "gui"},  // the menu's
               {{"DISPLAY", x_.name()}, {"LANG", "en_GB.UTF-8"}});
  auto window = FindWindow(x_, kCodeWindowTitle, 20s);
  ASSERT_TRUE(window.has_value()) << host.Output();
  const std::string text = Read(*window, "eng");
  SaveWindow(x_, *window, d_.dir() / "root.xwd", "host-not-set-up");
  EXPECT_NE(text.find("Remote help is not set up on this computer yet"), std::string::npos) << text;
  EXPECT_NE(text.find("call your IT provider"), std::string::npos) << text;
  EXPECT_FALSE(host.Wait(1s).has_value()) << "the host did not wait for the person";
  // Keys go to the window under the pointer (no window manager): Return presses "Close".
  ASSERT_TRUE(Xdotool(x_, {"mousemove", std::to_string(window->x + window->width / 2),
                           std::to_string(window->y + window->height / 2), "key", "Return"}));
  EXPECT_EQ(host.Wait(10s), 2) << host.Output();
}

}  // namespace
}  // namespace telemaint::testing
