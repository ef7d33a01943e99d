#include "rfb_filter/client_stream.h"

#include <string>

namespace telemaint::rfb {

Status ClientStream::OnHeader(ByteView h, Bytes& out) {
  switch (state_) {
    case State::kVersion: return OnVersion(h, out);
    case State::kChoice: return OnChoice(h, out);
    case State::kAfterVersion33: return OnAfterVersion33(h, out);
    case State::kAuthResponse: Go(State::kClientInit, h, out, 1); return Status::Ok();
    case State::kClientInit: return OnClientInit(h, out);
    case State::kMessage: return OnMessage(h);
    case State::kPixelFormat: return OnPixelFormat(h, out);
    case State::kEncodingsCount: return OnEncodingsCount(h, out);
    case State::kEncodings: return OnEncodings(h, out);
    case State::kPass: Go(State::kMessage, h, out, 1); return Status::Ok();
    case State::kInput:
      if (InputPasses())
        Append(out, h);
      else
        ++dropped_;
      Go(State::kMessage, {}, out, 1);
      return Status::Ok();
    case State::kCutText: return OnCutText(h, out);
    case State::kDesktopSize:  // the host's screen is the customer's: dropped whole
      ++dropped_;
      state_ = State::kMessage;
      Next(16u * h[6], /*drop=*/true, 1);
      return Status::Ok();
  }
  return Status::Internal("RFB client stream in an unknown state");
}

void ClientStream::Go(State next, ByteView pass, Bytes& out, size_t next_header) {
  Append(out, pass);
  state_ = next;
  Next(0, /*drop=*/false, next_header);
}

Status ClientStream::OnVersion(ByteView h, Bytes& out) {
  n_.minor = ProtocolMinor(h);
  if (n_.minor == 0) return Status::Protocol("it does not speak RFB 3.3, 3.7 or 3.8");
  Go(n_.minor == 3 ? State::kAfterVersion33 : State::kChoice, h, out, 1);
  return Status::Ok();
}

Status ClientStream::OnChoice(ByteView h, Bytes& out) {
  if (h[0] == uint8_t(SecurityType::kNone)) {
    n_.security = SecurityType::kNone;
    Go(State::kClientInit, h, out, 1);
  } else if (h[0] == uint8_t(SecurityType::kVncAuth) && rules_.vnc_auth) {
    n_.security = SecurityType::kVncAuth;
    Go(State::kAuthResponse, h, out, 16);
  } else {
    return Status::Protocol("it chose security type " + std::to_string(h[0]));
  }
  return Status::Ok();
}

// In 3.3 the server imposed the type: this byte begins the response to a challenge, or it is
// the ClientInit.
Status ClientStream::OnAfterVersion33(ByteView h, Bytes& out) {
  if (n_.security == SecurityType::kVncAuth && rules_.vnc_auth) {
    state_ = State::kAuthResponse;
    MoreHeader(16);
    return Status::Ok();
  }
  if (n_.security != SecurityType::kNone)
    return Status::Protocol("it spoke before the server had chosen a security type");
  return OnClientInit(h, out);
}

Status ClientStream::OnClientInit(ByteView h, Bytes& out) {
  n_.client_init_sent = true;
  Go(State::kMessage, h, out, 1);
  return Status::Ok();
}

Status ClientStream::OnMessage(ByteView h) {
  size_t length = 0;
  State next = State::kPass;
  switch (static_cast<ClientMessage>(h[0])) {
    case ClientMessage::kSetPixelFormat: length = 20; next = State::kPixelFormat; break;
    case ClientMessage::kSetEncodings: length = 4; next = State::kEncodingsCount; break;
    case ClientMessage::kFramebufferUpdateRequest: length = 10; break;
    case ClientMessage::kKeyEvent: length = 8; next = State::kInput; break;
    case ClientMessage::kPointerEvent: length = 6; next = State::kInput; break;
    case ClientMessage::kClientCutText: length = 8; next = State::kCutText; break;
    case ClientMessage::kSetDesktopSize:
      if (!rules_.drop_desktop_size) break;
      length = 8;
      next = State::kDesktopSize;
      break;
    default: break;
  }
  if (length == 0)
    return Status::Protocol(std::string(ClientMessageName(h[0])) + " (type " +
                            std::to_string(h[0]) + ") is not allowed");
  state_ = next;
  MoreHeader(length);
  return Status::Ok();
}

Status ClientStream::OnPixelFormat(ByteView h, Bytes& out) {
  const PixelFormat f = ReadPixelFormat(h, 4);
  if (!KnownPixelSize(f))
    return Status::Protocol("a pixel format of " + std::to_string(f.bits_per_pixel) + " bits");
  if (!f.true_colour && !rules_.colour_map)
    return Status::Protocol("a pixel format with a colour map");
  n_.format = f;
  Go(State::kMessage, h, out, 1);
  return Status::Ok();
}

Status ClientStream::OnEncodingsCount(ByteView h, Bytes& out) {
  const uint16_t count = U16(h, 2);
  if (count > kMaxEncodings)
    return Status::Protocol("a list of " + std::to_string(count) + " encodings");
  if (count == 0) {
    Go(State::kMessage, h, out, 1);
    return Status::Ok();
  }
  state_ = State::kEncodings;
  MoreHeader(4 + 4 * size_t{count});
  return Status::Ok();
}

// Only the encodings this side takes stay in the list, in the client's order of preference.
Status ClientStream::OnEncodings(ByteView h, Bytes& out) {
  Bytes kept;
  uint16_t count = 0;
  for (size_t at = 4; at < h.size(); at += 4) {
    const int32_t encoding = static_cast<int32_t>(U32(h, at));
    if (!rules_.encodings.count(encoding)) continue;
    n_.requested.insert(encoding);
    PutU32(kept, static_cast<uint32_t>(encoding));
    ++count;
  }
  Bytes message{h[0], h[1]};
  PutU16(message, count);
  Append(message, kept);
  Go(State::kMessage, message, out, 1);
  return Status::Ok();
}

Status ClientStream::OnCutText(ByteView h, Bytes& out) {
  const uint32_t length = U32(h, 4);
  const bool passes = InputPasses() && length <= rules_.max_cut_text;
  if (passes) Append(out, h);
  if (!passes) ++dropped_;
  state_ = State::kMessage;
  Next(length, /*drop=*/!passes, 1);
  return Status::Ok();
}

}  // namespace telemaint::rfb
