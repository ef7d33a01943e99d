// End to end with real third-party programs: Xvfb and x11vnc on the customer's side, and
// vncsnapshot (a TightVNC-based client) reading the session through telemaint-viewer's local
// port. The picture must be the one the same client gets straight from x11vnc.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/deployment.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

bool HaveProgram(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"})
    if (std::filesystem::exists(std::string(dir) + name)) return true;
  return false;
}

TEST(ThirdPartyTest, VncClientThroughTheViewerSeesTheHostScreen) {
  // scripts/setup.sh installs these; a missing one is a failure, not a reason to skip.
  for (const char* p : {"Xvfb", "x11vnc", "xlogo", "xeyes", "vncsnapshot"})
    ASSERT_TRUE(HaveProgram(p)) << p << " is not installed (run scripts/setup.sh)";
  Deployment d;
  VirtualDisplay x("800x600x24");
  const std::string display = x.name();
  std::map<std::string, std::string> env = x.env();
  Process logo({"/usr/bin/xlogo", "-geometry", "300x200+40+60"}, env);
  Process eyes({"/usr/bin/xeyes", "-geometry", "200x150+420+300"}, env);
  Process vnc({"/usr/bin/x11vnc", "-display", display, "-localhost", "-autoport", "5990",
               "-nopw", "-forever", "-shared", "-nocursor"});
  auto port_line = vnc.WaitForLine("PORT=", 20s);
  ASSERT_TRUE(port_line.has_value()) << vnc.Output();
  uint16_t vnc_port = static_cast<uint16_t>(std::stoi(port_line->substr(port_line->find('=') + 1)));

  // The reference: straight from x11vnc, once the drawing has settled (two equal pictures).
  std::string direct, previous;
  for (int i = 0; i < 20 && (direct.empty() || direct != previous); ++i) {
    previous = direct;
    direct = LosslessSnapshot(vnc_port, d.dir() / "direct.jpg");
  }
  ASSERT_FALSE(direct.empty());
  ASSERT_EQ(direct, previous) << "the host screen never settled";

  auto relay = d.StartRelay();
  auto [host, viewer, code, port] = d.Join(vnc_port);
  ASSERT_NE(port, 0) << viewer->Output();
  std::string through = LosslessSnapshot(port, d.dir() / "through.jpg");
  ASSERT_FALSE(through.empty()) << viewer->Output();
  EXPECT_GT(through.size(), 5000u) << "a real picture, not a blank one";
  EXPECT_TRUE(through == direct) << "the picture through telemaint differs from the screen";
}

}  // namespace
}  // namespace telemaint::testing
