#pragma once
// A virtual X display (Xvfb) for end-to-end tests, on a display number Xvfb picks itself.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>
#include <string>

#include "tests/support/process.h"

namespace telemaint::testing {

class VirtualDisplay {
 public:
  // With `auth_file`, the server lets in only clients with a cookie from that file (none of the
  // tests' own tools are given one).
  explicit VirtualDisplay(const std::string& geometry = "800x600x24",
                          const std::string& auth_file = {});
  const std::string& name() const { return name_; }  // ":N"
  std::map<std::string, std::string> env() const { return {{"DISPLAY", name_}}; }
  // Starts an X client on this display.
  std::unique_ptr<Process> Run(std::vector<std::string> argv) const;

 private:
  std::unique_ptr<Process> xvfb_;
  std::string name_;
};

struct RgbImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // 3 bytes a pixel
  bool operator==(const RgbImage&) const = default;
};
// The display's root window as X has it (xwd), the reference for pixel comparisons.
std::optional<RgbImage> CaptureRoot(const VirtualDisplay& display, const std::string& file);
std::optional<RgbImage> ReadPpm(const std::string& file);
// Pixels that differ between two pictures of the same size (SIZE_MAX if the sizes differ).
size_t CountDifferingPixels(const RgbImage& a, const RgbImage& b);

// Whether xev's output (events over several lines, the position after the event's name) has
// the first ButtonPress at `press` and the last ButtonRelease at `release`, as "X,Y"; empty
// when so, else what went wrong.
std::string CheckXevButtons(const std::string& events, const std::string& press,
                            const std::string& release);

// The pointer's picture on a display as the X server has it (XFixes): ARGB, not premultiplied.
struct PointerPicture {
  int width = 0, height = 0, hot_x = 0, hot_y = 0;
  std::vector<uint32_t> argb;
};
std::optional<PointerPicture> CurrentPointer(const VirtualDisplay& display);

// vncsnapshot with raw (lossless) transfer and no cursor: the resulting JPEG file differs only
// if the pixels received differ. Empty on failure.
std::string LosslessSnapshot(uint16_t port, const std::string& file);

}  // namespace telemaint::testing
