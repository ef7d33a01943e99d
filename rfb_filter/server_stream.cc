#include "rfb_filter/server_stream.h"

#include <string>

#include "rfb_filter/tight.h"

namespace telemaint::rfb {
namespace {

Status OutOfTurn() { return Status::Protocol("it spoke before the viewer had answered"); }

std::string Size(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

}  // namespace

bool ScreenSizeAcceptable(int width, int height) {
  return width > 0 && height > 0 && width <= kMaxScreenSide && height <= kMaxScreenSide &&
         static_cast<long long>(width) * height <= kMaxScreenPixels;
}

Status ServerStream::OnHeader(ByteView h, Bytes& out) {
  switch (state_) {
    case State::kVersion: return OnVersion(h, out);
    case State::kSecurity: return OnSecurity(h, out);
    case State::kSecurity33: return OnSecurity33(h, out);
    case State::kSecurityList: return OnSecurityList(h, out);
    case State::kAfterChoice: return OnAfterChoice(h);
    case State::kChallenge: Go(State::kSecurityResult, h, out, 0, 4); return Status::Ok();
    case State::kSecurityResult: return OnSecurityResult(h, out);
    case State::kReasonLength: return OnReasonLength(h, out);
    case State::kClosed: return Status::Protocol("it sent data after refusing the connection");
    case State::kServerInitFirst:
      if (!n_.client_init_sent) return OutOfTurn();
      state_ = State::kServerInit;
      MoreHeader(24);
      return Status::Ok();
    case State::kServerInit: return OnServerInit(h, out);
    case State::kMessage: return OnMessage(h, out);
    case State::kUpdate: return OnUpdate(h, out);
    case State::kRect: return OnRect(h, out);
    case State::kCopyRect: return OnCopyRect(h, out);
    case State::kZrle: return OnZrle(h, out);
    case State::kTight: return OnTight(h, out);
    case State::kDesktopSize: return OnDesktopSize(h, out);
    case State::kCutText:  // dropped whole: the viewer takes no clipboard over RFB
      state_ = State::kMessage;
      Next(U32(h, 4), /*drop=*/true, 1);
      return Status::Ok();
  }
  return Status::Internal("RFB server stream in an unknown state");
}

void ServerStream::Go(State next, ByteView pass, Bytes& out, uint64_t body, size_t next_header) {
  Append(out, pass);
  state_ = next;
  Next(body, /*drop=*/false, next_header);
}

Status ServerStream::OnVersion(ByteView h, Bytes& out) {
  if (ProtocolMinor(h) == 0) return Status::Protocol("it does not speak RFB 3.3, 3.7 or 3.8");
  Go(State::kSecurity, h, out, 0, 1);
  return Status::Ok();
}

// The first byte after the client's ProtocolVersion: 3.3 imposes a type in four bytes, 3.7
// and 3.8 offer a list (or none, and a reason).
Status ServerStream::OnSecurity(ByteView h, Bytes& out) {
  if (n_.minor == 0) return OutOfTurn();
  if (n_.minor == 3) {
    state_ = State::kSecurity33;
    MoreHeader(4);
  } else if (h[0] == 0) {
    Go(State::kReasonLength, h, out, 0, 4);
  } else {
    state_ = State::kSecurityList;
    MoreHeader(1 + size_t{h[0]});
  }
  return Status::Ok();
}

Status ServerStream::OnSecurity33(ByteView h, Bytes& out) {
  const uint32_t type = U32(h, 0);
  if (type == 0) {
    Go(State::kReasonLength, h, out, 0, 4);
  } else if (type == uint32_t(SecurityType::kNone)) {
    n_.security = SecurityType::kNone;
    Go(State::kServerInitFirst, h, out, 0, 1);
  } else if (type == uint32_t(SecurityType::kVncAuth)) {
    n_.security = SecurityType::kVncAuth;
    Go(State::kChallenge, h, out, 0, 16);
  } else {
    return Status::Protocol("it imposed security type " + std::to_string(type));
  }
  return Status::Ok();
}

// The client may only pick None or VNC authentication: the channel around the stream is
// already authenticated, and libvncclient's other schemes are more code for a hostile peer.
Status ServerStream::OnSecurityList(ByteView h, Bytes& out) {
  Bytes kept{0};
  for (uint8_t type : h.subspan(1))
    if (type == uint8_t(SecurityType::kNone) || type == uint8_t(SecurityType::kVncAuth))
      kept.push_back(type);
  if (kept.size() == 1) return Status::Protocol("it offers no security type the viewer accepts");
  kept[0] = static_cast<uint8_t>(kept.size() - 1);
  Go(State::kAfterChoice, kept, out, 0, 1);
  return Status::Ok();
}

// The first byte the server sends after the client chose: a challenge, a SecurityResult (3.8)
// or at once the ServerInit (3.7 with None).
Status ServerStream::OnAfterChoice(ByteView h) {
  if (n_.security == SecurityType::kVncAuth) {
    state_ = State::kChallenge;
    MoreHeader(16);
  } else if (n_.security != SecurityType::kNone) {
    return OutOfTurn();
  } else if (n_.minor == 8) {
    state_ = State::kSecurityResult;
    MoreHeader(4);
  } else {
    if (!n_.client_init_sent) return OutOfTurn();
    state_ = State::kServerInit;
    MoreHeader(24);
  }
  return Status::Ok();
}

Status ServerStream::OnSecurityResult(ByteView h, Bytes& out) {
  if (U32(h, 0) == 0)
    Go(State::kServerInitFirst, h, out, 0, 1);
  else if (n_.minor == 8)
    Go(State::kReasonLength, h, out, 0, 4);
  else
    Go(State::kClosed, h, out, 0, 1);
  return Status::Ok();
}

Status ServerStream::OnReasonLength(ByteView h, Bytes& out) {
  const uint32_t length = U32(h, 0);
  if (length > kMaxReasonBytes)
    return Status::Protocol("it gave a reason " + std::to_string(length) + " bytes long");
  Go(State::kClosed, h, out, length, 1);
  return Status::Ok();
}

Status ServerStream::OnServerInit(ByteView h, Bytes& out) {
  const int width = U16(h, 0), height = U16(h, 2);
  if (!ScreenSizeAcceptable(width, height))
    return Status::Protocol("it announced a " + Size(width, height) + " screen");
  const PixelFormat f = ReadPixelFormat(h, 4);
  if (!KnownPixelSize(f))
    return Status::Protocol("it announced " + std::to_string(f.bits_per_pixel) + "-bit pixels");
  const uint32_t name = U32(h, 20);
  if (name > kMaxNameBytes)
    return Status::Protocol("it announced a desktop name " + std::to_string(name) + " bytes long");
  n_.width = width;
  n_.height = height;
  n_.format = f;
  Go(State::kMessage, h, out, name, 1);
  return Status::Ok();
}

Status ServerStream::OnMessage(ByteView h, Bytes& out) {
  switch (static_cast<ServerMessage>(h[0])) {
    case ServerMessage::kFramebufferUpdate:
      state_ = State::kUpdate;
      MoreHeader(4);
      return Status::Ok();
    case ServerMessage::kBell: Go(State::kMessage, h, out, 0, 1); return Status::Ok();
    case ServerMessage::kServerCutText:
      state_ = State::kCutText;
      MoreHeader(8);
      return Status::Ok();
    default:
      return Status::Protocol(std::string("it sent ") + ServerMessageName(h[0]) + " (type " +
                              std::to_string(h[0]) + "), which the viewer does not accept");
  }
}

Status ServerStream::OnUpdate(ByteView h, Bytes& out) {
  rects_left_ = U16(h, 2);
  if (rects_left_ == 0)
    Go(State::kMessage, h, out, 0, 1);
  else
    Go(State::kRect, h, out, 0, 12);
  return Status::Ok();
}

bool ServerStream::InFramebuffer(const Rect& r) const {
  return r.x + r.w <= n_.width && r.y + r.h <= n_.height;
}

void ServerStream::EndRect(ByteView h, Bytes& out, uint64_t body) {
  if (rects_left_ > 0)
    Go(State::kRect, h, out, body, 12);
  else
    Go(State::kMessage, h, out, body, 1);
}

Status ServerStream::OnRect(ByteView h, Bytes& out) {
  rect_ = {U16(h, 0), U16(h, 2), U16(h, 4), U16(h, 6)};
  const int32_t encoding = static_cast<int32_t>(U32(h, 8));
  --rects_left_;
  if (!n_.requested.count(encoding))
    return Status::Protocol(std::string("it sent a rectangle in ") + EncodingName(encoding) +
                            " (" + std::to_string(encoding) +
                            "), which the viewer did not ask for");
  if (encoding < 0) return OnPseudoRect(encoding, h, out);
  if (!InFramebuffer(rect_))
    return Status::Protocol("it sent a " + Size(rect_.w, rect_.h) + " rectangle at " +
                            std::to_string(rect_.x) + "," + std::to_string(rect_.y) +
                            ", outside its " + Size(n_.width, n_.height) + " screen");
  switch (static_cast<Encoding>(encoding)) {
    case Encoding::kRaw:
      EndRect(h, out, uint64_t(rect_.w) * rect_.h * (n_.format.bits_per_pixel / 8));
      return Status::Ok();
    case Encoding::kCopyRect: state_ = State::kCopyRect; MoreHeader(16); return Status::Ok();
    case Encoding::kZrle: state_ = State::kZrle; MoreHeader(16); return Status::Ok();
    case Encoding::kTight: state_ = State::kTight; MoreHeader(13); return Status::Ok();
    default: break;
  }
  return Status::Protocol(std::string("it sent a rectangle in ") + EncodingName(encoding) +
                          ", which the viewer does not decode");
}

Status ServerStream::OnPseudoRect(int32_t encoding, ByteView h, Bytes& out) {
  const Rect& r = rect_;
  switch (static_cast<Encoding>(encoding)) {
    case Encoding::kLastRect: rects_left_ = 0; EndRect(h, out, 0); return Status::Ok();
    case Encoding::kNewFbSize:
      if (!ScreenSizeAcceptable(r.w, r.h))
        return Status::Protocol("it resized its screen to " + Size(r.w, r.h));
      n_.width = r.w;
      n_.height = r.h;
      EndRect(h, out, 0);
      return Status::Ok();
    case Encoding::kPointerPos: EndRect(h, out, 0); return Status::Ok();
    case Encoding::kExtendedDesktopSize:
      if (!ScreenSizeAcceptable(r.w, r.h))
        return Status::Protocol("it resized its screen to " + Size(r.w, r.h));
      state_ = State::kDesktopSize;
      MoreHeader(16);  // the number of screens, then three bytes of padding
      return Status::Ok();
    case Encoding::kRichCursor:
    case Encoding::kXCursor: {
      if (r.w > kMaxCursorSide || r.h > kMaxCursorSide)
        return Status::Protocol("it sent a " + Size(r.w, r.h) + " pointer");
      const uint64_t mask = uint64_t((r.w + 7) / 8) * r.h;
      const uint64_t pixels = uint64_t(r.w) * r.h;
      const bool rich = encoding == int32_t(Encoding::kRichCursor);
      const uint64_t body = pixels == 0 ? 0
                            : rich     ? pixels * (n_.format.bits_per_pixel / 8) + mask
                                       : 6 + 2 * mask;
      EndRect(h, out, body);
      return Status::Ok();
    }
    default: break;
  }
  return Status::Protocol(std::string("it sent a ") + EncodingName(encoding) +
                          " rectangle, which the viewer does not take");
}

Status ServerStream::OnCopyRect(ByteView h, Bytes& out) {
  const Rect source{U16(h, 12), U16(h, 14), rect_.w, rect_.h};
  if (!InFramebuffer(source))
    return Status::Protocol("it copied a rectangle from outside its screen");
  EndRect(h, out, 0);
  return Status::Ok();
}

// A ZRLE rectangle's zlib data; twice its raw size is far more than zlib ever makes of it.
Status ServerStream::OnZrle(ByteView h, Bytes& out) {
  const uint64_t length = U32(h, 12);
  const uint64_t bound = 2 * uint64_t(rect_.w) * rect_.h * 4 + 65536;
  if (length > bound)
    return Status::Protocol("it sent " + std::to_string(length) + " bytes of ZRLE for a " +
                            Size(rect_.w, rect_.h) + " rectangle");
  EndRect(h, out, length);
  return Status::Ok();
}

// The number of screens, then (the header grown to hold them) the screens: libvncclient takes
// the new size only when every screen has an id and a size, and so must the bounds here.
Status ServerStream::OnDesktopSize(ByteView h, Bytes& out) {
  const size_t screens = h[12];
  if (screens > kMaxDesktopScreens)
    return Status::Protocol("it listed " + std::to_string(screens) + " screens");
  if (h.size() < 16 + 16 * screens) {
    MoreHeader(16 + 16 * screens);
    return Status::Ok();
  }
  bool valid = true;
  for (size_t at = 16; at < h.size(); at += 16)
    valid = valid && U32(h, at) != 0 && U16(h, at + 8) != 0 && U16(h, at + 10) != 0;
  if (valid) {
    n_.width = rect_.w;
    n_.height = rect_.h;
  }
  EndRect(h, out, 0);
  return Status::Ok();
}

Status ServerStream::OnTight(ByteView h, Bytes& out) {
  const TightHeader t = ParseTightHeader(h.subspan(12), rect_.w, rect_.h, n_.format);
  if (!t.error.ok()) return Status::Protocol("it sent " + t.error.message());
  if (t.need > 0) {
    MoreHeader(12 + t.need);
    return Status::Ok();
  }
  EndRect(h, out, t.body);
  return Status::Ok();
}

}  // namespace telemaint::rfb
