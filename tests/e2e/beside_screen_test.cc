// Beside the screen, end to end with the real programs: clipboard text with accents and emoji
// both ways between two X displays (read and written with xclip), files each way byte for byte
// after the customer accepts, a refused file never written, a hostile name kept inside the
// downloads folder, chat both ways, RFB cut text for a third-party client (libvncclient)
// behind --listen, and the audit log's record of it all.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "crypto/digest.h"
#include "host/gui/layout.h"
#include "tests/support/audit_tools.h"
#include "tests/support/deployment.h"
#include "tests/support/window.h"
#include "tests/support/xserver.h"
#include "viewer/cut_text_client.h"

namespace telemaint::testing {
namespace {

namespace fs = std::filesystem;

std::string Sha256Of(const std::string& path) {
  return ToHex(crypto::Sha256(AsBytes(std::string_view(ReadFile(path)))));
}

// Random bytes, so a file that arrives shifted or cut cannot match by chance.
void WriteRandomFile(const std::string& path, size_t size) {
  std::ofstream out(path, std::ios::binary);
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    out.put(static_cast<char>(x));
  }
}

// Every entry of a folder, hidden ones too.
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  if (fs::exists(dir))
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  return names;
}

// What a paste gives on `display` (xclip -o), once it equals `want` or after the timeout.
std::string WaitForClipboard(const VirtualDisplay& display, const std::string& want) {
  std::string got;
  for (int i = 0; i < 50 && got != want; ++i) {
    Process paste({"/usr/bin/xclip", "-o", "-selection", "clipboard"}, display.env());
    paste.Wait(5s);
    got = paste.Output();
    if (!got.empty() && got.back() == '\n' && want.back() != '\n') got.pop_back();
    if (got != want) std::this_thread::sleep_for(200ms);
  }
  return got;
}

// Copies `text` on `display` as a person would: xclip owns the clipboard until someone else does.
void Copy(const VirtualDisplay& display, const std::string& text, const std::string& dir) {
  const std::string file = dir + "/to-copy.txt";
  std::ofstream(file) << text;
  Process copy({"/bin/sh", "-c", "xclip -selection clipboard -i < '" + file + "' >/dev/null 2>&1"},
               display.env());
  ASSERT_EQ(copy.Wait(10s), 0);
}

class BesideScreenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(customer_downloads_);
    fs::create_directories(technician_downloads_);
    relay_ = d_.StartRelay();
  }
  // A host on its own display (terminal questions, a stand-in allows control) and a viewer.
  void StartHost(std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--downloads", customer_downloads_});
    host_ = d_.StartBuiltInHost(host_x_.name(), extra);
  }
  std::unique_ptr<Process> Viewer(std::vector<std::string> extra) {
    std::vector<std::string> argv = {BinPath("telemaint-viewer"), "--relay", d_.relay_url(),
                                     "--ca", d_.ca(), "--user", "alice", "--code",
                                     d_.WaitForCode(), "--key-file", d_.key_file(), "--log-file",
                                     d_.log_file("viewer"), "--downloads", technician_downloads_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<Process>(
        argv, std::map<std::string, std::string>{{"TELEMAINT_PASSWORD", kTechPassword}},
        std::string(), /*keep_stdin_open=*/true);
  }
  // The sessions as telemaint-audit exports them from the relay's verified log.
  std::string AuditExport() {
    relay_->Signal(SIGTERM);  // its last checkpoint signs everything it wrote
    relay_->Wait(20s);
    AuditRun run = Audit({"--data-dir", d_.data_dir(), "--relay-key", RelayKey(d_.data_dir()),
                          "export", "--format", "json"});
    EXPECT_EQ(run.status, 0) << run.out;
    return run.out;
  }

  Deployment d_;
  VirtualDisplay host_x_{"1024x768x24"};
  std::string customer_downloads_ = d_.dir() / "Téléchargements";
  std::string technician_downloads_ = d_.dir() / "technician-downloads";
  std::unique_ptr<Process> relay_, host_, viewer_;
};

TEST_F(BesideScreenTest, FilesCrossBothWaysIdenticalAfterTheCustomerAccepts) {
  const std::string to_customer = d_.dir() / "Pilote réseau v2.bin";
  WriteRandomFile(to_customer, 3'000'000);
  StartHost();
  viewer_ = Viewer({"--listen", "127.0.0.1:0", "--send", to_customer});
  ASSERT_TRUE(host_->WaitForLine("wants to send you the file", 30s)) << host_->Output()
                                                                      << viewer_->Output();
  EXPECT_TRUE(host_->WaitForLine("Pilote réseau v2.bin", 1s));
  host_->Write("a\n");
  auto received = host_->WaitForLine("File received:", 30s);
  ASSERT_TRUE(received) << host_->Output() << viewer_->Output()
                        << ReadFile(d_.log_file("viewer")) << ReadFile(d_.log_file("host"));
  const std::string landed = customer_downloads_ + "/Pilote réseau v2.bin";
  ASSERT_TRUE(fs::exists(landed)) << *received;
  EXPECT_EQ(Sha256Of(landed), Sha256Of(to_customer));
  EXPECT_NE(received->find(Sha256Of(to_customer)), std::string::npos) << *received;
  ASSERT_TRUE(viewer_->WaitForLine("The customer received", 10s)) << viewer_->Output();
  EXPECT_TRUE(viewer_->WaitForLine(Sha256Of(to_customer), 1s));

  // The customer chooses a file of theirs for the technician.
  const std::string to_technician = d_.dir() / "journal.log";
  WriteRandomFile(to_technician, 700'000);
  host_->Write("f " + to_technician + "\n");
  auto got = viewer_->WaitForLine("Received journal.log from the customer", 30s);
  ASSERT_TRUE(got) << viewer_->Output() << host_->Output();
  EXPECT_EQ(Sha256Of(technician_downloads_ + "/journal.log"), Sha256Of(to_technician));
  EXPECT_TRUE(host_->WaitForLine("File sent: journal.log", 10s)) << host_->Output();

  viewer_->Signal(SIGTERM);
  viewer_->Wait(20s);
  const std::string audit = AuditExport();
  EXPECT_NE(audit.find("Pilote réseau v2.bin from the technician, 3000000 bytes, SHA-256 " +
                       Sha256Of(to_customer) + ": completed"),
            std::string::npos)
      << audit;
  EXPECT_NE(audit.find("journal.log from the customer, 700000 bytes"), std::string::npos) << audit;
}

TEST_F(BesideScreenTest, ARefusedFileIsNeverWrittenAndAHostileNameStaysInside) {
  const std::string refused = d_.dir() / "unwanted.exe";
  WriteRandomFile(refused, 100'000);
  fs::create_directories(d_.dir() / "odd");
  const std::string hostile = d_.dir() / "odd/..\\..\\..\\escape.txt";  // a real file name
  WriteRandomFile(hostile, 5000);
  StartHost();
  viewer_ = Viewer({"--listen", "127.0.0.1:0", "--send", refused, hostile});
  ASSERT_TRUE(host_->WaitForLine("unwanted.exe", 30s)) << host_->Output() << viewer_->Output();
  host_->Write("d\n");
  ASSERT_TRUE(viewer_->WaitForLine("unwanted.exe: refused", 20s)) << viewer_->Output();
  ASSERT_TRUE(host_->WaitForLine("“escape.txt”", 20s)) << host_->Output();  // shown made safe
  host_->Write("a\n");
  ASSERT_TRUE(host_->WaitForLine("File received:", 20s)) << host_->Output();
  EXPECT_EQ(Entries(customer_downloads_), std::vector<std::string>{"escape.txt"});
  EXPECT_EQ(Sha256Of(customer_downloads_ + "/escape.txt"), Sha256Of(hostile));
  EXPECT_FALSE(fs::exists(d_.dir() / "escape.txt"));
  const std::string audit = AuditExport();
  EXPECT_NE(audit.find("unwanted.exe from the technician, 100000 bytes: refused"),
            std::string::npos)
      << audit;
}

TEST_F(BesideScreenTest, ChatGoesBothWays) {
  StartHost();
  viewer_ = Viewer({"--listen", "127.0.0.1:0"});
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control", 30s)) << viewer_->Output();
  viewer_->Write("Bonjour, je regarde votre écran 👀\n");
  auto line = host_->WaitForLine("Message from", 20s);
  ASSERT_TRUE(line) << host_->Output();
  EXPECT_NE(line->find("Bonjour, je regarde votre écran 👀"), std::string::npos) << *line;
  host_->Write("m Merci, ça marche !\n");
  EXPECT_TRUE(viewer_->WaitForLine("Customer: Merci, ça marche !", 20s)) << viewer_->Output();
  viewer_->Signal(SIGTERM);
  viewer_->Wait(20s);
  EXPECT_NE(AuditExport().find("\"chat_messages\": 2"), std::string::npos);
}

TEST_F(BesideScreenTest, ClipboardCrossesBothWaysWithAccentsAndEmoji) {
  VirtualDisplay viewer_x("1280x1024x24");
  StartHost();
  viewer_ = d_.StartWindowViewer(d_.WaitForCode(), viewer_x.name());
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control", 30s)) << viewer_->Output();
  auto window = FindWindow(viewer_x, "telemaint", 20s);
  ASSERT_TRUE(window);
  std::this_thread::sleep_for(1s);  // the clipboard_allowed message follows the consent
  // The technician works in the window (a copy elsewhere waits until it has the focus).
  ASSERT_TRUE(Xdotool(viewer_x, {"mousemove", std::to_string(window->x + 400),
                                 std::to_string(window->y + 300), "click", "1"}));

  const std::string technician_text = "Clé de licence : ÀÉÎÕÜ-ß€-🎉✓";
  Copy(viewer_x, technician_text, d_.dir().path());
  EXPECT_EQ(WaitForClipboard(host_x_, technician_text), technician_text)
      << host_->Output() << viewer_->Output();

  const std::string customer_text = "Ça marche 👍 — naïve café\nligne 2";
  Copy(host_x_, customer_text, d_.dir().path());
  EXPECT_EQ(WaitForClipboard(viewer_x, customer_text), customer_text)
      << host_->Output() << viewer_->Output();

  viewer_->Signal(SIGTERM);
  viewer_->Wait(20s);
  EXPECT_NE(AuditExport().find("\"clipboard_texts\": 2"), std::string::npos);
}

TEST_F(BesideScreenTest, TheClipboardCrossesOnlyWhileTheCustomerLetsIt) {
  VirtualDisplay viewer_x("1280x1024x24");
  StartHost({"--no-clipboard"});  // switched off from the start; `c` switches it on
  viewer_ = d_.StartWindowViewer(d_.WaitForCode(), viewer_x.name());
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control", 30s)) << viewer_->Output();
  auto window = FindWindow(viewer_x, "telemaint", 20s);
  ASSERT_TRUE(window);
  ASSERT_TRUE(Xdotool(viewer_x, {"mousemove", std::to_string(window->x + 400),
                                 std::to_string(window->y + 300), "click", "1"}));
  Copy(host_x_, "before", d_.dir().path());
  Copy(viewer_x, "secret of the technician's", d_.dir().path());
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(WaitForClipboard(host_x_, "before"), "before");  // nothing crossed
  host_->Write("c\n");
  ASSERT_TRUE(host_->WaitForLine("The clipboard is shared with the technician.", 10s))
      << host_->Output();
  std::this_thread::sleep_for(1s);
  Copy(viewer_x, "now it may cross", d_.dir().path());
  EXPECT_EQ(WaitForClipboard(host_x_, "now it may cross"), "now it may cross") << host_->Output();
  host_->Write("v\n");  // view only: the clipboard stops with control
  ASSERT_TRUE(viewer_->WaitForLine("viewing only", 10s)) << viewer_->Output();
  std::this_thread::sleep_for(1s);
  Copy(viewer_x, "not in view only", d_.dir().path());
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(WaitForClipboard(host_x_, "now it may cross"), "now it may cross");
}

// The customer's windows: the question for a file (Accept), then the chat panel, which opens
// by itself when the technician writes and sends the customer's answer back.
TEST_F(BesideScreenTest, TheCustomerAcceptsAFileAndChatsInTheWindows) {
  namespace L = host::gui::layout;
  const std::string to_customer = d_.dir() / "notice.pdf";
  WriteRandomFile(to_customer, 200'000);
  host_ = d_.StartBuiltInHost(host_x_.name(),
                              {"--ui", "gui", "--downloads", customer_downloads_}, "host",
                              /*auto_allow=*/false);
  viewer_ = Viewer({"--listen", "127.0.0.1:0", "--send", to_customer});
  auto consent = FindWindow(host_x_, "asks", 30s);
  ASSERT_TRUE(consent) << host_->Output() << viewer_->Output();
  ASSERT_TRUE(Xdotool(host_x_, {"mousemove", std::to_string(consent->x + L::kAllow.cx()),
                                std::to_string(consent->y + L::kAllow.cy()), "click", "1"}));
  auto question = FindWindow(host_x_, "a file from the technician", 30s);
  ASSERT_TRUE(question) << host_->Output() << viewer_->Output();
  SaveWindow(host_x_, *question, d_.dir() / "question.xwd", "file-question");
  ASSERT_TRUE(Xdotool(host_x_, {"mousemove", std::to_string(question->x + L::kFileAccept.cx()),
                                std::to_string(question->y + L::kFileAccept.cy()), "click",
                                "1"}));
  ASSERT_TRUE(viewer_->WaitForLine("The customer received notice.pdf", 30s)) << viewer_->Output();
  EXPECT_EQ(Sha256Of(customer_downloads_ + "/notice.pdf"), Sha256Of(to_customer));

  viewer_->Write("Le pilote est installé, pouvez-vous redémarrer ?\n");
  auto panel = FindWindow(host_x_, "chat and files", 20s);
  ASSERT_TRUE(panel) << host_->Output();
  ASSERT_TRUE(Xdotool(host_x_, {"mousemove", std::to_string(panel->x + L::kPanelChatInput.cx()),
                                std::to_string(panel->y + L::kPanelChatInput.cy()), "click", "1",
                                "type", "--delay", "20", "OK, je redemarre"}));
  ASSERT_TRUE(Xdotool(host_x_, {"key", "Return"}));
  EXPECT_TRUE(viewer_->WaitForLine("Customer: OK, je redemarre", 20s)) << viewer_->Output();
  SaveWindow(host_x_, *panel, d_.dir() / "panel.xwd", "session-panel");
}

// A third-party VNC client (libvncclient) behind --listen: its cut text reaches the customer's
// clipboard, and what the customer copies comes back as RFB ServerCutText, both in Latin-1.
TEST_F(BesideScreenTest, ThirdPartyVncClientCutTextThroughListen) {
  StartHost();
  viewer_ = Viewer({"--listen", "127.0.0.1:0"});
  const uint16_t port = ViewerPort(*viewer_);
  ASSERT_NE(port, 0) << viewer_->Output();
  ASSERT_TRUE(viewer_->WaitForLine("The customer allowed control", 30s)) << viewer_->Output();
  auto client = viewer::CutTextClient::Connect(port);
  ASSERT_TRUE(client.ok()) << client.status().message();
  ASSERT_TRUE((*client)->Send("Cr\xe8me br\xfbl\xe9" "e"));  // "Crème brûlée" in ISO 8859-1
  (*client)->WaitForCutText(2s);
  EXPECT_EQ(WaitForClipboard(host_x_, "Crème brûlée"), "Crème brûlée") << host_->Output();

  Copy(host_x_, "Café ✓", d_.dir().path());
  EXPECT_EQ((*client)->WaitForCutText(20s), std::optional<std::string>("Caf\xe9 ?"));  // ✓: no Latin-1
}

}  // namespace
}  // namespace telemaint::testing
