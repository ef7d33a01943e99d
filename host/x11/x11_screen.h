#pragma once
// ScreenSource for an X11 root window: XShm grabs, XDamage to know what changed, XRandR for
// the monitors and resolution changes, XFixes for the pointer's picture. It also drains the X
// connection's events, so it tells the input side when the keymap changed.
// The Display must outlive this object; used from one thread.
#include "host/x11/xlib.h"

#include <functional>
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
  std::vector<Rect> Update(std::vector<uint8_t>& frame) override;
  std::vector<Monitor> Monitors() const override { return monitors_; }
  std::optional<PointerImage> TakePointerImage() override;
  bool PointerPosition(int* x, int* y) override;
  int ChangeFd() override { return ConnectionNumber(dpy_); }
  // QueuedAfterReading also takes what XCB read during earlier replies (it does not block).
  bool ChangeQueued() override { return XEventsQueued(dpy_, QueuedAfterReading) > 0; }

  // Called (from Update) when the keyboard mapping changed.
  void OnKeymapChange(std::function<void()> f) { on_keymap_change_ = std::move(f); }

 private:
  X11Screen() = default;
  Status CreateImage();
  void DestroyImage();
  void DrainEvents();
  void ReadGeometry();
  std::vector<Rect> TakeDamage();
  std::vector<Rect> KeepChangedTiles(const std::vector<Rect>& damaged, std::vector<uint8_t>& frame);

  Display* dpy_ = nullptr;
  Window root_ = 0;
  Visual* visual_ = nullptr;
  int depth_ = 0;
  int width_ = 0, height_ = 0;
  PixelLayout layout_;
  XImage* image_ = nullptr;
  XShmSegmentInfo shm_{};
  bool shm_attached_ = false;
  Damage damage_ = 0;
  int damage_event_base_ = 0;
  int randr_event_base_ = -1;   // -1: no XRandR
  int fixes_event_base_ = -1;   // -1: no XFixes cursor events
  int xkb_event_base_ = -1;
  bool geometry_changed_ = true;
  bool pointer_changed_ = true;
  bool first_ = true;
  std::vector<Monitor> monitors_;
  std::function<void()> on_keymap_change_;
};

}  // namespace telemaint::host
