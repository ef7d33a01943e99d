#pragma once
// One session on the technician's side, from the end-to-end channel to its end: the
// technician's hello, the host's proven key, what the customer allows (shown to the technician
// and kept for the receipt), and the RFB stream to one of three places: the viewer's window,
// a VNC client on the local port, or a one-picture snapshot. Internal to viewer/.
// Owns its tunnel and its account for the receipt. io thread only, except where it says.
#include <functional>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "crypto/identity.h"
#include "net/net.h"
#include "peer/channel_link.h"
#include "peer/session_account.h"
#include "peer/session_messages.h"
#include "viewer/viewer_app.h"
#include "viewer/viewer_extras.h"

namespace telemaint::viewer {

class ViewerWindow;

class ViewerSession {
 public:
  using Say = std::function<void(const std::string&)>;
  // `key` (the technician's) and `say` must outlive the session.
  ViewerSession(const ViewerOptions& options, const Say& say, std::shared_ptr<net::WsConnection> ws,
                peer::Channel channel, std::string session_id, const crypto::SigningKey& key);

  // Each runs the session to its end and returns the process exit code.
  // The window lives on the main thread and outlives the session.
  net::asio::awaitable<int> ShowInWindow(ViewerWindow* window);
  // `acceptor` listens on the local port (the VNC client connects there).
  net::asio::awaitable<int> ServeLocalPort(net::tcp::acceptor& acceptor, uint16_t port);
  net::asio::awaitable<int> TakeSnapshot();

  // Ctrl+C, SIGTERM: ends the session properly (final message, receipt, abort).
  void Stop();
  // From the window's menu.
  void ShowMonitor(int index);
  void RequestControl();
  // Beside the screen, from the window (posted to the io thread).
  ViewerExtras& extras() { return extras_; }

 private:
  void OnSessionMessage(const nlohmann::json& message);
  void OnConsent(peer::ConsentState state);
  int ReportEnding(const peer::Ending& end) const;

  const ViewerOptions& options_;
  const Say& say_;
  net::asio::any_io_executor ex_;
  peer::Tunnel tunnel_;
  const std::string id_;
  peer::SessionAccount account_;
  bool host_key_known_ = false;
  bool stopped_ = false;            // by Stop: the technician's own doing, whatever the tunnel saw
  ViewerWindow* window_ = nullptr;  // while ShowInWindow runs
  ViewerExtras extras_;             // chat, files, clipboard
};

}  // namespace telemaint::viewer
