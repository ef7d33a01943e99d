#include "host/x11/x11_screen.h"
#include "host/x11/xlib.h"

#include <algorithm>
#include <cstring>

#include "common/log.h"

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

constexpr int kMaxPointerSide = 256;

}  // namespace

Result<std::unique_ptr<X11Screen>> X11Screen::Create(Display* dpy) {
  std::unique_ptr<X11Screen> s(new X11Screen());
  s->dpy_ = dpy;
  s->root_ = DefaultRootWindow(dpy);
  int scr = DefaultScreen(dpy);
  s->visual_ = DefaultVisual(dpy, scr);
  s->depth_ = DefaultDepth(dpy, scr);
  if (s->depth_ < 24 || !s->visual_)
    return Status::InvalidInput("the X display must use 24-bit colour");
  s->layout_ = PixelLayout{ShiftOf(s->visual_->red_mask), ShiftOf(s->visual_->green_mask),
                           ShiftOf(s->visual_->blue_mask)};
  if (!XShmQueryExtension(dpy)) return Status::InvalidInput("the X server has no MIT-SHM");
  int error_base = 0;
  if (!XDamageQueryExtension(dpy, &s->damage_event_base_, &error_base))
    return Status::InvalidInput("the X server has no DAMAGE extension");
  // Optional: without them the screen is one monitor of fixed size and the pointer is drawn
  // by the viewer's own cursor.
  int event_base = 0;
  if (XRRQueryExtension(dpy, &event_base, &error_base)) {
    s->randr_event_base_ = event_base;
    XRRSelectInput(dpy, s->root_, RRScreenChangeNotifyMask);
  }
  XSelectInput(dpy, s->root_, StructureNotifyMask);  // size and monitor-layout changes
  if (XFixesQueryExtension(dpy, &event_base, &error_base)) {
    s->fixes_event_base_ = event_base;
    XFixesSelectCursorInput(dpy, s->root_, XFixesDisplayCursorNotifyMask);
  }
  int opcode = 0, major = XkbMajorVersion, minor = XkbMinorVersion;
  if (XkbQueryExtension(dpy, &opcode, &event_base, &error_base, &major, &minor)) {
    s->xkb_event_base_ = event_base;
    const unsigned mask = XkbNewKeyboardNotifyMask | XkbMapNotifyMask;
    XkbSelectEvents(dpy, XkbUseCoreKbd, mask, mask);
  }
  s->ReadGeometry();
  s->geometry_changed_ = false;
  if (Status st = s->CreateImage(); !st.ok()) return st;
  s->damage_ = XDamageCreate(dpy, s->root_, XDamageReportNonEmpty);
  XSync(dpy, False);
  return s;
}

Status X11Screen::CreateImage() {
  image_ = XShmCreateImage(dpy_, visual_, depth_, ZPixmap, nullptr, &shm_, width_, height_);
  if (!image_ || image_->bits_per_pixel != 32)
    return Status::InvalidInput("cannot capture this X display (needs 32 bits per pixel)");
  shm_.shmid = shmget(IPC_PRIVATE, image_->bytes_per_line * image_->height, IPC_CREAT | 0600);
  if (shm_.shmid < 0) return Status::Io("cannot allocate shared memory for screen capture");
  void* mem = shmat(shm_.shmid, nullptr, 0);
  // Marked for removal at once: freed when both sides detach, even if what follows fails.
  shmctl(shm_.shmid, IPC_RMID, nullptr);
  if (mem == reinterpret_cast<void*>(-1)) {
    shm_.shmaddr = nullptr;
    return Status::Io("cannot map shared memory for screen capture");
  }
  shm_.shmaddr = image_->data = static_cast<char*>(mem);
  shm_.readOnly = False;
  if (!XShmAttach(dpy_, &shm_)) return Status::Io("the X server refused the shared memory");
  shm_attached_ = true;
  XSync(dpy_, False);
  return Status::Ok();
}

void X11Screen::DestroyImage() {
  if (shm_attached_) XShmDetach(dpy_, &shm_);
  shm_attached_ = false;
  if (image_) {
    image_->data = nullptr;  // shared memory, not malloc'd
    XDestroyImage(image_);
    image_ = nullptr;
  }
  if (shm_.shmaddr && shm_.shmaddr != reinterpret_cast<char*>(-1)) shmdt(shm_.shmaddr);
  shm_ = XShmSegmentInfo{};
}

X11Screen::~X11Screen() {
  if (damage_) XDamageDestroy(dpy_, damage_);
  DestroyImage();
}

void X11Screen::ReadGeometry() {
  Window root_return;
  int x, y;
  unsigned w = 0, h = 0, border, depth;
  // XGetGeometry asks the server; DisplayWidth() keeps the size the connection opened with.
  if (XGetGeometry(dpy_, root_, &root_return, &x, &y, &w, &h, &border, &depth)) {
    width_ = static_cast<int>(w);
    height_ = static_cast<int>(h);
  }
  monitors_.clear();
  if (randr_event_base_ < 0) return;
  int count = 0;
  XRRMonitorInfo* info = XRRGetMonitors(dpy_, root_, True, &count);
  for (int i = 0; info && i < count; ++i) {
    // Monitors may reach past a screen that shrank: keep the visible part.
    int x0 = std::max(0, info[i].x), y0 = std::max(0, info[i].y);
    int x1 = std::min(width_, info[i].x + info[i].width);
    int y1 = std::min(height_, info[i].y + info[i].height);
    if (x1 <= x0 || y1 <= y0) continue;
    char* name = info[i].name ? XGetAtomName(dpy_, info[i].name) : nullptr;
    monitors_.push_back(Monitor{name ? name : "monitor", Rect{x0, y0, x1 - x0, y1 - y0}});
    if (name) XFree(name);
  }
  if (info) XRRFreeMonitors(info);
}

void X11Screen::DrainEvents() {
  bool keymap_changed = false;
  while (XPending(dpy_)) {
    XEvent ev;
    XNextEvent(dpy_, &ev);
    if (ev.type == MappingNotify) {
      XRefreshKeyboardMapping(&ev.xmapping);
      keymap_changed = true;
    } else if (xkb_event_base_ >= 0 && ev.type == xkb_event_base_) {
      int kind = reinterpret_cast<XkbAnyEvent*>(&ev)->xkb_type;
      if (kind == XkbNewKeyboardNotify || kind == XkbMapNotify) keymap_changed = true;
    } else if (randr_event_base_ >= 0 && ev.type == randr_event_base_ + RRScreenChangeNotify) {
      XRRUpdateConfiguration(&ev);
      geometry_changed_ = true;
    } else if (ev.type == ConfigureNotify && ev.xconfigure.window == root_) {
      geometry_changed_ = true;  // also how a new monitor layout shows (xrandr --setmonitor)
    } else if (fixes_event_base_ >= 0 && ev.type == fixes_event_base_ + XFixesCursorNotify) {
      pointer_changed_ = true;
    }
  }
  // The layout switch tells the input side, which re-reads the keymap from the server.
  if (keymap_changed && on_keymap_change_) on_keymap_change_();
}

std::vector<Rect> X11Screen::TakeDamage() {
  XserverRegion region = XFixesCreateRegion(dpy_, nullptr, 0);
  XDamageSubtract(dpy_, damage_, None, region);
  int count = 0;
  XRectangle bounds;
  XRectangle* rects = XFixesFetchRegionAndBounds(dpy_, region, &count, &bounds);
  std::vector<Rect> out;
  for (int i = 0; i < count; ++i) {
    int x = std::max(0, static_cast<int>(rects[i].x)),
        y = std::max(0, static_cast<int>(rects[i].y));
    int w = std::min<int>(rects[i].width, width_ - x),
        h = std::min<int>(rects[i].height, height_ - y);
    if (w > 0 && h > 0) out.push_back(Rect{x, y, w, h});
  }
  if (rects) XFree(rects);
  XFixesDestroyRegion(dpy_, region);
  return out;
}

std::vector<Rect> X11Screen::Update(std::vector<uint8_t>& frame) {
  DrainEvents();
  if (geometry_changed_) {
    geometry_changed_ = false;
    const int old_w = width_, old_h = height_;
    ReadGeometry();
    if (width_ != old_w || height_ != old_h || !image_) {
      log::Info("the screen is now ", width_, "x", height_);
      DestroyImage();
      if (Status s = CreateImage(); !s.ok()) {
        log::Warn("screen capture: ", s.message());
        DestroyImage();
        geometry_changed_ = true;  // try again at the next update
        return {};
      }
      first_ = true;
    }
  }
  std::vector<Rect> changed = TakeDamage();
  bool whole = false;
  if (first_) {
    frame.assign(static_cast<size_t>(width_) * height_ * 4, 0);
    changed = {Rect{0, 0, width_, height_}};
    whole = true;
    first_ = false;
  }
  if (changed.empty() || !image_) return {};
  // One full grab costs ~1 ms at 1080p; only the changed rectangles are copied and encoded.
  if (!XShmGetImage(dpy_, root_, image_, 0, 0, AllPlanes)) {
    // The screen changed size under us (BadMatch, reported to the quiet error handler).
    geometry_changed_ = true;
    first_ = true;
    return {};
  }
  if (whole) {  // a new frame: everything counts, black included
    KeepChangedTiles(changed, frame);
    return changed;
  }
  return KeepChangedTiles(changed, frame);
}

std::vector<Rect> X11Screen::KeepChangedTiles(const std::vector<Rect>& damaged,
                                              std::vector<uint8_t>& frame) {
  // XDamage over-reports (a whole xterm for one new line, a repaint of the same pixels):
  // compare with what clients already have, tile by tile, as x11vnc does, and keep only the
  // tiles that really changed, joined into runs along each row of tiles.
  constexpr int kTile = 32;
  const int stride = image_->bytes_per_line, row = width_ * 4;
  std::vector<Rect> out;
  for (const Rect& r : damaged) {
    for (int ty = r.y; ty < r.y + r.h; ty += kTile) {
      const int th = std::min(kTile, r.y + r.h - ty);
      Rect run{0, ty, 0, th};
      for (int tx = r.x; tx < r.x + r.w; tx += kTile) {
        const int tw = std::min(kTile, r.x + r.w - tx);
        bool differs = false;
        for (int y = ty; y < ty + th; ++y) {
          uint8_t* have = frame.data() + static_cast<size_t>(y) * row + tx * 4;
          const char* got = image_->data + static_cast<size_t>(y) * stride + tx * 4;
          if (differs || std::memcmp(have, got, tw * 4) != 0) {
            differs = true;
            std::memcpy(have, got, tw * 4);
          }
        }
        if (differs) {
          if (run.w > 0 && run.x + run.w == tx) {
            run.w += tw;
          } else {
            if (run.w > 0) out.push_back(run);
            run = Rect{tx, ty, tw, th};
          }
        }
      }
      if (run.w > 0) out.push_back(run);
    }
  }
  return out;
}

std::optional<PointerImage> X11Screen::TakePointerImage() {
  if (fixes_event_base_ < 0 || !pointer_changed_) return std::nullopt;
  pointer_changed_ = false;
  XFixesCursorImage* ci = XFixesGetCursorImage(dpy_);
  if (!ci) return std::nullopt;
  std::optional<PointerImage> out;
  if (ci->width > 0 && ci->height > 0 && ci->width <= kMaxPointerSide &&
      ci->height <= kMaxPointerSide) {
    PointerImage p;
    p.width = ci->width;
    p.height = ci->height;
    p.hot_x = std::min<int>(ci->xhot, ci->width - 1);
    p.hot_y = std::min<int>(ci->yhot, ci->height - 1);
    p.argb.resize(static_cast<size_t>(p.width) * p.height);
    for (size_t i = 0; i < p.argb.size(); ++i) {
      // XFixes gives premultiplied ARGB in the low 32 bits of a long.
      uint32_t v = static_cast<uint32_t>(ci->pixels[i]);
      uint32_t a = v >> 24;
      auto un = [a](uint32_t c) { return a ? std::min<uint32_t>(255, c * 255 / a) : 0; };
      p.argb[i] = a << 24 | un((v >> 16) & 0xff) << 16 | un((v >> 8) & 0xff) << 8 | un(v & 0xff);
    }
    out = std::move(p);
  }
  XFree(ci);
  return out;
}

bool X11Screen::PointerPosition(int* x, int* y) {
  Window root_return, child;
  int wx, wy;
  unsigned mask;
  return XQueryPointer(dpy_, root_, &root_return, &child, x, y, &wx, &wy, &mask);
}

}  // namespace telemaint::host
