// The host's built-in RFB server (libvncserver) and the viewer's RFB client (libvncclient)
// talking over the socketpair a session uses, with a synthetic desktop: no X, no relay.
#include "host/rfb_server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "host/synthetic_desktop.h"
#include "viewer/rfb_snapshot.h"

namespace telemaint::host {
namespace {

using namespace std::chrono_literals;

struct Served {
  SyntheticDesktop* desktop;
  std::unique_ptr<RfbServer> server;
};

Served Serve(int w, int h) {
  auto desktop = std::make_unique<SyntheticDesktop>(w, h);
  SyntheticDesktop* raw = desktop.get();
  auto server = RfbServer::Start(std::move(desktop));
  EXPECT_TRUE(server.ok()) << server.status().message();
  return Served{raw, std::move(*server)};
}

TEST(RfbServerTest, ClientSeesTheScreenExactlyInLosslessMode) {
  auto s = Serve(320, 200);
  auto fd = s.server->NewSession();
  ASSERT_TRUE(fd.ok());
  auto picture = viewer::TakeSnapshot(*fd, viewer::Quality::kLossless, 30s);
  ASSERT_TRUE(picture.ok()) << picture.status().message();
  EXPECT_EQ(picture->width, 320);
  EXPECT_EQ(picture->height, 200);
  EXPECT_TRUE(picture->rgb == s.desktop->Rgb());
}

TEST(RfbServerTest, LowQualityIsCloseToTheScreen) {
  auto s = Serve(320, 200);
  auto fd = s.server->NewSession();
  auto picture = viewer::TakeSnapshot(*fd, viewer::Quality::kLow, 30s);
  ASSERT_TRUE(picture.ok()) << picture.status().message();
  auto expected = s.desktop->Rgb();
  ASSERT_EQ(picture->rgb.size(), expected.size());
  double total = 0;
  for (size_t i = 0; i < expected.size(); ++i)
    total += std::abs(static_cast<int>(picture->rgb[i]) - static_cast<int>(expected[i]));
  EXPECT_LT(total / expected.size(), 12.0) << "JPEG may blur, not replace, the picture";
}

TEST(RfbServerTest, LaterSessionsSeeChangesAndEachEndReleasesInput) {
  auto s = Serve(200, 100);
  for (int i = 0; i < 3; ++i) {
    s.desktop->Fill(Rect{10 * i, 10, 50, 40}, 0x30c0ff - i * 0x100000);
    auto fd = s.server->NewSession();
    auto picture = viewer::TakeSnapshot(*fd, viewer::Quality::kLossless, 30s);
    ASSERT_TRUE(picture.ok()) << "session " << i << ": " << picture.status().message();
    EXPECT_TRUE(picture->rgb == s.desktop->Rgb()) << "session " << i;
  }
  // Each client's departure released the input (no stuck keys between sessions).
  auto deadline = std::chrono::steady_clock::now() + 5s;
  long released = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto events = s.desktop->Events();
    released = std::count(events.begin(), events.end(), "release all");
    if (released == 3) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(released, 3);
}

TEST(RfbServerTest, GarbageFromTheClientSideEndsOnlyThatSession) {
  auto s = Serve(64, 64);
  auto bad = s.server->NewSession();
  ASSERT_TRUE(bad.ok());
  const char junk[] = "GET / HTTP/1.1\r\n\r\nthis is not RFB at all";
  ASSERT_GT(write(*bad, junk, sizeof junk), 0);
  close(*bad);
  auto fd = s.server->NewSession();
  auto picture = viewer::TakeSnapshot(*fd, viewer::Quality::kLossless, 30s);
  ASSERT_TRUE(picture.ok()) << picture.status().message();
  EXPECT_TRUE(picture->rgb == s.desktop->Rgb());
}

}  // namespace
}  // namespace telemaint::host

namespace telemaint::host {
namespace {

// The part of a packed RGB picture inside `r`.
std::vector<uint8_t> CropRgb(const std::vector<uint8_t>& rgb, int width, const Rect& r) {
  std::vector<uint8_t> out;
  for (int y = r.y; y < r.y + r.h; ++y)
    out.insert(out.end(), rgb.begin() + (static_cast<size_t>(y) * width + r.x) * 3,
               rgb.begin() + (static_cast<size_t>(y) * width + r.x + r.w) * 3);
  return out;
}

TEST(RfbServerTest, AChosenMonitorIsServedAloneAndMonitorChangesAreReported) {
  auto s = Serve(300, 100);
  std::mutex mu;
  std::vector<std::vector<Monitor>> reported;
  s.server->OnMonitorsChanged([&](std::vector<Monitor> m) {
    std::lock_guard lock(mu);
    reported.push_back(std::move(m));
  });
  std::vector<Monitor> monitors = {{"left", Rect{0, 0, 100, 100}},
                                   {"right", Rect{100, 20, 200, 80}}};
  s.desktop->SetMonitors(monitors);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (s.server->Monitors().size() != 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(s.server->Monitors(), monitors);
  {
    std::lock_guard lock(mu);
    ASSERT_FALSE(reported.empty());
    EXPECT_EQ(reported.back(), monitors);
  }
  s.server->ShowMonitor(1);
  auto fd = s.server->NewSession();
  auto picture = viewer::TakeSnapshot(*fd, viewer::Quality::kLossless, 30s);
  ASSERT_TRUE(picture.ok()) << picture.status().message();
  EXPECT_EQ(picture->width, 200);
  EXPECT_EQ(picture->height, 80);
  EXPECT_TRUE(picture->rgb == CropRgb(s.desktop->Rgb(), 300, Rect{100, 20, 200, 80}));
  // An index that does not exist is the whole screen.
  s.server->ShowMonitor(7);
  fd = s.server->NewSession();
  picture = viewer::TakeSnapshot(*fd, viewer::Quality::kLossless, 30s);
  ASSERT_TRUE(picture.ok()) << picture.status().message();
  EXPECT_EQ(picture->width, 300);
  EXPECT_TRUE(picture->rgb == s.desktop->Rgb());
}

}  // namespace
}  // namespace telemaint::host
