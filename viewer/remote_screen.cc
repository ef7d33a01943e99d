#include "viewer/remote_screen.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "common/log.h"
#include "viewer/rfb_client.h"

namespace telemaint::viewer {
namespace {

char kImplTag;  // address used as libvncclient's client-data key

struct Command {
  enum class Kind { kKey, kPointer, kQuality } kind;
  uint32_t keysym = 0;
  bool down = false;
  int x = 0, y = 0;
  uint8_t buttons = 0;
  Quality quality = Quality::kLossless;
};

}  // namespace

struct RemoteScreen::Impl {
  int fd = -1;
  int wake_fd = -1;  // eventfd: commands are waiting, or stop
  Quality quality;
  Notify notify;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::mutex fd_mu;  // guards live_fd: Stop() may shut it down from another thread
  int live_fd = -1;  // the socket while libvncclient owns it

  std::mutex mu;  // guards everything below
  std::vector<uint8_t> rgb;
  int width = 0, height = 0;
  Changes changes;
  bool notified = false;
  std::deque<Command> commands;

  void Run();
  void Push(Command command);
  void Wake();
  void NotifyLocked();  // mu held
  void RunCommands(rfbClient* c);
  static Impl* Of(rfbClient* c) { return static_cast<Impl*>(rfbClientGetClientData(c, &kImplTag)); }
  static rfbBool OnResize(rfbClient* c);
  static void OnUpdate(rfbClient* c, int x, int y, int w, int h);
  static void OnCursor(rfbClient* c, int xhot, int yhot, int width, int height, int bpp);
};

std::unique_ptr<RemoteScreen> RemoteScreen::Start(int fd, Quality quality, Notify notify) {
  auto impl = std::make_unique<Impl>();
  impl->fd = fd;
  impl->quality = quality;
  impl->notify = std::move(notify);
  impl->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<RemoteScreen>(new RemoteScreen(std::move(impl)));
}

RemoteScreen::RemoteScreen(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RemoteScreen::~RemoteScreen() {
  Stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  if (impl_->wake_fd >= 0) close(impl_->wake_fd);
}

void RemoteScreen::Stop() {
  impl_->stopping = true;
  impl_->Wake();
  // A host that stops mid-message leaves the RFB thread blocked in read(): unblock it.
  std::lock_guard lock(impl_->fd_mu);
  if (impl_->live_fd >= 0) shutdown(impl_->live_fd, SHUT_RDWR);
}

void RemoteScreen::Impl::Wake() {
  uint64_t one = 1;
  if (wake_fd >= 0) (void)!write(wake_fd, &one, sizeof one);
}

void RemoteScreen::Impl::Push(Command command) {
  {
    std::lock_guard lock(mu);
    // On a slow line only the latest pointer position matters while no button changes.
    if (command.kind == Command::Kind::kPointer && !commands.empty() &&
        commands.back().kind == Command::Kind::kPointer &&
        commands.back().buttons == command.buttons) {
      commands.back() = command;
      return;
    }
    commands.push_back(command);
  }
  Wake();
}

void RemoteScreen::SendKey(uint32_t keysym, bool down) {
  impl_->Push({Command::Kind::kKey, keysym, down});
}

void RemoteScreen::SendPointer(int x, int y, uint8_t buttons) {
  Command c{Command::Kind::kPointer};
  c.x = x;
  c.y = y;
  c.buttons = buttons;
  impl_->Push(c);
}

void RemoteScreen::SetQuality(Quality quality) {
  Command c{Command::Kind::kQuality};
  c.quality = quality;
  impl_->Push(c);
}

RemoteScreen::Changes RemoteScreen::TakeChanges() {
  std::lock_guard lock(impl_->mu);
  Changes out = std::move(impl_->changes);
  impl_->changes = Changes{};
  impl_->changes.ended = out.ended;  // ending is a state, not an event
  impl_->changes.end_reason = out.end_reason;
  impl_->notified = false;
  out.width = impl_->width;
  out.height = impl_->height;
  return out;
}

void RemoteScreen::WithPicture(
    const std::function<void(const uint8_t* rgb, int width, int height)>& use) {
  std::lock_guard lock(impl_->mu);
  if (impl_->width > 0) use(impl_->rgb.data(), impl_->width, impl_->height);
}

void RemoteScreen::Impl::NotifyLocked() {
  if (notified) return;
  notified = true;
  if (notify) notify();
}

rfbBool RemoteScreen::Impl::OnResize(rfbClient* c) {
  Impl* self = Of(c);
  if (!ScreenSizeAcceptable(c->width, c->height)) {
    log::Warn("the host announced a ", c->width, "x", c->height, " screen: refused");
    return FALSE;
  }
  std::free(c->frameBuffer);
  const size_t pixels = static_cast<size_t>(c->width) * c->height;
  c->frameBuffer = static_cast<uint8_t*>(std::calloc(pixels, 4));
  if (!c->frameBuffer) return FALSE;
  std::lock_guard lock(self->mu);
  try {  // no exception may cross libvncclient's C frames
    self->rgb.assign(pixels * 3, 0);
  } catch (const std::bad_alloc&) {
    log::Warn("not enough memory for a ", c->width, "x", c->height, " screen");
    return FALSE;
  }
  self->width = c->width;
  self->height = c->height;
  self->changes.resized = true;
  self->changes.rects.clear();
  self->NotifyLocked();
  return TRUE;
}

void RemoteScreen::Impl::OnUpdate(rfbClient* c, int x, int y, int w, int h) {
  Impl* self = Of(c);
  const int x0 = std::max(0, x), y0 = std::max(0, y);
  const int x1 = std::min(c->width, x + w), y1 = std::min(c->height, y + h);
  if (x0 >= x1 || y0 >= y1) return;
  std::lock_guard lock(self->mu);
  if (self->width != c->width || self->height != c->height) return;
  for (int row = y0; row < y1; ++row) {
    const uint8_t* src = c->frameBuffer + (static_cast<size_t>(row) * c->width + x0) * 4;
    uint8_t* dst = self->rgb.data() + (static_cast<size_t>(row) * c->width + x0) * 3;
    for (int col = x0; col < x1; ++col, src += 4, dst += 3) std::memcpy(dst, src, 3);
  }
  self->changes.rects.push_back({x0, y0, x1 - x0, y1 - y0});
  self->NotifyLocked();
}

void RemoteScreen::Impl::OnCursor(rfbClient* c, int xhot, int yhot, int width, int height,
                                  int bpp) {
  Impl* self = Of(c);
  // libvncclient allocates both buffers for every shape and never frees them: we do.
  struct FreeShape {
    rfbClient* c;
    ~FreeShape() { FreePointerShapeBuffers(c); }
  } free_shape{c};
  if (bpp != 4 || width <= 0 || height <= 0 || width > kMaxPointerSide ||
      height > kMaxPointerSide || !c->rcSource || !c->rcMask)
    return;  // keep the previous shape rather than trust an odd one
  PointerShape shape;
  shape.width = width;
  shape.height = height;
  shape.hot_x = std::clamp(xhot, 0, width - 1);
  shape.hot_y = std::clamp(yhot, 0, height - 1);
  shape.rgba.resize(static_cast<size_t>(width) * height * 4);
  for (int i = 0; i < width * height; ++i) {
    std::memcpy(&shape.rgba[i * 4], c->rcSource + i * 4, 3);
    shape.rgba[i * 4 + 3] = c->rcMask[i] ? 255 : 0;
  }
  std::lock_guard lock(self->mu);
  self->changes.pointer_shape = std::move(shape);
  self->NotifyLocked();
}

void RemoteScreen::Impl::RunCommands(rfbClient* c) {
  std::deque<Command> todo;
  {
    std::lock_guard lock(mu);
    todo.swap(commands);
  }
  for (const Command& cmd : todo) {
    switch (cmd.kind) {
      case Command::Kind::kKey:
        SendKeyEvent(c, cmd.keysym, cmd.down ? TRUE : FALSE);
        break;
      case Command::Kind::kPointer:
        SendPointerEvent(c, std::clamp(cmd.x, 0, std::max(0, c->width - 1)),
                         std::clamp(cmd.y, 0, std::max(0, c->height - 1)), cmd.buttons);
        break;
      case Command::Kind::kQuality:
        ApplyQuality(c, cmd.quality);
        SetFormatAndEncodings(c);
        // A full refresh, so the whole picture is at the new quality at once.
        SendFramebufferUpdateRequest(c, 0, 0, c->width, c->height, FALSE);
        break;
    }
  }
}

void RemoteScreen::Impl::Run() {
  std::string why = "the customer's screen is no longer shared";
  rfbClient* c = NewRfbClient(fd, quality);
  if (!c) {
    close(fd);
    why = "libvncclient could not create a client";
  } else {
    {
      std::lock_guard lock(fd_mu);
      live_fd = fd;
    }
    rfbClientSetClientData(c, &kImplTag, this);
    c->MallocFrameBuffer = OnResize;
    c->GotFrameBufferUpdate = OnUpdate;
    c->GotCursorShape = OnCursor;
    c->appData.useRemoteCursor = TRUE;
    if (!rfbInitClient(c, nullptr, nullptr)) {
      c = nullptr;  // rfbInitClient freed the client and closed the socket
      std::lock_guard lock(fd_mu);
      live_fd = -1;
      why = "the customer's computer did not answer like a VNC server";
    }
  }
  while (c && !stopping) {
    pollfd fds[2] = {{c->sock, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    // libvncclient may hold bytes it read ahead: handle them before waiting.
    int n = c->buffered > 0 ? 1 : poll(fds, 2, 1000);
    if (n < 0 && errno != EINTR) break;
    if (fds[1].revents & POLLIN) {
      uint64_t count;
      (void)!read(wake_fd, &count, sizeof count);
    }
    if (stopping) break;
    RunCommands(c);
    if (c->buffered > 0 || (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      if (!HandleRFBServerMessage(c)) {
        why = "the customer's computer closed the screen or sent invalid data";
        break;
      }
    }
  }
  if (c) {
    std::free(c->frameBuffer);  // rfbClientCleanup leaves it to us
    c->frameBuffer = nullptr;
    FreePointerShapeBuffers(c);
    {
      std::lock_guard lock(fd_mu);
      live_fd = -1;  // about to be closed: Stop() must not touch the number any more
    }
    rfbClientCleanup(c);  // closes the socket
  }
  std::lock_guard lock(mu);
  changes.ended = true;
  changes.end_reason = stopping ? "you disconnected" : why;
  notified = false;
  NotifyLocked();
}

}  // namespace telemaint::viewer
