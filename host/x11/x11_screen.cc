#include "host/x11/x11_screen.h"
#include "host/x11/xlib.h"


#include <algorithm>
#include <cstring>

namespace telemaint::host {
namespace {
int ShiftOf(unsigned long mask) {
  int shift = 0;
  while (mask && !(mask & 1)) {
    mask >>= 1;
    ++shift;
  }
  return shift;
}
}  // namespace

Result<std::unique_ptr<X11Screen>> X11Screen::Create(Display* dpy) {
  std::unique_ptr<X11Screen> s(new X11Screen());
  s->dpy_ = dpy;
  s->root_ = DefaultRootWindow(dpy);
  int scr = DefaultScreen(dpy);
  s->width_ = DisplayWidth(dpy, scr);
  s->height_ = DisplayHeight(dpy, scr);
  Visual* visual = DefaultVisual(dpy, scr);
  if (DefaultDepth(dpy, scr) < 24 || !visual)
    return Status::InvalidInput("the X display must use 24-bit colour");
  s->layout_ = PixelLayout{ShiftOf(visual->red_mask), ShiftOf(visual->green_mask),
                           ShiftOf(visual->blue_mask)};
  if (!XShmQueryExtension(dpy)) return Status::InvalidInput("the X server has no MIT-SHM");
  int damage_error = 0;
  if (!XDamageQueryExtension(dpy, &s->damage_event_base_, &damage_error))
    return Status::InvalidInput("the X server has no DAMAGE extension");

  s->image_ = XShmCreateImage(dpy, visual, DefaultDepth(dpy, scr), ZPixmap, nullptr, &s->shm_,
                              s->width_, s->height_);
  if (!s->image_ || s->image_->bits_per_pixel != 32)
    return Status::InvalidInput("cannot capture this X display (needs 32 bits per pixel)");
  s->shm_.shmid = shmget(IPC_PRIVATE, s->image_->bytes_per_line * s->image_->height,
                         IPC_CREAT | 0600);
  if (s->shm_.shmid < 0) return Status::Io("cannot allocate shared memory for screen capture");
  s->shm_.shmaddr = s->image_->data = static_cast<char*>(shmat(s->shm_.shmid, nullptr, 0));
  s->shm_.readOnly = False;
  if (!XShmAttach(dpy, &s->shm_)) return Status::Io("the X server refused the shared memory");
  s->shm_attached_ = true;
  XSync(dpy, False);
  shmctl(s->shm_.shmid, IPC_RMID, nullptr);  // freed once both sides detach
  s->damage_ = XDamageCreate(dpy, s->root_, XDamageReportNonEmpty);
  XSync(dpy, False);
  return s;
}

X11Screen::~X11Screen() {
  if (damage_) XDamageDestroy(dpy_, damage_);
  if (shm_attached_) XShmDetach(dpy_, &shm_);
  if (image_) {
    image_->data = nullptr;  // shared memory, not malloc'd
    XDestroyImage(image_);
  }
  if (shm_.shmaddr) shmdt(shm_.shmaddr);
}

std::vector<Rect> X11Screen::TakeDamage() {
  // Drain damage notifications, then take the accumulated region.
  while (XPending(dpy_)) {
    XEvent ev;
    XNextEvent(dpy_, &ev);
    // The keymap changed (the user switched layout, or we borrowed a keycode): keysym
    // lookups must see the new one.
    if (ev.type == MappingNotify) XRefreshKeyboardMapping(&ev.xmapping);
  }
  XserverRegion region = XFixesCreateRegion(dpy_, nullptr, 0);
  XDamageSubtract(dpy_, damage_, None, region);
  int count = 0;
  XRectangle bounds;
  XRectangle* rects = XFixesFetchRegionAndBounds(dpy_, region, &count, &bounds);
  std::vector<Rect> out;
  for (int i = 0; i < count; ++i) {
    int x = std::max(0, static_cast<int>(rects[i].x)), y = std::max(0, static_cast<int>(rects[i].y));
    int w = std::min<int>(rects[i].width, width_ - x), h = std::min<int>(rects[i].height, height_ - y);
    if (w > 0 && h > 0) out.push_back(Rect{x, y, w, h});
  }
  if (rects) XFree(rects);
  XFixesDestroyRegion(dpy_, region);
  return out;
}

std::vector<Rect> X11Screen::Update(uint8_t* frame) {
  std::vector<Rect> changed = TakeDamage();
  if (first_) {
    changed = {Rect{0, 0, width_, height_}};
    first_ = false;
  }
  if (changed.empty()) return changed;
  // One full grab costs ~1 ms at 1080p; only the changed rectangles are copied and encoded.
  XShmGetImage(dpy_, root_, image_, 0, 0, AllPlanes);
  const int stride = image_->bytes_per_line, row = width_ * 4;
  for (const Rect& r : changed)
    for (int y = r.y; y < r.y + r.h; ++y)
      std::memcpy(frame + y * row + r.x * 4, image_->data + y * stride + r.x * 4, r.w * 4);
  return changed;
}

}  // namespace telemaint::host
