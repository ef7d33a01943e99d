#pragma once
// telemaint-host with its windows (--ui gui): the code, the question and the session banner
// on the shared display, in the person's language. The windows run on the main thread, the
// host's network and screen work on another.
#include <functional>
#include <string>

#include "host/host_agent.h"

class Fl_Window;

namespace telemaint::host::gui {

// Keeps a window above all others: the platform's call that FLTK lacks (host/x11/keep_above.h).
// Main thread only, after the window is shown.
using KeepAbove = std::function<void(Fl_Window*)>;

// Runs the host until it stops (signal, or the person closes the code window), with the
// platform's desktop (`platform.open_desktop`); the windows are its UI and say its lines. The
// exit code is HostAgent::Run's.
int RunHostWithWindows(HostOptions options, HostPlatform platform, KeepAbove keep_above);

// Started from the menu with nothing configured: says so in a window, in the person's
// language, until they close it (standard error, which they do not see, says it too).
void ShowNotSetUp(const std::string& display);

}  // namespace telemaint::host::gui
