#pragma once
// ViewerApp's inside, shared by viewer_app.cc (attended: a code) and viewer_machine.cc
// (unattended: an enrolled machine). Internal to viewer/. The io thread runs the network; the
// window, when there is one, the main thread.
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "common/wire.h"
#include "crypto/identity.h"
#include "crypto/session_code.h"
#include "net/net.h"
#include "net/ws_connection.h"
#include "peer/channel_link.h"
#include "viewer/machine_access.h"
#include "viewer/side_panel.h"
#include "viewer/viewer_app.h"

namespace telemaint::viewer {

using namespace net;

class ViewerSession;
class ViewerWindow;

struct ViewerApp::Impl {
  ViewerOptions options;
  std::function<void(const std::string&)> say;
  asio::io_context io{1};
  std::shared_ptr<WsConnection> ws;
  bool interrupted = false;
  bool finished = false;
  // The window, owned by Run on the main thread: set before the network thread starts and
  // cleared after it ends.
  ViewerWindow* window = nullptr;
  // The running session, owned by Main's frame, which sets and clears this (io thread).
  ViewerSession* session = nullptr;
  Bytes org_key;  // unattended: the organisation key the technician's certificate pins

  asio::awaitable<int> Main(crypto::SessionCode code, std::string password);
  asio::awaitable<std::variant<wire::Paired, int>> Join(std::string nameplate,
                                                        std::string password);
  // Unattended access (viewer_machine.cc).
  asio::awaitable<int> MainMachine(std::string password);
  asio::awaitable<std::variant<peer::Channel, int>> MachineHandshake(const TechnicianCredential& me,
                                                                     const crypto::SigningKey& key,
                                                                     const std::string& session);
  asio::awaitable<std::variant<peer::Channel, int>> Handshake(const crypto::SessionCode& code,
                                                              const std::string& session);
  asio::awaitable<int> RunSession(peer::Channel channel, std::string session_id,
                                  const crypto::SigningKey& key, tcp::acceptor& acceptor,
                                  uint16_t port);
  void OnSignal();
  void RunWindow();
  SidePanel::Handlers SideActions();
};

}  // namespace telemaint::viewer
