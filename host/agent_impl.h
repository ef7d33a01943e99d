#pragma once
// HostAgent's inside, shared by host_agent.cc (attended: codes) and unattended_agent.cc (an
// enrolled machine's service). Internal to host/; io thread only, but for Stop's post.
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/log.h"
#include "common/machine_wire.h"
#include "common/wire.h"
#include "crypto/handshake.h"
#include "crypto/identity.h"
#include "crypto/session_code.h"
#include "host/clipboard.h"
#include "host/consent.h"
#include "host/host_agent.h"
#include "host/machine_state.h"
#include "host/rfb_server.h"
#include "host/session_history.h"
#include "net/net.h"
#include "net/ws_connection.h"
#include "peer/channel_link.h"

namespace telemaint::host {

using namespace net;
using peer::Ending;

class HostSession;
struct UnattendedContext;

inline constexpr const char* kHostVersion = "telemaint-host/0.1";

// What the agent does after one relay connection ends.
enum class Next { kReconnectNow, kBackOff, kStop };

// The code shown on one relay connection: at most one per connection, with the host's own
// clock on its lifetime (it does not trust the relay's).
struct ShownCode {
  std::optional<crypto::SessionCode> code;
  std::chrono::steady_clock::time_point issued_at;
  std::shared_ptr<asio::steady_timer> expiry;
  std::shared_ptr<bool> expired = std::make_shared<bool>(false);
};

struct HostAgent::Impl {
  HostOptions options;
  HostPlatform platform;
  asio::io_context io{1};
  std::shared_ptr<ssl::context> tls;
  bool stopping = false;
  std::shared_ptr<WsConnection> current;  // the relay connection of the code shown now
  std::unique_ptr<RfbServer> builtin;     // when no --vnc-server is given
  std::unique_ptr<ConsentUi> consent_ui;
  std::unique_ptr<Clipboard> clipboard;  // the person's (built-in server only); its own thread
  std::unique_ptr<SessionHistory> history;
  std::optional<crypto::SigningKey> host_key;  // signs the host's hello and receipts
  // The running session, owned by RunSession's frame, which sets and clears this (io thread).
  HostSession* session = nullptr;

  int wrong_codes = 0;  // consecutive failed attempts, reset by a session that gets through
  bool renew_code = false;  // the person asked for a new code
  bool in_session = false;  // a technician is paired (handshake, question or session)

  // Lines may hold text from the relay or the peer: no control characters reach the terminal.
  void Say(const std::string& line) { platform.say(log::Printable(line)); }
  std::chrono::seconds WrongCodePause() const;

  Status Prepare();
  Status StartBuiltinServer();
  void OpenClipboard();
  void OnNewCodeAsked();
  asio::awaitable<void> Main();
  asio::awaitable<Next> Connect();
  asio::awaitable<void> PauseAfter(Next next, std::chrono::milliseconds& backoff);
  asio::awaitable<Next> ServeOneCode(std::shared_ptr<WsConnection> ws);
  Next OnConnectionEnded(const ShownCode& shown, const error_code& ec);
  std::optional<Next> ShowCode(ShownCode& shown, const wire::NameplateIssued& issued,
                               std::shared_ptr<WsConnection> ws);
  asio::awaitable<Next> OnPaired(std::shared_ptr<WsConnection> ws, ShownCode& shown,
                                 const wire::Paired& paired);
  asio::awaitable<Next> RunSession(std::shared_ptr<WsConnection> ws,
                                   const crypto::SessionCode& code, const wire::Paired& paired);
  Next HandshakeFailed(WsConnection& ws, const crypto::Handshake& hs, const Ending& ending,
                       const std::string& session);
  void TellTheEnd(const Ending& end);
  // The session once its channel is up (attended, or unattended with `unattended`), to its end.
  asio::awaitable<Next> ServeChannel(std::shared_ptr<WsConnection> ws, peer::Channel channel,
                                     const wire::Paired& paired,
                                     const UnattendedContext* unattended);

  // An enrolled machine's service (unattended_agent.cc): online on /v1/machine instead of
  // showing codes, and unattended sessions by its policy.
  struct Machine {
    MachineState state;
    Enrolment enrolment;
    std::string record;  // its org-signed record, from the relay's welcome
    std::string customer;  // as the record says (certificates' scope is checked against it)
    std::shared_ptr<asio::steady_timer> inventory_timer;
    // Collects the inventory off the io thread (apt may take seconds); joined before io goes.
    std::unique_ptr<asio::thread_pool> inventory_pool;
  };
  bool went_online = false;  // the relay welcomed us: the next backoff starts from the least
  std::optional<Machine> machine;
  asio::awaitable<Next> ServeMachine(std::shared_ptr<WsConnection> ws);
  std::optional<Next> OnMachineMessage(WsConnection& ws, const wire::MachineMessage& message);
  bool OnWelcome(const wire::Welcome& welcome);
  void SendInventorySoon(std::shared_ptr<WsConnection> ws, std::chrono::seconds delay);
  Next OnMachineError(const wire::Error& error);
  asio::awaitable<Next> RunUnattendedSession(std::shared_ptr<WsConnection> ws,
                                             const wire::Paired& paired);
  Result<Bytes> CheckTechnician(std::string_view certificate, const wire::Paired& paired);
};


}  // namespace telemaint::host
