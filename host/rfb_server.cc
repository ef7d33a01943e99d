#include "host/rfb_server.h"

#include <optional>

#include <rfb/rfb.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "common/log.h"
#include "host/desktop.h"

namespace telemaint::host {
namespace {

void RfbLogToOurs(const char* format, ...) {
  va_list args;
  va_start(args, format);
  log::WriteFormatted(log::Level::kDebug, "libvncserver: ", format, args);
  va_end(args);
}

// Update pacing. A small change (a keystroke's echo, a blinking cursor) goes out at once, at
// most every kMinUpdateInterval; a large one (a window being painted, moved or scrolled) is
// given kLargeChangeSettle to finish, so its half-painted states are not sent, as x11vnc's
// polling does. A client also has one update request out at a time, which paces slow lines.
constexpr auto kMinUpdateInterval = std::chrono::milliseconds(16);
constexpr auto kLargeChangeSettle = std::chrono::milliseconds(40);
constexpr long kSmallChangePixels = 128 * 128;

bool SameRect(const Rect& a, const Rect& b) {
  return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

std::optional<Rect> Intersect(const Rect& a, const Rect& b) {
  int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  int x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  if (x1 <= x0 || y1 <= y0) return std::nullopt;
  return Rect{x0, y0, x1 - x0, y1 - y0};
}

// A pointer picture in the form libvncserver sends: pixels in the server's format, and 1-bit
// source and mask bitmaps for clients that only take two-colour cursors. We own the memory.
struct OwnedCursor {
  rfbCursor cursor{};
  std::vector<uint8_t> rich, source, mask;

  OwnedCursor(const PointerImage& p, const PixelLayout& layout) {
    const int row_bytes = (p.width + 7) / 8;
    rich.assign(static_cast<size_t>(p.width) * p.height * 4, 0);
    source.assign(static_cast<size_t>(row_bytes) * p.height, 0);
    mask.assign(source.size(), 0);
    for (int y = 0; y < p.height; ++y)
      for (int x = 0; x < p.width; ++x) {
        uint32_t argb = p.argb[static_cast<size_t>(y) * p.width + x];
        uint32_t a = argb >> 24, r = (argb >> 16) & 0xff, g = (argb >> 8) & 0xff, b = argb & 0xff;
        uint32_t pixel = r << layout.red_shift | g << layout.green_shift | b << layout.blue_shift;
        std::memcpy(&rich[(static_cast<size_t>(y) * p.width + x) * 4], &pixel, 4);
        const uint8_t bit = static_cast<uint8_t>(0x80 >> (x % 8));
        if (a >= 128) mask[y * row_bytes + x / 8] |= bit;
        if (r + g + b < 384) source[y * row_bytes + x / 8] |= bit;  // dark: the foreground
      }
    cursor.width = static_cast<unsigned short>(p.width);
    cursor.height = static_cast<unsigned short>(p.height);
    cursor.xhot = static_cast<unsigned short>(p.hot_x);
    cursor.yhot = static_cast<unsigned short>(p.hot_y);
    cursor.richSource = rich.data();
    cursor.source = source.data();
    cursor.mask = mask.data();
    cursor.foreRed = cursor.foreGreen = cursor.foreBlue = 0;  // black on white
    cursor.backRed = cursor.backGreen = cursor.backBlue = 0xffff;
    // cleanup flags stay FALSE: libvncserver must not free what we own.
  }
};

}  // namespace

struct RfbServer::Impl {
  std::unique_ptr<Desktop> desktop;
  PixelLayout layout;
  rfbScreenInfoPtr screen = nullptr;
  std::vector<uint8_t> frame;       // the whole screen, as captured
  std::vector<uint8_t> view_frame;  // the shown monitor, when not the whole screen
  Rect view;                        // the part of the screen clients see
  int screen_w = 0, screen_h = 0;
  int shown_monitor = -1;
  const uint8_t* served = nullptr;  // the buffer libvncserver has
  std::vector<Monitor> monitors;    // RFB thread's copy
  std::unique_ptr<OwnedCursor> cursor;
  int pointer_x = -1, pointer_y = -1;
  std::vector<Rect> unsent;  // changed, in view coordinates, not yet marked for clients
  std::chrono::steady_clock::time_point last_flush, unsent_since;
  // Right after input the screen is about to answer (an echo, a menu): look often, so the
  // technician sees it at once rather than at the next idle tick.
  std::chrono::steady_clock::time_point echo_expected_until;
  void ExpectEcho() {
    echo_expected_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
  }

  std::chrono::steady_clock::time_point FlushTime() const {
    long pixels = 0;
    for (const Rect& r : unsent) pixels += static_cast<long>(r.w) * r.h;
    auto at = last_flush + kMinUpdateInterval;
    if (pixels > kSmallChangePixels) at = std::max(at, unsent_since + kLargeChangeSettle);
    return at;
  }
  std::thread thread;
  std::atomic<bool> stop{false};
  std::atomic<bool> input_allowed{true};
  std::atomic<bool> release_input{false};  // set with input_allowed = false

  mutable std::mutex mu;  // guards the fields below
  std::vector<int> pending;  // fds to attach, handed over by NewSession
  int requested_monitor = -1;
  std::vector<Monitor> published_monitors;
  std::function<void(std::vector<Monitor>)> monitors_listener;
  std::optional<std::string> cut_text_out;  // for the clients, sent by Loop
  std::function<void(std::string)> cut_text_listener;

  static void OnClientCutText(char* text, int length, rfbClientPtr cl) {
    Impl* self = From(cl);
    if (!self->input_allowed || length < 0) return;  // view only, enforced here too
    std::function<void(std::string)> listener;
    {
      std::lock_guard lock(self->mu);
      listener = self->cut_text_listener;
    }
    if (listener) listener(std::string(text, static_cast<size_t>(length)));
  }

  static Impl* From(rfbClientPtr cl) { return static_cast<Impl*>(cl->screen->screenData); }

  static void OnKey(rfbBool down, rfbKeySym keysym, rfbClientPtr cl) {
    if (!From(cl)->input_allowed) return;  // view only, enforced here
    From(cl)->desktop->input().Key(keysym, down);
    From(cl)->ExpectEcho();
  }
  static void OnPointer(int mask, int x, int y, rfbClientPtr cl) {
    Impl* self = From(cl);
    if (!self->input_allowed) return;  // view only, enforced here
    // The client speaks in the shown monitor's coordinates, and stays on that monitor.
    x = std::clamp(x, 0, std::max(0, self->view.w - 1));
    y = std::clamp(y, 0, std::max(0, self->view.h - 1));
    self->desktop->input().Pointer(x + self->view.x, y + self->view.y, static_cast<uint8_t>(mask));
    self->ExpectEcho();
    rfbDefaultPtrAddEvent(mask, x, y, cl);
  }
  static void OnClientGone(rfbClientPtr cl) {
    // No stuck Ctrl on the customer's PC, whatever way the session ended.
    From(cl)->desktop->input().ReleaseAll();
    log::Info("RFB session client gone; released all keys and buttons");
  }
  static rfbNewClientAction OnNewClient(rfbClientPtr cl) {
    cl->clientGoneHook = OnClientGone;
    return RFB_CLIENT_ACCEPT;
  }

  void CopyToView(const Rect& r) {
    const int src_row = screen_w * 4, dst_row = view.w * 4;
    for (int y = r.y; y < r.y + r.h; ++y)
      std::memcpy(
          view_frame.data() + static_cast<size_t>(y - view.y) * dst_row + (r.x - view.x) * 4,
          frame.data() + static_cast<size_t>(y) * src_row + r.x * 4, r.w * 4);
  }

  // Gives libvncserver the buffer for `want` (a new size tells clients that support it).
  void ServeView(const Rect& want) {
    view = want;
    unsent.clear();  // the whole view is marked below
    unsent_since = {};
    const bool whole = view.x == 0 && view.y == 0 && view.w == screen_w && view.h == screen_h;
    uint8_t* buffer = frame.data();
    if (!whole) {
      view_frame.assign(static_cast<size_t>(view.w) * view.h * 4, 0);
      CopyToView(view);
      buffer = view_frame.data();
    } else {
      view_frame.clear();
    }
    served = buffer;
    if (screen->width == view.w && screen->height == view.h) {
      screen->frameBuffer = reinterpret_cast<char*>(buffer);
      rfbMarkRectAsModified(screen, 0, 0, view.w, view.h);
      return;
    }
    rfbNewFramebuffer(screen, reinterpret_cast<char*>(buffer), view.w, view.h, 8, 3, 4);
    // rfbNewFramebuffer resets the pixel format to its default: ours is the capture's.
    screen->serverFormat.redShift = layout.red_shift;
    screen->serverFormat.greenShift = layout.green_shift;
    screen->serverFormat.blueShift = layout.blue_shift;
    rfbClientIteratorPtr it = rfbGetClientIterator(screen);
    while (rfbClientPtr cl = rfbClientIteratorNext(it)) {
      if (cl->scaledScreen != screen) {
        // libvncserver's server-side scaling does not follow a size change (it would divide
        // by zero); telemaint never asks for it, so a client that did is let go.
        log::Warn("closing an RFB client that uses server-side scaling: the screen changed size");
        rfbCloseClient(cl);
        continue;
      }
      rfbSetTranslateFunction(cl);
    }
    rfbReleaseClientIterator(it);
    rfbMarkRectAsModified(screen, 0, 0, view.w, view.h);
  }

  void Loop();
  bool FollowScreen(ScreenSource& source, int requested);
  void NoteChanges(const std::vector<Rect>& changed);
  void FlushWhenDue();
  void FollowPointer(ScreenSource& source);
  void WaitForWork(ScreenSource& source);
};

void RfbServer::Impl::Loop() {
  auto& source = desktop->screen();
  std::optional<std::string> cut_text;
  while (!stop) {
    int requested;
    {
      std::lock_guard lock(mu);
      for (int fd : pending) rfbNewClient(screen, fd);
      pending.clear();
      requested = requested_monitor;
      cut_text.swap(cut_text_out);
    }
    if (cut_text) {
      rfbSendServerCutText(screen, cut_text->data(), static_cast<int>(cut_text->size()));
      cut_text.reset();
    }
    if (release_input.exchange(false)) desktop->input().ReleaseAll();
    std::vector<Rect> changed = source.Update(frame);
    const bool refit = FollowScreen(source, requested);
    Rect want{0, 0, screen_w, screen_h};
    if (shown_monitor >= 0) want = Intersect(monitors[shown_monitor].area, want).value_or(want);
    if (refit || !SameRect(want, view)) {
      if (screen_w > 0 && screen_h > 0 &&
          static_cast<size_t>(screen_w) * screen_h * 4 == frame.size())
        ServeView(want);
    } else {
      NoteChanges(changed);
    }
    FlushWhenDue();
    FollowPointer(source);
    WaitForWork(source);
    rfbProcessEvents(screen, 0);
  }
}

// Follows the screen's size, its monitors and the monitor asked for; true when the view must
// be fitted again.
bool RfbServer::Impl::FollowScreen(ScreenSource& source, int requested) {
  bool refit = frame.data() != served && view_frame.empty();
  if (source.width() != screen_w || source.height() != screen_h) {
    screen_w = source.width();
    screen_h = source.height();
    refit = true;
  }
  if (std::vector<Monitor> now = source.Monitors(); now != monitors) {
    monitors = std::move(now);
    refit = true;
    std::function<void(std::vector<Monitor>)> listener;
    {
      std::lock_guard lock(mu);
      published_monitors = monitors;
      listener = monitors_listener;
    }
    if (listener) listener(monitors);
  }
  if (requested >= static_cast<int>(monitors.size())) requested = -1;
  if (requested != shown_monitor) {
    shown_monitor = requested;
    refit = true;
  }
  return refit;
}

void RfbServer::Impl::NoteChanges(const std::vector<Rect>& changed) {
  for (const Rect& r : changed) {
    auto part = Intersect(r, view);
    if (!part) continue;
    if (!view_frame.empty()) CopyToView(*part);
    unsent.push_back(Rect{part->x - view.x, part->y - view.y, part->w, part->h});
  }
}

void RfbServer::Impl::FlushWhenDue() {
  if (unsent.empty()) return;
  if (unsent_since == std::chrono::steady_clock::time_point{})
    unsent_since = std::chrono::steady_clock::now();
  if (std::chrono::steady_clock::now() < FlushTime()) return;
  for (const Rect& r : unsent) rfbMarkRectAsModified(screen, r.x, r.y, r.x + r.w, r.y + r.h);
  unsent.clear();
  unsent_since = {};
  last_flush = std::chrono::steady_clock::now();
}

void RfbServer::Impl::FollowPointer(ScreenSource& source) {
  if (auto image = source.TakePointerImage()) {
    auto next = std::make_unique<OwnedCursor>(*image, layout);
    rfbSetCursor(screen, &next->cursor);
    cursor = std::move(next);  // the previous one is no longer referenced
  }
  int px, py;
  if (source.PointerPosition(&px, &py) && (px != pointer_x || py != pointer_y)) {
    // Where libvncserver draws the pointer for clients that cannot show its shape.
    pointer_x = px;
    pointer_y = py;
    screen->cursorX = std::clamp(px - view.x, 0, std::max(0, view.w - 1));
    screen->cursorY = std::clamp(py - view.y, 0, std::max(0, view.h - 1));
  }
}

// Sleeps until a client sends something or the screen reports a change (XDamage events
// arrive on the X connection), so a keystroke's echo goes out at once rather than at the next
// polling tick. Bounded, for the pointer position and new sessions.
void RfbServer::Impl::WaitForWork(ScreenSource& source) {
  if (source.ChangeQueued()) return;
  fd_set readable = screen->allFds;
  int max_fd = screen->maxFd;
  const int change_fd = source.ChangeFd();
  if (change_fd >= 0 && change_fd < FD_SETSIZE) {
    FD_SET(change_fd, &readable);
    max_fd = std::max(max_fd, change_fd);
  }
  auto wait = std::chrono::microseconds(20000);
  if (std::chrono::steady_clock::now() < echo_expected_until)
    wait = std::chrono::microseconds(1000);
  if (!unsent.empty())
    wait = std::clamp(std::chrono::duration_cast<std::chrono::microseconds>(
                          FlushTime() - std::chrono::steady_clock::now()),
                      std::chrono::microseconds(0), wait);
  timeval timeout{0, static_cast<suseconds_t>(wait.count())};
  select(max_fd + 1, &readable, nullptr, nullptr, &timeout);
}

RfbServer::RfbServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RfbServer::~RfbServer() {
  impl_->stop = true;
  if (impl_->thread.joinable()) impl_->thread.join();
  if (impl_->screen) {
    rfbShutdownServer(impl_->screen, TRUE);
    impl_->screen->cursor = nullptr;  // ours, freed with impl_
    rfbScreenCleanup(impl_->screen);
  }
  std::lock_guard lock(impl_->mu);
  for (int fd : impl_->pending) close(fd);
}

Result<std::unique_ptr<RfbServer>> RfbServer::Start(std::unique_ptr<Desktop> desktop) {
  auto impl = std::make_unique<Impl>();
  impl->desktop = std::move(desktop);
  ScreenSource& source = impl->desktop->screen();
  rfbLog = RfbLogToOurs;
  rfbErr = RfbLogToOurs;
  impl->screen_w = source.width();
  impl->screen_h = source.height();
  impl->view = Rect{0, 0, impl->screen_w, impl->screen_h};
  int argc = 0;
  impl->screen = rfbGetScreen(&argc, nullptr, impl->screen_w, impl->screen_h, 8, 3, 4);
  if (!impl->screen) return Status::Internal("libvncserver could not create a screen");
  impl->frame.assign(static_cast<size_t>(impl->screen_w) * impl->screen_h * 4, 0);
  impl->served = impl->frame.data();
  rfbScreenInfoPtr s = impl->screen;
  s->frameBuffer = reinterpret_cast<char*>(impl->frame.data());
  impl->layout = source.layout();
  s->serverFormat.redShift = impl->layout.red_shift;
  s->serverFormat.greenShift = impl->layout.green_shift;
  s->serverFormat.blueShift = impl->layout.blue_shift;
  s->desktopName = "telemaint";
  s->port = s->ipv6port = -1;  // no listening socket: sessions arrive through NewSession
  s->autoPort = FALSE;
  s->httpPort = -1;
  s->cursor = nullptr;  // until the platform gives the pointer's picture
  // libvncserver's own holding back would delay every keystroke's echo; the loop paces
  // updates itself (kMinUpdateInterval).
  s->deferUpdateTime = 0;
  s->screenData = impl.get();
  s->kbdAddEvent = Impl::OnKey;
  s->ptrAddEvent = Impl::OnPointer;
  s->newClientHook = Impl::OnNewClient;
  s->setXCutText = Impl::OnClientCutText;
  rfbInitServer(s);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Loop(); });
  return std::unique_ptr<RfbServer>(new RfbServer(std::move(impl)));
}

Result<int> RfbServer::NewSession() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    return Status::Io("cannot create a socketpair for the session");
  if (fds[0] >= FD_SETSIZE) {  // libvncserver's loop uses select()
    close(fds[0]);
    close(fds[1]);
    return Status::Limit("too many open files for a new session");
  }
  std::lock_guard lock(impl_->mu);
  impl_->pending.push_back(fds[0]);
  return fds[1];
}

std::vector<Monitor> RfbServer::Monitors() const {
  std::lock_guard lock(impl_->mu);
  return impl_->published_monitors;
}

void RfbServer::OnMonitorsChanged(std::function<void(std::vector<Monitor>)> listener) {
  std::lock_guard lock(impl_->mu);
  impl_->monitors_listener = std::move(listener);
}

void RfbServer::SendCutText(std::string latin1) {
  std::lock_guard lock(impl_->mu);
  impl_->cut_text_out = std::move(latin1);
}

void RfbServer::OnCutText(std::function<void(std::string)> listener) {
  std::lock_guard lock(impl_->mu);
  impl_->cut_text_listener = std::move(listener);
}

void RfbServer::SetInputAllowed(bool allowed) {
  impl_->input_allowed = allowed;
  if (!allowed) impl_->release_input = true;
}

void RfbServer::ShowMonitor(int index) {
  std::lock_guard lock(impl_->mu);
  impl_->requested_monitor = index < 0 ? -1 : index;
}

}  // namespace telemaint::host
