// The host's built-in VNC server (libvncserver inside telemaint-host, no listening socket,
// X11 capture): a real VNC client through the viewer sees the host's screen, pixel for pixel.
#include <gtest/gtest.h>

#include "tests/support/deployment.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

TEST(BuiltInScreenTest, VncClientThroughTheViewerSeesTheHostScreenExactly) {
  Deployment d;
  VirtualDisplay x("640x480x24");
  auto logo = x.Run({"/usr/bin/xlogo", "-geometry", "300x200+40+60"});
  auto eyes = x.Run({"/usr/bin/xeyes", "-geometry", "200x150+380+260"});
  // The reference: x11vnc reading the same display, straight, once the drawing has settled.
  Process ref({"/usr/bin/x11vnc", "-display", x.name(), "-localhost", "-autoport", "5990",
               "-nopw", "-forever", "-shared", "-nocursor"});
  auto port_line = ref.WaitForLine("PORT=", 20s);
  ASSERT_TRUE(port_line.has_value()) << ref.Output();
  uint16_t ref_port = static_cast<uint16_t>(std::stoi(port_line->substr(port_line->find('=') + 1)));
  std::string direct, previous;
  for (int i = 0; i < 20 && (direct.empty() || direct != previous); ++i) {
    previous = direct;
    direct = LosslessSnapshot(ref_port, d.dir() / "direct.jpg");
  }
  ASSERT_FALSE(direct.empty());
  ASSERT_EQ(direct, previous) << "the screen never settled";

  auto relay = d.StartRelay();
  auto [host, viewer, code, port] = d.JoinBuiltIn(x.name());
  ASSERT_NE(port, 0) << viewer->Output() << host->Output();
  std::string through = LosslessSnapshot(port, d.dir() / "through.jpg");
  ASSERT_FALSE(through.empty()) << viewer->Output() << host->Output();
  EXPECT_GT(through.size(), 3000u);
  EXPECT_TRUE(through == direct) << "the built-in server's picture differs from the screen";
}

TEST(BuiltInScreenTest, HostWithoutAUsableDisplaySaysSo) {
  Deployment d;
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(":987");
  EXPECT_EQ(host->Wait(10s), 1) << host->Output();
  EXPECT_TRUE(host->WaitForLine("cannot open the X display ':987'", 0s)) << host->Output();
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

TEST(ViewerSnapshotTest, ViewerFramebufferEqualsTheHostScreenPixelForPixel) {
  Deployment d;
  VirtualDisplay x("640x480x24");
  // A drawing with many colours and edges: two X clients and a coloured background.
  auto logo = x.Run({"/usr/bin/xlogo", "-geometry", "300x200+40+60", "-fg", "#d02060", "-bg",
                     "#20a0f0"});
  auto eyes = x.Run({"/usr/bin/xeyes", "-geometry", "200x150+380+260"});
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(x.name());
  std::string code = d.WaitForCode();
  // The screen settles when two root captures agree.
  std::optional<RgbImage> screen, previous;
  for (int i = 0; i < 20 && (!screen || !(screen == previous)); ++i) {
    previous = screen;
    screen = CaptureRoot(x, d.dir() / "root.xwd");
  }
  ASSERT_TRUE(screen.has_value());
  ASSERT_TRUE(screen == previous) << "the screen never settled";

  std::string out = d.dir() / "viewer.ppm";
  auto viewer = d.StartViewer(code, {"--snapshot", out, "--quality", "lossless"});
  ASSERT_EQ(viewer->Wait(60s), 0) << viewer->Output() << host->Output();
  EXPECT_TRUE(viewer->WaitForLine("Saved a 640x480 picture", 0s)) << viewer->Output();
  auto seen = ReadPpm(out);
  ASSERT_TRUE(seen.has_value());
  ASSERT_EQ(seen->width, screen->width);
  ASSERT_EQ(seen->height, screen->height);
  EXPECT_EQ(CountDifferingPixels(*seen, *screen), 0u)
      << "pixels differ between the host screen and the viewer";
  EXPECT_TRUE(host->WaitForLine("The session ended", 5s)) << host->Output();
}

TEST(ViewerSnapshotTest, PngSnapshotIsWritten) {
  Deployment d;
  VirtualDisplay x("320x240x24");
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(x.name());
  std::string out = d.dir() / "screen.png";
  auto viewer = d.StartViewer(d.WaitForCode(), {"--snapshot", out, "--quality", "low"});
  ASSERT_EQ(viewer->Wait(60s), 0) << viewer->Output();
  std::string png = ReadFile(out);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

TEST(TigerVncTest, TigerVncViewerOnTheLocalPortShowsTheHostScreen) {
  Deployment d;
  VirtualDisplay host_x("640x480x24");
  // Static content only: xeyes would follow the pointer and change the picture under us.
  auto logo = host_x.Run({"/usr/bin/xlogo", "-geometry", "300x200+40+60", "-fg", "#d02060",
                          "-bg", "#20a0f0"});
  auto logo2 = host_x.Run({"/usr/bin/xlogo", "-geometry", "200x150+380+260", "-fg", "#10c040",
                           "-bg", "#fff0a0"});
  auto relay = d.StartRelay();
  auto [host, viewer, code, port] = d.JoinBuiltIn(host_x.name());
  ASSERT_NE(port, 0) << viewer->Output();
  std::optional<RgbImage> screen, previous;
  for (int i = 0; i < 20 && (!screen || !(screen == previous)); ++i) {
    previous = screen;
    screen = CaptureRoot(host_x, d.dir() / "host.xwd");
  }
  ASSERT_TRUE(screen.has_value());

  // The technician's desktop: TigerVNC full screen on a display of the same size, lossless.
  VirtualDisplay tech_x("640x480x24");
  auto tiger = tech_x.Run({"/usr/bin/vncviewer", "-FullScreen", "-PreferredEncoding=ZRLE",
                           "-AutoSelect=0", "-FullColor=1", "-NoJPEG=1", "-DotWhenNoCursor=0",
                           "-Shared=1", "-ViewOnly=1", "127.0.0.1::" + std::to_string(port)});
  // The picture is there once the technician's screen matches the customer's closely enough
  // (TigerVNC may draw its own cursor somewhere): poll, bounded.
  size_t best = SIZE_MAX;
  for (int i = 0; i < 100 && best > 0; ++i) {
    auto shown = CaptureRoot(tech_x, d.dir() / "tech.xwd");
    auto now = CaptureRoot(host_x, d.dir() / "host.xwd");
    if (shown && now) best = std::min(best, CountDifferingPixels(*shown, *now));
    if (best > 0) std::this_thread::sleep_for(100ms);  // polling the picture, bounded
  }
  std::printf("TigerVNC picture: %zu of 307200 pixels differ\n", best);
  EXPECT_EQ(best, 0u) << tiger->Output() << viewer->Output();
}

}  // namespace
}  // namespace telemaint::testing

namespace telemaint::testing {
namespace {

TEST(ViewerSnapshotTest, TheBuiltInServerServesSessionAfterSession) {
  Deployment d;
  VirtualDisplay x("320x240x24");
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(x.name());
  std::string code;
  for (int i = 0; i < 3; ++i) {
    code = d.WaitForCode(code);
    std::string out = d.dir() / ("shot" + std::to_string(i) + ".ppm");
    auto viewer = d.StartViewer(code, {"--snapshot", out}, "alice", kTechPassword,
                                "viewer" + std::to_string(i));
    ASSERT_EQ(viewer->Wait(60s), 0) << "session " << i << "\n" << viewer->Output()
                                    << host->Output();
    auto picture = ReadPpm(out);
    ASSERT_TRUE(picture.has_value());
    EXPECT_EQ(picture->width, 320);
  }
  EXPECT_TRUE(host->Running());
}

}  // namespace
}  // namespace telemaint::testing
