#include "viewer/viewer_app.h"

#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <thread>

#include "common/log.h"
#include "common/machine_wire.h"
#include "common/wire.h"
#include "crypto/identity.h"
#include "crypto/session_code.h"
#include "net/local_socket.h"
#include "net/tls.h"
#include "net/ws_client.h"
#include "peer/channel_link.h"
#include "viewer/app_impl.h"
#include "viewer/machine_access.h"
#include "viewer/viewer_session.h"
#include "viewer/viewer_window.h"

namespace telemaint::viewer {

using namespace net;
using peer::Ending;
using wire::ErrorCode;

namespace {

int ExitCodeForRelayError(ErrorCode code) {
  switch (code) {
    case ErrorCode::kAuthFailed:
    case ErrorCode::kRateLimited:
    case ErrorCode::kForbidden:
      return kExitLogin;
    case ErrorCode::kUnknownCode:
    case ErrorCode::kCodeExpired:
    case ErrorCode::kCodeInUse:
    case ErrorCode::kUnknownMachine:
    case ErrorCode::kMachineOffline:
    case ErrorCode::kMachineBusy:
    case ErrorCode::kNotApproved:
    case ErrorCode::kRevoked:
      return kExitCode;
    default:
      return kExitSetup;
  }
}

}  // namespace

ViewerApp::ViewerApp(ViewerOptions options, std::function<void(const std::string&)> say)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  auto show = say ? std::move(say) : [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  // Lines may hold text from the relay or the host: no control characters reach the terminal.
  // The window, while there is one, shows them too (set and cleared around the network thread).
  impl_->say = [show, impl = impl_.get()](const std::string& line) {
    const std::string printable = log::Printable(line);
    show(printable);
    if (impl->window) impl->window->Say(printable);
  };
}

ViewerApp::~ViewerApp() = default;

int ViewerApp::Run(std::string& code_text, std::string& password) {
  const bool by_machine = !impl_->options.machine.empty();
  auto code = by_machine ? Result<crypto::SessionCode>(Status::NotFound("no code"))
                         : crypto::ParseSessionCode(code_text);  // wipes code_text
  if (!code.ok() && !by_machine) {
    crypto::Wipe(password);
    impl_->say("Error: " + code.status().message());
    return kExitUsage;
  }
  int exit_code = kExitSetup;
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([impl = impl_.get()](error_code ec, int) {
    if (!ec) impl->OnSignal();
  });
  auto main = by_machine ? impl_->MainMachine(std::move(password))
                         : impl_->Main(std::move(code).value(), std::move(password));
  co_spawn(impl_->io, std::move(main), [&](std::exception_ptr e, int rc) {
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
  if (impl_->options.window)
    impl_->RunWindow();
  else
    impl_->io.run();
  if (impl_->interrupted && !impl_->finished) {
    impl_->say("Cancelled.");
    return kExitOk;
  }
  return exit_code;
}

// FLTK wants the main thread; the network runs beside it and closes the window at the end.
void ViewerApp::Impl::RunWindow() {
  ViewerWindow shown(options.quality, options.window_linger, options.share_clipboard,
                     options.share_primary);
  window = &shown;
  shown.OnClosedEarly([this] { asio::post(io, [this] { OnSignal(); }); });
  shown.OnMonitorChosen([this](int index) {
    asio::post(io, [this, index] {
      if (session) session->ShowMonitor(index);
    });
  });
  shown.OnControlRequested([this] {
    asio::post(io, [this] {
      if (session) session->RequestControl();
    });
  });
  shown.OnSideActions(SideActions());
  std::thread network([this, &shown] {
    io.run();
    shown.Finish();  // however the loop ended (Ctrl+C while dialling stops it early)
  });
  shown.Run();
  network.join();
  window = nullptr;
}

// The window's chat, files and clipboard reach the session on the io thread.
SidePanel::Handlers ViewerApp::Impl::SideActions() {
  auto on_session = [this](std::function<void(ViewerExtras&)> work) {
    asio::post(io, [this, work = std::move(work)] {
      if (session) work(session->extras());
    });
  };
  SidePanel::Handlers h;
  h.chat = [on_session](const std::string& text) {
    on_session([text](ViewerExtras& e) { e.SendChat(text); });
  };
  h.send_file = [on_session](const std::string& path) {
    on_session([path](ViewerExtras& e) { e.SendFile(path); });
  };
  h.cancel_transfers = [on_session] { on_session([](ViewerExtras& e) { e.CancelTransfers(); }); };
  h.clipboard = [on_session](peer::Selection selection, const std::string& text) {
    on_session([selection, text](ViewerExtras& e) { e.SendClipboard(selection, text); });
  };
  return h;
}

void ViewerApp::Impl::OnSignal() {
  interrupted = true;
  if (!ws) {  // still dialling: nothing to tell anyone
    io.stop();
    return;
  }
  if (session) {
    session->Stop();  // final message, our signed receipt, then the abort
    return;
  }
  ws->SendText(wire::Encode(wire::Abort{wire::EndReason::kViewerClosed}));
  ws->CloseAfterFlush(websocket::close_code::normal);
}

asio::awaitable<int> ViewerApp::Impl::Main(crypto::SessionCode code, std::string password) {
  // The technician's key introduces them to the customer's computer; read it before a code
  // is spent.
  auto key = crypto::SigningKey::LoadOrCreate(options.key_file);
  // Listen first, so a busy port is reported before the customer's code is spent.
  tcp::acceptor acceptor(co_await asio::this_coro::executor);
  const bool listening = options.snapshot_file.empty() && !options.window;
  Result<uint16_t> port = listening ? ListenOn(acceptor, options.listen, 1) : uint16_t{0};
  if (!key.ok() || !port.ok()) {
    crypto::Wipe(password);
    say("Error: " + (key.ok() ? port.status().message() : key.status().message()));
    co_return kExitSetup;
  }
  auto joined = co_await Join(code.nameplate, std::move(password));
  crypto::Wipe(password);  // moved from: a short one keeps its characters inline
  if (auto* exit = std::get_if<int>(&joined)) co_return *exit;
  const std::string session_id = std::get<wire::Paired>(joined).session;
  auto channel = co_await Handshake(code, session_id);
  if (auto* exit = std::get_if<int>(&channel)) co_return *exit;
  say("Connected to the customer's computer (session " + session_id.substr(0, 8) + ").");
  co_return co_await RunSession(std::move(std::get<peer::Channel>(channel)), session_id, *key,
                                acceptor, *port);
}

// Dials the relay, logs in and joins the customer's nameplate: `paired`, or an exit code.
asio::awaitable<std::variant<wire::Paired, int>> ViewerApp::Impl::Join(std::string nameplate,
                                                                       std::string password) {
  auto tls = MakeClientTlsContext(options.ca_file);
  if (!tls.ok()) {
    crypto::Wipe(password);
    say("Error: " + tls.status().message());
    co_return kExitSetup;
  }
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
  wire::Join join{wire::kProtocolVersion, nameplate,      options.user,
                  std::move(password),    options.ticket, options.machine};
  crypto::Wipe(password);
  std::string join_text = wire::Encode(join);
  crypto::Wipe(join.password);
  ws->SendText(std::move(join_text));  // the queue's copy is freed once written
  say(options.machine.empty() ? "Logging in and joining the customer's session…"
                              : "Logging in and asking for the machine " + options.machine + "…");
  error_code ec;
  auto reply = co_await ws->Receive(ec);
  // Reaching a machine, the relay first hands over the newest revocation list.
  if (reply && reply->text && !options.machine.empty()) {
    auto list = wire::DecodeMachine(reply->data);
    if (auto* revocations = list.ok() ? std::get_if<wire::Revocations>(&*list) : nullptr) {
      if (!org_key.empty()) KeepRevocations(options.revocations_file, org_key, revocations->list);
      reply = co_await ws->Receive(ec);
    }
  }
  if (!reply || !reply->text) {
    say(interrupted ? "Cancelled." : "Error: the relay closed the connection before pairing.");
    co_return interrupted ? kExitOk : kExitSetup;
  }
  auto decoded = wire::Decode(reply->data);
  if (auto* err = decoded.ok() ? std::get_if<wire::Error>(&*decoded) : nullptr) {
    say("Error: " + err->message);
    co_return ExitCodeForRelayError(err->code);
  }
  auto* paired = decoded.ok() ? std::get_if<wire::Paired>(&*decoded) : nullptr;
  if (!paired || FromHex(paired->session).size() != 16) {
    say("Error: the relay sent an unexpected answer.");
    co_return kExitSetup;
  }
  co_return *paired;
}

// The end-to-end handshake from the code: the channel, or an exit code.
asio::awaitable<std::variant<peer::Channel, int>> ViewerApp::Impl::Handshake(
    const crypto::SessionCode& code, const std::string& session) {
  auto hs = crypto::Handshake::Create(crypto::Handshake::Role::kViewer, code.nameplate, code.secret,
                                      FromHex(session));
  if (!hs.ok()) co_return kExitSetup;
  auto result = co_await peer::RunHandshake(*ws, *hs, std::chrono::seconds(30));
  auto* ending = std::get_if<Ending>(&result);
  if (!ending) co_return std::move(std::get<peer::Channel>(result));
  if (ending->kind == Ending::Kind::kWrongCode) {
    ws->SendText(wire::Encode(wire::Abort{wire::EndReason::kPakeFailed}));
    ws->CloseAfterFlush(websocket::close_code::normal);
    say("Error: wrong code — ask the customer to read the new code on their screen.");
    co_return kExitCode;
  }
  if (interrupted) {
    say("Cancelled.");
    co_return kExitOk;
  }
  say("Error: " + ending->message);
  const bool code_spent = ending->reason == wire::EndReason::kPakeFailed ||
                          ending->reason == wire::EndReason::kCodeExpired;
  co_return code_spent ? kExitCode : kExitSessionLost;
}

asio::awaitable<int> ViewerApp::Impl::RunSession(peer::Channel channel, std::string session_id,
                                                 const crypto::SigningKey& key,
                                                 tcp::acceptor& acceptor, uint16_t port) {
  ViewerSession running(options, say, ws, std::move(channel), std::move(session_id), key);
  session = &running;
  struct Forget {
    Impl* impl;
    ~Forget() { impl->session = nullptr; }
  } forget{this};
  if (!options.snapshot_file.empty()) co_return co_await running.TakeSnapshot();
  if (options.window) co_return co_await running.ShowInWindow(window);
  co_return co_await running.ServeLocalPort(acceptor, port);
}

}  // namespace telemaint::viewer
