// Both RFB ends against a hostile other end, through the real relay, host and viewer: a VNC
// server playing a scammer's host against the viewer's own RFB client (the process that holds
// the technician's key; the viewer here is the sanitized build's), and a raw VNC client
// playing a hostile viewer against a view-only host. Each session ends cleanly with a plain message, and the program on the other side
// carries on.
#include <gtest/gtest.h>

#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "tests/support/deployment.h"
#include "tests/support/tcp.h"
#include "tests/support/window.h"
#include "tests/support/xserver.h"

namespace telemaint::testing {
namespace {

std::string U16s(int v) { return {char(v >> 8), char(v & 0xFF)}; }
std::string U32s(uint32_t v) { return U16s(int(v >> 16)) + U16s(int(v & 0xFFFF)); }
std::string Rect(int x, int y, int w, int h, int32_t encoding) {
  return U16s(x) + U16s(y) + U16s(w) + U16s(h) + U32s(static_cast<uint32_t>(encoding));
}
std::string Update(int rects) { return std::string("\0\0", 2) + U16s(rects); }
std::string ServerInit(int w, int h, uint32_t name_length = 4) {
  const char format[16] = {32, 24, 0, 1, 0, char(255), 0, char(255), 0, char(255), 0, 8, 16};
  return U16s(w) + U16s(h) + std::string(format, 16) + U32s(name_length) +
         (name_length == 4 ? "evil" : "");
}

// A VNC server speaking RFB 3.8 with security None that sends `init` as its ServerInit, notes
// the encodings the client asks for, and answers its first update request with `update`.
class HostileVncServer {
 public:
  HostileVncServer(std::string init, std::string update)
      : server_([this, init, update](int fd) { Serve(fd, init, update); }) {}
  uint16_t port() const { return server_.port(); }
  std::set<int32_t> asked() {
    std::lock_guard lock(mu_);
    return asked_;
  }

 private:
  void Serve(int fd, const std::string& init, const std::string& update) {
    WriteAll(fd, "RFB 003.008\n");
    if (ReadExactly(fd, 12, 20s).size() != 12) return;
    WriteAll(fd, std::string("\x01\x01", 2));
    ReadExactly(fd, 1, 10s);
    WriteAll(fd, std::string(4, '\0'));
    ReadExactly(fd, 1, 10s);  // ClientInit
    WriteAll(fd, init);
    if (ReadExactly(fd, 20, 10s).size() != 20) return;  // SetPixelFormat
    const std::string head = ReadExactly(fd, 4, 10s);
    if (head.size() != 4 || head[0] != 2) return;
    const size_t count = (uint8_t(head[2]) << 8) | uint8_t(head[3]);
    const std::string list = ReadExactly(fd, 4 * count, 10s);
    {
      std::lock_guard lock(mu_);
      for (size_t at = 0; at + 4 <= list.size(); at += 4) {
        uint32_t e = 0;
        for (int i = 0; i < 4; ++i) e = e << 8 | uint8_t(list[at + i]);
        asked_.insert(static_cast<int32_t>(e));
      }
    }
    ReadExactly(fd, 10, 10s);  // FramebufferUpdateRequest
    WriteAll(fd, update);
    HoldOpen(fd);
  }

  std::mutex mu_;
  std::set<int32_t> asked_;
  OneShotServer server_;
};

struct HostileCase {
  const char* what;
  std::string init, update;
};

TEST(HostileHostTest, TheViewerRefusesWhatItDidNotAskForAndEndsTheSessionCleanly) {
  const std::string tile(16 * 16 * 4, '\x55');
  const HostileCase cases[] = {
      {"RRE rectangle", ServerInit(640, 480), Update(1) + Rect(0, 0, 16, 16, 2) + U32s(1) + tile},
      {"Hextile rectangle", ServerInit(640, 480),
       Update(1) + Rect(0, 0, 16, 16, 5) + "\x01" + tile},
      {"UltraZip rectangle", ServerInit(640, 480),
       Update(1) + Rect(0, 0, 16, 16, 10) + U32s(0x7FFFFFFF) + tile},
      {"65535x65535 ServerInit", ServerInit(65535, 65535), ""},
      {"4 GiB desktop name", ServerInit(640, 480, 0xFFFFFFFF), ""},
      {"NewFBSize 16385x1", ServerInit(640, 480), Update(1) + Rect(0, 0, 16385, 1, -223)},
      {"65535x65535 cursor", ServerInit(640, 480),
       Update(1) + Rect(0, 0, 65535, 65535, -239) + tile},
  };
  for (const HostileCase& c : cases) {
    SCOPED_TRACE(c.what);
    Deployment d;
    // The viewer built with AddressSanitizer and UndefinedBehaviorSanitizer (build/asan).
    d.set_viewer_program(TELEMAINT_BIN_DIR "/../asan/bin/telemaint-viewer");
    HostileVncServer vnc(c.init, c.update);
    auto relay = d.StartRelay();
    auto host = d.StartHost(vnc.port());
    const std::string code = d.WaitForCode();
    auto viewer = d.StartViewer(code, {"--snapshot", d.dir() / "shot.png"});
    EXPECT_EQ(viewer->Wait(30s), 5) << viewer->Output();
    EXPECT_TRUE(viewer->WaitForLine("the customer's computer sent screen data the viewer refuses",
                                    0s))
        << viewer->Output();
    // The client never asked for the encodings it does not decode, nor for extensions.
    for (int32_t never : {2, 4, 5, 6, 9, 10, -261, -309, -258})
      EXPECT_EQ(vnc.asked().count(never), 0u) << "asked for encoding " << never;
    // The host carries on with a new code.
    EXPECT_NO_THROW(d.WaitForCode(code)) << host->Output();
    EXPECT_TRUE(host->Running());
  }
}

// A raw VNC client behind the viewer's local port: it sends keys before the customer answered,
// goes on under view only (pointer, keys, a 16 MiB cut text, a desktop size), then a message no
// viewer needs.
TEST(HostileViewerTest, AViewOnlyHostLetsNothingThroughAndRefusesWhatNoViewerNeeds) {
  VirtualDisplay x("640x480x24");
  Deployment d;
  const std::string typed = d.dir() / "typed";
  auto reader = StartLineReader(x, typed, "80x4+0+0");
  ASSERT_TRUE(reader);
  auto relay = d.StartRelay();
  auto host = d.StartBuiltInHost(x.name(), {}, "host", /*auto_allow=*/false);
  const std::string key_a = std::string("\x04\x01\0\0", 4) + U32s('a');
  const std::string key_up = std::string("\x04\x00\0\0", 4) + U32s('a');
  const std::string enter = std::string("\x04\x01\0\0", 4) + U32s(0xff0d) +
                            std::string("\x04\x00\0\0", 4) + U32s(0xff0d);
  const std::string click = std::string("\x05\x01", 2) + U16s(40) + U16s(20) +
                            std::string("\x05\x00", 2) + U16s(40) + U16s(20);
  const std::pair<const char*, std::string> refused[] = {
      {"SetScale", std::string("\x08\0\0\x02", 4)},
      {"TextChat", std::string("\x0b\0\0\0", 4) + U32s(0xFFFFFFFF)},
      {"FileTransfer", std::string("\x07\x01\0\0", 4) + U32s(0) + U32s(0)},
      {"xvp", std::string("\xfa\0\x01\x02", 4)},
  };
  std::string code;
  int asked = 0;
  for (const auto& [name, message] : refused) {
    SCOPED_TRACE(name);
    code = d.WaitForCode(code);
    auto viewer = d.StartViewer(code);
    const uint16_t port = ViewerPort(*viewer);
    ASSERT_NE(port, 0) << viewer->Output();
    const int fd = ConnectLoopback(port);
    ASSERT_GE(fd, 0);
    // Queued before the customer answered: handshake, then keys.
    WriteAll(fd, "RFB 003.008\n" + std::string("\x01\x01", 2) + click + key_a + key_up + enter);
    ++asked;
    for (int i = 0; i < 200 && host->CountLines("or deny [d]?") < asked; ++i)
      std::this_thread::sleep_for(100ms);
    ASSERT_EQ(host->CountLines("or deny [d]?"), asked) << host->Output();
    host->Write("v\n");
    ASSERT_TRUE(viewer->WaitForLine("The customer allowed viewing only", 10s)) << viewer->Output();
    WriteAll(fd, click + key_a + key_up + enter);
    WriteAll(fd, std::string("\x06\0\0\0", 4) + U32s(16u << 20));
    const std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 16; ++i) ASSERT_TRUE(WriteAll(fd, chunk));
    // A SetDesktopSize is dropped: the customer's screen keeps its size.
    WriteAll(fd, std::string("\xfb\0", 2) + U16s(800) + U16s(600) + std::string("\x01\0", 2) +
                     std::string(16, '\0'));
    WriteAll(fd, message);
    EXPECT_TRUE(host->WaitForLine(std::string("refuses (") + name, 20s)) << host->Output();
    EXPECT_TRUE(viewer->Wait(20s).has_value()) << viewer->Output();
    close(fd);
    EXPECT_FALSE(WaitForFileContent(typed, "", 500ms).has_value())
        << "a key reached the customer's screen in view-only mode";
    EXPECT_TRUE(host->Running());
  }
}

}  // namespace
}  // namespace telemaint::testing
