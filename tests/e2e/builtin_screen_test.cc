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
