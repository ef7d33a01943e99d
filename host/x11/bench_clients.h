#pragma once
// X clients that benchmarks draw with on a virtual display (X11 code lives in host/x11/):
// a one-cell window that changes colour at each key press, and a window showing a photo-like
// picture. Not part of telemaint-host.
#include <chrono>
#include <memory>
#include <string>

namespace telemaint::host {

// Turns red or blue at each key press: a keystroke's echo with nothing in between.
class FlashWindow {
 public:
  explicit FlashWindow(const std::string& display);
  ~FlashWindow();
  bool ok() const;
  static constexpr int kX = 100, kY = 100, kSide = 16;
  static constexpr int kCentreX = kX + kSide / 2, kCentreY = kY + kSide / 2;
  // The floor: a key injected with XTest until the pixel reads back changed (XGetImage), in
  // milliseconds; -1 on timeout.
  double XTestEchoMs(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A window showing smooth gradients with noise (what JPEG is for).
class PhotoWindow {
 public:
  PhotoWindow(const std::string& display, int width, int height);
  ~PhotoWindow();
  bool ok() const;
  // Moves the window there and paints a picture made from `seed`.
  void ShowAt(int x, int y, unsigned seed);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::host
