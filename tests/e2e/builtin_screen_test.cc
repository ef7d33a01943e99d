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
  auto host = d.StartBuiltInHost(x.name());
  auto viewer = d.StartViewer(d.WaitForCode());
  uint16_t port = ViewerPort(*viewer);
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
  size_t differing = 0;
  for (size_t i = 0; i < seen->rgb.size(); i += 3)
    differing += seen->rgb[i] != screen->rgb[i] || seen->rgb[i + 1] != screen->rgb[i + 1] ||
                 seen->rgb[i + 2] != screen->rgb[i + 2];
  EXPECT_EQ(differing, 0u) << "pixels differ between the host screen and the viewer";
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
