// The relay's limits, each answered with a clear error to the peer concerned, against a real
// relay on 127.0.0.1; and the host's promise to listen on no port.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <thread>

#include "audit/store.h"
#include "tests/support/audit_tools.h"
#include "tests/support/deployment.h"
#include "tests/support/raw_client.h"
#include "tests/support/tcp.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

const std::string kHello = R"({"type":"hello","proto":1,"role":"host","mode":"attended"})";

std::string JoinFor(const std::string& nameplate) {
  return R"({"type":"join","proto":1,"nameplate":")" + nameplate +
         R"(","user":"alice","password":")" + kTechPassword + "\"}";
}

// A raw host and a raw viewer the relay has paired (each has read its "paired").
void PairRaw(const Deployment& d, std::unique_ptr<RawRelayClient>& host,
             std::unique_ptr<RawRelayClient>& viewer) {
  auto h = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/host");
  ASSERT_TRUE(h.ok());
  host = std::move(*h);
  host->SendText(kHello);
  auto np = host->Receive(5s);
  ASSERT_TRUE(np.has_value());
  std::string nameplate = np->data.substr(np->data.find("\"nameplate\":\"") + 13, 5);
  auto v = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/viewer");
  ASSERT_TRUE(v.ok());
  viewer = std::move(*v);
  viewer->SendText(JoinFor(nameplate));
  ASSERT_TRUE(viewer->Receive(10s).has_value());  // paired
  ASSERT_TRUE(host->Receive(5s).has_value());     // paired
}

TEST(RelayLimitsTest, SilentConnectionIsToldAndClosedAfterTheHelloTimeout) {
  Deployment d;
  auto relay = d.StartRelay({"--hello-timeout", "1"});
  auto c = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/host");
  ASSERT_TRUE(c.ok()) << c.status().message();
  auto m = (*c)->Receive(5s);
  ASSERT_TRUE(m.has_value());
  EXPECT_NE(m->data.find("\"timeout\""), std::string::npos) << m->data;
  EXPECT_TRUE((*c)->EndsWithin(5s));
}

// Hosts need no account and each one is recorded: a loop of new hosts from one address is
// refused before it reaches the audit log.
TEST(RelayLimitsTest, TooManyNewHostsFromOneAddressAreRefused) {
  Deployment d;
  auto relay = d.StartRelay({"--hosts-per-minute", "6"});  // a burst of 10, then one per 10 s
  int refused = 0;
  for (int i = 0; i < 12; ++i) {
    auto host = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/host");
    ASSERT_TRUE(host.ok());
    (*host)->SendText(kHello);
    auto answer = (*host)->Receive(5s);
    ASSERT_TRUE(answer.has_value());
    if (answer->data.find("rate_limited") != std::string::npos) ++refused;
  }
  EXPECT_EQ(refused, 2);
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0);
  int connected = 0;
  {
    Process key({BinPath("telemaint-relay"), "audit-key", "--data-dir", d.data_dir()});
    ASSERT_EQ(key.Wait(10s), 0);
    std::string hex = key.Output();
    hex.erase(hex.find_last_not_of("\n") + 1);
    Process exported({BinPath("telemaint-audit"), "--data-dir", d.data_dir(), "--relay-key", hex,
                      "--no-remember", "export", "--format", "log"});
    ASSERT_EQ(exported.Wait(20s), 0) << exported.Output();
    const std::string out = exported.Output();
    for (size_t at = 0; (at = out.find("host_connected", at)) != std::string::npos; ++at)
      ++connected;
  }
  EXPECT_EQ(connected, 10) << "only the hosts let in are recorded";
}

// Started with few file descriptors (ulimit -n), the relay serves fewer connections and says
// so, rather than failing at accept() under load.
TEST(RelayLimitsTest, AFewOpenFilesMeanFewerConnectionsAndAWarning) {
  Deployment d;
  const std::string argv = BinPath("telemaint-relay") + " --listen 127.0.0.1:0 --cert " +
                           (d.dir() / "certs/relay.pem") + " --key " +
                           (d.dir() / "certs/relay.key") + " --data-dir " + d.data_dir();
  Process relay({"/bin/bash", "-c", "ulimit -Sn 300 && ulimit -Hn 400 && exec " + argv});
  EXPECT_TRUE(relay.WaitForLine("only 400 open files are allowed (ulimit -n): serving at most 272 "
                                "connections instead of 2000", 15s))
      << relay.Output();
  EXPECT_TRUE(relay.WaitForLine("listening on port", 15s)) << relay.Output();
  relay.Signal(SIGTERM);
  EXPECT_EQ(relay.Wait(20s), 0) << relay.Output();
}

TEST(RelayLimitsTest, TooManyWaitingHostsAreToldTheRelayIsFull) {
  Deployment d;
  auto relay = d.StartRelay({"--max-waiting-hosts", "1"});
  auto first = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/host");
  ASSERT_TRUE(first.ok());
  (*first)->SendText(kHello);
  auto np = (*first)->Receive(5s);
  ASSERT_TRUE(np && np->data.find("nameplate") != std::string::npos);
  auto second = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/host");
  ASSERT_TRUE(second.ok());
  (*second)->SendText(kHello);
  auto busy = (*second)->Receive(5s);
  ASSERT_TRUE(busy.has_value());
  EXPECT_NE(busy->data.find("server_busy"), std::string::npos) << busy->data;
  EXPECT_TRUE((*second)->EndsWithin(5s));
}

// Two hosts holding codes fill a relay of two: a third connection is told "busy" (the hosts,
// having a code, are not closed to make room).
TEST(RelayLimitsTest, ConnectionsOverTheLimitAreDeclinedWithAReason) {
  Deployment d;
  auto relay = d.StartRelay({"--max-connections", "2"});
  auto a = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/host");
  auto b = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/host");
  ASSERT_TRUE(a.ok() && b.ok());
  for (auto* host : {&*a, &*b}) {
    (*host)->SendText(kHello);
    auto nameplate = (*host)->Receive(5s);
    ASSERT_TRUE(nameplate && nameplate->data.find("nameplate") != std::string::npos);
  }
  auto c = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/host");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("declined"), std::string::npos) << c.status().message();
  EXPECT_TRUE(relay->WaitForLine("connection limit reached", 5s)) << relay->Output();
}

// A full relay of connections that prove nothing (no hello, no login) does not keep a
// technician out: the newest connection makes room by closing the oldest unproven one, and the
// host already holding a code is not touched.
TEST(RelayLimitsTest, IdleConnectionsCannotKeepATechnicianOut) {
  Deployment d;
  auto relay = d.StartRelay({"--max-connections", "12"});
  auto host = d.StartHost(ClosedLoopbackPort());
  const std::string code = d.WaitForCode();
  std::vector<std::unique_ptr<RawRelayClient>> idle;
  for (int i = 0; i < 11; ++i) {
    auto c = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/viewer");
    ASSERT_TRUE(c.ok()) << i << ": " << c.status().message();
    idle.push_back(std::move(*c));
  }
  // A bare connect that sends nothing closes nobody.
  const int bare = ConnectLoopback(d.relay_port());
  ASSERT_GE(bare, 0);
  EXPECT_FALSE(relay->WaitForLine("closed to make room", 1s)) << relay->Output();
  close(bare);
  auto viewer = d.StartViewer(code);
  EXPECT_NE(ViewerPort(*viewer), 0) << viewer->Output() << relay->Output();
  EXPECT_TRUE(relay->WaitForLine("closed to make room for a newer connection", 5s))
      << relay->Output();
  EXPECT_TRUE(idle.front()->EndsWithin(5s)) << "the oldest idle connection was not closed";
}

// Thirty connections that are not TLS: ten log lines of that kind, then one summary of the
// rest (written at the latest when the relay stops).
TEST(RelayLimitsTest, LogLinesOfAFloodAreLimitedPerKindWithASummary) {
  Deployment d;
  auto relay = d.StartRelay();
  for (int i = 0; i < 30; ++i) {
    int fd = ConnectLoopback(d.relay_port());
    ASSERT_GE(fd, 0);
    WriteAll(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    ReadExactly(fd, 1 << 16, 5s);  // until the relay closes it
    close(fd);
  }
  relay->Signal(SIGTERM);
  ASSERT_TRUE(relay->Wait(20s).has_value());
  EXPECT_EQ(relay->CountLines("TLS handshake with 127.0.0.1 failed"), 10) << relay->Output();
  EXPECT_TRUE(relay->WaitForLine("20 more 'TLS handshake failed' line(s) from 1 address(es)", 0s))
      << relay->Output();
}

// The host closes just after the technician ended the session through the channel, before
// the relay has read the viewer's abort: the session's ending is still the viewer's word.
TEST(RelayLimitsTest, ASideClosingJustBeforeTheOthersAbortDoesNotTakeTheEnding) {
  Deployment d;
  auto relay = d.StartRelay();
  std::unique_ptr<RawRelayClient> host, viewer;
  PairRaw(d, host, viewer);
  host.reset();  // the host's connection ends first
  std::this_thread::sleep_for(100ms);
  viewer->SendText(R"({"type":"abort","proto":1,"reason":"viewer_closed"})");
  viewer->EndsWithin(5s);
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0) << relay->Output();
  std::string ending;
  for (const auto& r : ReadAll(audit::AuditDbPath(d.data_dir())))
    if (r.body.find("\"session_end\"") != std::string::npos) ending = r.body;
  EXPECT_NE(ending.find("\"reason\":\"viewer_closed\""), std::string::npos) << ending;
}

TEST(RelayLimitsTest, JoinAttemptsPerAddressAreRateLimited) {
  Deployment d;
  auto relay = d.StartRelay({"--joins-per-minute", "1"});  // a burst of 10, then 1 a minute
  int limited_at = -1;
  for (int i = 0; i < 12 && limited_at < 0; ++i) {
    auto v = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/viewer");
    ASSERT_TRUE(v.ok());
    (*v)->SendText(JoinFor("00000"));
    auto answer = (*v)->Receive(10s);
    ASSERT_TRUE(answer.has_value());
    if (answer->data.find("rate_limited") != std::string::npos) limited_at = i;
    else EXPECT_NE(answer->data.find("unknown_code"), std::string::npos) << answer->data;
  }
  EXPECT_EQ(limited_at, 10) << "the 11th attempt within a minute is refused";
}

TEST(RelayLimitsTest, NonEcdsaCertificateIsRefusedAtStart) {
  Deployment d;
  Process make({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                d.dir() / "rsa.key", "-out", d.dir() / "rsa.pem", "-subj", "/CN=localhost",
                "-days", "1"});
  ASSERT_EQ(make.Wait(60s), 0) << make.Output();
  Process relay({BinPath("telemaint-relay"), "--listen", "127.0.0.1:0", "--cert",
                 d.dir() / "rsa.pem", "--key", d.dir() / "rsa.key", "--data-dir", d.data_dir()});
  EXPECT_EQ(relay.Wait(10s), 1) << relay.Output();
  EXPECT_TRUE(relay.WaitForLine("must have an ECDSA key", 0s)) << relay.Output();
}

TEST(HostPortsTest, BuiltInHostListensOnNoTcpPortDuringASession) {
  Deployment d;
  VirtualDisplay x("320x240x24");
  auto relay = d.StartRelay();
  auto [host, viewer, code, port] = d.JoinBuiltIn(x.name());
  ASSERT_NE(port, 0) << viewer->Output();
  ASSERT_TRUE(host->WaitForLine("A technician is connected", 5s));
  // The relay's listener is the control: ss does show process owners here.
  EXPECT_EQ(ListensOnTcp(relay->pid()), true);
  EXPECT_EQ(ListensOnTcp(host->pid()), false);
}

TEST(HostPortsTest, HostListensOnNoTcpPort) {
  Deployment d;
  auto relay = d.StartRelay();
  OneShotServer vnc([](int fd) { ReadExactly(fd, 1, 20s); });
  auto [host, viewer, code, port] = d.Join(vnc.port());
  ASSERT_NE(port, 0) << viewer->Output();
  ASSERT_TRUE(host->WaitForLine("A technician is connected", 5s));
  // The relay's listener is the control: ss does show process owners here.
  EXPECT_EQ(ListensOnTcp(relay->pid()), true);
  EXPECT_EQ(ListensOnTcp(host->pid()), false);
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

// What a host reports about consent is recorded only in known words and a bounded number, and a
// receipt that does not check out is refused: a host (which needs no account) cannot fill the
// audit log or plant a receipt in it.
TEST(RelayLimitsTest, ConsentReportsAreBoundedAndBadReceiptsAreRefused) {
  Deployment d;
  auto relay = d.StartRelay();
  std::unique_ptr<RawRelayClient> host, viewer;
  ASSERT_NO_FATAL_FAILURE(PairRaw(d, host, viewer));
  host->SendText(R"({"type":"consent","event":"answered","permission":"everything"})");
  host->SendText(R"({"type":"consent","event":"\u001b]0;pwned","permission":"control"})");
  for (int i = 0; i < 100; ++i)
    host->SendText(R"({"type":"consent","event":"changed","permission":"control"})");
  host->SendText(R"({"type":"receipt","receipt":"{\"type\":1}","signature":"00"})");
  host->SendText(R"({"type":"abort","reason":"host_closed"})");
  EXPECT_TRUE(host->EndsWithin(10s));
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0);
  Process key({BinPath("telemaint-relay"), "audit-key", "--data-dir", d.data_dir()});
  ASSERT_EQ(key.Wait(10s), 0);
  std::string hex = key.Output();
  hex.erase(hex.find_last_not_of("\n") + 1);
  Process exported({BinPath("telemaint-audit"), "--data-dir", d.data_dir(), "--relay-key", hex,
                    "--no-remember", "export", "--format", "log"});
  ASSERT_EQ(exported.Wait(20s), 0) << exported.Output();
  const std::string out = exported.Output();
  auto count = [&](const std::string& needle) {
    int n = 0;
    for (size_t at = 0; (at = out.find(needle, at)) != std::string::npos; ++at) ++n;
    return n;
  };
  EXPECT_EQ(count("\\\"kind\\\":\\\"permission\\\""), 64) << "the first 64 known reports only";
  EXPECT_EQ(count("everything"), 0);
  EXPECT_EQ(count("pwned"), 0);
  EXPECT_EQ(count("\\\"kind\\\":\\\"receipt\\\""), 0);
  EXPECT_EQ(count("receipt_refused"), 1);
}

// A viewer that stops reading back-pressures its host (the relay stops reading the host too),
// so the end is found by the keep-alive: the silent viewer answers no ping and is dropped after
// the idle timeout, which ends the session. Nothing lingers.
TEST(RelayLimitsTest, PeerThatStopsReadingIsDroppedByTheKeepAlive) {
  Deployment d;
  auto relay = d.StartRelay({"--idle-timeout", "4"});
  std::unique_ptr<RawRelayClient> host, viewer;
  ASSERT_NO_FATAL_FAILURE(PairRaw(d, host, viewer));  // from now on the viewer never reads
  // Fill everything between the relay and the viewer that does not read.
  const std::string block(512 * 1024, 'z');
  int sent = 0;
  while (sent < 400 && host->SendBinary(block, 500ms)) ++sent;
  EXPECT_LT(sent, 400) << "back-pressure never reached the sender";
  host.reset();  // the host leaves too
  EXPECT_TRUE(relay->WaitForLine("ended: viewer_left", 20s)) << relay->Output();
  // The relay still serves others.
  auto other = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/host");
  ASSERT_TRUE(other.ok());
  (*other)->SendText(kHello);
  auto np2 = (*other)->Receive(5s);
  EXPECT_TRUE(np2 && np2->data.find("nameplate") != std::string::npos);
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

TEST(RelayHttpTest, HealthCheckAnswersOverHttpsAndUnknownPathsAreNotFound) {
  Deployment d;
  auto relay = d.StartRelay();
  std::string base = "https://localhost:" + std::to_string(d.relay_port());
  Process ok({"/usr/bin/curl", "-sS", "--cacert", d.ca(), "--tlsv1.3", base + "/healthz"});
  ASSERT_EQ(ok.Wait(15s), 0) << ok.Output();
  EXPECT_TRUE(ok.WaitForLine("{\"status\":\"ok\"}", 0s)) << ok.Output();
  Process missing({"/usr/bin/curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}\n",
                   "--cacert", d.ca(), base + "/nothing-here"});
  ASSERT_EQ(missing.Wait(15s), 0) << missing.Output();
  EXPECT_TRUE(missing.WaitForLine("404", 0s)) << missing.Output();
  Process old_tls({"/usr/bin/curl", "-sS", "--cacert", d.ca(), "--tls-max", "1.2",
                   base + "/healthz"});
  EXPECT_NE(old_tls.Wait(15s), 0) << "TLS 1.2 must be refused: " << old_tls.Output();
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

// A socket that says nothing at all is closed after 3 s, whatever the TLS timeout (10 s here):
// silent sockets cannot hold the relay's connection slots.
TEST(RelayLimitsTest, ASilentSocketIsClosedAfterAFewSeconds) {
  Deployment d;
  auto relay = d.StartRelay();
  int fd = ConnectLoopback(d.relay_port());
  ASSERT_GE(fd, 0);
  auto start = std::chrono::steady_clock::now();
  std::string got = ReadExactly(fd, 1, 20s);  // returns early when the relay closes
  auto waited = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_TRUE(got.empty());
  EXPECT_LT(waited, 5s) << "a silent socket was kept for the TLS timeout";
  EXPECT_TRUE(relay->WaitForLine("dropped: nothing sent within 3 s", 5s)) << relay->Output();
}

TEST(RelayLimitsTest, ConnectionThatNeverCompletesTlsIsClosedAfterTheHandshakeTimeout) {
  Deployment d;
  auto relay = d.StartRelay({"--handshake-timeout", "1"});
  int fd = ConnectLoopback(d.relay_port());
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "\x16", 1), 1);  // the first byte of a ClientHello, and no more
  auto start = std::chrono::steady_clock::now();
  std::string got = ReadExactly(fd, 1, 10s);  // returns early when the relay closes
  auto waited = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_TRUE(got.empty());
  EXPECT_LT(waited, 5s) << "a silent connection was kept open";
  EXPECT_TRUE(relay->WaitForLine("TLS handshake with 127.0.0.1 failed", 5s)) << relay->Output();
}

// Three failures are free; then each failure makes the next check wait (0.5 s, 1 s, 2 s...)
// from the time it failed.
// An attempt inside that wait is answered at once, `rate_limited` with how long to wait,
// holding no login slot; one made after it is checked.
TEST(RelayLimitsTest, RepeatedFailedLoginsAreSlowedDown) {
  Deployment d;
  auto relay = d.StartRelay();
  const std::string wrong =
      R"({"type":"join","proto":1,"nameplate":"00000","user":"alice","password":"wrong-password"})";
  auto attempt = [&](std::string* answer_text) {
    auto v = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/viewer");
    EXPECT_TRUE(v.ok()) << v.status().message();
    if (!v.ok()) return -1.0;
    auto start = std::chrono::steady_clock::now();
    (*v)->SendText(wrong);
    auto answer = (*v)->Receive(30s);
    *answer_text = answer ? answer->data : "(nothing)";
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::string text;
  for (int i = 0; i < 3; ++i) {
    attempt(&text);
    EXPECT_NE(text.find("auth_failed"), std::string::npos) << text;
  }
  const double quick = attempt(&text);  // the fourth comes within the wait the third started
  EXPECT_NE(text.find("rate_limited"), std::string::npos) << text;
  EXPECT_NE(text.find("Try again in 1 s."), std::string::npos) << text;
  EXPECT_LT(quick, 0.4) << "a throttled attempt waited in a login slot";
  std::this_thread::sleep_for(1100ms);
  attempt(&text);
  EXPECT_NE(text.find("auth_failed"), std::string::npos) << "checked once the wait is over: "
                                                          << text;
  const double again = attempt(&text);  // and the wait doubles
  EXPECT_NE(text.find("rate_limited"), std::string::npos) << text;
  EXPECT_LT(again, 0.4);
  std::printf("throttled login answered after %.3f s\n", quick);
}

// A flood of refused joins (unknown codes, malformed and oversized codes, throttled logins)
// from one address costs one full record and one summary; an oversized code is never logged.
TEST(RelayLimitsTest, AFloodOfRefusedJoinsIsSummarisedPerAddressAndMinute) {
  Deployment d;
  auto relay = d.StartRelay({"--joins-per-minute", "100000"});
  const std::string big(256, '7');
  for (int i = 0; i < 60; ++i) {
    auto v = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/viewer");
    ASSERT_TRUE(v.ok()) << v.status().message();
    const std::string nameplate = i % 3 == 0 ? big : i % 3 == 1 ? "1234x" : "00000";
    (*v)->SendText(R"({"type":"join","proto":1,"nameplate":")" + nameplate +
                   R"(","user":"alice","password":"x"})");
    auto answer = (*v)->Receive(10s);
    ASSERT_TRUE(answer.has_value());
  }
  relay->Signal(SIGTERM);
  ASSERT_EQ(relay->Wait(20s), 0) << relay->Output();
  const std::string log = relay->Output();
  EXPECT_EQ(log.find(big), std::string::npos) << "an oversized code reached the log";
  EXPECT_NE(log.find("more refused join(s) within a minute (suppressed)"), std::string::npos)
      << log;
  const std::string key = RelayKey(d.data_dir());
  AuditRun exported = Audit({"--data-dir", d.data_dir(), "--relay-key", key, "--no-remember",
                             "export", "--format", "log"});
  ASSERT_EQ(exported.status, 0) << exported.out;
  int attempts = 0;
  for (size_t at = 0; (at = exported.out.find("join_attempt", at)) != std::string::npos; ++at)
    ++attempts;
  EXPECT_EQ(attempts, 2) << "one full record and one summary";
  // Every refusal not recorded in full is in the summary (the wrong passwords that were
  // checked are recorded one by one, as login_failed).
  const std::string field = R"(\"suppressed\":)";
  const auto at = exported.out.find(field);
  ASSERT_NE(at, std::string::npos) << exported.out;
  const int suppressed = std::atoi(exported.out.c_str() + at + field.size());
  int checked = 0;
  for (size_t i = 0; (i = exported.out.find("auth_failed", i)) != std::string::npos; ++i)
    ++checked;
  EXPECT_EQ(1 + suppressed + checked, 60) << exported.out;
  EXPECT_EQ(exported.out.find(big), std::string::npos);
}

// Wrong passwords for one account sent all at once: one is checked at a time, the others are
// refused at once, so none races past the lockout or the delay.
TEST(RelayLimitsTest, ConcurrentLoginsForOneAccountAreCheckedOneAtATime) {
  Deployment d;
  auto relay = d.StartRelay();
  const std::string wrong =
      R"({"type":"join","proto":1,"nameplate":"00000","user":"alice","password":"wrong-password"})";
  std::vector<std::unique_ptr<RawRelayClient>> clients;
  for (int i = 0; i < 12; ++i) {
    auto v = RawRelayClient::Connect(d.ca(), d.relay_port(), "/v1/viewer");
    ASSERT_TRUE(v.ok()) << v.status().message();
    clients.push_back(std::move(*v));
  }
  for (auto& c : clients) c->SendText(wrong);
  int checked = 0, refused = 0;
  for (auto& c : clients) {
    auto answer = c->Receive(30s);
    ASSERT_TRUE(answer.has_value());
    checked += answer->data.find("auth_failed") != std::string::npos;
    refused += answer->data.find("rate_limited") != std::string::npos;
  }
  // At most the free failures get checked before the wait applies; never all of them at once.
  EXPECT_LE(checked, 3) << "passwords were checked concurrently for one account";
  EXPECT_GE(refused, 9);
  EXPECT_EQ(checked + refused, 12);
}

}  // namespace
}  // namespace telemaint::testing
