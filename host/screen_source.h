#pragma once
// Where the host's picture comes from. One implementation per platform (host/x11/ for X11),
// plus synthetic ones for tests. Not thread-safe: used from the RFB server's thread only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace telemaint::host {

struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
};

struct PixelLayout {
  int red_shift = 16, green_shift = 8, blue_shift = 0;  // 32-bit pixels, 8 bits per colour
};

// One monitor of the screen, in screen coordinates.
struct Monitor {
  std::string name;
  Rect area;
  bool operator==(const Monitor& o) const {
    return name == o.name && area.x == o.area.x && area.y == o.area.y && area.w == o.area.w &&
           area.h == o.area.h;
  }
};

// The pointer's picture: ARGB pixels, not premultiplied, rows packed.
struct PointerImage {
  int width = 0, height = 0, hot_x = 0, hot_y = 0;
  std::vector<uint32_t> argb;
};

class ScreenSource {
 public:
  virtual ~ScreenSource() = default;
  // The current size; it may change in Update (the user changed the resolution).
  virtual int width() const = 0;
  virtual int height() const = 0;
  virtual PixelLayout layout() const = 0;
  // Brings `frame` up to date (width*height 32-bit pixels, rows packed; resized to the new
  // size if the screen's size changed) and returns what changed since the previous call. The
  // first call, and the first after a size change, return the whole screen.
  virtual std::vector<Rect> Update(std::vector<uint8_t>& frame) = 0;
  // The monitors making up the screen, as of the last Update; empty when not known.
  virtual std::vector<Monitor> Monitors() const { return {}; }
  // The pointer's picture if it changed since the last call (the first call gives it).
  virtual std::optional<PointerImage> TakePointerImage() { return std::nullopt; }
  // Where the pointer is on the screen; false when not known.
  virtual bool PointerPosition(int* x, int* y) { return false; }
  // A descriptor that becomes readable when the screen may have changed (-1: none, poll), and
  // whether such news was already read and waits for Update (then do not wait on it).
  virtual int ChangeFd() { return -1; }
  virtual bool ChangeQueued() { return false; }
};

}  // namespace telemaint::host
