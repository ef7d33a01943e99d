#pragma once
// One technician's session on the host, from the end-to-end channel to its end: the viewer's
// hello, the person's consent (asked through the ConsentUi), the RFB stream (the built-in
// server or a VNC server), the decisions reported to the relay, the host's own session list and
// its signed receipt. Internal to host/.
// Owns its tunnel and consent state, and every coroutine it starts (the questions) ends before
// Run returns. io thread only.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/vocabulary.h"
#include "common/wire.h"
#include "crypto/identity.h"
#include "host/consent.h"
#include "host/host_agent.h"
#include "host/policy.h"
#include "host/session_extras.h"
#include "host/screen_source.h"
#include "net/net.h"
#include "peer/channel_link.h"
#include "peer/session_account.h"
#include "net/local_socket.h"
#include "peer/session_messages.h"

namespace telemaint::host {

class RfbServer;
class SessionHistory;
}  // namespace telemaint::host
namespace telemaint::rfb {
class HostRfbFilter;
}  // namespace telemaint::rfb
namespace telemaint::host {

// An unattended session's facts, from the handshake and the machine's policy.
struct UnattendedContext {
  Bytes technician_key;  // the certified key: the technician's hello must be signed with it
  PolicyNow policy;      // as it applies now (deny outside the hours)
};

// What the agent lends each session; it outlives the session.
struct SessionContext {
  const HostOptions& options;
  RfbServer* builtin;  // the built-in server; nullptr when sharing --vnc-server
  ConsentUi& ui;
  SessionHistory& history;
  const crypto::SigningKey& key;  // this computer's: the host's hello and receipt
  const UnattendedContext* unattended = nullptr;  // an enrolled machine's session
  Clipboard* clipboard = nullptr;                 // the person's, when the platform has one
};

class HostSession {
 public:
  HostSession(SessionContext context, std::shared_ptr<net::WsConnection> ws,
              peer::Channel channel, const wire::Paired& paired);
  // Runs the session to its end: the question, the screen, the receipt.
  net::asio::awaitable<peer::Ending> Run();
  // Ends the session from this side (Ctrl+C, SIGTERM): final message, receipt, abort.
  void Stop();
  void SendMonitors(const std::vector<Monitor>& monitors);
  // Beside the screen: the person copied text; an RFB client sent cut text.
  void OnLocalCopy(peer::Selection selection, std::string text) {
    extras_.OnLocalCopy(selection, std::move(text));
  }
  void OnRfbCutText(const std::string& latin1) { extras_.OnRfbCutText(latin1); }
  const std::string& id() const { return id_; }

 private:
  void OnSessionMessage(const nlohmann::json& message);
  void OnTechnicianHello(const peer::TechnicianHello& hello);
  void StartHelloDeadline();
  void SendHostHello();
  std::optional<std::pair<std::string, Bytes>> MakeReceipt(const peer::Ending& end);

  // The person's answers.
  void SpawnQuestion(bool from_view_only);
  // Unattended: allow or deny by the machine's policy, nobody asked. false: ask as attended.
  bool DecideByPolicy();
  net::asio::awaitable<void> AskToLetIn();
  net::asio::awaitable<void> AskForControl();
  net::asio::awaitable<void> WaitForQuestions();
  void ApplyPermission(Permission p);
  void RecordDecision(wire::ConsentEvent event, Permission permission);
  std::function<void(Permission)> OnChoice();

  // The local stream, once the person said yes.
  net::asio::awaitable<std::optional<net::tcp::socket>> OpenLocal();
  net::asio::awaitable<std::optional<net::tcp::socket>> AttachToBuiltin();
  net::asio::awaitable<std::optional<net::tcp::socket>> ConnectToVncServer();
  void RecordEnd(const peer::Ending& end);

  SessionContext context_;
  std::shared_ptr<net::WsConnection> ws_;
  peer::Tunnel tunnel_;
  rfb::HostRfbFilter* filter_ = nullptr;  // owned by tunnel_; with the built-in server only
  const std::string id_;
  Technician technician_;
  peer::SessionAccount account_;
  bool hello_seen_ = false;
  net::asio::steady_timer hello_deadline_;
  Permission permission_ = Permission::kDenied;
  std::chrono::steady_clock::time_point allowed_at_;
  bool asking_ = false;          // a question is open
  int questions_running_ = 0;    // AskToLetIn / AskForControl coroutines not yet ended
  net::AsyncEvent questions_changed_;
  net::AsyncEvent decided_;  // the first answer (or the end): the stream may open
  SessionExtras extras_;     // clipboard, files and chat, once the person let the technician in
};

}  // namespace telemaint::host
