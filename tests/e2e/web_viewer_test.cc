// The web viewer (web/) in Debian's chromium, headless, against the real programs: the relay
// serves the page and forwards the session; a real host shares a real X display (Xvfb) and the
// person at its terminal answers; the page runs CPace, the channel and noVNC.
#include <gtest/gtest.h>

#include <csignal>

#include "tests/support/audit_tools.h"
#include "tests/support/browser.h"
#include "tests/support/deployment.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

using nlohmann::json;

class WebViewerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(BrowserUnavailable(), "") << "the browser tests cannot run"; }

  std::string PageUrl() const { return "https://localhost:" + std::to_string(d_.relay_port()) + "/"; }
  std::string RelayCert() const { return d_.dir() / "certs/relay.pem"; }

  // A browser on the relay's page, ready.
  std::unique_ptr<Browser> OpenPage(const std::string& locale = "en-US") {
    auto b = std::make_unique<Browser>(RelayCert(), locale);
    json page = b->Do({{"cmd", "open"}, {"url", PageUrl()}});
    EXPECT_EQ(page["ready"], "true") << b->ConsoleLog();
    return b;
  }

  json Login(Browser& b, const std::string& code, const std::string& password = kTechPassword) {
    return b.Do({{"cmd", "login"}, {"account", "alice"}, {"password", password}, {"code", code},
                 {"ticket", "T-77"}});
  }

  Deployment d_;
  std::unique_ptr<Process> relay_;
};

// The page's canvas equals the X server's screen, pixel for pixel (lossless).
void ExpectCanvasEqualsScreen(Browser& b, const VirtualDisplay& x, const Deployment& d) {
  const std::string page = d.dir() / "canvas.ppm", root = d.dir() / "root.xwd";
  size_t differing = SIZE_MAX;
  for (int attempt = 0; attempt < 40 && differing != 0; ++attempt) {
    if (attempt) std::this_thread::sleep_for(250ms);
    b.Do({{"cmd", "canvas"}, {"out", page}});
    auto seen = ReadPpm(page);
    auto truth = CaptureRoot(x, root);
    ASSERT_TRUE(seen && truth);
    differing = CountDifferingPixels(*seen, *truth);
  }
  EXPECT_EQ(differing, 0u) << "the page's canvas differs from the customer's screen";
}

TEST_F(WebViewerTest, TheScreenArrivesPixelExactAndTypingReachesAnXterm) {
  VirtualDisplay x("640x480x24");
  std::string ready = d_.dir() / "ready", out = d_.dir() / "typed";
  Process xterm({"/usr/bin/xterm", "-geometry", "80x6+20+20", "-u8", "-bg", "#f0e68c", "-e",
                 "/bin/sh", "-c",
                 "touch " + ready + "; IFS= read -r line; printf '%s' \"$line\" > " + out},
                {{"DISPLAY", x.name()}, {"LANG", "C.UTF-8"}, {"LC_ALL", "C.UTF-8"}});
  Process xlogo({"/usr/bin/xlogo", "-geometry", "160x160+400+260", "-fg", "#c00040"}, x.env());
  ASSERT_TRUE(WaitForFile(ready, 15s)) << xterm.Output();
  relay_ = d_.StartRelay();
  auto host = d_.StartBuiltInHost(x.name());
  const std::string code = d_.WaitForCode();
  auto b = OpenPage();
  json login = Login(*b, code);
  ASSERT_TRUE(login["clicked"].get<bool>()) << login.dump();
  ASSERT_NO_THROW(b->Do({{"cmd", "waitStatus"}, {"state", "control"}})) << b->ConsoleLog()
                                                                       << host->Output();
  ExpectCanvasEqualsScreen(*b, x, d_);

  b->Do({{"cmd", "type"}, {"text", "hello \xc3\xa9 \xe2\x82\xac"}, {"at", {60, 40}}});
  b->Do({{"cmd", "press"}, {"key", "Enter"}});
  auto typed = WaitForFileContent(out, "", 15s);
  ASSERT_TRUE(typed.has_value()) << "nothing was typed\n" << host->Output() << b->ConsoleLog();
  EXPECT_EQ(*typed, "hello \xc3\xa9 \xe2\x82\xac");

  // The customer was asked about this technician and their browser's key, as for the native
  // viewer; both ends' receipts reach the audit log and check out.
  b->Do({{"cmd", "click"}, {"selector", "#disconnect"}});
  json ending = b->Do({{"cmd", "waitEnding"}});
  EXPECT_EQ(ending["reason"], "viewer_closed");
  EXPECT_EQ(ending["text"], "You ended the session.");
  ASSERT_TRUE(host->WaitForLine("The session ended", 10s)) << host->Output();
  EXPECT_TRUE(host->WaitForLine("Alice Martin (Acme IT)", 1s)) << host->Output();
  relay_->Signal(SIGTERM);
  ASSERT_TRUE(relay_->Wait(15s).has_value());
  AuditRun run = Audit({"--data-dir", d_.data_dir(), "--relay-key", RelayKey(d_.data_dir()),
                        "export", "--format", "json"});
  ASSERT_EQ(run.status, 0) << run.out;
  json sessions = json::parse(run.out);
  ASSERT_EQ(sessions.size(), 1u) << run.out;
  auto receipts = sessions[0]["receipts"].get<std::vector<std::string>>();
  std::sort(receipts.begin(), receipts.end());
  EXPECT_EQ(receipts, (std::vector<std::string>{"host", "viewer"})) << run.out;
  EXPECT_EQ(sessions[0]["ticket"], "T-77");
  EXPECT_EQ(sessions[0]["permissions"], json::array({"control"}));
  EXPECT_EQ(sessions[0]["outcome"], "viewer_closed");
}

TEST_F(WebViewerTest, AWrongCodeIsBurnedAndThePageSaysSo) {
  VirtualDisplay x("320x240x24");
  relay_ = d_.StartRelay();
  auto host = d_.StartBuiltInHost(x.name());
  const std::string code = d_.WaitForCode();
  auto b = OpenPage();
  json login = Login(*b, WrongSecretSameNameplate(code));
  ASSERT_TRUE(login["clicked"].get<bool>()) << login.dump();
  json ending = b->Do({{"cmd", "waitEnding"}});
  EXPECT_EQ(ending["reason"], "pake_failed");
  EXPECT_EQ(ending["text"],
            "Wrong code: it is now burned. Ask the customer to read the new code on their screen.");
  EXPECT_NE(d_.WaitForCode(code), code) << "the host shows a new code";
  EXPECT_TRUE(host->WaitForLine("wrong code", 10s)) << host->Output();
}

TEST_F(WebViewerTest, ADeclinedSessionSaysSo) {
  VirtualDisplay x("320x240x24");
  relay_ = d_.StartRelay();
  auto host = d_.StartBuiltInHost(x.name(), {}, "host", /*auto_allow=*/false);
  host->AnswerWhenSeen("or deny [d]?", "d\n");
  auto b = OpenPage();
  ASSERT_TRUE(Login(*b, d_.WaitForCode())["clicked"].get<bool>());
  json ending = b->Do({{"cmd", "waitEnding"}});
  EXPECT_EQ(ending["reason"], "user_declined");
  EXPECT_EQ(ending["text"], "The customer declined.");
}

TEST_F(WebViewerTest, AWrongPasswordSaysSoAndATypoNeverLeavesThePage) {
  VirtualDisplay x("320x240x24");
  relay_ = d_.StartRelay();
  auto host = d_.StartBuiltInHost(x.name());
  const std::string code = d_.WaitForCode();
  auto b = OpenPage();
  // Two digits swapped: caught as typed, Connect stays off, nothing reaches the relay.
  std::string swapped = code;
  std::swap(swapped[6], swapped[7]);
  if (swapped == code) std::swap(swapped[5], swapped[6]);
  json typo = b->Do({{"cmd", "typeCode"}, {"code", swapped}});
  EXPECT_TRUE(typo["connectDisabled"].get<bool>()) << typo.dump();
  EXPECT_EQ(typo["status"], "This code has a typo: read the digits back to the customer.");
  EXPECT_EQ(typo["shown"].get<std::string>().size(), 14u) << "grouped in fours: " << typo.dump();

  json login = Login(*b, code, "not-her-password");
  ASSERT_TRUE(login["clicked"].get<bool>()) << login.dump();
  json ending = b->Do({{"cmd", "waitEnding"}});
  EXPECT_EQ(ending["reason"], "auth_failed");
  EXPECT_EQ(ending["text"], "Wrong account or password.");
}

TEST_F(WebViewerTest, ThePageComesWithAStrictPolicyAndSpeaksFrench) {
  relay_ = d_.StartRelay();
  auto b = std::make_unique<Browser>(RelayCert(), "fr-FR");
  json page = b->Do({{"cmd", "open"}, {"url", PageUrl()}});
  EXPECT_EQ(page["ready"], "true") << b->ConsoleLog();
  const std::string csp = page["headers"].value("content-security-policy", "");
  EXPECT_NE(csp.find("script-src 'self' 'wasm-unsafe-eval';"), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(page["headers"].value("x-content-type-options", ""), "nosniff");
  EXPECT_EQ(b->Do({{"cmd", "text"}, {"selector", "#connect"}})["text"], "Se connecter");
  EXPECT_NE(page["keyNote"].get<std::string>().find("ne peut pas en être copiée"),
            std::string::npos)
      << "a non-extractable WebCrypto key: " << page.dump();
  // Nothing the page runs came from anywhere but the relay, and no script is inline.
  const std::string html = ReadFile(BinPath("../share/telemaint/web/index.html"));
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos) << "no other origin is named";
  EXPECT_EQ(b->ConsoleLog().find("Content Security Policy"), std::string::npos)
      << b->ConsoleLog();
}

}  // namespace
}  // namespace telemaint::testing
