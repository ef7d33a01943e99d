// The RFB allow-lists of both ends (rfb_filter/): what legitimate streams look like after them,
// and what each refuses or drops, fed whole and byte by byte.
#include <gtest/gtest.h>

#include <string>

#include "rfb_filter/filters.h"
#include "rfb_filter/item_stream.h"
#include "rfb_filter/tight.h"

namespace telemaint::rfb {
namespace {

Bytes B(std::initializer_list<int> v) {
  Bytes b;
  for (int x : v) b.push_back(static_cast<uint8_t>(x));
  return b;
}
Bytes S(const std::string& s) { return Bytes(s.begin(), s.end()); }
Bytes operator+(Bytes a, const Bytes& b) {
  Append(a, b);
  return a;
}
Bytes U16b(int v) { Bytes b; PutU16(b, static_cast<uint16_t>(v)); return b; }
Bytes U32b(uint32_t v) { Bytes b; PutU32(b, v); return b; }

const Bytes kVersion = S("RFB 003.008\n");

Bytes ServerInit(int w, int h, uint32_t name_length = 4) {
  return U16b(w) + U16b(h) + B({32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 0, 8, 16, 0, 0, 0}) +
         U32b(name_length) + (name_length == 4 ? S("test") : Bytes{});
}
Bytes SetEncodings(std::initializer_list<int32_t> list) {
  Bytes m = B({2, 0}) + U16b(static_cast<int>(list.size()));
  for (int32_t e : list) m = m + U32b(static_cast<uint32_t>(e));
  return m;
}
Bytes Rect(int x, int y, int w, int h, int32_t encoding) {
  return U16b(x) + U16b(y) + U16b(w) + U16b(h) + U32b(static_cast<uint32_t>(encoding));
}
Bytes Update(int rects) { return B({0, 0}) + U16b(rects); }
const Bytes kPixelFormat32 =
    B({0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 0, 8, 16, 0, 0, 0});
// What libvncclient asks for with "tight zrle copyrect raw" and a JPEG quality.
const Bytes kLibvncclientEncodings =
    SetEncodings({7, 16, 1, 0, -247, -24, -240, -239, -232, -261, -223, -308, -224,
                  int32_t(0xFFFE0000), int32_t(0xFFFE0001), int32_t(0xFFFE0003), -309, -258});

// A viewer filter driven to the first server message: 3.8, None, ServerInit 640x480, and our
// client's format and encodings sent.
struct ViewerAtSession {
  ViewerRfbFilter f;
  Bytes to_client, to_server;
  ViewerAtSession() {
    EXPECT_TRUE(f.FromPeer(kVersion, to_client).ok());
    EXPECT_TRUE(f.FromLocal(kVersion, to_server).ok());
    EXPECT_TRUE(f.FromPeer(B({1, 1}), to_client).ok());
    EXPECT_TRUE(f.FromLocal(B({1}), to_server).ok());
    EXPECT_TRUE(f.FromPeer(U32b(0), to_client).ok());
    EXPECT_TRUE(f.FromLocal(B({1}), to_server).ok());  // ClientInit
    EXPECT_TRUE(f.FromPeer(ServerInit(640, 480), to_client).ok());
    EXPECT_TRUE(f.FromLocal(kPixelFormat32 + kLibvncclientEncodings, to_server).ok());
    to_client.clear();
    to_server.clear();
  }
  Status Server(const Bytes& b) { return f.FromPeer(b, to_client); }
};

TEST(ViewerRfbFilterTest, HandshakePassesUnchangedAndEncodingsAreCutToWhatTheViewerDecodes) {
  ViewerRfbFilter f;
  Bytes to_client, to_server;
  const Bytes handshake = kVersion + B({1, 1}) + U32b(0) + ServerInit(640, 480);
  ASSERT_TRUE(f.FromPeer(kVersion, to_client).ok());
  ASSERT_TRUE(f.FromLocal(kVersion + B({1, 1}), to_server).ok());
  ASSERT_TRUE(f.FromPeer(B({1, 1}) + U32b(0) + ServerInit(640, 480), to_client).ok());
  EXPECT_EQ(to_client, handshake);
  to_server.clear();
  ASSERT_TRUE(f.FromLocal(kPixelFormat32 + kLibvncclientEncodings, to_server).ok());
  EXPECT_EQ(to_server,
            kPixelFormat32 +
                SetEncodings({7, 16, 1, 0, -247, -24, -240, -239, -232, -223, -308, -224}));
}

TEST(ViewerRfbFilterTest, SecurityOffersAreCutToNoneAndVncAuthentication) {
  ViewerRfbFilter f;
  Bytes to_client, to_server;
  ASSERT_TRUE(f.FromPeer(kVersion, to_client).ok());
  ASSERT_TRUE(f.FromLocal(kVersion, to_server).ok());
  to_client.clear();
  ASSERT_TRUE(f.FromPeer(B({4, 30, 2, 19, 1}), to_client).ok());
  EXPECT_EQ(to_client, B({2, 2, 1}));
  ViewerRfbFilter only_ard;
  ASSERT_TRUE(only_ard.FromPeer(kVersion, to_client).ok());
  ASSERT_TRUE(only_ard.FromLocal(kVersion, to_server).ok());
  EXPECT_FALSE(only_ard.FromPeer(B({1, 30}), to_client).ok());
}

TEST(ViewerRfbFilterTest, ServerThatSpeaksBeforeTheClientAnsweredIsRefused) {
  ViewerRfbFilter f;
  Bytes out;
  Status s = f.FromPeer(kVersion + B({1, 1}), out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("before the viewer had answered"), std::string::npos) << s.message();
  EXPECT_EQ(out, kVersion);  // what came before the refusal passed, nothing after
}

TEST(ViewerRfbFilterTest, HostileServerInitsAreRefused) {
  for (const Bytes& init : {ServerInit(65535, 65535), ServerInit(16385, 1), ServerInit(0, 480),
                            ServerInit(640, 480, 0xFFFFFFFF)}) {
    ViewerRfbFilter f;
    Bytes to_client, to_server;
    ASSERT_TRUE(f.FromPeer(kVersion, to_client).ok());
    ASSERT_TRUE(f.FromLocal(kVersion + B({1, 1}), to_server).ok());
    EXPECT_FALSE(f.FromPeer(B({1, 1}) + U32b(0) + init, to_client).ok());
  }
}

TEST(ViewerRfbFilterTest, LegitimateUpdatesPassWholeAndByteByByte) {
  const Bytes raw = Update(1) + Rect(0, 0, 2, 2, 0) + Bytes(16, 0xAB);
  const Bytes zrle = Update(1) + Rect(10, 10, 64, 64, 16) + U32b(5) + B({1, 2, 3, 4, 5});
  const Bytes copy = Update(1) + Rect(0, 0, 10, 10, 1) + U16b(100) + U16b(100);
  const Bytes fill = Update(1) + Rect(0, 0, 100, 100, 7) + B({0x80, 1, 2, 3});
  const Bytes jpeg = Update(1) + Rect(0, 0, 100, 100, 7) + B({0x90, 0x81, 0x01}) + Bytes(129, 7);
  const Bytes palette = Update(1) + Rect(0, 0, 100, 4, 7) + B({0x40, 1, 1, 0, 0, 0, 9, 9, 9}) +
                        B({50}) + Bytes(50, 1);  // 2 colours: 1 bit per pixel, 13 bytes a row
  const Bytes cursor = Update(1) + Rect(1, 1, 8, 8, -239) + Bytes(8 * 8 * 4 + 8, 0);
  const Bytes last = Update(0xFFFF) + Rect(0, 0, 1, 1, 0) + Bytes(4, 0) + Rect(0, 0, 0, 0, -224);
  const Bytes resize = Update(1) + Rect(0, 0, 1920, 1080, -223);
  const Bytes desktop = Update(1) + Rect(0, 0, 800, 600, -308) + B({1, 0, 0, 0}) + U32b(1) +
                        U16b(0) + U16b(0) + U16b(800) + U16b(600) + U32b(0) + Update(1) +
                        Rect(700, 500, 1, 1, 0) + B({1, 2, 3, 4});  // inside the new size
  const Bytes bell_cut = B({2}) + B({3, 0, 0, 0}) + U32b(3) + S("abc") + B({2});
  const Bytes* all[] = {&raw,  &zrle,   &copy,    &fill,    &jpeg,    &palette,
                       &cursor, &last, &resize, &desktop, &bell_cut};
  for (const Bytes* each : all) {
    const Bytes& m = *each;
    ViewerAtSession whole;
    ASSERT_TRUE(whole.Server(m).ok());
    ViewerAtSession bytewise;
    for (uint8_t b : m) ASSERT_TRUE(bytewise.Server(B({b})).ok());
    EXPECT_EQ(whole.to_client, bytewise.to_client);
    if (each == &bell_cut)
      EXPECT_EQ(whole.to_client, B({2, 2}));  // cut text dropped whole
    else
      EXPECT_EQ(whole.to_client, m);
  }
}

TEST(ViewerRfbFilterTest, RectanglesTheViewerDidNotAskForOrOutOfBoundsAreRefused) {
  struct Case {
    Bytes message;
    std::string says;
  };
  const Case cases[] = {
      {Update(1) + Rect(0, 0, 8, 8, 2) + U32b(0) + B({0, 0, 0, 0}), "RRE"},
      {Update(1) + Rect(0, 0, 16, 16, 5) + B({1}), "Hextile"},
      {Update(1) + Rect(0, 0, 16, 16, 10) + U32b(100), "UltraZip"},
      {Update(1) + Rect(0, 0, 16, 16, -261), "KeyboardLedState"},
      {Update(1) + Rect(0, 0, 800, 600, -308) + B({17, 0, 0, 0}), "17 screens"},
      {Update(1) + Rect(630, 0, 16, 16, 0), "outside"},
      {Update(1) + Rect(0, 0, 16, 16, 1) + U16b(630) + U16b(0), "outside"},
      {Update(1) + Rect(0, 0, 16385, 1, -223), "resized"},
      {Update(1) + Rect(0, 0, 65535, 65535, -239), "pointer"},
      {Update(1) + Rect(0, 0, 16, 16, 16) + U32b(0x7FFFFFFF), "ZRLE"},
      {Update(2) + Rect(0, 0, 4000, 3000, -223) + Rect(0, 0, 2049, 1, 7) + B({0x00}), "wide"},
      {Update(1) + Rect(0, 0, 16, 16, 7) + B({0xA0}), "Tight"},
      {B({1, 0, 0, 0, 0, 1}), "SetColourMapEntries"},
      {B({150}), "EndOfContinuousUpdates"},
  };
  for (const Case& c : cases) {
    ViewerAtSession v;
    Status s = v.Server(c.message);
    ASSERT_FALSE(s.ok()) << c.says;
    EXPECT_NE(s.message().find(c.says), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("the customer's computer"), std::string::npos) << s.message();
    EXPECT_FALSE(v.Server(B({2})).ok()) << "a refused stream stays refused";
  }
}

// libvncclient keeps its size when a listed screen has no id or no size; the bounds follow it.
TEST(ViewerRfbFilterTest, AnExtendedDesktopSizeWithAnInvalidScreenDoesNotMoveTheBounds) {
  ViewerAtSession v;
  const Bytes bogus = Update(1) + Rect(0, 0, 4000, 3000, -308) + B({1, 0, 0, 0}) + U32b(0) +
                      U16b(0) + U16b(0) + U16b(4000) + U16b(3000) + U32b(0);
  ASSERT_TRUE(v.Server(bogus).ok());
  Status s = v.Server(Update(1) + Rect(1000, 0, 1, 1, 0) + B({1, 2, 3, 4}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("outside its 640x480 screen"), std::string::npos) << s.message();
}

TEST(HostRfbFilterTest, InputPassesOnlyUnderControlAndLargeCutTextIsDropped) {
  HostRfbFilter f;
  Bytes out;
  ASSERT_TRUE(f.FromPeer(kVersion + B({1, 1}), out).ok());
  const Bytes key = B({4, 1, 0, 0}) + U32b(0x61);
  const Bytes pointer = B({5, 1}) + U16b(10) + U16b(10);
  const Bytes cut = B({6, 0, 0, 0}) + U32b(2) + S("hi");
  out.clear();
  ASSERT_TRUE(f.FromPeer(key + pointer + cut, out).ok());  // before any answer
  EXPECT_TRUE(out.empty());
  f.SetInputAllowed(true);
  ASSERT_TRUE(f.FromPeer(key + pointer + cut, out).ok());
  EXPECT_EQ(out, key + pointer + cut);
  out.clear();
  // A 16 MiB cut text streams past without being held, and what follows still passes.
  ASSERT_TRUE(f.FromPeer(B({6, 0, 0, 0}) + U32b(16u << 20), out).ok());
  Bytes chunk(1 << 20, 'x');
  for (int i = 0; i < 16; ++i) ASSERT_TRUE(f.FromPeer(chunk, out).ok());
  ASSERT_TRUE(f.FromPeer(key, out).ok());
  EXPECT_EQ(out, key);
  f.SetInputAllowed(false);
  out.clear();
  ASSERT_TRUE(f.FromPeer(key + B({3, 0}) + U16b(0) + U16b(0) + U16b(10) + U16b(10), out).ok());
  EXPECT_EQ(out, B({3, 0}) + U16b(0) + U16b(0) + U16b(10) + U16b(10));
  EXPECT_EQ(f.dropped_input(), 5u);
}

TEST(HostRfbFilterTest, MessagesNoViewerNeedsAreRefusedAndEncodingsCut) {
  for (const auto& [message, name] : std::initializer_list<std::pair<Bytes, std::string>>{
           {B({8, 0, 0, 2}), "SetScale"},
           {B({11, 0, 0, 0}) + U32b(0xFFFFFFFF), "TextChat"},
           {B({7, 1, 0, 0}) + U32b(0) + U32b(0), "FileTransfer"},
           {B({250, 0, 1, 2}), "xvp"},
           {B({255, 0}), "QEMU"},
           {B({9, 1, 0, 0}), "SetServerInput"}}) {
    HostRfbFilter f;
    Bytes out;
    ASSERT_TRUE(f.FromPeer(kVersion + B({1, 1}), out).ok());
    Status s = f.FromPeer(message, out);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_NE(s.message().find(name), std::string::npos) << s.message();
  }
  HostRfbFilter f;
  Bytes out;
  ASSERT_TRUE(f.FromPeer(kVersion + B({1, 1}), out).ok());
  out.clear();
  ASSERT_TRUE(f.FromPeer(SetEncodings({5, 16, -308, -312, -313, -258, 0}), out).ok());
  EXPECT_EQ(out, SetEncodings({5, 16, -308, 0}));
  out.clear();
  // A SetDesktopSize (which ExtendedDesktopSize invites) is dropped whole, screens and all.
  const Bytes request = B({3, 1}) + U16b(0) + U16b(0) + U16b(8) + U16b(8);
  ASSERT_TRUE(f.FromPeer(B({251, 0}) + U16b(800) + U16b(600) + B({2, 0}) + Bytes(32, 7) + request,
                         out)
                  .ok());
  EXPECT_EQ(out, request);
  EXPECT_FALSE(f.FromPeer(B({2, 0}) + U16b(5000), out).ok()) << "an endless encodings list";
}

TEST(HostRfbFilterTest, OnlySecurityNoneAndKnownVersionsAreAccepted) {
  Bytes out;
  HostRfbFilter vnc_auth;
  EXPECT_FALSE(vnc_auth.FromPeer(kVersion + B({2}), out).ok());
  HostRfbFilter odd_version;
  EXPECT_FALSE(odd_version.FromPeer(S("RFB 003.889\n"), out).ok());
  HostRfbFilter v33;  // 3.3: no choice byte, the ClientInit follows the version
  out.clear();
  ASSERT_TRUE(v33.FromPeer(S("RFB 003.003\n") + B({1}) + B({3, 0}) + Bytes(8, 0), out).ok());
  EXPECT_EQ(out.size(), 12u + 1 + 10);
}

TEST(TightHeaderTest, LengthsOfEachKind) {
  PixelFormat f;  // 32 bits, depth 24: 3-byte Tight pixels
  EXPECT_EQ(ParseTightHeader(B({0x80}), 10, 10, f).need, 4u);
  EXPECT_EQ(ParseTightHeader(B({0x90, 0xFF, 0xFF}), 10, 10, f).need, 4u);
  auto jpeg = ParseTightHeader(B({0x90, 0xFF, 0xFF, 0xFF}), 10, 10, f);
  EXPECT_EQ(jpeg.need, 0u);
  EXPECT_EQ(jpeg.body, (0x7Full | 0x7Full << 7 | 0xFFull << 14));
  auto tiny = ParseTightHeader(B({0x00}), 2, 1, f);  // 6 bytes of rows: sent as they are
  EXPECT_EQ(tiny.need, 0u);
  EXPECT_EQ(tiny.body, 6u);
  EXPECT_EQ(ParseTightHeader(B({0x40, 1, 255}), 10, 10, f).need, 3u + 256 * 3);
  EXPECT_FALSE(ParseTightHeader(B({0x40, 3}), 10, 10, f).error.ok());
}

}  // namespace
}  // namespace telemaint::rfb
