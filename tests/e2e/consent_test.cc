// The person at the customer's PC decides (--ui tty, on a pseudo-terminal): nothing is shown
// and no key pressed before they say yes; view only is enforced on the host; they can switch
// and stop at any time; no answer is a no. The viewer says what happened in plain words.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "tests/support/deployment.h"
#include "tests/support/tcp.h"
#include "tests/support/window.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

constexpr char kQuestion[] = "or deny [d]?";

class ConsentTest : public ::testing::Test {
 protected:
  // A host whose questions the test answers, and a viewer serving a local port.
  void StartSession(std::vector<std::string> host_extra = {}) {
    relay_ = d_.StartRelay();
    host_ = d_.StartBuiltInHost(x_.name(), host_extra, "host", /*auto_allow=*/false);
    viewer_ = d_.StartViewer(d_.WaitForCode());
  }
  // Bytes a VNC client on the viewer's port receives before `timeout` or the end.
  size_t BytesReceived(uint16_t port, std::chrono::milliseconds timeout) {
    int fd = ConnectLoopback(port);
    if (fd < 0) return SIZE_MAX;
    size_t total = 0;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      total += static_cast<size_t>(n);
    }
    close(fd);
    return total;
  }
  VirtualDisplay x_{"640x480x24"};
  Deployment d_;
  std::unique_ptr<Process> relay_, host_, viewer_;
};

TEST_F(ConsentTest, TheQuestionNamesTheTechnicianAndNothingFlowsBeforeTheAnswer) {
  StartSession();
  ASSERT_TRUE(host_->WaitForLine(kQuestion, 20s)) << host_->Output();
  // Who asks: the relay's record of the account (display name, organisation) and the key.
  EXPECT_TRUE(host_->WaitForLine("Technician Alice Martin (Acme IT) asks to connect", 0s))
      << host_->Output();
  EXPECT_TRUE(host_->WaitForLine("account: alice", 0s)) << host_->Output();
  EXPECT_TRUE(host_->WaitForLine("key: ", 0s)) << host_->Output();
  EXPECT_TRUE(viewer_->WaitForLine("The customer is being asked", 10s)) << viewer_->Output();
  uint16_t port = ViewerPort(*viewer_);
  ASSERT_NE(port, 0);
  // A VNC client gets nothing, not even the RFB greeting, while the question is open.
  EXPECT_EQ(BytesReceived(port, 1500ms), 0u);
}

TEST_F(ConsentTest, DenyEndsTheSessionAtOnceWithoutOneScreenByte) {
  StartSession();
  ASSERT_TRUE(host_->WaitForLine(kQuestion, 20s)) << host_->Output();
  uint16_t port = ViewerPort(*viewer_);
  ASSERT_NE(port, 0);
  int fd = ConnectLoopback(port);
  ASSERT_GE(fd, 0);
  auto start = std::chrono::steady_clock::now();
  host_->Write("d\n");
  EXPECT_EQ(viewer_->Wait(5s), 6) << viewer_->Output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "the viewer took too long to learn";
  EXPECT_TRUE(viewer_->WaitForLine("The session ended: the customer declined.", 0s))
      << viewer_->Output();
  EXPECT_EQ(ReadExactly(fd, 1, 2s), "") << "a screen byte reached the technician";
  close(fd);
  // The host goes back to waiting with a new code, and its log has the refusal.
  EXPECT_TRUE(host_->WaitForLine("Session code", 10s));
  Process log({BinPath("telemaint-host"), "log", "--history-file", d_.history_file()});
  ASSERT_EQ(log.Wait(10s), 0) << log.Output();
  EXPECT_TRUE(log.WaitForLine("Alice Martin (Acme IT), account alice", 0s)) << log.Output();
  EXPECT_TRUE(log.WaitForLine("allowed: denied", 0s)) << log.Output();
  EXPECT_TRUE(log.WaitForLine("you declined", 0s)) << log.Output();
}

TEST_F(ConsentTest, ASnapshotIsRefusedToo) {
  relay_ = d_.StartRelay();
  host_ = d_.StartBuiltInHost(x_.name(), {}, "host", /*auto_allow=*/false);
  std::string out = d_.dir() / "screen.png";
  viewer_ = d_.StartViewer(d_.WaitForCode(), {"--snapshot", out});
  ASSERT_TRUE(host_->WaitForLine(kQuestion, 20s)) << host_->Output();
  host_->Write("d\n");
  EXPECT_EQ(viewer_->Wait(10s), 6) << viewer_->Output();
  EXPECT_TRUE(viewer_->WaitForLine("the customer declined", 0s)) << viewer_->Output();
  EXPECT_FALSE(std::filesystem::exists(out)) << "a picture was saved";
}

TEST_F(ConsentTest, NoAnswerInTimeIsADeny) {
  StartSession({"--consent-timeout", "2"});
  ASSERT_TRUE(host_->WaitForLine(kQuestion, 20s)) << host_->Output();
  EXPECT_TRUE(host_->WaitForLine("(no answer within 2 s means no)", 0s)) << host_->Output();
  EXPECT_EQ(viewer_->Wait(10s), 6) << viewer_->Output();
  EXPECT_TRUE(viewer_->WaitForLine("the customer did not answer in time", 0s)) << viewer_->Output();
  EXPECT_TRUE(host_->WaitForLine("No answer: the technician was not let in.", 0s))
      << host_->Output();
}

TEST_F(ConsentTest, StopFromTheTerminalEndsTheSessionWithinASecond) {
  StartSession();
  ASSERT_TRUE(host_->WaitForLine(kQuestion, 20s)) << host_->Output();
  host_->Write("a\n");
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control.", 10s)) << viewer_->Output();
  ASSERT_TRUE(host_->WaitForLine("is controlling your screen", 10s)) << host_->Output();
  auto start = std::chrono::steady_clock::now();
  host_->Write("s\n");
  EXPECT_TRUE(viewer_->WaitForLine("The session ended: the customer ended the session.", 5s))
      << viewer_->Output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(viewer_->Wait(5s), 0) << viewer_->Output();
  Process log({BinPath("telemaint-host"), "log", "--history-file", d_.history_file()});
  ASSERT_EQ(log.Wait(10s), 0) << log.Output();
  EXPECT_TRUE(log.WaitForLine("allowed: control", 0s)) << log.Output();
  EXPECT_TRUE(log.WaitForLine("you stopped it", 0s)) << log.Output();
}

TEST_F(ConsentTest, ViewOnlyIsEnforcedOnTheHostUntilTheCustomerAllowsControl) {
  std::string out = d_.dir() / "typed";
  auto xterm = StartLineReader(x_, out, "80x4+0+0");
  ASSERT_TRUE(xterm);
  StartSession();
  ASSERT_TRUE(host_->WaitForLine(kQuestion, 20s)) << host_->Output();
  host_->Write("v\n");
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed viewing only", 10s)) << viewer_->Output();
  uint16_t port = ViewerPort(*viewer_);
  ASSERT_NE(port, 0);
  // A VNC client that sends keys anyway (Net::VNC does not care what the host allowed): a
  // line now, and another three seconds later, by which time the customer gives control.
  auto input = TypeTwiceThroughVnc(port, 40, 20);
  EXPECT_FALSE(WaitForFileContent(out, "", 1500ms).has_value())
      << "keys reached the customer's screen in view-only mode";
  host_->Write("a\n");  // the customer gives control
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control.", 2s)) << viewer_->Output();
  EXPECT_EQ(input->Wait(30s), 0) << input->Output();
  auto typed = WaitForFileContent(out, "", 10s);
  ASSERT_TRUE(typed.has_value()) << "nothing was typed once control was allowed";
  EXPECT_EQ(*typed, "xyz") << "only what was typed after the customer allowed control";
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

// On its terminal, in a French locale, the host asks and reports in French (the answers are
// the same letters), and `telemaint-host log` lists the session in French.
TEST(ConsentInFrenchTest, TheTerminalAndTheSessionListSpeakFrench) {
  VirtualDisplay x("640x480x24");
  Deployment d;
  auto relay = d.StartRelay();
  const std::map<std::string, std::string> french = {{"LANG", "fr_FR.UTF-8"}};
  Process host(d.HostArgs("host", {"--display", x.name()}), french, "", true, true);
  auto viewer = d.StartViewer(d.WaitForCode());
  ASSERT_TRUE(host.WaitForLine("Autoriser le contrôle [a], vue seule [v] ou refuser [d] ?", 20s))
      << host.Output();
  EXPECT_TRUE(host.WaitForLine(
      "Alice Martin (Acme IT), de l'assistance, demande à se connecter à cet ordinateur.", 0s))
      << host.Output();
  EXPECT_TRUE(host.WaitForLine("(sans réponse dans 2 min, l'accès sera refusé)", 0s))
      << host.Output();
  host.Write("a\n");
  ASSERT_TRUE(viewer->WaitForLine("The customer allowed control.", 10s)) << viewer->Output();
  EXPECT_TRUE(host.WaitForLine("contrôle votre écran. Tapez s puis Entrée pour arrêter", 10s))
      << host.Output();
  host.Write("s\n");
  EXPECT_TRUE(host.WaitForLine("La session est terminée : vous l'avez arrêtée.", 10s))
      << host.Output();
  Process log({BinPath("telemaint-host"), "log", "--history-file", d.history_file()}, french);
  ASSERT_EQ(log.Wait(10s), 0) << log.Output();
  EXPECT_TRUE(log.WaitForLine("autorisé : contrôle", 0s)) << log.Output();
  EXPECT_TRUE(log.WaitForLine(": vous l'avez arrêtée", 0s)) << log.Output();
}

}  // namespace
}  // namespace telemaint::testing
