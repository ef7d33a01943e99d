#pragma once
// Keeps one of the host's FLTK windows above all others: the session banner must stay in
// sight. Asks the window manager (_NET_WM_STATE_ABOVE) and, for desktops without one, raises
// the window again on every call. Main (FLTK) thread only, after the window is shown.
class Fl_Window;

namespace telemaint::host::x11 {

void KeepAbove(Fl_Window* window);

}  // namespace telemaint::host::x11
