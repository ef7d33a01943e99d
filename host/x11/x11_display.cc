#include "host/x11/x11_display.h"
#include "host/x11/xlib.h"

#include "host/x11/x11_input.h"
#include "host/x11/x11_screen.h"

#include "common/log.h"

namespace telemaint::host {
namespace {

// Xlib's default handler exits the process. Errors we can meet are recoverable (a grab racing a
// resolution change gives BadMatch), so they are logged and the caller's check sees a failure.
int QuietXErrorHandler(Display* dpy, XErrorEvent* e) {
  char text[128] = "";
  XGetErrorText(dpy, e->error_code, text, sizeof text);
  log::Debug("X error: ", text, " (request ", static_cast<int>(e->request_code), ".",
             static_cast<int>(e->minor_code), ")");
  return 0;
}

}  // namespace

struct X11Display::Impl {
  Display* dpy = nullptr;
  std::unique_ptr<X11Screen> screen;
  std::unique_ptr<X11Input> input;
  ~Impl() {
    input.reset();
    screen.reset();
    if (dpy) XCloseDisplay(dpy);
  }
};

X11Display::X11Display(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
X11Display::~X11Display() = default;
ScreenSource& X11Display::screen() { return *impl_->screen; }
InputSink& X11Display::input() { return *impl_->input; }

bool CanOpenX11Display(const std::string& name, std::string* why) {
  Display* dpy = XOpenDisplay(name.empty() ? nullptr : name.c_str());
  if (!dpy) {
    *why = "cannot open the X display '" + (name.empty() ? std::string("$DISPLAY") : name) +
           "' (no X server there, or it refuses this user)";
    return false;
  }
  XCloseDisplay(dpy);
  return true;
}

Result<std::unique_ptr<X11Display>> X11Display::Open(const std::string& name) {
  auto impl = std::make_unique<Impl>();
  XSetErrorHandler(QuietXErrorHandler);
  impl->dpy = XOpenDisplay(name.empty() ? nullptr : name.c_str());
  if (!impl->dpy)
    return Status::Io("cannot open the X display '" +
                      (name.empty() ? std::string("$DISPLAY") : name) +
                      "' — is a graphical session running (or pass --display)?");
  int ev, err, major, minor;
  if (!XTestQueryExtension(impl->dpy, &ev, &err, &major, &minor))
    return Status::InvalidInput("the X server has no XTEST extension (needed for input)");
  auto screen = X11Screen::Create(impl->dpy);
  if (!screen.ok()) return screen.status();
  impl->screen = std::move(*screen);
  impl->input = std::make_unique<X11Input>(impl->dpy);
  impl->screen->OnKeymapChange([input = impl->input.get()] { input->RefreshKeymap(); });
  return std::unique_ptr<X11Display>(new X11Display(std::move(impl)));
}

}  // namespace telemaint::host
