#pragma once
// The technician's window (FLTK), open from the start of Run with the status of the session
// beside its menu (how far the connection got, the customer's answer, the ending): the
// customer's screen scaled to fit or at actual size with
// scroll bars, full screen, keyboard and mouse sent to the host, the remote pointer shape, and
// a menu (view only, Ctrl+Alt+Del, monitor, picture quality, disconnect). Run() belongs to
// the main thread; Attach(), SetMonitors(), SetCustomerPermission() and Finish() may be called
// from any thread (the network's), and so may Say(). The On...() handlers run on the main thread;
// set them before Run. The window owns its RFB client (RemoteScreen) once attached.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "peer/file_transfers.h"
#include "peer/session_messages.h"
#include "viewer/quality.h"
#include "viewer/side_panel.h"

namespace telemaint::viewer {

class ViewerWindow {
 public:
  // `linger`: how long the window keeps showing how the session ended before it closes
  // (0: at once, when something else shows it, such as the connect dialog).
  explicit ViewerWindow(Quality quality, std::chrono::seconds linger = std::chrono::seconds(4),
                        bool share_clipboard = true, bool share_primary = false);
  ~ViewerWindow();

  // The session's RFB stream is on `fd` (owned from now on): the picture comes.
  void Attach(int fd, std::string title);
  // A line said to the technician (progress, error, ending): the status area shows it.
  void Say(const std::string& line);
  // The host's monitors (name and geometry), for the Monitor menu; index 0 is "all".
  using Monitor = peer::MonitorInfo;
  void SetMonitors(std::vector<Monitor> monitors);
  // Chosen in the menu: the host is asked to show only this monitor (-1: all).
  void OnMonitorChosen(std::function<void(int)> choose);
  // What the customer allowed (shown in the title; view only disables the input).
  void SetCustomerPermission(peer::ConsentState state);
  // Session > Ask for control was chosen.
  void OnControlRequested(std::function<void()> request);
  // The technician closed the window before the session's picture came (cancel joining).
  void OnClosedEarly(std::function<void()> cancel);
  // Beside the screen (viewer/side_panel.h), from any thread: the customer's chat, a transfer's
  // progress or end, whether the clipboard may cross, the customer's copied text.
  void ShowChat(const std::string& who, const std::string& text);
  void ShowTransfer(const peer::TransferView& transfer);
  void SetClipboardAllowed(bool allowed);
  void SetLocalClipboard(peer::Selection selection, std::string text);
  // What the technician does there (chat, send a file, cancel, copied text); main thread, set
  // before Run. Files dropped on the window are sent too.
  void OnSideActions(SidePanel::Handlers handlers);
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
