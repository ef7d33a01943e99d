#pragma once
// RfbServer: the host's own VNC server (libvncserver) with no listening socket. Each session's
// RFB stream is one client attached through a socketpair whose other end the host carries
// through the end-to-end channel. A thread of its own runs libvncserver and the capture; the
// ScreenSource and InputSink are used only there. When a session's client goes, every key and
// button it held is released. NewSession() is thread-safe.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "host/screen_source.h"

namespace telemaint::host {

class Desktop;

class RfbServer {
 public:
  // Serves a desktop: the platform's (X11Display::Open in host/x11/), or a synthetic one in
  // tests and benchmarks.
  static Result<std::unique_ptr<RfbServer>> Start(std::unique_ptr<Desktop> desktop);
  ~RfbServer();

  // A new RFB client on one end of a socketpair; returns the other end, owned by the caller.
  Result<int> NewSession();

  // The screen's monitors as last seen (thread-safe).
  std::vector<Monitor> Monitors() const;
  // Called on the server's thread whenever the monitors change.
  void OnMonitorsChanged(std::function<void(std::vector<Monitor>)> listener);
  // Shows only this monitor to the technician (-1: the whole screen); an index that does not
  // exist shows the whole screen. Thread-safe.
  void ShowMonitor(int index);
  // Whether the technician's keys and mouse reach the screen (view only: every input event is
  // dropped, and whatever was held is released). Thread-safe.
  void SetInputAllowed(bool allowed);
  // Clipboard text for RFB clients (a VNC viewer behind the technician's --listen): sent as
  // ServerCutText, ISO 8859-1 as RFB wants it. Thread-safe.
  void SendCutText(std::string latin1);
  // An RFB client sent ClientCutText (Latin-1) while input is allowed; called on the server's
  // thread.
  void OnCutText(std::function<void(std::string latin1)> listener);

 private:
  struct Impl;
  explicit RfbServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::host
