// The web viewer (web/) in Debian's chromium, headless, against the real programs: the relay
// serves the page and forwards the session; a real host shares a real X display (Xvfb) and the
// person at its terminal answers; the page runs CPace, the channel and noVNC.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>

#include "tests/support/audit_tools.h"
#include "tests/support/browser.h"
#include "tests/support/deployment.h"
#include "tests/support/in_process_relay.h"
#include "tests/support/organisation.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

using nlohmann::json;

class WebViewerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(BrowserUnavailable(), "") << "the browser tests cannot run"; }

  std::string PageUrl() const {
    return "https://localhost:" + std::to_string(d_.relay_port()) + "/";
  }
  std::string RelayCert() const { return d_.dir() / "certs/relay.pem"; }

  // A browser on the relay's page, ready.
  std::unique_ptr<Browser> OpenPage(const std::string& locale = "en-US") {
    auto b = std::make_unique<Browser>(RelayCert(), locale);
    json page = b->Do({{"cmd", "open"}, {"url", PageUrl()}});
    EXPECT_EQ(page["ready"], "true") << b->ConsoleLog();
    return b;
  }

  json Login(Browser& b, const std::string& code, const std::string& password = kTechPassword) {
    return b.Do({{"cmd", "login"},
                 {"account", "alice"},
                 {"password", password},
                 {"code", code},
                 {"ticket", "T-77"}});
  }

  // Stops the relay and returns the one session its audit log holds (null on failure), after
  // checking that both ends' receipts were recorded and check out.
  json OnlySessionWithBothReceipts() {
    relay_->Signal(SIGTERM);
    if (!relay_->Wait(20s)) return nullptr;
    AuditRun run = Audit({"--data-dir", d_.data_dir(), "--relay-key", RelayKey(d_.data_dir()),
                          "export", "--format", "json"});
    EXPECT_EQ(run.status, 0) << run.out;
    json sessions = json::parse(run.out, nullptr, false);
    if (!sessions.is_array() || sessions.size() != 1) {
      ADD_FAILURE() << "one session expected: " << run.out;
      return nullptr;
    }
    auto receipts = sessions[0]["receipts"].get<std::vector<std::string>>();
    std::sort(receipts.begin(), receipts.end());
    EXPECT_EQ(receipts, (std::vector<std::string>{"host", "viewer"})) << run.out;
    return sessions[0];
  }

  // The technician's steps for an enrolled machine: the browser's key certified by the admin,
  // the certificate imported, the machines listed, Connect on `machine`.
  void ConnectToMachine(Browser& b, Organisation& org, const std::string& machine) {
    const std::string key = b.Do({{"cmd", "text"}, {"selector", "#public-key"}})["text"];
    const std::string cert = d_.dir() / "browser.cert";
    ASSERT_EQ(org.Admin({"certify", "--org", org.org_dir(), "--account", "alice", "--key", key,
                         "--out", cert}),
              0);
    b.Do({{"cmd", "setFile"}, {"selector", "#certificate-file"}, {"file", cert}});
    std::string status;
    for (int i = 0; i < 40 && status.rfind("Certificate of", 0) != 0; ++i) {
      if (i) std::this_thread::sleep_for(100ms);
      status = b.Do({{"cmd", "text"}, {"selector", "#certificate-status"}})["text"];
    }
    EXPECT_EQ(status.rfind("Certificate of alice (Acme IT)", 0), 0u) << status;
    b.Do({{"cmd", "fill"}, {"selector", "#account"}, {"value", "alice"}});
    b.Do({{"cmd", "fill"}, {"selector", "#password"}, {"value", kTechPassword}});
    b.Do({{"cmd", "click"}, {"selector", "#list-machines"}});
    b.Do({{"cmd", "click"}, {"selector", "tr[data-machine=\"" + machine + "\"] button"}});
  }

  Deployment d_;
  std::unique_ptr<Process> relay_;
};

RgbImage Crop(const RgbImage& in, int x, int y, int width, int height) {
  RgbImage out{width, height, std::vector<uint8_t>(size_t(width) * height * 3)};
  for (int row = 0; row < height; ++row)
    std::copy_n(in.rgb.begin() + (size_t(y + row) * in.width + x) * 3, size_t(width) * 3,
                out.rgb.begin() + size_t(row) * width * 3);
  return out;
}

// The page's canvas equals the X server's screen (or the part `crop` keeps), pixel for pixel.
void ExpectCanvasEqualsScreen(Browser& b, const VirtualDisplay& x, const Deployment& d,
                              const std::function<RgbImage(const RgbImage&)>& crop = {}) {
  const std::string page = d.dir() / "canvas.ppm", root = d.dir() / "root.xwd";
  size_t differing = SIZE_MAX;
  for (int attempt = 0; attempt < 40 && differing != 0; ++attempt) {
    if (attempt) std::this_thread::sleep_for(250ms);
    b.Do({{"cmd", "canvas"}, {"out", page}});
    auto seen = ReadPpm(page);
    auto truth = CaptureRoot(x, root);
    ASSERT_TRUE(seen.has_value()) << "no canvas picture";
    ASSERT_TRUE(truth.has_value()) << "no picture of the X screen";
    differing = CountDifferingPixels(*seen, crop ? crop(*truth) : *truth);
  }
  EXPECT_EQ(differing, 0u) << "the page's canvas differs from the customer's screen";
}

TEST_F(WebViewerTest, TheScreenArrivesPixelExactAndTypingReachesAnXterm) {
  VirtualDisplay x("640x480x24");
  std::string ready = d_.dir() / "ready", out = d_.dir() / "typed";
  Process xterm(
      {"/usr/bin/xterm", "-geometry", "80x6+20+20", "-u8", "-bg", "#f0e68c", "-e", "/bin/sh", "-c",
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
  ASSERT_NO_THROW(b->Do({{"cmd", "waitStatus"}, {"state", "control"}}))
      << b->ConsoleLog() << host->Output();
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
  json session = OnlySessionWithBothReceipts();
  ASSERT_FALSE(session.is_null());
  EXPECT_EQ(session["ticket"], "T-77");
  EXPECT_EQ(session["permissions"], json::array({"control"}));
  EXPECT_EQ(session["outcome"], "viewer_closed");
}

// The host's monitors are listed in the page; choosing one shows that monitor alone. Low
// quality and back to lossless gives the exact picture again.
TEST_F(WebViewerTest, MonitorsAndQualityFollowThePagesChoices) {
  VirtualDisplay x("1280x480x24");
  auto on_host = [&x](std::vector<std::string> argv) {
    Process p(std::move(argv), x.env());
    return p.Wait(10s) == 0;
  };
  ASSERT_TRUE(
      on_host({"/usr/bin/xrandr", "--setmonitor", "left", "640/170x480/127+0+0", "screen"}));
  ASSERT_TRUE(
      on_host({"/usr/bin/xrandr", "--setmonitor", "right", "640/170x480/127+640+0", "none"}));
  auto logo = x.Run({"/usr/bin/xlogo", "-geometry", "300x200+700+60", "-fg", "#d02060"});
  relay_ = d_.StartRelay();
  auto host = d_.StartBuiltInHost(x.name());
  auto b = OpenPage();
  ASSERT_TRUE(Login(*b, d_.WaitForCode())["clicked"].get<bool>());
  ASSERT_NO_THROW(b->Do({{"cmd", "waitStatus"}, {"state", "control"}})) << b->ConsoleLog();
  ExpectCanvasEqualsScreen(*b, x, d_);
  json labels;
  for (int i = 0; i < 50 && (labels.is_null() || labels.size() < 3); ++i) {
    if (i) std::this_thread::sleep_for(100ms);
    labels = b->Do({{"cmd", "options"}, {"selector", "#monitor"}})["labels"];
  }
  ASSERT_EQ(labels.size(), 3u) << labels.dump();
  EXPECT_EQ(labels[2],
            "2: right (640\xc3\x97"
            "480)");
  b->Do({{"cmd", "select"}, {"selector", "#monitor"}, {"value", "1"}});
  const auto right = [](const RgbImage& s) { return Crop(s, 640, 0, 640, 480); };
  ExpectCanvasEqualsScreen(*b, x, d_, right);

  // Low quality (Tight with JPEG where the picture is smooth), then lossless again: the whole
  // picture comes again, exact. (Whether JPEG is used depends on the picture; not asserted.)
  b->Do({{"cmd", "select"}, {"selector", "#quality"}, {"value", "low"}});
  b->Do({{"cmd", "canvas"}, {"out", d_.dir() / "low.ppm"}});
  b->Do({{"cmd", "select"}, {"selector", "#quality"}, {"value", "lossless"}});
  ExpectCanvasEqualsScreen(*b, x, d_, right);
}

// Scaled to fit the page, the wheel reaches the customer's screen; at actual size, clicks and
// a drag land on exactly the right pixels (scaled down, one page pixel covers more than one);
// the Send Ctrl+Alt+Del button sends those keys.
TEST_F(WebViewerTest, MouseClicksWheelAndDragLandOnTheRightPixels) {
  VirtualDisplay x("1600x1200x24");  // larger than the page: scaled down
  Process xev({"/usr/bin/xev", "-geometry", "600x500+100+100"}, x.env());
  ASSERT_TRUE(xev.WaitForLine("MapNotify", 15s)) << xev.Output();
  relay_ = d_.StartRelay();
  auto host = d_.StartBuiltInHost(x.name());
  auto b = OpenPage();
  ASSERT_TRUE(Login(*b, d_.WaitForCode())["clicked"].get<bool>());
  ASSERT_NO_THROW(b->Do({{"cmd", "waitStatus"}, {"state", "control"}})) << b->ConsoleLog();
  b->Do({{"cmd", "canvas"}, {"out", d_.dir() / "canvas.ppm"}});  // the screen is shown
  b->Do({{"cmd", "mouse"}, {"action", "wheel"}, {"at", {300, 320}}, {"deltaY", 120}});
  EXPECT_TRUE(xev.WaitForLine("button 5,", 10s)) << "wheel down\n" << xev.Output();
  b->Do({{"cmd", "click"}, {"selector", "#fit"}});  // actual size
  EXPECT_EQ(b->Do({{"cmd", "text"}, {"selector", "#fit"}})["text"], "Fit to window");
  const size_t presses_before = xev.CountLines("ButtonPress");
  const int releases_before = xev.CountLines("ButtonRelease");
  b->Do({{"cmd", "mouse"}, {"action", "click"}, {"at", {300, 320}}});
  b->Do({{"cmd", "mouse"}, {"action", "drag"}, {"at", {250, 260}}, {"to", {450, 460}}});
  ASSERT_TRUE(xev.WaitForLine("root:(450,460)", 10s)) << "drag end\n" << xev.Output();
  for (int i = 0; i < 100 && xev.CountLines("ButtonRelease") < releases_before + 2; ++i)
    std::this_thread::sleep_for(50ms);  // the click's release and the drop's
  // The events after the switch: the first press at the click, the last release at the drop.
  std::string events = xev.Output();
  size_t from = 0;
  for (size_t i = 0; i < presses_before; ++i) from = events.find("ButtonPress", from) + 1;
  EXPECT_EQ(CheckXevButtons(events.substr(from == 0 ? 0 : from + 10), "300,320", "450,460"), "");
  // Send Ctrl+Alt+Del reaches the window under the pointer as those three keys.
  b->Do({{"cmd", "click"}, {"selector", "#cad"}});
  EXPECT_TRUE(xev.WaitForLine("keysym 0xffff, Delete", 10s)) << xev.Output();
  EXPECT_GE(xev.CountLines("Control_L"), 1) << xev.Output();
  EXPECT_GE(xev.CountLines("Alt_L"), 1) << xev.Output();
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

TEST_F(WebViewerTest, ViewOnlyAndARefusedRequestForControlAreShownInThePage) {
  VirtualDisplay x("320x240x24");
  relay_ = d_.StartRelay();
  auto host = d_.StartBuiltInHost(x.name(), {}, "host", /*auto_allow=*/false);
  host->AnswerWhenSeen("or deny [d]?", "v\n");
  host->AnswerWhenSeen("keep view only [d]?", "d\n");
  auto b = OpenPage();
  ASSERT_TRUE(Login(*b, d_.WaitForCode())["clicked"].get<bool>());
  json status = b->Do({{"cmd", "waitStatus"}, {"state", "view_only"}});
  EXPECT_EQ(status["text"],
            "View only \xe2\x80\x94 the customer's choice. You can ask for control.");
  b->Do({{"cmd", "click"}, {"selector", "#ask-control"}});
  ASSERT_TRUE(host->WaitForLine("asks to take control", 15s)) << host->Output();
  for (int i = 0; i < 40 && status["text"] != "Your request for control was declined: view only.";
       ++i) {
    std::this_thread::sleep_for(250ms);
    status = b->Do({{"cmd", "text"}, {"selector", "#status"}});
  }
  EXPECT_EQ(status["text"], "Your request for control was declined: view only.");
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
  EXPECT_EQ(b->ConsoleLog().find("Content Security Policy"), std::string::npos) << b->ConsoleLog();
}

// The provider's pinned loader (telemaint-relay web-loader): a local file naming the digests of
// the reviewed script and style. It runs the page the relay serves today; once the relay
// serves other bytes, the browser refuses them and the page says so.
TEST_F(WebViewerTest, APinnedLoaderRunsTheReviewedCodeAndRefusesAlteredCode) {
  relay_ = d_.StartRelay();
  const std::string port = std::to_string(d_.relay_port());
  const std::string loader = d_.dir() / "telemaint-web.html";
  Process make(
      {BinPath("telemaint-relay"), "web-loader", "--relay", d_.relay_url(), "--output", loader});
  ASSERT_EQ(make.Wait(10s), 0) << make.Output();
  {
    Browser b(RelayCert());
    json page = b.Do({{"cmd", "open"}, {"url", "file://" + loader}});
    ASSERT_EQ(page["ready"], "true") << b.ConsoleLog();
    // It talks to the relay it names: a wrong password is answered by that relay.
    ASSERT_TRUE(Login(b, CodeForNameplate("12345"), "wrong")["clicked"].get<bool>());
    EXPECT_EQ(b.Do({{"cmd", "waitEnding"}})["reason"], "auth_failed") << b.ConsoleLog();
  }
  relay_->Signal(SIGTERM);
  ASSERT_TRUE(relay_->Wait(15s).has_value());
  namespace fs = std::filesystem;
  const std::string altered = d_.dir() / "altered-web";
  fs::copy(BinPath("../share/telemaint/web"), altered);
  std::ofstream(altered + "/app.js", std::ios::app)
      << "\n;document.documentElement.dataset.altered = 'ran';\n";
  relay_ = d_.StartRelay({"--web-root", altered}, "127.0.0.1:" + port);
  Browser b(RelayCert());
  b.Do({{"cmd", "open"}, {"url", "file://" + loader}, {"wait", false}});
  json refused = b.Do({{"cmd", "notLoaded"}});
  EXPECT_TRUE(refused["ready"].is_null()) << "no script of the page ran: " << refused.dump();
  EXPECT_NE(refused["text"].get<std::string>().find("did not load"), std::string::npos);
  const json altered_mark = {{"cmd", "attr"}, {"selector", "html"}, {"name", "data-altered"}};
  EXPECT_TRUE(b.Do(altered_mark)["value"].is_null()) << "the altered script did not run";
  // The same altered script, from the relay's own page, does run: the loader made the difference.
  json served = b.Do({{"cmd", "open"}, {"url", PageUrl()}});
  EXPECT_EQ(served["ready"], "true") << b.ConsoleLog();
  EXPECT_EQ(b.Do(altered_mark)["value"], "ran");
}

// Unattended access from the page: the browser's key certified by the admin, the certificate
// imported, the machine listed and reached with nobody asked (policy allow), pixel for pixel;
// the session is recorded as unattended with both receipts.
TEST_F(WebViewerTest, AnEnrolledMachineIsListedAndReachedFromThePage) {
  Organisation org(d_);
  VirtualDisplay x("640x480x24");
  auto logo = x.Run({"/usr/bin/xlogo", "-geometry", "300x200+40+60", "-fg", "#d02060"});
  relay_ = org.StartRelay();
  // (StartMachine also certifies alice's native viewer key, which WaitOnline lists with.)
  auto service = org.StartMachine("SRV-01", "allow", x.name()).service;
  ASSERT_TRUE(service->WaitForLine("Online: technicians of", 20s)) << service->Output();
  ASSERT_TRUE(WaitOnline(org, "SRV-01", 20s));

  auto b = OpenPage();
  ConnectToMachine(*b, org, "SRV-01");
  ASSERT_NO_THROW(b->Do({{"cmd", "waitStatus"}, {"state", "control"}}))
      << b->ConsoleLog() << service->Output();
  ExpectCanvasEqualsScreen(*b, x, d_);
  EXPECT_EQ(service->CountLines("asks to connect"), 0) << "nobody is asked under allow";
  b->Do({{"cmd", "click"}, {"selector", "#disconnect"}});
  EXPECT_EQ(b->Do({{"cmd", "waitEnding"}})["reason"], "viewer_closed");

  json session = OnlySessionWithBothReceipts();
  ASSERT_FALSE(session.is_null());
  EXPECT_EQ(session["unattended"], true) << session.dump();
}

// A relay that alters the machine's record in the handshake: the page refuses the machine
// (not_authorised) and says why; nothing of the screen is shown.
TEST_F(WebViewerTest, ThePageRefusesAMachineWhoseRecordTheRelayAltered) {
  Organisation org(d_);
  VirtualDisplay x("320x240x24");
  InProcessRelay relay(d_, d_.log_file("relay"), [&org](relay::RelayOptions& o) {
    o.web_root = BinPath("../share/telemaint/web");
    o.org_key = org.org_pub();
    o.forward_rewrite = [](std::string& frame) {
      const size_t name = frame.find("SRV-01");
      if (!frame.empty() && frame[0] == 0x13 && name != std::string::npos) frame[name + 5] = '7';
    };
  });
  org.EnrolAndApprove("SRV-01", "allow");
  auto service = org.StartService("SRV-01", x.name());
  ASSERT_TRUE(service->WaitForLine("Online: technicians of", 20s)) << service->Output();
  auto b = OpenPage();
  ConnectToMachine(*b, org, "SRV-01");
  json ending = b->Do({{"cmd", "waitEnding"}});
  EXPECT_EQ(ending["reason"], "not_authorised") << b->ConsoleLog();
  EXPECT_NE(ending["text"].get<std::string>().find("not signed by your organisation"),
            std::string::npos)
      << ending.dump();
  EXPECT_EQ(service->CountLines("channel up"), 0) << service->Output();
}

// The relay's web files over HTTP, with curl: at most 8 requests share one connection, and a
// file changed on disk after the start is not what the relay serves (the bundle a pinned loader
// was made from stays the one served until a restart).
TEST(RelayWebTest, FilesAreReadOnceAndAConnectionCarriesAtMostEight) {
  Deployment d;
  namespace fs = std::filesystem;
  const std::string root = d.dir() / "web";
  fs::copy(BinPath("../share/telemaint/web"), root);
  const std::string style = ReadFile(root + "/app.css");
  auto relay = d.StartRelay({"--web-root", root});
  std::ofstream(root + "/app.css", std::ios::app) << "/* changed after the start */";
  const std::string base = "https://localhost:" + std::to_string(d.relay_port());
  Process fetch({"/usr/bin/curl", "-sS", "--cacert", d.ca(), "-o", d.dir() / "served.css",
                 base + "/app.css"});
  ASSERT_EQ(fetch.Wait(20s), 0) << fetch.Output();
  EXPECT_EQ(ReadFile(d.dir() / "served.css"), style);

  // Nine requests in a row: curl keeps the connection while the relay does.
  Process nine({"/usr/bin/curl", "-sS", "--cacert", d.ca(), "-o", "/dev/null", "-w",
                "connects=%{num_connects}\n", base + "/app.css?[1-9]"});
  ASSERT_EQ(nine.Wait(30s), 0) << nine.Output();
  EXPECT_EQ(nine.CountLines("connects=1"), 2) << "8 requests, then a new connection:\n"
                                               << nine.Output();
  EXPECT_EQ(nine.CountLines("connects=0"), 7) << nine.Output();
}

// The loader names the digests the build recorded (node's SHA-384 and the relay's agree), and
// a relay name that could smuggle a source into its policy is refused.
TEST(WebLoaderTest, PinsTheBuildsDigestsAndRefusesAStrangeRelayName) {
  TempDir dir;
  const std::string out = dir / "loader.html";
  Process bad({BinPath("telemaint-relay"), "web-loader", "--relay",
               "wss://x 'unsafe-inline' https://evil:443", "--output", out});
  EXPECT_EQ(bad.Wait(10s), 2) << bad.Output();
  EXPECT_FALSE(std::filesystem::exists(out));
  Process good({BinPath("telemaint-relay"), "web-loader", "--relay", "wss://relay.example.com:8443",
                "--output", out});
  ASSERT_EQ(good.Wait(10s), 0) << good.Output();
  const std::string loader = ReadFile(out);
  json digests = json::parse(ReadFile(BinPath("../share/telemaint/web/digests.json")));
  for (const char* file : {"app.js", "app.css"})
    EXPECT_NE(loader.find("https://relay.example.com:8443/" + std::string(file) +
                          "\" integrity=\"" + digests[file].get<std::string>() + "\""),
              std::string::npos)
        << file << "\n"
        << loader;
  EXPECT_NE(loader.find("connect-src wss://relay.example.com:8443;"), std::string::npos);
  EXPECT_EQ(loader.find("'self'"), std::string::npos) << "a file's own origin is not trusted";
}

// A relay that changes one byte of the host's CPace share: the page's handshake fails (as a
// wrong code, the host burns the code), and no session starts.
TEST_F(WebViewerTest, ATamperingRelayBreaksTheHandshake) {
  VirtualDisplay x("320x240x24");
  InProcessRelay relay(d_, d_.log_file("relay"), [](relay::RelayOptions& o) {
    o.web_root = BinPath("../share/telemaint/web");
    o.forward_rewrite = [](std::string& frame) {
      if (frame.size() == 33 && frame[0] == 0x01) frame[5] ^= 0x01;
    };
  });
  auto host = d_.StartBuiltInHost(x.name());
  const std::string code = d_.WaitForCode();
  auto b = OpenPage();
  ASSERT_TRUE(Login(*b, code)["clicked"].get<bool>());
  json ending = b->Do({{"cmd", "waitEnding"}});
  EXPECT_EQ(ending["reason"], "pake_failed") << b->ConsoleLog();
  EXPECT_NE(d_.WaitForCode(code), code) << "the host burned the code";
  EXPECT_EQ(host->CountLines("channel up"), 0) << host->Output();
}

// Everything the relay forwards for a browser session is ciphertext: neither the technician's
// hello nor the RFB stream appears in it.
TEST_F(WebViewerTest, TheRelaySeesNothingOfTheSessionInTheClear) {
  VirtualDisplay x("320x240x24");
  Process xlogo({"/usr/bin/xlogo", "-geometry", "200x200+10+10"}, x.env());
  InProcessRelay relay(d_, d_.log_file("relay"), [](relay::RelayOptions& o) {
    o.web_root = BinPath("../share/telemaint/web");
  });
  auto host = d_.StartBuiltInHost(x.name());
  auto b = OpenPage();
  ASSERT_TRUE(Login(*b, d_.WaitForCode())["clicked"].get<bool>());
  ASSERT_NO_THROW(b->Do({{"cmd", "waitStatus"}, {"state", "control"}})) << b->ConsoleLog();
  b->Do({{"cmd", "canvas"}, {"out", d_.dir() / "canvas.ppm"}});
  b->Do({{"cmd", "click"}, {"selector", "#disconnect"}});
  b->Do({{"cmd", "waitEnding"}});
  const std::string forwarded = relay.forwarded();
  EXPECT_GT(forwarded.size(), 2000u) << "the relay did carry the session";
  for (const std::string plain : {"RFB 003", "\"account\"", "alice", "host_hello", "consent"})
    EXPECT_EQ(forwarded.find(plain), std::string::npos) << plain;
}

}  // namespace
}  // namespace telemaint::testing
