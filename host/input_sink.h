#pragma once
// Where the technician's keyboard and mouse go. Keys arrive as X keysyms (RFB's encoding).
// Not thread-safe: used from the RFB server's thread only.
#include <cstdint>

namespace telemaint::host {

class InputSink {
 public:
  virtual ~InputSink() = default;
  virtual void Key(uint32_t keysym, bool down) = 0;
  // buttons: bit 0 left, 1 middle, 2 right, 3/4 wheel up/down (RFB's button mask).
  virtual void Pointer(int x, int y, uint8_t buttons) = 0;
  // Releases every key and button still held (end of session, broken channel).
  virtual void ReleaseAll() = 0;
};

}  // namespace telemaint::host
