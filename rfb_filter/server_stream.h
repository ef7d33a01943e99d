#pragma once
// ServerStream: what an untrusted VNC server (the customer's side, which a scammer may play)
// may send to the viewer's own libvncclient. The handshake in turn (nothing before the client
// spoke), only security None or VNC authentication offered on, a ServerInit of a sane size and
// name, then only FramebufferUpdate, Bell and ServerCutText (dropped: the viewer takes no
// clipboard over RFB). Rectangles must be in an encoding the client asked for (see
// ClientStream's rewrite), inside the framebuffer, with bounded bodies; cursors at most
// kMaxCursorSide. Everything else is refused before libvncclient parses a byte of it.
// Same thread as its owner; `negotiated` outlives it.
#include <cstdint>

#include "rfb_filter/item_stream.h"
#include "rfb_filter/negotiated.h"

namespace telemaint::rfb {

inline constexpr int kMaxScreenSide = 16384;
inline constexpr long long kMaxScreenPixels = 64ll << 20;  // a 256 MiB picture at 32 bits
inline constexpr int kMaxCursorSide = 256;
inline constexpr uint32_t kMaxNameBytes = 1024;
inline constexpr uint32_t kMaxReasonBytes = 4096;
inline constexpr int kMaxDesktopScreens = 16;

// Each side positive and at most kMaxScreenSide, kMaxScreenPixels in all.
bool ScreenSizeAcceptable(int width, int height);

class ServerStream : public ItemStream {
 public:
  explicit ServerStream(Negotiated& negotiated) : n_(negotiated) {}

 private:
  enum class State {
    kVersion, kSecurity, kSecurity33, kSecurityList, kAfterChoice, kChallenge,
    kSecurityResult, kReasonLength, kClosed, kServerInitFirst, kServerInit,
    kMessage, kUpdate, kRect, kCopyRect, kZrle, kTight, kCutText, kDesktopSize,
  };
  struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
  };

  Status OnHeader(ByteView h, Bytes& out) override;
  Status OnVersion(ByteView h, Bytes& out);
  Status OnSecurity(ByteView h, Bytes& out);
  Status OnSecurity33(ByteView h, Bytes& out);
  Status OnSecurityList(ByteView h, Bytes& out);
  Status OnAfterChoice(ByteView h);
  Status OnSecurityResult(ByteView h, Bytes& out);
  Status OnReasonLength(ByteView h, Bytes& out);
  Status OnServerInit(ByteView h, Bytes& out);
  Status OnMessage(ByteView h, Bytes& out);
  Status OnUpdate(ByteView h, Bytes& out);
  Status OnRect(ByteView h, Bytes& out);
  Status OnPseudoRect(int32_t encoding, ByteView h, Bytes& out);
  Status OnCopyRect(ByteView h, Bytes& out);
  Status OnZrle(ByteView h, Bytes& out);
  Status OnTight(ByteView h, Bytes& out);
  Status OnDesktopSize(ByteView h, Bytes& out);
  // Passes the header, then the rectangle's body; the next rectangle or message follows.
  void EndRect(ByteView h, Bytes& out, uint64_t body);
  void Go(State next, ByteView pass, Bytes& out, uint64_t body, size_t next_header);
  bool InFramebuffer(const Rect& r) const;

  Negotiated& n_;
  State state_ = State::kVersion;
  uint32_t rects_left_ = 0;
  Rect rect_;
};

}  // namespace telemaint::rfb
