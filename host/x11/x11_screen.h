#pragma once
// ScreenSource for an X11 root window: XShm grabs, XDamage to know what changed.
// The Display must outlive this object; used from one thread.
#include "host/x11/xlib.h"

#include <memory>

#include "common/status.h"
#include "host/screen_source.h"

namespace telemaint::host {

class X11Screen : public ScreenSource {
 public:
  static Result<std::unique_ptr<X11Screen>> Create(Display* dpy);
  ~X11Screen() override;
  int width() const override { return width_; }
  int height() const override { return height_; }
  PixelLayout layout() const override { return layout_; }
  std::vector<Rect> Update(uint8_t* frame) override;

 private:
  X11Screen() = default;
  std::vector<Rect> TakeDamage();
  Display* dpy_ = nullptr;
  Window root_ = 0;
  int width_ = 0, height_ = 0;
  PixelLayout layout_;
  XImage* image_ = nullptr;
  XShmSegmentInfo shm_{};
  bool shm_attached_ = false;
  Damage damage_ = 0;
  int damage_event_base_ = 0;
  bool first_ = true;
};

}  // namespace telemaint::host
