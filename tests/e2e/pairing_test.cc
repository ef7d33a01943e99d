// Pairing by session code through a real relay (TLS on 127.0.0.1) with the real host and viewer
// programs: wrong, unknown, expired and already used codes, typos, and technician logins.
#include <gtest/gtest.h>

#include <set>

#include <thread>
#include <unistd.h>

#include "common/text_width.h"
#include "tests/support/deployment.h"
#include "tests/support/tcp.h"

namespace telemaint::testing {
namespace {

class PairingE2ETest : public ::testing::Test {
 protected:
  Deployment d_;
};

TEST_F(PairingE2ETest, RightCodePairsAndTheCodeCannotBeUsedTwice) {
  auto relay = d_.StartRelay();
  OneShotServer vnc(HoldOpen);
  auto [host, viewer, code, port] = d_.Join(vnc.port());
  ASSERT_NE(port, 0) << viewer->Output();
  EXPECT_TRUE(host->WaitForLine("A technician is connected", 5s)) << host->Output();

  auto third = d_.StartViewer(code, {}, "alice", kTechPassword, "third");
  EXPECT_EQ(third->Wait(20s), 4) << third->Output();
  EXPECT_TRUE(third->WaitForLine("this code was already used", 0s)) << third->Output();
  EXPECT_TRUE(viewer->Running()) << "the paired session is not disturbed";
}

TEST_F(PairingE2ETest, WrongCodeIsReportedBurnedAndReplaced) {
  auto relay = d_.StartRelay();
  OneShotServer vnc(HoldOpen);
  auto host = d_.StartHost(vnc.port());
  std::string code = d_.WaitForCode();

  auto wrong = d_.StartViewer(WrongSecretSameNameplate(code));
  EXPECT_EQ(wrong->Wait(20s), 4) << wrong->Output();
  EXPECT_TRUE(wrong->WaitForLine("wrong code — ask the customer to read the new code", 0s))
      << wrong->Output();
  EXPECT_TRUE(host->WaitForLine("Someone entered a wrong code", 5s)) << host->Output();

  std::string fresh = d_.WaitForCode(code);
  EXPECT_NE(fresh.substr(0, 5), code.substr(0, 5)) << "a new nameplate with the new code";
  // The burned code is refused by the relay even with the right secret digits.
  auto late = d_.StartViewer(code, {}, "alice", kTechPassword, "late");
  EXPECT_EQ(late->Wait(20s), 4) << late->Output();
  // And the fresh code works.
  auto good = d_.StartViewer(fresh, {}, "alice", kTechPassword, "good");
  EXPECT_NE(ViewerPort(*good), 0) << good->Output();
}

TEST_F(PairingE2ETest, UnknownNameplateIsRefused) {
  auto relay = d_.StartRelay();
  OneShotServer vnc(HoldOpen);
  auto host = d_.StartHost(vnc.port());
  std::string code = d_.WaitForCode();
  std::string other = code.substr(0, 5) == "12345" ? "54321" : "12345";
  auto viewer = d_.StartViewer(CodeForNameplate(other));
  EXPECT_EQ(viewer->Wait(20s), 4) << viewer->Output();
  EXPECT_TRUE(viewer->WaitForLine("no customer is waiting with this code", 0s))
      << viewer->Output();
}

TEST_F(PairingE2ETest, ExpiredCodeIsRefusedAndTheHostShowsANewOne) {
  // The relay's clock is real here; --code-ttl shortens the 10 minutes (unit tests of the
  // registry cover the full lifetime with an injected clock).
  auto relay = d_.StartRelay({"--code-ttl", "2"});
  OneShotServer vnc(HoldOpen);
  auto host = d_.StartHost(vnc.port());
  std::string code = d_.WaitForCode();
  std::string fresh = d_.WaitForCode(code);  // replaced once the first expires
  EXPECT_TRUE(host->WaitForLine("The code expired; here is a new one", 0s)) << host->Output();
  auto viewer = d_.StartViewer(code);
  EXPECT_EQ(viewer->Wait(20s), 4) << viewer->Output();
  EXPECT_TRUE(viewer->WaitForLine("this code has expired", 0s)) << viewer->Output();
}

TEST_F(PairingE2ETest, TypoIsCaughtLocallyBeforeAnyAttempt) {
  auto relay = d_.StartRelay();
  OneShotServer vnc(HoldOpen);
  auto host = d_.StartHost(vnc.port());
  std::string code = d_.WaitForCode();
  std::string typo = code;
  typo[11] = typo[11] == '0' ? '1' : '0';
  auto viewer = d_.StartViewer(typo.substr(0, 4) + " " + typo.substr(4, 4) + " " + typo.substr(8));
  EXPECT_EQ(viewer->Wait(10s), 2) << viewer->Output();
  EXPECT_TRUE(viewer->WaitForLine("typo", 0s)) << viewer->Output();
  // No attempt reached the relay: the code still works.
  auto good = d_.StartViewer(code, {}, "alice", kTechPassword, "good");
  EXPECT_NE(ViewerPort(*good), 0) << good->Output();
}

TEST_F(PairingE2ETest, BadLoginsGetOneAnswerWhetherOrNotTheAccountExists) {
  auto relay = d_.StartRelay();
  OneShotServer vnc(HoldOpen);
  auto host = d_.StartHost(vnc.port());
  std::string code = d_.WaitForCode();
  auto wrong_pw = d_.StartViewer(code, {}, "alice", "not-the-password", "v1");
  auto no_user = d_.StartViewer(code, {}, "mallory", "whatever-password", "v2");
  auto auditor = d_.StartViewer(code, {}, "audrey", kAuditorPassword, "v3");
  for (auto* v : {wrong_pw.get(), no_user.get()}) {
    EXPECT_EQ(v->Wait(30s), 3) << v->Output();
    EXPECT_TRUE(v->WaitForLine("user name or password is wrong", 0s)) << v->Output();
  }
  EXPECT_EQ(auditor->Wait(30s), 3) << auditor->Output();
  EXPECT_TRUE(auditor->WaitForLine("auditor accounts only read the audit log", 0s))
      << auditor->Output();
  // The host's code is untouched by failed logins. (Three failures from this address, the
  // forbidden one included, make the next check wait half a second.)
  std::this_thread::sleep_for(1s);
  auto good = d_.StartViewer(code, {}, "alice", kTechPassword, "good");
  EXPECT_NE(ViewerPort(*good), 0) << good->Output();
}

TEST_F(PairingE2ETest, DisabledAccountCannotJoin) {
  Process disable({BinPath("telemaint-relay"), "user", "disable", "alice", "--data-dir",
                   d_.data_dir()});
  ASSERT_EQ(disable.Wait(20s), 0) << disable.Output();
  auto relay = d_.StartRelay();
  OneShotServer vnc(HoldOpen);
  auto host = d_.StartHost(vnc.port());
  auto viewer = d_.StartViewer(d_.WaitForCode());
  EXPECT_EQ(viewer->Wait(30s), 3) << viewer->Output();
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

TEST(PairingGuessingTest, RepeatedWrongCodesSlowTheHostDown) {
  Deployment d;
  auto relay = d.StartRelay();
  auto host = d.StartHost(5900);
  std::string code = d.WaitForCode();
  for (int i = 0; i < 3; ++i) {
    auto guess = d.StartViewer(WrongSecretSameNameplate(code), {}, "alice", kTechPassword,
                               "guess" + std::to_string(i));
    ASSERT_EQ(guess->Wait(20s), 4) << guess->Output();
    if (i < 2) code = d.WaitForCode(code);
  }
  EXPECT_TRUE(host->WaitForLine("Several wrong codes were tried; the next code comes in 10 s", 5s))
      << host->Output();
  // No new code is shown during the pause.
  EXPECT_FALSE(WaitForFileContent(d.code_file(), code, 4s).has_value());
}

TEST(PairingVncTest, MissingVncServerIsExplainedToTheTechnician) {
  Deployment d;
  auto relay = d.StartRelay();
  uint16_t closed_port = ClosedLoopbackPort();
  auto host = d.StartHost(closed_port);
  auto viewer = d.StartViewer(d.WaitForCode());
  EXPECT_EQ(viewer->Wait(20s), 5) << viewer->Output();
  EXPECT_TRUE(viewer->WaitForLine("could not share its screen", 0s)) << viewer->Output();
  EXPECT_TRUE(host->WaitForLine("no VNC server answers", 5s)) << host->Output();
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

TEST(AccountsTest, ChangedPasswordReplacesTheOldOne) {
  Deployment d;
  const std::string fresh = "a-brand-new-long-password";
  Process passwd({BinPath("telemaint-relay"), "user", "passwd", "alice", "--password-stdin",
                  "--data-dir", d.data_dir()},
                 {}, fresh + "\n");
  ASSERT_EQ(passwd.Wait(20s), 0) << passwd.Output();
  Process list({BinPath("telemaint-relay"), "user", "list", "--data-dir", d.data_dir()});
  ASSERT_EQ(list.Wait(20s), 0);
  EXPECT_TRUE(list.WaitForLine("Acme IT", 0s)) << list.Output();
  EXPECT_EQ(list.Output().find("argon2"), std::string::npos) << "hashes are never printed";

  auto relay = d.StartRelay();
  auto host = d.StartHost(5900);
  std::string code = d.WaitForCode();
  auto old_pw = d.StartViewer(code, {}, "alice", kTechPassword, "old");
  EXPECT_EQ(old_pw->Wait(30s), 3) << old_pw->Output();
  auto new_pw = d.StartViewer(code, {}, "alice", fresh, "new");
  EXPECT_TRUE(new_pw->WaitForLine("Connected to the customer's computer", 20s))
      << new_pw->Output();
}

// Accents and wide characters in display names do not push the next column out of line.
TEST(AccountsTest, TheAccountListLinesUpByDisplayWidth) {
  Deployment d;
  for (const auto& [name, display] :
       std::vector<std::pair<std::string, std::string>>{
           {"zoe", "Zo\xc3\xa9 M\xc3\xbcller"}, {"taro", "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e"}}) {
    Process add({BinPath("telemaint-relay"), "user", "add", name, "--role", "technician",
                 "--display-name", display, "--organisation", "Acme IT", "--password-stdin",
                 "--data-dir", d.data_dir()},
                {}, std::string("a-long-enough-password\n"));
    ASSERT_EQ(add.Wait(30s), 0) << add.Output();
  }
  Process list({BinPath("telemaint-relay"), "user", "list", "--data-dir", d.data_dir()});
  ASSERT_EQ(list.Wait(20s), 0);
  // The organisation column starts at the same display column on every row that has one.
  std::set<size_t> columns;
  for (const std::string who : {"alice ", "zoe ", "taro "}) {
    auto line = list.WaitForLine(who, 0s);
    ASSERT_TRUE(line.has_value()) << list.Output();
    const size_t at = line->find("Acme IT");
    ASSERT_NE(at, std::string::npos) << *line;
    columns.insert(DisplayWidth(line->substr(0, at)));
  }
  EXPECT_EQ(columns.size(), 1u) << list.Output();
}

TEST(AccountsTest, ShortPasswordsAndDuplicateAccountsAreRefused) {
  Deployment d;
  Process short_pw({BinPath("telemaint-relay"), "user", "add", "bob", "--password-stdin",
                    "--data-dir", d.data_dir()},
                   {}, "short\n");
  EXPECT_EQ(short_pw.Wait(20s), 2);
  EXPECT_TRUE(short_pw.WaitForLine("too short", 0s)) << short_pw.Output();
  Process dup({BinPath("telemaint-relay"), "user", "add", "alice", "--password-stdin",
               "--data-dir", d.data_dir()},
              {}, "another-long-password\n");
  EXPECT_EQ(dup.Wait(20s), 1);
  EXPECT_TRUE(dup.WaitForLine("already exists", 0s)) << dup.Output();
}

}  // namespace
}  // namespace telemaint::testing
