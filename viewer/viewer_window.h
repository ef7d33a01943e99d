#pragma once
// The technician's window (FLTK): the customer's screen scaled to fit or at actual size with
// scroll bars, full screen, keyboard and mouse sent to the host, the remote pointer shape, and
// a menu (view only, Ctrl+Alt+Del, monitor, picture quality, disconnect). Run() belongs to
// the main thread; Attach(), SetMonitors(), SetCustomerPermission() and Finish() may be called
// from any thread (the network's). The On...() handlers run on the main thread; set them before
// Run. The window owns its RFB client (RemoteScreen) once attached.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "peer/session_messages.h"
#include "viewer/quality.h"

namespace telemaint::viewer {

class ViewerWindow {
 public:
  explicit ViewerWindow(Quality quality);
  ~ViewerWindow();

  // The session's RFB stream is on `fd` (owned from now on): opens the window.
  void Attach(int fd, std::string title);
  // The host's monitors (name and geometry), for the Monitor menu; index 0 is "all".
  using Monitor = peer::MonitorInfo;
  void SetMonitors(std::vector<Monitor> monitors);
  // Chosen in the menu: the host is asked to show only this monitor (-1: all).
  void OnMonitorChosen(std::function<void(int)> choose);
  // What the customer allowed (shown in the title; view only disables the input).
  void SetCustomerPermission(peer::ConsentState state);
  // Session > Ask for control was chosen.
  void OnControlRequested(std::function<void()> request);
  // The session is over: Run returns.
  void Finish();
  // Runs the window until Finish() (or until the technician closes it, which ends the
  // session's RFB stream first).
  void Run();

  struct Impl;  // public so the window's widgets (viewer_window.cc) can reach it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::viewer
