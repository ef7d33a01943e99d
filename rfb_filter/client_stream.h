#pragma once
// ClientStream: what a VNC client sends to a VNC server, checked against one side's rules.
// On the host it is the technician's (untrusted) stream into the built-in server: only the
// messages a viewer needs, keys, pointer and cut text only while the person allowed control,
// encodings reduced to those the host serves. On the viewer it is our own libvncclient's
// stream: its SetEncodings is reduced to what the viewer decodes (so the host is never asked
// for more), and what it chose is noted for ServerStream.
// Same thread as its owner; `negotiated` outlives it.
#include <cstdint>
#include <set>

#include "rfb_filter/item_stream.h"
#include "rfb_filter/negotiated.h"

namespace telemaint::rfb {

struct ClientRules {
  std::set<int32_t> encodings;  // what a SetEncodings keeps; the rest is taken out
  bool gate_input = false;      // key, pointer and cut text pass only while input is allowed
  bool vnc_auth = false;        // VNC authentication may be chosen (else only None)
  bool colour_map = false;      // a pixel format without true colour may be set
  bool drop_desktop_size = false;  // SetDesktopSize is dropped (else refused)
  uint32_t max_cut_text = 1u << 20;
};

class ClientStream : public ItemStream {
 public:
  ClientStream(Negotiated& negotiated, ClientRules rules)
      : n_(negotiated), rules_(std::move(rules)) {}
  void SetInputAllowed(bool allowed) { input_allowed_ = allowed; }
  // Key and pointer events, cut texts and desktop size requests taken out so far.
  uint64_t dropped() const { return dropped_; }

  static constexpr uint16_t kMaxEncodings = 1024;

 private:
  enum class State {
    kVersion, kChoice, kAfterVersion33, kAuthResponse, kClientInit,
    kMessage, kPixelFormat, kEncodingsCount, kEncodings, kPass, kInput, kCutText,
    kDesktopSize,
  };

  Status OnHeader(ByteView h, Bytes& out) override;
  Status OnVersion(ByteView h, Bytes& out);
  Status OnChoice(ByteView h, Bytes& out);
  Status OnAfterVersion33(ByteView h, Bytes& out);
  Status OnClientInit(ByteView h, Bytes& out);
  Status OnMessage(ByteView h);
  Status OnPixelFormat(ByteView h, Bytes& out);
  Status OnEncodingsCount(ByteView h, Bytes& out);
  Status OnEncodings(ByteView h, Bytes& out);
  Status OnCutText(ByteView h, Bytes& out);
  bool InputPasses() const { return !rules_.gate_input || input_allowed_; }
  void Go(State next, ByteView pass, Bytes& out, size_t next_header);

  Negotiated& n_;
  const ClientRules rules_;
  State state_ = State::kVersion;
  bool input_allowed_ = false;
  uint64_t dropped_ = 0;
};

}  // namespace telemaint::rfb
