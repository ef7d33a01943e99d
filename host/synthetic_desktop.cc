#include "host/synthetic_desktop.h"

#include <algorithm>
#include <cstring>

namespace telemaint::host {

SyntheticDesktop::SyntheticDesktop(int width, int height)
    : width_(width), height_(height), pixels_(static_cast<size_t>(width) * height) {
  // A picture with edges and gradients, so encoders have something real to do.
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      pixels_[static_cast<size_t>(y) * width + x] =
          static_cast<uint32_t>((x * 255 / std::max(1, width - 1)) << 16 |
                                (y * 255 / std::max(1, height - 1)) << 8 | ((x ^ y) & 0xff));
}

void SyntheticDesktop::Fill(const Rect& r, uint32_t rgb) {
  std::lock_guard lock(mu_);
  for (int y = std::max(0, r.y); y < std::min(height_, r.y + r.h); ++y)
    for (int x = std::max(0, r.x); x < std::min(width_, r.x + r.w); ++x)
      pixels_[static_cast<size_t>(y) * width_ + x] = rgb & 0xffffff;
  dirty_.push_back(r);
}

std::vector<uint8_t> SyntheticDesktop::Rgb() const {
  std::lock_guard lock(mu_);
  std::vector<uint8_t> out;
  out.reserve(pixels_.size() * 3);
  for (uint32_t p : pixels_) {
    out.push_back(static_cast<uint8_t>(p >> 16));
    out.push_back(static_cast<uint8_t>(p >> 8));
    out.push_back(static_cast<uint8_t>(p));
  }
  return out;
}

std::vector<std::string> SyntheticDesktop::Events() const {
  std::lock_guard lock(mu_);
  return events_;
}

void SyntheticDesktop::SetMonitors(std::vector<Monitor> monitors) {
  std::lock_guard lock(mu_);
  monitors_ = std::move(monitors);
}

std::vector<Monitor> SyntheticDesktop::Monitors() const {
  std::lock_guard lock(mu_);
  return monitors_;
}

std::vector<Rect> SyntheticDesktop::Update(std::vector<uint8_t>& frame_bytes) {
  std::lock_guard lock(mu_);
  frame_bytes.resize(pixels_.size() * 4);
  uint8_t* frame = frame_bytes.data();
  std::vector<Rect> changed;
  if (first_) {
    changed.push_back(Rect{0, 0, width_, height_});
    first_ = false;
  }
  changed.insert(changed.end(), dirty_.begin(), dirty_.end());
  dirty_.clear();
  if (!changed.empty()) std::memcpy(frame, pixels_.data(), pixels_.size() * 4);
  return changed;
}

void SyntheticDesktop::Key(uint32_t keysym, bool down) {
  std::lock_guard lock(mu_);
  char line[48];
  std::snprintf(line, sizeof line, "key 0x%x %s", keysym, down ? "down" : "up");
  events_.emplace_back(line);
}

void SyntheticDesktop::Pointer(int x, int y, uint8_t buttons) {
  std::lock_guard lock(mu_);
  events_.push_back("pointer " + std::to_string(x) + " " + std::to_string(y) + " " +
                    std::to_string(buttons));
}

void SyntheticDesktop::ReleaseAll() {
  std::lock_guard lock(mu_);
  events_.emplace_back("release all");
}

}  // namespace telemaint::host
