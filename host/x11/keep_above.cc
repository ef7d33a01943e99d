#include "host/x11/keep_above.h"

#include <FL/Fl.H>
#include <FL/Fl_Window.H>
#include <FL/x.H>

namespace telemaint::host::x11 {

void KeepAbove(Fl_Window* window) {
  if (!window->shown() || !fl_display) return;
  const Window xid = fl_xid(window);
  if (!xid) return;
  Atom state = XInternAtom(fl_display, "_NET_WM_STATE", False);
  Atom above = XInternAtom(fl_display, "_NET_WM_STATE_ABOVE", False);
  Atom sticky = XInternAtom(fl_display, "_NET_WM_STATE_STICKY", False);
  // The property, for a window manager that reads it when the window maps ...
  Atom wanted[] = {above, sticky};
  XChangeProperty(fl_display, xid, state, XA_ATOM, 32, PropModeReplace,
                  reinterpret_cast<unsigned char*>(wanted), 2);
  // ... and the request, for one that already manages it (EWMH: _NET_WM_STATE_ADD = 1).
  XEvent e{};
  e.xclient.type = ClientMessage;
  e.xclient.window = xid;
  e.xclient.message_type = state;
  e.xclient.format = 32;
  e.xclient.data.l[0] = 1;
  e.xclient.data.l[1] = static_cast<long>(above);
  e.xclient.data.l[2] = static_cast<long>(sticky);
  e.xclient.data.l[3] = 1;  // from an application
  XSendEvent(fl_display, RootWindow(fl_display, fl_screen), False,
             SubstructureRedirectMask | SubstructureNotifyMask, &e);
  XRaiseWindow(fl_display, xid);
  XFlush(fl_display);
}

}  // namespace telemaint::host::x11
