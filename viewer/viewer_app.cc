#include "viewer/viewer_app.h"

#include <boost/asio/signal_set.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "common/clock.h"
#include "receipt/receipt.h"
#include "common/log.h"
#include "net/tls.h"
#include "common/wire.h"
#include "net/ws_client.h"
#include "crypto/identity.h"
#include "crypto/session_code.h"
#include "peer/channel_link.h"
#include "peer/session_messages.h"
#include "viewer/rfb_snapshot.h"
#include "viewer/viewer_window.h"

namespace telemaint::viewer {

using namespace net;
using peer::Ending;

struct ViewerApp::Impl {
  ViewerOptions options;
  std::function<void(const std::string&)> say;
  asio::io_context io{1};
  std::shared_ptr<WsConnection> ws;
  net::tcp::acceptor* waiting_acceptor = nullptr;  // while a session waits for the local VNC client
  bool interrupted = false;
  bool finished = false;
  ViewerWindow* window = nullptr;  // in window mode; lives on the main thread
  peer::Tunnel* window_tunnel = nullptr;  // the window's session, on the io thread
  peer::Tunnel* tunnel = nullptr;         // the session's, while it runs (io thread)
  // For this session's receipt: the host's proven key and what the customer allowed.
  const Bytes* binding = nullptr;
  Bytes host_key;
  std::vector<std::string> permissions;

  asio::awaitable<int> Main(crypto::SessionCode code, std::string password);
  asio::awaitable<int> TakeSnapshotThrough(peer::Tunnel& tunnel);
  asio::awaitable<int> ShowInWindow(peer::Tunnel& tunnel, const std::string& session);
  int ReportEnding(const Ending& end, const peer::Tunnel& tunnel, const std::string& session);
  void OnSessionMessage(const nlohmann::json& message);
};

ViewerApp::ViewerApp(ViewerOptions options, std::function<void(const std::string&)> say)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  auto show = say ? std::move(say) : [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  // Lines may hold text from the relay or the host: no control characters reach the terminal.
  impl_->say = [show](const std::string& line) { show(log::Printable(line)); };
}

ViewerApp::~ViewerApp() = default;

int ViewerApp::Run(std::string& code_text, std::string& password) {
  auto code = crypto::ParseSessionCode(code_text);  // wipes code_text
  if (!code.ok()) {
    crypto::Wipe(password);
    impl_->say("Error: " + code.status().message());
    return kExitUsage;
  }
  int exit_code = kExitSetup;
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([impl = impl_.get()](error_code ec, int) {
    if (ec) return;
    impl->interrupted = true;
    if (!impl->ws) {  // still dialling: nothing to tell anyone
      impl->io.stop();
      return;
    }
    if (impl->tunnel && !impl->tunnel->ending()) {
      // In a session: end it properly (final message, our signed receipt, then the abort).
      impl->tunnel->End("viewer_closed", "you stopped it");
      if (impl->waiting_acceptor) {
        error_code ignored;
        impl->waiting_acceptor->close(ignored);
      }
      return;
    }
    impl->ws->SendText(wire::Encode(wire::Abort{"viewer_closed"}));
    impl->ws->CloseAfterFlush(websocket::close_code::normal);
    if (impl->waiting_acceptor) {
      error_code ignored;
      impl->waiting_acceptor->close(ignored);  // ends a session still waiting for the VNC client
    }
  });
  co_spawn(impl_->io, impl_->Main(std::move(code).value(), std::move(password)),
           [&](std::exception_ptr e, int rc) {
             impl_->finished = true;
             exit_code = e ? kExitSetup : rc;
             error_code ignored;
             signals.cancel(ignored);
             // The connection's writer would keep the loop alive: end it (bounded by the
             // WebSocket close timeout).
             if (impl_->ws) impl_->ws->CloseAfterFlush(websocket::close_code::normal);
             if (impl_->window) impl_->window->Finish();
           });
  crypto::Wipe(password);
  if (impl_->options.window) {
    // FLTK wants the main thread; the network runs beside it and closes the window at the end.
    ViewerWindow window(impl_->options.quality);
    impl_->window = &window;
    window.OnMonitorChosen([impl = impl_.get()](int index) {
      asio::post(impl->io, [impl, index] {
        if (impl->window_tunnel) impl->window_tunnel->SendSessionMessage(peer::EncodeShowMonitor(index));
      });
    });
    window.OnControlRequested([impl = impl_.get()] {
      asio::post(impl->io, [impl] {
        if (impl->window_tunnel) impl->window_tunnel->SendSessionMessage(peer::EncodeRequestControl());
      });
    });
    std::thread network([this, &window] {
      impl_->io.run();
      window.Finish();  // however the loop ended (Ctrl+C while dialling stops it early)
    });
    window.Run();
    network.join();
    impl_->window = nullptr;
  } else {
    impl_->io.run();
  }
  if (impl_->interrupted && !impl_->finished) {
    impl_->say("Cancelled.");
    return kExitOk;
  }
  return exit_code;
}

namespace {

int ExitCodeForRelayError(const std::string& code) {
  if (code == "auth_failed" || code == "rate_limited" || code == "forbidden") return kExitLogin;
  if (code == "unknown_code" || code == "code_expired" || code == "code_in_use" ||
      code == "pake_failed")
    return kExitCode;
  return kExitSetup;
}

}  // namespace

// Our own RFB client takes one picture through the channel, on a thread of its own (it
// blocks), over a socketpair whose other end the tunnel carries.
asio::awaitable<int> ViewerApp::Impl::TakeSnapshotThrough(peer::Tunnel& tunnel) {
  Result<Picture> picture = Status::Internal("no picture was taken");
  std::thread worker;
  peer::Tunnel::OpenLocal open_fn = [&]() -> asio::awaitable<std::optional<tcp::socket>> {
    auto ex = co_await asio::this_coro::executor;
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) co_return std::nullopt;
    Quality quality = options.quality;
    worker = std::thread([&picture, fd = fds[1], quality] {
      picture = TakeSnapshot(fd, quality, std::chrono::seconds(60));
    });
    tcp::socket s(ex);
    error_code ec;
    s.assign(tcp::v4(), fds[0], ec);  // Asio's stream socket reads and writes any stream fd
    if (ec) co_return std::nullopt;
    co_return s;
  };
  std::function<void()> no_cancel;
  Ending end = co_await tunnel.Run(open_fn, no_cancel);
  if (worker.joinable()) worker.join();  // its socket is closed: it has returned or will at once
  if (!picture.ok()) {
    if (end.kind == Ending::Kind::kPeerClosed &&
        (end.reason == "user_declined" || end.reason == "consent_timeout")) {
      say(end.reason == "user_declined" ? "The session ended: the customer declined."
                                        : "The session ended: the customer did not answer in time.");
      co_return kExitDeclined;
    }
    say("Error: no picture: " + picture.status().message() + " (" + end.message + ")");
    co_return kExitSessionLost;
  }
  if (Status s = WritePicture(*picture, options.snapshot_file); !s.ok()) {
    say("Error: " + s.message());
    co_return kExitSetup;
  }
  say("Saved a " + std::to_string(picture->width) + "x" + std::to_string(picture->height) +
      " picture of the customer's screen to " + options.snapshot_file + ".");
  co_return kExitOk;
}

asio::awaitable<int> ViewerApp::Impl::Main(crypto::SessionCode code, std::string password) {
  auto ex = co_await asio::this_coro::executor;
  // The technician's key introduces them to the customer's computer; read it before a code
  // is spent.
  auto key = crypto::SigningKey::LoadOrCreate(options.key_file);
  if (!key.ok()) {
    crypto::Wipe(password);
    say("Error: " + key.status().message());
    co_return kExitSetup;
  }
  auto tls = MakeClientTlsContext(options.ca_file);
  if (!tls.ok()) {
    crypto::Wipe(password);
    say("Error: " + tls.status().message());
    co_return kExitSetup;
  }

  // Listen first, so a busy port is reported before the customer's code is spent.
  tcp::acceptor acceptor(ex);
  const bool snapshot = !options.snapshot_file.empty();
  const bool listening = !snapshot && !options.window;
  if (listening) {
    error_code ec;
    auto addr = asio::ip::make_address(options.listen.host, ec);
    tcp::endpoint ep(addr, options.listen.port);
    if (!ec) acceptor.open(ep.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(ep, ec);
    if (!ec) acceptor.listen(1, ec);
    if (ec) {
      crypto::Wipe(password);
      say("Error: cannot listen on " + options.listen.ToString() + ": " + ec.message());
      co_return kExitSetup;
    }
  }
  uint16_t local_port = listening ? acceptor.local_endpoint().port() : uint16_t{0};

  const std::string path = "/v1/viewer";
  DialOptions dial_options;
  auto dialed = co_await DialRelay(**tls, options.relay, path, dial_options);
  if (!dialed.ok()) {
    crypto::Wipe(password);
    say("Error: " + dialed.status().message());
    co_return kExitSetup;
  }
  ws = *dialed;
  if (interrupted) {
    say("Cancelled.");
    co_return kExitOk;
  }
  wire::Join join;
  join.nameplate = code.nameplate;
  join.user = options.user;
  join.password = std::move(password);
  crypto::Wipe(password);
  join.ticket = options.ticket;
  std::string join_text = wire::Encode(join);
  crypto::Wipe(join.password);
  ws->SendText(std::move(join_text));  // the queue's copy is freed once written
  say("Logging in and joining the customer's session…");

  error_code ec;
  auto reply = co_await ws->Receive(ec);
  if (!reply || !reply->text) {
    say(interrupted ? "Cancelled." : "Error: the relay closed the connection before pairing.");
    co_return interrupted ? kExitOk : kExitSetup;
  }
  auto decoded = wire::Decode(reply->data);
  if (!decoded.ok()) {
    say("Error: the relay sent an unexpected answer.");
    co_return kExitSetup;
  }
  if (auto* err = std::get_if<wire::Error>(&*decoded)) {
    say("Error: " + err->message);
    co_return ExitCodeForRelayError(err->code);
  }
  auto* paired = std::get_if<wire::Paired>(&*decoded);
  Bytes sid = paired ? FromHex(paired->session) : Bytes{};
  if (sid.size() != 16) {
    say("Error: the relay sent an unexpected answer.");
    co_return kExitSetup;
  }
  auto hs = crypto::Handshake::Create(crypto::Handshake::Role::kViewer, code.nameplate,
                                      code.secret, sid);
  if (!hs.ok()) co_return kExitSetup;
  auto result = co_await peer::RunHandshake(*ws, *hs, std::chrono::seconds(30));
  if (auto* ending = std::get_if<Ending>(&result)) {
    if (ending->kind == Ending::Kind::kWrongCode) {
      ws->SendText(wire::Encode(wire::Abort{"pake_failed"}));
      ws->CloseAfterFlush(websocket::close_code::normal);
      say("Error: wrong code — ask the customer to read the new code on their screen.");
      co_return kExitCode;
    }
    if (interrupted) {
      say("Cancelled.");
      co_return kExitOk;
    }
    say("Error: " + ending->message);
    co_return ending->reason == "pake_failed" || ending->reason == "code_expired"
                  ? kExitCode
                  : kExitSessionLost;
  }
  say("Connected to the customer's computer (session " + paired->session.substr(0, 8) + ").");
  peer::Tunnel tunnel(ws, std::move(std::get<peer::Channel>(result)), "viewer_closed");
  // First inside the channel: who we are, proved with the key over this channel's binding.
  peer::TechnicianHello hello{options.user, key->public_key(),
                              key->Sign(crypto::TechnicianHelloStatement(tunnel.channel_binding()))};
  tunnel.SendSessionMessage(peer::EncodeHello(hello));
  binding = &tunnel.channel_binding();
  this->tunnel = &tunnel;
  struct Forget {
    Impl* impl;
    ~Forget() {
      impl->tunnel = nullptr;
      impl->binding = nullptr;
    }
  } forget{this};
  const int64_t start_ms = UnixMillisNow();
  // At the end, our signed receipt goes to the relay's audit log.
  tunnel.OnEndMakeReceipt([this, &key, &tunnel, session = paired->session, start_ms](
                              const Ending& end) -> std::optional<std::pair<std::string, Bytes>> {
    receipt::ReceiptFacts facts;
    facts.role = "viewer";
    facts.session = session;
    facts.transcript = crypto::TranscriptHash(tunnel.channel_binding());
    facts.host_key = host_key;
    facts.technician_key = key->public_key();
    facts.technician = options.user;
    facts.start_ms = start_ms;
    facts.end_ms = UnixMillisNow();
    facts.permissions = permissions;
    facts.ending = end.reason;
    auto receipt = receipt::SignReceipt(facts, *key);
    return std::make_pair(receipt.text, receipt.signature);
  });
  tunnel.OnSessionMessage([this](const nlohmann::json& message) { OnSessionMessage(message); });
  if (snapshot) co_return co_await TakeSnapshotThrough(tunnel);  // a named tunnel: see Run
  if (options.window) co_return co_await ShowInWindow(tunnel, paired->session);
  const std::string where = HostPort{options.listen.host, local_port}.ToString();
  say("Listening on " + where + " — point your VNC viewer there (e.g. vncviewer " +
      options.listen.host + "::" + std::to_string(local_port) + ").");
  log::Info("session ", paired->session, ": channel up");

  waiting_acceptor = &acceptor;
  auto open_local = [&acceptor]() -> asio::awaitable<std::optional<tcp::socket>> {
    error_code aec;
    tcp::socket s = co_await acceptor.async_accept(Nothrow(aec));
    if (aec) co_return std::nullopt;
    error_code ignored;
    acceptor.close(ignored);  // one session, one VNC client: nobody else gets in later
    co_return s;
  };
  // Named, not temporaries: GCC 12 mishandles temporaries passed by value to coroutines.
  peer::Tunnel::OpenLocal open_fn = open_local;
  std::function<void()> cancel_fn = [&acceptor] {
    error_code ignored;
    acceptor.close(ignored);
  };
  Ending end = co_await tunnel.Run(open_fn, cancel_fn);
  waiting_acceptor = nullptr;
  co_return ReportEnding(end, tunnel, paired->session);
}

// Our own RFB client and window: the window gets one end of a socketpair, the tunnel the other.
asio::awaitable<int> ViewerApp::Impl::ShowInWindow(peer::Tunnel& tunnel,
                                                   const std::string& session) {
  const std::string title = "telemaint — " + options.user + " — session " + session.substr(0, 8) +
                            (options.ticket.empty() ? "" : " — " + options.ticket);
  peer::Tunnel::OpenLocal open_fn = [&]() -> asio::awaitable<std::optional<tcp::socket>> {
    auto ex = co_await asio::this_coro::executor;
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) co_return std::nullopt;
    tcp::socket s(ex);
    error_code ec;
    s.assign(tcp::v4(), fds[0], ec);  // Asio's stream socket reads and writes any stream fd
    if (ec) {
      close(fds[0]);
      close(fds[1]);
      co_return std::nullopt;
    }
    window->Attach(fds[1], title);
    co_return s;
  };
  std::function<void()> no_cancel;
  window_tunnel = &tunnel;
  say("The session is shown in a window; close it or choose Session > Disconnect to end.");
  Ending end = co_await tunnel.Run(open_fn, no_cancel);
  window_tunnel = nullptr;
  co_return ReportEnding(end, tunnel, session);
}

void ViewerApp::Impl::OnSessionMessage(const nlohmann::json& message) {
  if (auto hello = peer::DecodeHostHello(message); hello && binding && host_key.empty()) {
    if (crypto::VerifySignature(hello->public_key, crypto::HostHelloStatement(*binding),
                                hello->signature)) {
      host_key = hello->public_key;
      log::Info("the customer's computer proved its key ", crypto::KeyFingerprint(host_key));
    } else {
      log::Warn("the customer's computer sent a key it could not prove; receipts will not name it");
    }
    return;
  }
  if (auto state = peer::DecodeConsent(message)) {
    if (*state != peer::ConsentState::kAsking && permissions.size() < receipt::kMaxReceiptPermissions)
      permissions.push_back(*state == peer::ConsentState::kControl ? "control" : "view_only");
    switch (*state) {
      case peer::ConsentState::kAsking:
        say("The customer is being asked to let you in…");
        break;
      case peer::ConsentState::kControl:
        say("The customer allowed control.");
        break;
      case peer::ConsentState::kViewOnly:
        say("The customer allowed viewing only: your keys and mouse are ignored.");
        break;
    }
    if (window) window->SetCustomerPermission(*state);
    return;
  }
  if (auto monitors = peer::DecodeMonitors(message)) {
    std::vector<ViewerWindow::Monitor> list;
    for (const auto& m : *monitors) list.push_back({m.name, m.x, m.y, m.width, m.height});
    log::Info("the customer's screen has ", list.size(), " monitor(s)");
    if (window) window->SetMonitors(std::move(list));
  }
}

int ViewerApp::Impl::ReportEnding(const Ending& end, const peer::Tunnel& tunnel,
                                  const std::string& session) {
  if (end.reason == "vnc_unavailable") {
    say("Error: the customer's computer could not share its screen (its VNC server is not "
        "running, or its display could not be opened) — ask the customer to check "
        "telemaint-host's --vnc-server or --display.");
    return kExitSessionLost;
  }
  if (interrupted) {  // Ctrl+C or SIGTERM: our own doing, whatever the tunnel saw
    say("The session ended: you stopped it.");
    return kExitOk;
  }
  const bool you_closed = options.window && end.kind == Ending::Kind::kLocalClosed;
  std::string why = you_closed ? "you disconnected." : end.message;
  if (end.kind == Ending::Kind::kPeerClosed) {
    // The customer's decisions, in their words.
    if (end.reason == "user_declined") why = "the customer declined.";
    if (end.reason == "user_stopped") why = "the customer ended the session.";
    if (end.reason == "consent_timeout") why = "the customer did not answer in time.";
    if (end.reason == "identity") why = "the customer's computer could not verify your identity.";
  }
  say("The session ended: " + why);
  if (end.kind == Ending::Kind::kPeerClosed &&
      (end.reason == "user_declined" || end.reason == "consent_timeout"))
    return kExitDeclined;
  if (end.kind == Ending::Kind::kPeerClosed && end.reason == "identity") return kExitSessionLost;
  log::Info("session ", session, " ended: ", end.reason, " (", tunnel.bytes_out(),
            " bytes sent, ", tunnel.bytes_in(), " received)");
  switch (end.kind) {
    case Ending::Kind::kPeerClosed:
      // The host reporting tampering or a protocol break is not a normal end.
      if (end.reason == "integrity" || end.reason == "protocol") return kExitSessionLost;
      return kExitOk;
    case Ending::Kind::kLocalClosed:
      return kExitOk;
    default:
      return interrupted ? kExitOk : kExitSessionLost;
  }
}

}  // namespace telemaint::viewer
