#pragma once
// StreamFilter: what a Tunnel lets through between the channel and its local RFB stream. Each
// side installs the allow-list for the RFB end it protects (rfb_filter/filters.h). Called on the io
// thread only, in stream order for each direction.
#include "common/bytes.h"
#include "common/status.h"

namespace telemaint::peer {

class StreamFilter {
 public:
  virtual ~StreamFilter() = default;
  // Bytes from the other side, before they reach the local stream: what may pass is appended
  // to `out`. An error ends the session (a protocol error); its message is for a person.
  virtual Status FromPeer(ByteView in, Bytes& out) = 0;
  // Bytes from the local stream before they are sealed for the other side; called only when
  // InspectsLocal (otherwise they pass as they are, without a copy: the screen's direction).
  virtual Status FromLocal(ByteView in, Bytes& out) = 0;
  virtual bool InspectsLocal() const = 0;
};

}  // namespace telemaint::peer
