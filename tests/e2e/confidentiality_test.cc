// What the relay and the logs can see. The relay runs in-process here so that the test can tap
// every binary frame it forwards; host and viewer are the real programs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "common/log.h"
#include "tests/support/deployment.h"
#include "tests/support/in_process_relay.h"
#include "tests/support/tcp.h"

namespace telemaint::testing {
namespace {

TEST(ConfidentialityTest, RelayForwardsOnlyCiphertextAndNoLogHoldsASecret) {
  Deployment d;
  std::string relay_log = d.log_file("relay");
  InProcessRelay relay(d, relay_log);
  OneShotServer vnc(Echo);
  auto host = d.StartHost(vnc.port());
  std::string code = d.WaitForCode();
  auto viewer = d.StartViewer(code, {"--ticket", "T-1234"});
  uint16_t port = ViewerPort(*viewer);
  ASSERT_NE(port, 0) << viewer->Output();

  const std::string marker = "TELEMAINT-MARKER-4f1c9e2a7b3d5e6f-PLAINTEXT";
  std::string payload;
  for (int i = 0; i < 200; ++i) payload += marker;
  int fd = ConnectLoopback(port);
  ASSERT_TRUE(WriteAll(fd, payload));
  std::string echoed = ReadExactly(fd, payload.size(), 20s);
  ASSERT_TRUE(echoed == payload) << "the marker made the round trip";
  close(fd);
  ASSERT_TRUE(viewer->Wait(10s).has_value());
  ASSERT_TRUE(host->WaitForLine("The session ended", 5s));

  std::string forwarded = relay.forwarded();
  EXPECT_GT(forwarded.size(), 2 * payload.size()) << "the relay did carry the session";
  EXPECT_EQ(forwarded.find(marker.substr(0, 16)), std::string::npos)
      << "plaintext seen by the relay";
  EXPECT_EQ(forwarded.find(marker.substr(20, 16)), std::string::npos);

  // No log line anywhere holds the secret digits, the whole code, or the password.
  const std::string secret = code.substr(5, 6);
  for (const std::string& log_path : {relay_log, d.log_file("host"), d.log_file("viewer")}) {
    std::string content = ReadFile(log_path);
    ASSERT_FALSE(content.empty()) << log_path << " is empty";
    EXPECT_EQ(content.find(secret), std::string::npos) << "secret digits in " << log_path;
    EXPECT_EQ(content.find(code), std::string::npos) << "code in " << log_path;
    EXPECT_EQ(content.find(kTechPassword), std::string::npos) << "password in " << log_path;
  }
  // The relay's log does say who met whom, for which ticket, without content.
  std::string relay_content = ReadFile(relay_log);
  EXPECT_NE(relay_content.find("technician 'alice'"), std::string::npos) << relay_content;
  EXPECT_NE(relay_content.find("ticket T-1234"), std::string::npos) << relay_content;
}

}  // namespace
}  // namespace telemaint::testing
