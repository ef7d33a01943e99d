#pragma once
// What one RFB connection has settled so far, seen from both directions: the filters of the
// two directions share one (the server's replies depend on the client's choices). Owned by
// the filter that holds both streams; same thread.
#include <cstdint>
#include <set>

#include "common/bytes.h"
#include "rfb_filter/protocol.h"

namespace telemaint::rfb {

struct PixelFormat {
  uint8_t bits_per_pixel = 32;
  uint8_t depth = 24;
  bool true_colour = true;
  uint16_t red_max = 255, green_max = 255, blue_max = 255;

  // Tight sends 3-byte pixels for 32-bit formats of depth 24 with 8-bit channels.
  int TightPixelBytes() const {
    const bool tight24 = bits_per_pixel == 32 && depth == 24 && red_max == 255 &&
                         green_max == 255 && blue_max == 255;
    return tight24 ? 3 : bits_per_pixel / 8;
  }
};

// A PIXEL_FORMAT (16 bytes) at `at`; the caller has checked the length.
PixelFormat ReadPixelFormat(ByteView header, size_t at);
// 8, 16 or 32 bits per pixel, the only sizes RFB has.
bool KnownPixelSize(const PixelFormat& format);

struct Negotiated {
  int minor = 0;  // the client's ProtocolVersion, the one spoken; 0 until it was sent
  SecurityType security = SecurityType::kInvalid;  // chosen (3.7+) or imposed (3.3)
  bool client_init_sent = false;
  PixelFormat format;               // the server's, then the client's SetPixelFormat
  std::set<int32_t> requested;      // every encoding the client asked for, as let through
  int width = 0, height = 0;        // the framebuffer, from ServerInit and NewFBSize
};

}  // namespace telemaint::rfb
