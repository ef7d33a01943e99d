#pragma once
// A Desktop drawn in memory, for tests and benchmarks: a known picture that can be changed
// (Fill), and input that is recorded instead of injected. Fill and the recorded events are
// thread-safe; the ScreenSource/InputSink side runs on the RFB server's thread.
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "host/desktop.h"

namespace telemaint::host {

class SyntheticDesktop : public Desktop, private ScreenSource, private InputSink {
 public:
  SyntheticDesktop(int width, int height);
  ScreenSource& screen() override { return *this; }
  InputSink& input() override { return *this; }

  // Paints a rectangle in 0xRRGGBB; it is sent at the next update.
  void Fill(const Rect& r, uint32_t rgb);
  // The whole picture as RGB bytes (3 per pixel), what a client should see.
  std::vector<uint8_t> Rgb() const;
  // "key 0x61 down", "pointer 10 20 1", "release all", in arrival order.
  std::vector<std::string> Events() const;
  // Monitors to report (none by default: one screen).
  void SetMonitors(std::vector<Monitor> monitors);

 private:
  int width() const override { return width_; }
  int height() const override { return height_; }
  PixelLayout layout() const override { return PixelLayout{}; }
  std::vector<Rect> Update(std::vector<uint8_t>& frame) override;
  std::vector<Monitor> Monitors() const override;
  void Key(uint32_t keysym, bool down) override;
  void Pointer(int x, int y, uint8_t buttons) override;
  void ReleaseAll() override;

  const int width_, height_;
  mutable std::mutex mu_;
  std::vector<uint32_t> pixels_;  // 0x00RRGGBB, the layout's default
  std::vector<Rect> dirty_;
  bool first_ = true;
  std::vector<std::string> events_;
  std::vector<Monitor> monitors_;
};

}  // namespace telemaint::host
