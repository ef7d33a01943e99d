// Unattended access with the real programs: telemaint-admin's organisation, a machine enrolled
// with a token and approved, telemaint-host service on Xvfb, telemaint-viewer machines and
// --machine; and what must not work: a token alone, revoked keys, a copied state directory, a
// relay that substitutes credentials, plaintext at the relay.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "audit/record.h"
#include "crypto/identity.h"
#include "tests/support/audit_tools.h"
#include "tests/support/in_process_relay.h"
#include "tests/support/organisation.h"
#include "tests/support/tcp.h"
#include "host/gui/layout.h"
#include "tests/support/window.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

using nlohmann::json;

// The audit log's records of `kind` (the relay has stopped or flushed).
std::vector<json> Records(Deployment& d, const std::string& kind) {
  std::vector<json> out;
  for (const auto& r : ReadAll(d.data_dir() + "/audit.db")) {
    json body = json::parse(r.body, nullptr, false);
    if (body.is_object() && body.value("kind", "") == kind) out.push_back(body);
  }
  return out;
}

std::string HostName() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// A settled picture of the display's root window.
std::optional<RgbImage> SettledScreen(Deployment& d, VirtualDisplay& x) {
  std::optional<RgbImage> screen, previous;
  for (int i = 0; i < 20 && (!screen || !(screen == previous)); ++i) {
    previous = screen;
    screen = CaptureRoot(x, d.dir() / "root.xwd");
  }
  return screen == previous ? screen : std::nullopt;
}

TEST(UnattendedTest, AnApprovedMachineIsListedWithItsInventoryAndShownWithNobodyAsked) {
  Deployment d;
  Organisation org(d);
  VirtualDisplay x("640x480x24");
  auto logo = x.Run({"/usr/bin/xlogo", "-geometry", "300x200+40+60", "-fg", "#d02060", "-bg",
                     "#20a0f0"});
  auto relay = org.StartRelay();
  auto [id, service] = org.StartMachine("SRV-01", "allow", x.name());
  ASSERT_TRUE(service->WaitForLine("Online: technicians of Acme IT", 20s)) << service->Output();
  ASSERT_TRUE(WaitOnline(org, "SRV-01", 20s));
  // The inventory follows the proof (apt may take seconds).
  json listed;
  for (int i = 0; i < 100 && !listed.contains("inventory") ; ++i) {
    for (const auto& m : org.Machines())
      if (m["machine_id"] == id && m["inventory"].contains("hostname")) listed = m;
    if (!listed.contains("inventory")) std::this_thread::sleep_for(300ms);
  }
  ASSERT_TRUE(listed.contains("inventory")) << org.Machines().dump();
  EXPECT_TRUE(listed["verified"].get<bool>());
  EXPECT_EQ(listed["customer"], "Dupont");
  EXPECT_EQ(listed["inventory"]["hostname"], HostName());
  EXPECT_EQ(listed["inventory"]["cpu"]["cores"].get<long>(), sysconf(_SC_NPROCESSORS_CONF));
  EXPECT_FALSE(listed["summary"].get<std::string>().empty());
  EXPECT_EQ(org.Machines("Dupont").size(), 1u);
  EXPECT_TRUE(org.Machines("Martin").empty()) << "--customer lists that customer's machines";

  auto screen = SettledScreen(d, x);
  ASSERT_TRUE(screen.has_value()) << "the screen never settled";
  const std::string out = d.dir() / "machine.ppm";
  auto viewer = org.StartViewer("SRV-01", {"--snapshot", out, "--quality", "lossless"});
  ASSERT_EQ(viewer->Wait(60s), 0) << viewer->Output() << service->Output();
  auto seen = ReadPpm(out);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(CountDifferingPixels(*seen, *screen), 0u) << "pixels differ";
  EXPECT_EQ(service->CountLines("asks to connect"), 0) << "nobody is asked under allow";

  relay->Signal(SIGTERM);
  ASSERT_TRUE(relay->Wait(20s).has_value());
  EXPECT_EQ(Records(d, "enrolment_requested").size(), 1u);
  ASSERT_EQ(Records(d, "machine_approved").size(), 1u);
  EXPECT_EQ(Records(d, "machine_approved")[0]["data"]["by"], "boss");
  auto starts = Records(d, "session_start");
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0]["data"]["mode"], "unattended");
  EXPECT_EQ(starts[0]["data"]["machine_id"], id);
  bool allowed_by_policy = false;
  for (const auto& p : Records(d, "permission"))
    allowed_by_policy |= p["data"]["event"] == "allowed_by_policy";
  EXPECT_TRUE(allowed_by_policy);
  EXPECT_EQ(Records(d, "receipt").size(), 2u) << "both ends' receipts";
  AuditRun listed_sessions = Audit({"--data-dir", d.data_dir(), "--relay-key",
                                    RelayKey(d.data_dir()), "sessions"});
  EXPECT_EQ(listed_sessions.status, 0) << listed_sessions.out;
  EXPECT_NE(listed_sessions.out.find("SRV-01 (Dupont)  unattended"), std::string::npos)
      << listed_sessions.out;
  EXPECT_NE(listed_sessions.out.find("control (policy allow)"), std::string::npos)
      << listed_sessions.out;
}

TEST(UnattendedTest, UnderPolicyAllowTheScreenShowsTheBannerAndItsStopEndsTheSession) {
  Deployment d;
  Organisation org(d);
  VirtualDisplay x("800x600x24");
  auto relay = org.StartRelay();
  auto service = org.StartMachine("PC-COMPTA", "allow", x.name(), {"--ui", "gui"}).service;
  ASSERT_TRUE(WaitOnline(org, "PC-COMPTA", 20s)) << service->Output();
  auto viewer = org.StartViewer("PC-COMPTA", {"--listen", "127.0.0.1:0"});
  ASSERT_NE(ViewerPort(*viewer), 0) << viewer->Output() << service->Output();
  // Whoever sits at that screen sees who is there, and can stop it.
  auto banner = FindWindow(x, "^telemaint .+ session$", 10s);
  ASSERT_TRUE(banner.has_value()) << "no banner during the unattended session";
  namespace L = host::gui::layout;
  ASSERT_TRUE(Xdotool(x, {"mousemove", std::to_string(banner->x + L::kBannerStop.cx()),
                          std::to_string(banner->y + L::kBannerStop.cy()), "click", "1"}));
  EXPECT_TRUE(viewer->WaitForLine("the customer ended the session", 5s)) << viewer->Output();
  EXPECT_FALSE(FindWindow(x, "remote help", 1s).has_value()) << "a service shows no code window";
}

TEST(UnattendedTest, PolicyAskWithNobodyAnsweringRefusesTheTechnician) {
  Deployment d;
  Organisation org(d);
  VirtualDisplay x("320x240x24");
  auto relay = org.StartRelay();
  auto service =
      org.StartMachine("PC-ACCUEIL", "ask", x.name(), {"--consent-timeout", "2"}).service;
  ASSERT_TRUE(service->WaitForLine("(policy ask)", 20s)) << service->Output();
  auto viewer = org.StartViewer("PC-ACCUEIL", {"--snapshot", d.dir() / "never.ppm"});
  EXPECT_EQ(viewer->Wait(60s), 6) << viewer->Output();
  EXPECT_TRUE(viewer->WaitForLine("did not answer in time", 0s)) << viewer->Output();
  EXPECT_TRUE(service->WaitForLine("asks to connect", 0s)) << service->Output();
  EXPECT_FALSE(std::filesystem::exists(d.dir() / "never.ppm"));
}

TEST(UnattendedTest, OutsideItsHoursTheMachineRefusesWithTheReason) {
  Deployment d;
  Organisation org(d);
  VirtualDisplay x("320x240x24");
  auto relay = org.StartRelay();
  org.EnrolAndApprove("SRV-NUIT", "allow");
  org.CertifyTechnician();
  // One minute of a day that is not today: always outside.
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  const char* days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const std::string other_day = days[(local.tm_wday + 6 + 3) % 7];
  Process policy({BinPath("telemaint-host"), "policy", "--state-dir", org.state_dir("SRV-NUIT"),
                  "allow", "--hours", other_day + " 03:00-03:01"});
  ASSERT_EQ(policy.Wait(10s), 0) << policy.Output();
  auto service = org.StartService("SRV-NUIT", x.name());
  ASSERT_TRUE(service->WaitForLine("Online:", 20s)) << service->Output();
  auto viewer = org.StartViewer("SRV-NUIT", {"--snapshot", d.dir() / "never.ppm"});
  EXPECT_EQ(viewer->Wait(60s), 6) << viewer->Output();
  EXPECT_TRUE(viewer->WaitForLine("policy does not allow", 0s)) << viewer->Output();
  relay->Signal(SIGTERM);
  ASSERT_TRUE(relay->Wait(20s).has_value());
  auto ends = Records(d, "session_end");
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0]["data"]["reason"], "policy_denied");
}

TEST(UnattendedTest, AfterARelayRestartTheMachineIsBackOnlineWithinTenSeconds) {
  Deployment d;
  Organisation org(d);
  VirtualDisplay x("320x240x24");
  auto relay = org.StartRelay();
  const std::string listen = "127.0.0.1:" + std::to_string(d.relay_port());
  auto service = org.StartMachine("SRV-02", "allow", x.name()).service;
  ASSERT_TRUE(WaitOnline(org, "SRV-02", 20s));
  relay->Signal(SIGKILL);
  relay->Wait(10s);
  relay = org.StartRelay(listen);
  const auto back = std::chrono::steady_clock::now();
  EXPECT_TRUE(WaitOnline(org, "SRV-02", 10s)) << service->Output();
  EXPECT_LT(std::chrono::steady_clock::now() - back, 10s);
  auto viewer = org.StartViewer("SRV-02", {"--snapshot", d.dir() / "after.ppm"});
  EXPECT_EQ(viewer->Wait(60s), 0) << viewer->Output();
}

TEST(UnattendedTest, ATokenAloneReachesNoMachine) {
  Deployment d;
  Organisation org(d);
  VirtualDisplay x("320x240x24");
  auto relay = org.StartRelay();
  org.EnrolAndApprove("SRV-03", "allow");
  // A token holder enrols a machine of its own but no admin approves it.
  std::string out;
  ASSERT_EQ(org.Enrol(org.Token("allow"), "INTRUS", &out), 0) << out;
  auto intruder = org.StartService("INTRUS", x.name());
  EXPECT_TRUE(intruder->WaitForLine("waits for the provider's approval", 20s))
      << intruder->Output();
  // Its holder has no certificate the organisation signed: a key of its own "organisation"
  // certifies nothing for this one.
  Process init({BinPath("telemaint-admin"), "init", "--org", d.dir() / "fake-org", "--name",
                "Acme IT"});
  ASSERT_EQ(init.Wait(20s), 0);
  Process certify({BinPath("telemaint-admin"), "certify", "--org", d.dir() / "fake-org",
                   "--account", "alice", "--key", org.TechnicianKeyHex(), "--out",
                   org.cert_file()});
  ASSERT_EQ(certify.Wait(20s), 0) << certify.Output();
  auto service = org.StartService("SRV-03", x.name());
  ASSERT_TRUE(service->WaitForLine("Online:", 20s)) << service->Output();
  auto viewer = org.StartViewer("SRV-03", {"--snapshot", d.dir() / "never.ppm"});
  EXPECT_EQ(viewer->Wait(60s), 3) << viewer->Output();
  EXPECT_TRUE(viewer->WaitForLine("refused your certificate", 0s)) << viewer->Output();
  EXPECT_TRUE(service->WaitForLine("refused", 5s)) << service->Output();
  auto unapproved = org.StartViewer("INTRUS", {"--snapshot", d.dir() / "never.ppm"});
  EXPECT_EQ(unapproved->Wait(60s), 4) << unapproved->Output();
  relay->Signal(SIGTERM);
  ASSERT_TRUE(relay->Wait(20s).has_value());
  auto ends = Records(d, "session_end");
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0]["data"]["reason"], "not_authorised") << "the refusal is audited";
}

TEST(UnattendedTest, ARevokedTechnicianOrMachineIsRefusedFromTheNextConnectionOn) {
  Deployment d;
  Organisation org(d);
  VirtualDisplay x("320x240x24");
  auto relay = org.StartRelay();
  auto [id, service] = org.StartMachine("SRV-04", "allow", x.name());
  ASSERT_TRUE(WaitOnline(org, "SRV-04", 20s));
  auto first = org.StartViewer("SRV-04", {"--snapshot", d.dir() / "first.ppm"});
  ASSERT_EQ(first->Wait(60s), 0) << first->Output();
  std::string out;
  ASSERT_EQ(org.Admin({"revoke", "--technician", org.TechnicianKeyHex()}, &out), 0) << out;
  ASSERT_TRUE(WaitOnline(org, "SRV-04", 20s));
  auto second = org.StartViewer("SRV-04", {"--snapshot", d.dir() / "second.ppm"});
  EXPECT_EQ(second->Wait(60s), 3) << second->Output() << service->Output();
  EXPECT_FALSE(std::filesystem::exists(d.dir() / "second.ppm"));
  // The viewer was handed the new list with its join and keeps it.
  EXPECT_NE(ReadFile(d.dir() / "revocations.json").find(org.TechnicianKeyHex()),
            std::string::npos);
  ASSERT_EQ(org.Admin({"revoke", "--machine", id}, &out), 0) << out;
  auto third = org.StartViewer(id, {"--snapshot", d.dir() / "third.ppm"});
  EXPECT_EQ(third->Wait(60s), 4) << third->Output();
  EXPECT_TRUE(third->WaitForLine("revoked", 0s)) << third->Output();
}

TEST(UnattendedTest, ACopiedStateDirectoryIsNotThatMachineWithoutItsKey) {
  Deployment d;
  Organisation org(d);
  VirtualDisplay x("320x240x24");
  auto relay = org.StartRelay();
  org.EnrolAndApprove("SRV-05", "allow");
  namespace fs = std::filesystem;
  fs::copy(org.state_dir("SRV-05"), org.state_dir("COPY"), fs::copy_options::recursive);
  fs::remove(org.state_dir("COPY") + "/machine.key");
  ASSERT_TRUE(crypto::SigningKey::Create(org.state_dir("COPY") + "/machine.key", "machine").ok());
  auto copy = org.StartService("COPY", x.name());
  EXPECT_TRUE(copy->WaitForLine("The relay says:", 20s)) << copy->Output();
  EXPECT_EQ(copy->CountLines("Online:"), 0) << copy->Output();
  for (const auto& m : org.Machines()) EXPECT_FALSE(m["online"].get<bool>()) << m.dump();
}

// The credential inside an unattended handshake frame (0x12: after the key share; 0x13: first)
// replaced by `other`, as a relay that rewrites frames would.
void SubstituteCredential(std::string& frame, uint8_t type, const std::string& other) {
  if (frame.empty() || static_cast<uint8_t>(frame[0]) != type) return;
  const size_t at = type == 0x12 ? 1 + 32 : 1;
  const size_t length = (static_cast<uint8_t>(frame[at]) << 8) | static_cast<uint8_t>(frame[at + 1]);
  std::string replaced = frame.substr(0, at);
  replaced += static_cast<char>(other.size() >> 8);
  replaced += static_cast<char>(other.size() & 0xff);
  replaced += other + frame.substr(at + 2 + length);
  frame = replaced;
}

std::string ReadText(const std::string& path) {
  std::string text = ReadFile(path);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

TEST(UnattendedTest, TheRelayCarriesOnlyCiphertextOfAnUnattendedSession) {
  Deployment d;
  Organisation org(d);
  InProcessRelay relay(d, d.log_file("relay"),
                       [&](relay::RelayOptions& o) { o.org_key = org.org_pub(); });
  org.EnrolAndApprove("SRV-06", "allow");
  org.CertifyTechnician();
  OneShotServer vnc(Echo);
  VirtualDisplay x("320x240x24");
  auto service = org.StartService(
      "SRV-06", x.name(), {"--vnc-server", "127.0.0.1:" + std::to_string(vnc.port())});
  ASSERT_TRUE(WaitOnline(org, "SRV-06", 20s)) << service->Output();
  auto viewer = org.StartViewer("SRV-06", {"--listen", "127.0.0.1:0"});
  uint16_t port = ViewerPort(*viewer);
  ASSERT_NE(port, 0) << viewer->Output() << service->Output();
  const std::string marker = "TELEMAINT-UNATTENDED-7c1e5a9f3b2d-PLAINTEXT";
  std::string payload;
  for (int i = 0; i < 200; ++i) payload += marker;
  int fd = ConnectLoopback(port);
  ASSERT_TRUE(WriteAll(fd, payload));
  ASSERT_TRUE(ReadExactly(fd, payload.size(), 20s) == payload);
  close(fd);
  ASSERT_TRUE(viewer->Wait(10s).has_value());
  const std::string forwarded = relay.forwarded();
  EXPECT_GT(forwarded.size(), 2 * payload.size());
  EXPECT_EQ(forwarded.find(marker.substr(0, 16)), std::string::npos) << "plaintext at the relay";
}

TEST(UnattendedTest, ARelaySubstitutingACertificateOrAMachineRecordIsDetected) {
  Deployment d;
  Organisation org(d);
  // Valid statements of the same organisation, for someone else: the relay could have them.
  org.CertifyTechnician();
  const std::string alice_cert = ReadText(org.cert_file());
  Process mallory_key({BinPath("telemaint-viewer"), "--show-key", "--key-file",
                       d.dir() / "mallory.key"});
  ASSERT_EQ(mallory_key.Wait(10s), 0);
  const std::string mallory_hex = mallory_key.Output().substr(mallory_key.Output().find('\n') + 1, 64);
  std::string out;
  ASSERT_EQ(org.Admin({"certify", "--org", org.org_dir(), "--account", "alice", "--key",
                       mallory_hex, "--out", d.dir() / "mallory.cert"}, &out), 0) << out;
  const std::string mallory_cert = ReadText(d.dir() / "mallory.cert");
  std::string substitute_cert, substitute_record;
  std::mutex mu;
  InProcessRelay relay(d, d.log_file("relay"), [&](relay::RelayOptions& o) {
    o.org_key = org.org_pub();
    o.forward_rewrite = [&](std::string& frame) {
      std::lock_guard lock(mu);
      if (!substitute_cert.empty()) SubstituteCredential(frame, 0x12, substitute_cert);
      if (!substitute_record.empty()) SubstituteCredential(frame, 0x13, substitute_record);
    };
  });
  org.EnrolAndApprove("SRV-07", "allow");
  const std::string other_id = org.EnrolAndApprove("SRV-08", "allow");
  const std::string other_record =
      ReadText(org.org_dir() + "/machines/" + other_id + ".json");
  VirtualDisplay x("320x240x24");
  auto service = org.StartService("SRV-07", x.name());
  ASSERT_TRUE(WaitOnline(org, "SRV-07", 20s)) << service->Output();
  {
    std::lock_guard lock(mu);
    substitute_cert = mallory_cert;
  }
  auto viewer = org.StartViewer("SRV-07", {"--snapshot", d.dir() / "never.ppm"});
  EXPECT_EQ(viewer->Wait(60s), 3) << viewer->Output();  // the machine refused the certificate
  EXPECT_TRUE(service->WaitForLine("refused", 10s)) << service->Output();
  {
    std::lock_guard lock(mu);
    substitute_cert.clear();
    substitute_record = other_record;
  }
  ASSERT_TRUE(WaitOnline(org, "SRV-07", 20s));
  auto second = org.StartViewer("SRV-07", {"--snapshot", d.dir() / "never.ppm"});
  EXPECT_EQ(second->Wait(60s), 5) << second->Output();
  EXPECT_TRUE(second->WaitForLine("could not be authenticated", 0s)) << second->Output();
  EXPECT_FALSE(std::filesystem::exists(d.dir() / "never.ppm"));
  EXPECT_NE(alice_cert, mallory_cert);
}

}  // namespace
}  // namespace telemaint::testing
