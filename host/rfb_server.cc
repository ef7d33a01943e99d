#include "host/rfb_server.h"

#include <rfb/rfb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>

#include "common/log.h"
#include "host/desktop.h"
#include "host/x11/x11_display.h"

namespace telemaint::host {
namespace {

void RfbLogToOurs(const char* format, ...) {
  va_list args;
  va_start(args, format);
  log::WriteFormatted(log::Level::kDebug, "libvncserver: ", format, args);
  va_end(args);
}

}  // namespace

struct RfbServer::Impl {
  std::unique_ptr<Desktop> desktop;
  rfbScreenInfoPtr screen = nullptr;
  std::vector<uint8_t> frame;
  std::thread thread;
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<int> pending;  // fds to attach, handed over by NewSession

  static Impl* From(rfbClientPtr cl) { return static_cast<Impl*>(cl->screen->screenData); }

  static void OnKey(rfbBool down, rfbKeySym keysym, rfbClientPtr cl) {
    From(cl)->desktop->input().Key(keysym, down);
  }
  static void OnPointer(int mask, int x, int y, rfbClientPtr cl) {
    From(cl)->desktop->input().Pointer(x, y, static_cast<uint8_t>(mask));
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

  void Loop() {
    auto& source = desktop->screen();
    while (!stop) {
      {
        std::lock_guard lock(mu);
        for (int fd : pending) rfbNewClient(screen, fd);
        pending.clear();
      }
      for (const Rect& r : source.Update(frame.data()))
        rfbMarkRectAsModified(screen, r.x, r.y, r.x + r.w, r.y + r.h);
      rfbProcessEvents(screen, 10000);  // up to 10 ms waiting for client traffic
    }
  }
};

RfbServer::RfbServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RfbServer::~RfbServer() {
  impl_->stop = true;
  if (impl_->thread.joinable()) impl_->thread.join();
  if (impl_->screen) {
    rfbShutdownServer(impl_->screen, TRUE);
    rfbScreenCleanup(impl_->screen);
  }
  std::lock_guard lock(impl_->mu);
  for (int fd : impl_->pending) close(fd);
}

Result<std::unique_ptr<RfbServer>> RfbServer::StartX11(const std::string& display) {
  auto x11 = X11Display::Open(display);
  if (!x11.ok()) return x11.status();
  return Start(std::move(*x11));
}

Result<std::unique_ptr<RfbServer>> RfbServer::Start(std::unique_ptr<Desktop> desktop) {
  auto impl = std::make_unique<Impl>();
  impl->desktop = std::move(desktop);
  ScreenSource& source = impl->desktop->screen();
  rfbLog = RfbLogToOurs;
  rfbErr = RfbLogToOurs;
  int argc = 0;
  impl->screen = rfbGetScreen(&argc, nullptr, source.width(), source.height(), 8, 3, 4);
  if (!impl->screen) return Status::Internal("libvncserver could not create a screen");
  impl->frame.assign(static_cast<size_t>(source.width()) * source.height() * 4, 0);
  rfbScreenInfoPtr s = impl->screen;
  s->frameBuffer = reinterpret_cast<char*>(impl->frame.data());
  PixelLayout layout = source.layout();
  s->serverFormat.redShift = layout.red_shift;
  s->serverFormat.greenShift = layout.green_shift;
  s->serverFormat.blueShift = layout.blue_shift;
  s->desktopName = "telemaint";
  s->port = s->ipv6port = -1;  // no listening socket: sessions arrive through NewSession
  s->autoPort = FALSE;
  s->httpPort = -1;
  s->cursor = nullptr;  // the real pointer is already in the captured pixels' place
  s->screenData = impl.get();
  s->kbdAddEvent = Impl::OnKey;
  s->ptrAddEvent = Impl::OnPointer;
  s->newClientHook = Impl::OnNewClient;
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

}  // namespace telemaint::host
