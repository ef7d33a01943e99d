#pragma once
// What a program's main.cc hands the host core: the pieces that differ by platform and by how
// the person at the screen is reached. The core links without any of them (no X11, no FLTK).
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

namespace telemaint::host {

class Clipboard;
class ConsentUi;
class Desktop;

// Writes one of the host's lines for the person (standard output by default).
using Say = std::function<void(const std::string& line)>;
// Runs `work` on the host's io thread; callable from any thread.
using PostToIo = std::function<void(std::function<void()> work)>;

struct HostPlatform {
  // The desktop the built-in server shares (X11 on Linux); used when no --vnc-server is given.
  // Called once, on the io thread's owner before it runs.
  std::function<Result<std::unique_ptr<Desktop>>()> open_desktop;
  // The person's clipboard (X11 on Linux), shared during sessions under control; optional.
  // Called once, like open_desktop; `primary`: PRIMARY too.
  std::function<Result<std::unique_ptr<Clipboard>>(bool primary)> open_clipboard;
  Say say;
  // The UI that asks the person and shows the session (default: the terminal). Called once,
  // before the io thread runs; `say` writes one of the host's lines (escaped), `post` reaches
  // the io thread, where every ConsentUi call happens.
  std::function<std::unique_ptr<ConsentUi>(PostToIo post, Say say)> make_ui;
};

}  // namespace telemaint::host
