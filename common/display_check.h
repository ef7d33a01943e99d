#pragma once
// Whether a window can be opened on an X display, looked at without Xlib (X11 code stays in
// host/x11) and before FLTK, which exits the process when it cannot open its display.
#include <string>

namespace telemaint {

// `name` is a display such as ":0" (empty: $DISPLAY). A local display ":N" is a socket the X
// server listens on; a remote one is taken as reachable (FLTK will say). `why` says what is
// missing when false.
bool DisplayReachable(const std::string& name, std::string* why);

}  // namespace telemaint
