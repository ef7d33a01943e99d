// Carrying data through a real relay with the real host and viewer: integrity of 16 MiB each
// way, peers that vanish, a relay restart, oversized messages, a slow reader, and certificates.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>

#include "tests/support/deployment.h"
#include "tests/support/raw_client.h"
#include "tests/support/tcp.h"

namespace telemaint::testing {
namespace {

class TransportE2ETest : public ::testing::Test {
 protected:
  Deployment d_;
};

TEST_F(TransportE2ETest, Moves16MiBEachWayIntact) {
  constexpr size_t kSize = 16u << 20;
  const std::string to_viewer = RandomBytes(kSize, 1), to_host = RandomBytes(kSize, 2);
  std::promise<std::string> server_got;
  OneShotServer vnc([&](int fd) {
    std::thread w([&] { WriteAll(fd, to_viewer); });
    server_got.set_value(ReadExactly(fd, kSize, 120s));
    w.join();
  });
  auto relay = d_.StartRelay();
  auto [host, viewer, code, port] = d_.Join(vnc.port());
  ASSERT_NE(port, 0) << viewer->Output();
  int fd = ConnectLoopback(port);
  ASSERT_GE(fd, 0);
  std::thread w([&] { WriteAll(fd, to_host); });
  std::string client_got = ReadExactly(fd, kSize, 120s);
  w.join();
  auto from_viewer = server_got.get_future();
  ASSERT_EQ(from_viewer.wait_for(120s), std::future_status::ready);
  std::string host_side = from_viewer.get();
  EXPECT_EQ(client_got.size(), kSize);
  EXPECT_TRUE(client_got == to_viewer) << "host -> viewer bytes differ";
  EXPECT_EQ(host_side.size(), kSize);
  EXPECT_TRUE(host_side == to_host) << "viewer -> host bytes differ";
  close(fd);
}

TEST_F(TransportE2ETest, VanishedHostIsReportedToTheViewerWithin2s) {
  auto relay = d_.StartRelay();
  OneShotServer vnc(HoldOpen);
  auto [host, viewer, code, port] = d_.Join(vnc.port());
  ASSERT_NE(port, 0) << viewer->Output();
  int fd = ConnectLoopback(port);
  auto start = std::chrono::steady_clock::now();
  host->Signal(SIGKILL);
  EXPECT_TRUE(viewer->WaitForLine("The session ended", 2s)) << viewer->Output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(viewer->Wait(3s).has_value()) << "the viewer exits";
  close(fd);
}

TEST_F(TransportE2ETest, VanishedViewerIsReportedToTheHostWithin2s) {
  auto relay = d_.StartRelay();
  OneShotServer vnc(HoldOpen);
  auto [host, viewer, code, port] = d_.Join(vnc.port());
  ASSERT_NE(port, 0) << viewer->Output();
  ASSERT_TRUE(host->WaitForLine("A technician is connected", 5s));
  auto start = std::chrono::steady_clock::now();
  viewer->Signal(SIGKILL);
  EXPECT_TRUE(host->WaitForLine("The session ended", 2s)) << host->Output();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_NE(d_.WaitForCode(code), code) << "and the host shows a fresh code";
}

TEST_F(TransportE2ETest, HostComesBackAfterARelayRestart) {
  auto relay = d_.StartRelay();
  uint16_t port = d_.relay_port();
  OneShotServer vnc(HoldOpen);
  auto host = d_.StartHost(vnc.port());
  std::string code = d_.WaitForCode();
  relay->Signal(SIGTERM);
  EXPECT_EQ(relay->Wait(10s), 0) << "clean shutdown: " << relay->Output();
  EXPECT_TRUE(host->WaitForLine("the relay is restarting", 5s)) << host->Output();
  relay = d_.StartRelay({}, "127.0.0.1:" + std::to_string(port));
  std::string fresh = d_.WaitForCode(code);
  EXPECT_NE(fresh, code);
  auto viewer = d_.StartViewer(fresh);
  EXPECT_NE(ViewerPort(*viewer), 0) << viewer->Output();
}

TEST_F(TransportE2ETest, OversizedMessagesCloseOnlyTheirOwnConnection) {
  auto relay = d_.StartRelay();
  OneShotServer vnc(Echo);
  auto [host, viewer, code, port] = d_.Join(vnc.port());
  ASSERT_NE(port, 0) << viewer->Output();
  int fd = ConnectLoopback(port);

  // A control message far over its 4 KiB limit.
  auto big_text = RawRelayClient::Connect(d_.ca(), d_.relay_port(), "/v1/host");
  ASSERT_TRUE(big_text.ok()) << big_text.status().message();
  (*big_text)->SendText("{\"type\":\"hello\",\"proto\":1,\"role\":\"host\",\"mode\":\"" +
                        std::string(64 * 1024, 'x') + "\"}");
  auto answer = (*big_text)->Receive(5s);
  ASSERT_TRUE(answer.has_value());
  EXPECT_NE(answer->data.find("too_large"), std::string::npos) << answer->data;
  EXPECT_TRUE((*big_text)->EndsWithin(5s)) << "then the connection closes";

  // A binary frame over the 1 MiB frame limit from a waiting host.
  auto big_frame = RawRelayClient::Connect(d_.ca(), d_.relay_port(), "/v1/host");
  ASSERT_TRUE(big_frame.ok());
  (*big_frame)->SendText(R"({"type":"hello","proto":1,"role":"host","mode":"attended"})");
  auto np = (*big_frame)->Receive(5s);
  ASSERT_TRUE(np && np->data.find("nameplate") != std::string::npos);
  (*big_frame)->SendBinary(std::string(2u << 20, 'y'));
  auto refusal = (*big_frame)->Receive(5s);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->data.find("too_large"), std::string::npos) << refusal->data;
  EXPECT_TRUE((*big_frame)->EndsWithin(5s));

  // The session that was already running is untouched.
  const std::string probe = RandomBytes(100000, 7);
  ASSERT_TRUE(WriteAll(fd, probe));
  EXPECT_TRUE(ReadExactly(fd, probe.size(), 20s) == probe);
  EXPECT_TRUE(relay->Running());
  EXPECT_TRUE(relay->WaitForLine("sent an oversized message", 5s)) << relay->Output();
  EXPECT_EQ(relay->CountLines("sent an oversized message"), 2) << relay->Output();
  close(fd);
}

TEST_F(TransportE2ETest, SlowReaderBackPressuresTheHostAndRelayMemoryStaysBounded) {
  auto relay = d_.StartRelay();
  std::atomic<size_t> written{0};
  std::atomic<bool> stop{false};
  OneShotServer vnc([&](int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    const std::string chunk = RandomBytes(1u << 20, 3);
    while (!stop) {
      ssize_t n = send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        written += static_cast<size_t>(n);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        std::this_thread::sleep_for(5ms);  // the pipe is full: that is the point
      } else {
        break;
      }
    }
  });
  auto [host, viewer, code, port] = d_.Join(vnc.port());
  ASSERT_NE(port, 0) << viewer->Output();
  long baseline_kb = ProcStatusKb(relay->pid(), "VmRSS");
  int fd = ConnectLoopback(port);  // connected, but never reads
  long peak_kb = baseline_kb;
  auto until = std::chrono::steady_clock::now() + 6s;
  while (std::chrono::steady_clock::now() < until) {
    peak_kb = std::max(peak_kb, ProcStatusKb(relay->pid(), "VmRSS"));
    std::this_thread::sleep_for(100ms);
  }
  stop = true;
  size_t offered_mib = written / (1u << 20);
  std::printf("slow reader: source wrote %zu MiB in 6 s; relay RSS %ld -> %ld KiB\n", offered_mib,
              baseline_kb, peak_kb);
  // Unthrottled, loopback TLS moves well over 1 GiB in 6 s; back-pressure stops the source
  // once socket buffers and the bounded queues are full.
  EXPECT_LT(offered_mib, 160u);
  EXPECT_LT(peak_kb - baseline_kb, 48 * 1024) << "relay memory grew with the backlog";
  EXPECT_TRUE(relay->Running());
  close(fd);
}

TEST_F(TransportE2ETest, RelayCertificateFromAnotherCaIsRefused) {
  auto relay = d_.StartRelay();
  std::string other = d_.MakeOtherCa();
  Process host({BinPath("telemaint-host"), "--relay", d_.relay_url(), "--ca",
                other + "/ca.pem", "--vnc-server", "127.0.0.1:5900"});
  EXPECT_TRUE(host.WaitForLine("could not be verified", 10s)) << host.Output();
  Process viewer({BinPath("telemaint-viewer"), "--relay", d_.relay_url(), "--ca",
                  other + "/ca.pem", "--user", "alice", "--code", CodeForNameplate("12345"),
                  "--listen", "127.0.0.1:0", "--key-file", d_.key_file()},
                 {{"TELEMAINT_PASSWORD", kTechPassword}});
  EXPECT_EQ(viewer.Wait(15s), 1) << viewer.Output();
  EXPECT_TRUE(viewer.WaitForLine("could not be verified", 0s)) << viewer.Output();
}

TEST_F(TransportE2ETest, RelayCertificateForAnotherNameIsRefused) {
  // 127.0.0.2 is loopback but not in the certificate (localhost, 127.0.0.1, ::1).
  auto relay = d_.StartRelay({}, "127.0.0.2:0");
  Process host({BinPath("telemaint-host"), "--relay",
                "wss://127.0.0.2:" + std::to_string(d_.relay_port()), "--ca", d_.ca(),
                "--vnc-server", "127.0.0.1:5900"});
  EXPECT_TRUE(host.WaitForLine("could not be verified", 10s)) << host.Output();
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

TEST(StopTest, HostStopsAtOnceWhileWaitingToRetry) {
  Deployment d;
  uint16_t closed_port = ClosedLoopbackPort();
  Process host({BinPath("telemaint-host"), "--relay",
                "wss://localhost:" + std::to_string(closed_port), "--ca", d.ca(),
                "--vnc-server", "127.0.0.1:5900"});
  ASSERT_TRUE(host.WaitForLine("refused the connection", 10s)) << host.Output();
  ASSERT_TRUE(host.WaitForLine("Retrying in", 10s)) << host.Output();
  host.Signal(SIGINT);
  EXPECT_EQ(host.Wait(2s), 0) << host.Output();
}

TEST(StopTest, ViewerStoppedBeforeItsVncClientConnectsEndsTheSessionForBoth) {
  Deployment d;
  auto relay = d.StartRelay();
  OneShotServer vnc([](int fd) { ReadExactly(fd, 1, 20s); });
  auto [host, viewer, code, port] = d.Join(vnc.port());
  ASSERT_NE(port, 0) << viewer->Output();
  viewer->Signal(SIGINT);
  EXPECT_EQ(viewer->Wait(3s), 0) << viewer->Output();
  EXPECT_TRUE(host->WaitForLine("The session ended", 3s)) << host->Output();
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

TEST(StartupTest, EveryProgramExitsOneWhenItsLogFileCannotBeOpened) {
  Deployment d;
  const std::string bad_log = d.dir() / "no-such-dir/x.log";
  Process relay({BinPath("telemaint-relay"), "--listen", "127.0.0.1:0", "--cert",
                 d.dir() / "certs/relay.pem", "--key", d.dir() / "certs/relay.key",
                 "--data-dir", d.data_dir(), "--log-file", bad_log});
  Process host({BinPath("telemaint-host"), "--relay", "wss://localhost:1", "--ca", d.ca(),
                "--log-file", bad_log});
  Process viewer({BinPath("telemaint-viewer"), "--relay", "wss://localhost:1", "--ca", d.ca(),
                  "--user", "alice", "--code", CodeForNameplate("12345"), "--log-file", bad_log},
                 {{"TELEMAINT_PASSWORD", kTechPassword}});
  for (Process* p : {&relay, &host, &viewer}) {
    EXPECT_EQ(p->Wait(10s), 1) << p->Output();
    EXPECT_TRUE(p->WaitForLine("cannot open the log file", 0s)) << p->Output();
  }
}

}  // namespace
}  // namespace telemaint::testing
