#pragma once
// How long a Tight rectangle is: its header (compression control, fill colour, filter,
// palette, compact length) parsed from the control byte on, without decoding anything.
#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/status.h"
#include "rfb_filter/negotiated.h"

namespace telemaint::rfb {

// Tight's basic compression carries rows of at most this many pixels (its specification).
inline constexpr int kTightMaxBasicWidth = 2048;

struct TightHeader {
  size_t need = 0;    // not complete: the header is this many bytes long, at least
  uint64_t body = 0;  // complete: this many bytes of data follow it
  Status error;
};

TightHeader ParseTightHeader(ByteView header, int width, int height, const PixelFormat& format);

}  // namespace telemaint::rfb
