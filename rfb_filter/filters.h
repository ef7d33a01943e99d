#pragma once
// The RFB allow-lists each end puts between the channel and its RFB library
// (docs/threat-model.md, "The RFB parsers"). Owned by the session's Tunnel; io thread only.
#include <memory>

#include "peer/stream_filter.h"
#include "rfb_filter/client_stream.h"
#include "rfb_filter/negotiated.h"
#include "rfb_filter/server_stream.h"

namespace telemaint::rfb {

// The viewer's, in front of its own libvncclient (window and snapshot): the host's stream is
// checked by ServerStream; our client's SetEncodings is cut down to what we decode.
class ViewerRfbFilter : public peer::StreamFilter {
 public:
  ViewerRfbFilter();
  Status FromPeer(ByteView in, Bytes& out) override;
  Status FromLocal(ByteView in, Bytes& out) override;
  bool InspectsLocal() const override { return true; }

 private:
  Negotiated negotiated_;
  ServerStream server_{negotiated_};
  ClientStream client_;
};

// The host's, in front of the built-in libvncserver: the technician's stream may carry only
// what a viewer needs, and input only while the person allows control. The server's own
// stream passes as it is.
class HostRfbFilter : public peer::StreamFilter {
 public:
  HostRfbFilter();
  Status FromPeer(ByteView in, Bytes& out) override;
  // Never called by the tunnel (InspectsLocal is false); passes everything.
  Status FromLocal(ByteView in, Bytes& out) override;
  bool InspectsLocal() const override { return false; }
  // Key, pointer and cut text from now on pass (control) or are dropped (view only, before
  // the person answered).
  void SetInputAllowed(bool allowed) { client_.SetInputAllowed(allowed); }
  uint64_t dropped_input() const { return client_.dropped(); }

 private:
  Negotiated negotiated_;
  ClientStream client_;
};

// The encodings each side keeps in a SetEncodings.
ClientRules ViewerClientRules();
ClientRules HostClientRules();

}  // namespace telemaint::rfb
