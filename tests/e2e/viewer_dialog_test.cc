// The technician's window as a technician meets it, on a virtual display driven with xdotool
// and read back by OCR: the connect dialog when no code is given (a typo caught before the
// password, never ending the program; the dialog back after the session with how it ended),
// and the status beside the window's menu (waiting with the time, view only, a request for
// control declined, the ending with what to do next).
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "tests/support/deployment.h"
#include "tests/support/window.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

constexpr char kDialogTitle[] = "connect to a customer";
constexpr int kMenuHeight = 25, kStatusX = 330;  // viewer_window.cc: the status's place

// The same code with its last digit changed: a typo the check digit catches.
std::string WithTypo(const std::string& code) {
  std::string typo = code;
  typo.back() = typo.back() == '9' ? '0' : static_cast<char>(typo.back() + 1);
  return typo;
}

class ViewerDialogTest : public ::testing::Test {
 protected:
  void StartHost(bool auto_allow) {
    relay_ = d_.StartRelay();
    host_ = d_.StartBuiltInHost(host_x_.name(), {}, "host", auto_allow);
  }
  // telemaint-viewer as from the menu: settings given, no code, no password.
  void StartViewerWithoutCode() {
    viewer_ = std::make_unique<Process>(
        std::vector<std::string>{BinPath("telemaint-viewer"), "--relay", d_.relay_url(), "--ca",
                                 d_.ca(), "--user", "alice", "--key-file", d_.key_file(),
                                 "--log-file", d_.log_file("viewer")},
        std::map<std::string, std::string>{{"XDG_STATE_HOME", d_.dir() / "state"},
                                           {"DISPLAY", viewer_x_.name()}});
  }
  // Keys go to the window under the pointer (no window manager).
  bool TypeInto(const WindowPlace& w, const std::vector<std::string>& keys) {
    std::vector<std::string> args = {"mousemove", std::to_string(w.x + 60),
                                     std::to_string(w.y + 60)};
    args.insert(args.end(), keys.begin(), keys.end());
    return Xdotool(viewer_x_, args);
  }
  std::string Read(const WindowPlace& w) { return ReadWindowText(viewer_x_, w, d_.dir().path()); }
  // The status beside the menu of the session's window.
  std::string ReadStatus(const WindowPlace& w) {
    return Read({w.id, w.x + kStatusX, w.y, w.width - kStatusX, kMenuHeight});
  }
  bool StatusSays(const WindowPlace& w, const std::string& text, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
      last_status_ = ReadStatus(w);
      if (last_status_.find(text) != std::string::npos) return true;
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }
  VirtualDisplay host_x_{"640x480x24"}, viewer_x_{"1280x1024x24"};
  Deployment d_;
  std::unique_ptr<Process> relay_, host_, viewer_;
  std::string last_status_;
};

TEST_F(ViewerDialogTest, ATypoIsCaughtBeforeThePasswordAndTheRightCodeJoins) {
  StartHost(/*auto_allow=*/true);
  const std::string code = d_.WaitForCode();
  StartViewerWithoutCode();
  auto dialog = FindWindow(viewer_x_, kDialogTitle, 20s);
  ASSERT_TRUE(dialog.has_value()) << viewer_->Output();
  ASSERT_TRUE(TypeInto(*dialog, {"type", WithTypo(code)}));
  std::this_thread::sleep_for(300ms);
  const std::string typo = Read(*dialog);
  SaveWindow(viewer_x_, *dialog, d_.dir() / "root.xwd", "viewer-connect-dialog");
  EXPECT_NE(typo.find("A digit is wrong"), std::string::npos) << typo;
  // Grouped in fours as typed (the second and third groups: OCR reads those reliably).
  EXPECT_NE(typo.find(code.substr(4, 4) + " " + code.substr(8, 3)), std::string::npos) << typo;
  // Return with a wrong code does nothing: no login, no exit.
  ASSERT_TRUE(TypeInto(*dialog, {"key", "Return"}));
  EXPECT_FALSE(viewer_->Wait(1s).has_value()) << viewer_->Output();
  EXPECT_FALSE(viewer_->WaitForLine("Logging in", 0s)) << viewer_->Output();
  // ...and leaves the typing in the code field (End and BackSpace below act on it).
  ASSERT_TRUE(
      TypeInto(*dialog, {"key", "End", "key", "--repeat", "16", "BackSpace", "type", code}));
  ASSERT_TRUE(TypeInto(*dialog, {"key", "Tab", "type", kTechPassword}));
  ASSERT_TRUE(TypeInto(*dialog, {"key", "Return"}));
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control.", 20s)) << viewer_->Output();
  auto window = FindWindow(viewer_x_, "alice .+ session", 10s);  // C locale: no "—"
  ASSERT_TRUE(window.has_value());
  EXPECT_TRUE(StatusSays(*window, "In control", 10s)) << last_status_;
  // Closing the window ends the session; the dialog comes back and says how it ended.
  ASSERT_TRUE(Xdotool(viewer_x_, {"windowclose", window->id}));
  ASSERT_TRUE(viewer_->WaitForLine("The session ended: you disconnected.", 10s))
      << viewer_->Output();
  auto again = FindWindow(viewer_x_, kDialogTitle, 10s);
  ASSERT_TRUE(again.has_value()) << viewer_->Output();
  std::this_thread::sleep_for(300ms);
  EXPECT_NE(Read(*again).find("you disconnected"), std::string::npos);
  ASSERT_TRUE(Xdotool(viewer_x_, {"windowclose", again->id}));
  EXPECT_EQ(viewer_->Wait(10s), 0) << viewer_->Output();
}

TEST_F(ViewerDialogTest, TheWindowSaysWhatTheCustomerAnsweredAndHowTheSessionEnded) {
  StartHost(/*auto_allow=*/false);
  viewer_ = d_.StartWindowViewer(d_.WaitForCode(), viewer_x_.name());
  auto window = FindWindow(viewer_x_, "telemaint", 20s);
  ASSERT_TRUE(window.has_value()) << viewer_->Output();
  ASSERT_TRUE(host_->WaitForLine("or deny [d]?", 20s)) << host_->Output();
  EXPECT_TRUE(StatusSays(*window, "Waiting for the customer's answer (0:", 10s)) << last_status_;
  SaveWindow(viewer_x_, {window->id, window->x, window->y, window->width, 120},
             d_.dir() / "root.xwd", "viewer-window-waiting");
  host_->Write("v\n");
  EXPECT_TRUE(StatusSays(*window, "View only, the customer's choice", 10s)) << last_status_;
  // Session > Ask the customer for control; the customer keeps view only.
  ASSERT_TRUE(Xdotool(viewer_x_, {"mousemove", std::to_string(window->x + 30),
                                  std::to_string(window->y + 12), "click", "1"}));
  ASSERT_TRUE(Xdotool(viewer_x_, {"key", "Down", "Down", "Down", "Return"}));
  ASSERT_TRUE(host_->WaitForLine("asks to take control of this computer", 10s))
      << host_->Output() << viewer_->Output();
  host_->Write("d\n");
  EXPECT_TRUE(StatusSays(*window, "Your request for control was declined", 10s)) << last_status_;
  host_->Write("s\n");  // the customer stops the session
  EXPECT_TRUE(StatusSays(*window, "ask the customer for the new code", 4s)) << last_status_;
  EXPECT_EQ(viewer_->Wait(10s), 0) << viewer_->Output();
}

}  // namespace
}  // namespace telemaint::testing
