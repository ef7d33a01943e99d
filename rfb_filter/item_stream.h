#pragma once
// ItemStream: cuts one direction of an RFB byte stream into items, each a header read whole
// (small and bounded) and then a body that streams through or is dropped without being held.
// Subclasses decide in OnHeader what the header means, what of it to let through, how long the
// body is and what comes next. After a refusal the stream stays refused. Not thread-safe: one
// owner (the session's io thread).
#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/status.h"

namespace telemaint::rfb {

class ItemStream {
 public:
  virtual ~ItemStream() = default;
  // Appends to `out` what may pass of `in`. An error names what was refused; everything that
  // came before it has been passed already, nothing from it on.
  Status Feed(ByteView in, Bytes& out);

 protected:
  // The header in hand (`header`) has the length last asked for. The subclass either asks for
  // a longer header (MoreHeader) or finishes the item (Next), or refuses.
  virtual Status OnHeader(ByteView header, Bytes& out) = 0;
  // The current item's header is `total` bytes long, not complete yet.
  void MoreHeader(size_t total) { want_ = total; extended_ = true; }
  // The current item ends with a body of `body` bytes (passed on, or dropped when `drop`);
  // the next item's header starts with `next_header` bytes.
  void Next(uint64_t body, bool drop, size_t next_header);

 private:
  Status Step(Bytes& out);

  Bytes header_;
  size_t want_ = 12;  // both directions start with a 12-byte ProtocolVersion
  uint64_t body_left_ = 0;
  bool drop_body_ = false;
  bool extended_ = false;
  Status refused_;
};

// Big-endian fields of a header (the caller has checked the length).
inline uint16_t U16(ByteView b, size_t at) { return static_cast<uint16_t>(b[at] << 8 | b[at + 1]); }
inline uint32_t U32(ByteView b, size_t at) {
  return static_cast<uint32_t>(b[at]) << 24 | static_cast<uint32_t>(b[at + 1]) << 16 |
         static_cast<uint32_t>(b[at + 2]) << 8 | b[at + 3];
}
inline void PutU16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
inline void PutU32(Bytes& out, uint32_t v) {
  PutU16(out, static_cast<uint16_t>(v >> 16));
  PutU16(out, static_cast<uint16_t>(v));
}

// "RFB 003.008\n" → 8; 3.3, 3.7 and 3.8 are the versions there are. 0: anything else.
int ProtocolMinor(ByteView version);

}  // namespace telemaint::rfb
