#include "host/x11/bench_clients.h"
#include "host/x11/xlib.h"

#include <atomic>
#include <random>
#include <thread>
#include <vector>

namespace telemaint::host {

struct FlashWindow::Impl {
  Display* dpy = nullptr;   // the window's connection, used by the loop thread only
  Display* probe = nullptr;  // XTest and XGetImage from the caller's thread
  Window win = 0;
  std::thread thread;
  std::atomic<bool> stop{false};

  void Loop() {
    GC gc = XCreateGC(dpy, win, 0, nullptr);
    bool red = false;
    while (!stop) {
      while (XPending(dpy)) {
        XEvent ev;
        XNextEvent(dpy, &ev);
        if (ev.type == Expose) XSetInputFocus(dpy, win, RevertToParent, CurrentTime);
        if (ev.type == KeyPress) red = !red;
        XSetForeground(dpy, gc, red ? 0xff0000 : 0x0000ff);
        XFillRectangle(dpy, win, gc, 0, 0, kSide, kSide);
        XFlush(dpy);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    XFreeGC(dpy, gc);
  }
  bool Red() {
    XImage* img = XGetImage(probe, DefaultRootWindow(probe), kCentreX, kCentreY, 1, 1, AllPlanes,
                            ZPixmap);
    bool r = img && ((XGetPixel(img, 0, 0) >> 16) & 0xff) > 128;
    if (img) XDestroyImage(img);
    return r;
  }
};

FlashWindow::FlashWindow(const std::string& display) : impl_(std::make_unique<Impl>()) {
  impl_->dpy = XOpenDisplay(display.c_str());
  impl_->probe = XOpenDisplay(display.c_str());
  if (!impl_->dpy || !impl_->probe) return;
  Display* dpy = impl_->dpy;
  impl_->win =
      XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), kX, kY, kSide, kSide, 0, 0, 0x0000ff);
  XSelectInput(dpy, impl_->win, KeyPressMask | ExposureMask);
  XMapWindow(dpy, impl_->win);
  XSync(dpy, False);
  Impl* raw = impl_.get();
  impl_->thread = std::thread([raw] { raw->Loop(); });
}

FlashWindow::~FlashWindow() {
  impl_->stop = true;
  if (impl_->thread.joinable()) impl_->thread.join();
  if (impl_->dpy) XCloseDisplay(impl_->dpy);
  if (impl_->probe) XCloseDisplay(impl_->probe);
}

bool FlashWindow::ok() const { return impl_->dpy && impl_->probe; }

double FlashWindow::XTestEchoMs(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  Display* p = impl_->probe;
  const KeyCode space = XKeysymToKeycode(p, 0x20);
  const bool was_red = impl_->Red();
  auto start = Clock::now();
  XTestFakeKeyEvent(p, space, True, CurrentTime);
  XTestFakeKeyEvent(p, space, False, CurrentTime);
  XFlush(p);
  while (impl_->Red() == was_red)
    if (Clock::now() - start > timeout) return -1;
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct PhotoWindow::Impl {
  Display* dpy = nullptr;
  Window win = 0;
  int width = 0, height = 0;
};

PhotoWindow::PhotoWindow(const std::string& display, int width, int height)
    : impl_(std::make_unique<Impl>()) {
  impl_->width = width;
  impl_->height = height;
  impl_->dpy = XOpenDisplay(display.c_str());
  if (!impl_->dpy) return;
  impl_->win = XCreateSimpleWindow(impl_->dpy, DefaultRootWindow(impl_->dpy), 0, 0, width,
                                   height, 0, 0, 0);
  XMapWindow(impl_->dpy, impl_->win);
  XSync(impl_->dpy, False);
}

PhotoWindow::~PhotoWindow() {
  if (impl_->dpy) XCloseDisplay(impl_->dpy);
}

bool PhotoWindow::ok() const { return impl_->dpy != nullptr; }

void PhotoWindow::ShowAt(int x, int y, unsigned seed) {
  Display* dpy = impl_->dpy;
  const int width = impl_->width, height = impl_->height;
  XMoveWindow(dpy, impl_->win, x, y);
  std::mt19937 rng(seed);
  std::vector<uint32_t> pixels(static_cast<size_t>(width) * height);
  for (int row = 0; row < height; ++row)
    for (int col = 0; col < width; ++col) {
      int noise = static_cast<int>(rng() % 24);
      uint32_t r = (col * 255 / width + noise) & 0xff, g = (row * 255 / height + noise) & 0xff;
      uint32_t b = ((col + row) * 127 / (width + height) + 64 + noise) & 0xff;
      pixels[static_cast<size_t>(row) * width + col] = r << 16 | g << 8 | b;
    }
  XImage* image = XCreateImage(dpy, DefaultVisual(dpy, DefaultScreen(dpy)), 24, ZPixmap, 0,
                               reinterpret_cast<char*>(pixels.data()), width, height, 32, 0);
  GC gc = XCreateGC(dpy, impl_->win, 0, nullptr);
  XPutImage(dpy, impl_->win, gc, image, 0, 0, 0, 0, width, height);
  XFreeGC(dpy, gc);
  image->data = nullptr;  // ours
  XDestroyImage(image);
  XSync(dpy, False);
}

}  // namespace telemaint::host
