#pragma once
// Where the host's picture comes from. One implementation per platform (host/x11/ for X11),
// plus synthetic ones for tests. Not thread-safe: used from the RFB server's thread only.
#include <cstdint>
#include <vector>

namespace telemaint::host {

struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
};

struct PixelLayout {
  int red_shift = 16, green_shift = 8, blue_shift = 0;  // 32-bit pixels, 8 bits per colour
};

class ScreenSource {
 public:
  virtual ~ScreenSource() = default;
  virtual int width() const = 0;
  virtual int height() const = 0;
  virtual PixelLayout layout() const = 0;
  // Brings `frame` (width*height 32-bit pixels, rows packed) up to date and returns what
  // changed since the previous call; the first call returns the whole screen.
  virtual std::vector<Rect> Update(uint8_t* frame) = 0;
};

}  // namespace telemaint::host
