// Settings files instead of flags: telemaint-host reads /etc/telemaint/host.conf (or --config)
// so that a customer runs it with no arguments, telemaint-viewer ~/.config/telemaint/viewer.conf;
// keys are named as the long options and a flag overrides the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/audit_tools.h"
#include "tests/support/deployment.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  std::string WriteConfig(const std::string& name, const std::string& text) {
    const std::string path = d_.dir() / name;
    std::ofstream(path) << text;
    return path;
  }
  // A host started from a settings file, with only the test's own plumbing as flags.
  std::unique_ptr<Process> StartHost(const std::string& config, const VirtualDisplay& x,
                                     std::vector<std::string> flags = {}) {
    std::vector<std::string> argv = {BinPath("telemaint-host"),
                                     "--config",
                                     config,
                                     "--display",
                                     x.name(),
                                     "--ui",
                                     "tty",
                                     "--code-file",
                                     d_.code_file(),
                                     "--history-file",
                                     d_.history_file(),
                                     "--key-file",
                                     d_.key_file("host")};
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto p = std::make_unique<Process>(argv, std::map<std::string, std::string>{}, "", true, true);
    p->AnswerWhenSeen("or deny [d]?", "a\n");
    return p;
  }
  Deployment d_;
};

TEST_F(ConfigTest, AHostWithNothingConfiguredSaysInOneSentenceWhatToDo) {
  const std::string empty = WriteConfig("empty.conf", "# nothing yet\n");
  // No display: the sentence on standard error only (a display adds a window, tested in
  // customer_windows_test.cc).
  Process host({BinPath("telemaint-host"), "--config", empty}, {{"DISPLAY", ""}});
  EXPECT_EQ(host.Wait(10s), 2);
  EXPECT_NE(host.Output().find("telemaint-host is not set up on this computer yet: your provider "
                               "writes the relay's address and certificate in "
                               "/etc/telemaint/host.conf"),
            std::string::npos)
      << host.Output();
  if (std::filesystem::exists("/etc/telemaint/host.conf")) {
    std::cout << "not run without arguments: this machine has /etc/telemaint/host.conf\n";
    return;
  }
  Process bare({BinPath("telemaint-host")}, {{"DISPLAY", ""}});  // the default file is absent
  EXPECT_EQ(bare.Wait(10s), 2);
  EXPECT_NE(bare.Output().find("is not set up on this computer yet"), std::string::npos)
      << bare.Output();
}

TEST_F(ConfigTest, TheHostRunsFromItsSettingsFileAndAFlagOverridesIt) {
  VirtualDisplay x("320x240x24");
  auto relay = d_.StartRelay();
  const std::string good = WriteConfig(
      "host.conf", "relay = \"" + d_.relay_url() + "\"\nca = \"" + d_.ca() +
                       "\"\ncustomer = \"Dupont SA\"\nmachine-name = \"Compta PC 3\"\n");
  auto host = StartHost(good, x);
  const std::string code = d_.WaitForCode();
  EXPECT_EQ(code.size(), 12u) << host->Output();
  // The relay's audit log names the customer and the machine as the file says.
  bool named = false;
  for (int i = 0; i < 50 && !named; ++i) {  // records are committed in batches
    for (const auto& record : ReadAll(d_.data_dir() + "/audit.db"))
      named = named || (record.body.find("\"machine\":\"Compta PC 3\"") != std::string::npos &&
                        record.body.find("\"customer\":\"Dupont SA\"") != std::string::npos);
    if (!named) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(named) << "no host_connected record names the machine from host.conf";
  host.reset();
  // The file names a relay that is not there; the flag names the real one.
  const std::string stale =
      WriteConfig("stale.conf", "relay = \"wss://localhost:1\"\nca = \"" + d_.ca() + "\"\n");
  auto overridden = StartHost(stale, x, {"--relay", d_.relay_url()});
  EXPECT_NE(d_.WaitForCode(code), code) << overridden->Output();
}

TEST_F(ConfigTest, TheViewerTakesRelayCaAndAccountFromItsSettingsFile) {
  VirtualDisplay x("320x240x24");
  auto relay = d_.StartRelay();
  const std::string host_conf =
      WriteConfig("host.conf", "relay = \"" + d_.relay_url() + "\"\nca = \"" + d_.ca() + "\"\n");
  auto host = StartHost(host_conf, x);
  const std::string code = d_.WaitForCode();
  const std::string viewer_conf =
      WriteConfig("viewer.conf", "relay = \"" + d_.relay_url() + "\"\nca = \"" + d_.ca() +
                                     "\"\nuser = \"alice\"\n");
  const std::string picture = d_.dir() / "shot.ppm";
  Process viewer({BinPath("telemaint-viewer"), "--config", viewer_conf, "--key-file", d_.key_file(),
                  "--code", code, "--snapshot", picture},
                 {{"TELEMAINT_PASSWORD", kTechPassword}});
  ASSERT_EQ(viewer.Wait(60s), 0) << viewer.Output() << host->Output();
  EXPECT_TRUE(ReadPpm(picture).has_value());

  Process bare({BinPath("telemaint-viewer"), "--code", code},
               {{"HOME", d_.dir() / "nobody"}, {"XDG_CONFIG_HOME", ""}});
  EXPECT_EQ(bare.Wait(10s), 2);
  EXPECT_NE(bare.Output().find("or write them in " + d_.dir() / "nobody" +
                               "/.config/telemaint/viewer.conf"),
            std::string::npos)
      << bare.Output();
}

// After a session, the viewer remembers the relay, CA and account: the next run needs only
// the code. A flag still wins over what was remembered.
TEST_F(ConfigTest, TheViewerRemembersTheLastRelayAndAccount) {
  VirtualDisplay x("320x240x24");
  auto relay = d_.StartRelay();
  const std::string host_conf =
      WriteConfig("host.conf", "relay = \"" + d_.relay_url() + "\"\nca = \"" + d_.ca() + "\"\n");
  auto host = StartHost(host_conf, x);
  const std::map<std::string, std::string> env = {{"HOME", d_.dir() / "home"},
                                                  {"XDG_CONFIG_HOME", ""},
                                                  {"XDG_STATE_HOME", ""},
                                                  {"TELEMAINT_PASSWORD", kTechPassword}};
  std::string code = d_.WaitForCode();
  Process first(
      {BinPath("telemaint-viewer"), "--relay", d_.relay_url(), "--ca", d_.ca(), "--user", "alice",
       "--key-file", d_.key_file(), "--code", code, "--snapshot", d_.dir() / "first.ppm"},
      env);
  ASSERT_EQ(first.Wait(60s), 0) << first.Output();
  const std::string remembered =
      ReadFile(d_.dir() / "home/.local/state/telemaint/viewer-last.json");
  EXPECT_NE(remembered.find("\"user\":\"alice\""), std::string::npos) << remembered;

  code = d_.WaitForCode(code);
  Process second({BinPath("telemaint-viewer"), "--key-file", d_.key_file(), "--code", code,
                  "--snapshot", d_.dir() / "second.ppm"},
                 env);
  ASSERT_EQ(second.Wait(60s), 0) << second.Output();
  EXPECT_TRUE(second.WaitForLine("Using your last session's relay and account", 1s));

  Process overridden(
      {BinPath("telemaint-viewer"), "--relay", "wss://localhost:1", "--key-file", d_.key_file(),
       "--code", d_.WaitForCode(code), "--snapshot", d_.dir() / "third.ppm"},
      env);
  EXPECT_EQ(overridden.Wait(60s), 1)
      << "the flag's relay, which is not there: " << overridden.Output();
}

// The terminal is for sentences meant for the technician; log lines go to
// ~/.local/state/telemaint/viewer.log unless --log-file says otherwise, and -v shows them on the
// terminal too.
TEST_F(ConfigTest, LogLinesGoToTheStateDirectoryAndOnTheTerminalOnlyWithV) {
  VirtualDisplay x("320x240x24");
  auto relay = d_.StartRelay();
  const std::string host_conf =
      WriteConfig("host.conf", "relay = \"" + d_.relay_url() + "\"\nca = \"" + d_.ca() + "\"\n");
  auto host = StartHost(host_conf, x);
  const std::map<std::string, std::string> env = {
      {"HOME", d_.dir() / "home"}, {"XDG_STATE_HOME", ""}, {"TELEMAINT_PASSWORD", kTechPassword}};
  const std::vector<std::string> args = {BinPath("telemaint-viewer"),
                                         "--relay",
                                         d_.relay_url(),
                                         "--ca",
                                         d_.ca(),
                                         "--user",
                                         "alice",
                                         "--key-file",
                                         d_.key_file(),
                                         "--snapshot",
                                         d_.dir() / "shot.ppm"};
  std::string code = d_.WaitForCode();
  auto quiet_args = args;
  quiet_args.insert(quiet_args.end(), {"--code", code});
  Process quiet(quiet_args, env);
  ASSERT_EQ(quiet.Wait(60s), 0) << quiet.Output();
  EXPECT_TRUE(quiet.WaitForLine("Saved a 320x240 picture", 0s)) << quiet.Output();
  EXPECT_EQ(quiet.Output().find(" telemaint-viewer info: "), std::string::npos) << quiet.Output();
  const std::string log_file = d_.dir() / "home/.local/state/telemaint/viewer.log";
  EXPECT_NE(ReadFile(log_file).find("the customer's computer proved its key"), std::string::npos)
      << ReadFile(log_file);

  auto verbose_args = args;
  verbose_args.insert(verbose_args.end(), {"--code", d_.WaitForCode(code), "-v"});
  Process verbose(verbose_args, env);
  ASSERT_EQ(verbose.Wait(60s), 0) << verbose.Output();
  EXPECT_TRUE(
      verbose.WaitForLine("telemaint-viewer info: the customer's computer proved its key", 0s))
      << verbose.Output();
}

// A misspelt key in a settings file is an error, not a setting silently ignored; and a
// one-off decision (accepting a restored audit log) cannot become a setting at all.
TEST_F(ConfigTest, AMisspeltKeyOrAOneOffFlagInASettingsFileIsRefused) {
  const std::string typo = WriteConfig("typo.conf", "webroot = \"none\"\n");
  Process relay({BinPath("telemaint-relay"), "--config", typo, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(relay.Wait(10s), 2) << relay.Output();
  EXPECT_TRUE(relay.WaitForLine("webroot", 0s)) << relay.Output();
  const std::string restore = WriteConfig("restore.conf", "audit-accept-restore = true\n");
  Process restored({BinPath("telemaint-relay"), "--config", restore, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(restored.Wait(10s), 2) << restored.Output();
  const std::string host_typo = WriteConfig("host-typo.conf", "relais = \"wss://x:1\"\n");
  Process host({BinPath("telemaint-host"), "--config", host_typo}, {{"DISPLAY", ""}});
  EXPECT_EQ(host.Wait(10s), 2) << host.Output();
  EXPECT_TRUE(host.WaitForLine("relais", 0s)) << host.Output();
}

}  // namespace
}  // namespace telemaint::testing
