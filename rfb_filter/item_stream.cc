#include "rfb_filter/item_stream.h"

#include "rfb_filter/negotiated.h"

#include <algorithm>
#include <string_view>

namespace telemaint::rfb {

Status ItemStream::Feed(ByteView in, Bytes& out) {
  if (!refused_.ok()) return refused_;
  while (!in.empty()) {
    if (body_left_ > 0) {
      const size_t take = static_cast<size_t>(std::min<uint64_t>(body_left_, in.size()));
      if (!drop_body_) Append(out, in.first(take));
      body_left_ -= take;
      in = in.subspan(take);
      continue;
    }
    const size_t take = std::min(want_ - header_.size(), in.size());
    Append(header_, in.first(take));
    in = in.subspan(take);
    while (header_.size() == want_ && body_left_ == 0) {
      if (Status s = Step(out); !s.ok()) {
        refused_ = s;
        return s;
      }
    }
  }
  return Status::Ok();
}

// One decision on a complete header: a longer header, or the body and the next item.
Status ItemStream::Step(Bytes& out) {
  extended_ = false;
  if (Status s = OnHeader(header_, out); !s.ok()) return s;
  if (extended_ && want_ <= header_.size())
    return Status::Internal("an RFB stream header that does not grow");
  if (!extended_) header_.clear();
  if (want_ == 0) return Status::Internal("an RFB stream item of no length");
  return Status::Ok();
}

void ItemStream::Next(uint64_t body, bool drop, size_t next_header) {
  body_left_ = body;
  drop_body_ = drop;
  want_ = next_header;
}

PixelFormat ReadPixelFormat(ByteView h, size_t at) {
  PixelFormat f;
  f.bits_per_pixel = h[at];
  f.depth = h[at + 1];
  f.true_colour = h[at + 3] != 0;
  f.red_max = U16(h, at + 4);
  f.green_max = U16(h, at + 6);
  f.blue_max = U16(h, at + 8);
  return f;
}

bool KnownPixelSize(const PixelFormat& f) {
  return f.bits_per_pixel == 8 || f.bits_per_pixel == 16 || f.bits_per_pixel == 32;
}

int ProtocolMinor(ByteView v) {
  if (v.size() != 12) return 0;
  const std::string_view s = AsChars(v);
  if (s == "RFB 003.003\n") return 3;
  if (s == "RFB 003.007\n") return 7;
  if (s == "RFB 003.008\n") return 8;
  return 0;
}

}  // namespace telemaint::rfb
