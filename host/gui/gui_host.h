#pragma once
// telemaint-host with its windows (--ui gui): the code, the question and the session banner
// on the shared display, in the person's language. The windows run on the main thread, the
// host's network and screen work on another.
#include "host/host_agent.h"

namespace telemaint::host::gui {

// Runs the host until it stops (signal, or the person closes the code window). The exit code
// is HostAgent::Run's.
int RunHostWithWindows(HostOptions options);

}  // namespace telemaint::host::gui
