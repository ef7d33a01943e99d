#include "rfb_filter/tight.h"

#include <string>

namespace telemaint::rfb {
namespace {

constexpr int kFill = 8, kJpeg = 9;
constexpr uint8_t kExplicitFilter = 0x04;
constexpr uint8_t kCopyFilter = 0, kPaletteFilter = 1, kGradientFilter = 2;
constexpr uint64_t kMinToCompress = 12;  // shorter data is sent as it is

TightHeader Need(size_t n) { return {n, 0, Status::Ok()}; }
TightHeader Body(uint64_t n) { return {0, n, Status::Ok()}; }
TightHeader Refuse(const std::string& why) { return {0, 0, Status::Protocol(why)}; }

// A length in one to three bytes, seven bits each (the last one eight), at `at`.
TightHeader CompactLength(ByteView h, size_t at) {
  uint64_t value = 0;
  for (int i = 0; i < 3; ++i) {
    if (h.size() <= at + i) return Need(at + i + 1);
    const uint8_t b = h[at + i];
    value |= static_cast<uint64_t>(i == 2 ? b : (b & 0x7f)) << (7 * i);
    if (i == 2 || !(b & 0x80)) return Body(value);
  }
  return Body(value);
}

// The basic compression: an optional filter (copy, palette or gradient), then the rows, raw
// when short, else zlib data behind a compact length.
TightHeader Basic(ByteView h, uint8_t control, int width, int height, const PixelFormat& f) {
  if (width > kTightMaxBasicWidth)
    return Refuse("a Tight rectangle " + std::to_string(width) + " pixels wide");
  const int pixel_bytes = f.TightPixelBytes();
  size_t at = 1;
  int bits = pixel_bytes * 8;
  if (control & kExplicitFilter) {
    if (h.size() < 2) return Need(2);
    const uint8_t filter = h[at++];
    if (filter == kPaletteFilter) {
      if (h.size() < 3) return Need(3);
      const int colours = h[at++] + 1;
      at += static_cast<size_t>(colours) * pixel_bytes;
      if (h.size() < at) return Need(at);
      bits = colours == 2 ? 1 : 8;
    } else if (filter != kCopyFilter && filter != kGradientFilter) {
      return Refuse("an unknown Tight filter " + std::to_string(filter));
    }
  }
  const uint64_t size = (static_cast<uint64_t>(width) * bits + 7) / 8 * height;
  if (size < kMinToCompress) return Body(size);
  return CompactLength(h, at);
}

}  // namespace

TightHeader ParseTightHeader(ByteView h, int width, int height, const PixelFormat& f) {
  if (h.empty()) return Need(1);
  const uint8_t control = h[0] >> 4;  // the low four bits reset zlib streams
  if (control == kFill) {
    const size_t n = 1 + static_cast<size_t>(f.TightPixelBytes());
    return h.size() < n ? Need(n) : Body(0);
  }
  if (control == kJpeg) return CompactLength(h, 1);
  if (control > kJpeg) return Refuse("an unknown Tight compression " + std::to_string(control));
  return Basic(h, control, width, height, f);
}

}  // namespace telemaint::rfb
