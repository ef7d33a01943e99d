#include "host/host_agent.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <filesystem>

#include "common/log.h"
#include "common/wire.h"
#include "crypto/identity.h"
#include "crypto/random.h"
#include "crypto/session_code.h"
#include "host/agent_impl.h"
#include "host/consent.h"
#include "host/desktop.h"
#include "host/host_session.h"
#include "host/rfb_server.h"
#include "host/session_history.h"
#include "host/terminal_texts.h"
#include "net/tls.h"
#include "net/ws_client.h"
#include "peer/channel_link.h"

namespace telemaint::host {

using namespace net;
using peer::Ending;
using wire::EndReason;

namespace {

void WriteCodeFile(const std::string& path, const crypto::SecretBytes& digits) {
  if (path.empty()) return;
  std::string tmp = path + ".tmp";
  unlink(tmp.c_str());
  // Created private from the start, never through a planted symlink.
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    log::Warn("cannot write the code file ", path);
    return;
  }
  bool ok = write(fd, digits.data(), digits.size()) == static_cast<ssize_t>(digits.size()) &&
            write(fd, "\n", 1) == 1;
  close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    log::Warn("cannot write the code file ", path);
  }
}

void RemoveCodeFile(const std::string& path) {
  if (!path.empty()) std::remove(path.c_str());
}

}  // namespace

HostAgent::HostAgent(HostOptions options, HostPlatform platform) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->platform = std::move(platform);
  if (!impl_->platform.say)
    impl_->platform.say = [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
}

HostAgent::~HostAgent() = default;

int HostAgent::Run() {
  if (Status s = impl_->Prepare(); !s.ok()) {
    impl_->Say("Cannot start: " + s.message());
    return 1;
  }
  asio::signal_set signals(impl_->io, SIGINT, SIGTERM);
  signals.async_wait([this](error_code ec, int) {
    if (!ec) Stop();
  });
  bool failed = false;
  co_spawn(impl_->io, impl_->Main(), [&](std::exception_ptr e) {
    failed = e != nullptr;
    error_code ignored;
    signals.cancel(ignored);
  });
  impl_->io.run();
  RemoveCodeFile(impl_->options.code_file);
  return failed ? 1 : 0;
}

void HostAgent::Stop() {
  asio::post(impl_->io, [impl = impl_.get()] {
    impl->stopping = true;
    if (impl->session) {
      impl->session->Stop();  // final message, our signed receipt, then the abort
    } else if (impl->current) {
      impl->current->SendText(wire::Encode(wire::Abort{EndReason::kHostClosed}));
      impl->current->CloseAfterFlush(websocket::close_code::going_away);
    } else {
      impl->io.stop();  // dialling or pausing: nothing to tell anyone, stop now
    }
  });
}

Status HostAgent::Impl::Prepare() {
  if (!options.state_dir.empty()) {  // the relay, its CA and the keys come from the state
    machine.emplace(Machine{MachineState(options.state_dir), {}, {}, {}, {}, {}});
    auto enrolment = machine->state.LoadEnrolment();
    if (!enrolment.ok()) return enrolment.status();
    auto relay = ParseRelayUrl(enrolment->relay);
    if (!relay.ok()) return relay.status();
    machine->enrolment = std::move(*enrolment);
    options.relay = *relay;
    options.ca_file = machine->state.ca_file();
    options.key_file = machine->state.key_file();
    options.history_file = machine->state.history_file();
  }
  auto client_tls = MakeClientTlsContext(options.ca_file);
  if (!client_tls.ok()) return client_tls.status();
  tls = *client_tls;
  host::Say say = [this](const std::string& line) { Say(line); };
  PostToIo post = [ex = io.get_executor()](std::function<void()> work) {
    asio::post(ex, std::move(work));
  };
  consent_ui = platform.make_ui ? platform.make_ui(post, say) : MakeTtyConsent(post, say);
  consent_ui->OnNewCode([this] { OnNewCodeAsked(); });
  history = std::make_unique<SessionHistory>(options.history_file);
  auto key = machine ? crypto::SigningKey::Load(options.key_file, "machine")
                     : crypto::SigningKey::LoadOrCreate(options.key_file, "host");
  if (!key.ok()) return key.status();
  host_key = std::move(*key);
  if (options.vnc_server) return Status::Ok();
  if (Status s = StartBuiltinServer(); !s.ok()) return s;
  OpenClipboard();
  return Status::Ok();
}

// Without a clipboard the sessions go on without one (the viewer is told it is not shared).
void HostAgent::Impl::OpenClipboard() {
  if (!platform.open_clipboard) return;
  auto opened = platform.open_clipboard(options.primary_selection);
  if (!opened.ok()) {
    log::Warn("no clipboard sharing: ", opened.status().message());
    return;
  }
  clipboard = std::move(*opened);
  // From the clipboard's and the server's threads to the io thread, where the session lives.
  clipboard->OnCopy([this](peer::Selection selection, std::string text) {
    asio::post(io, [this, selection, text = std::move(text)]() mutable {
      if (session) session->OnLocalCopy(selection, std::move(text));
    });
  });
  builtin->OnCutText([this](std::string latin1) {
    asio::post(io, [this, latin1 = std::move(latin1)] {
      if (session) session->OnRfbCutText(latin1);
    });
  });
}

Status HostAgent::Impl::StartBuiltinServer() {
  if (!platform.open_desktop)
    return Status::InvalidInput("this build cannot share its own screen; use --vnc-server");
  auto desktop = platform.open_desktop();
  if (!desktop.ok()) return desktop.status();
  auto server = RfbServer::Start(std::move(*desktop));
  if (!server.ok()) return server.status();
  builtin = std::move(*server);
  // From the server's thread to the io thread, where the session lives.
  builtin->OnMonitorsChanged([this](std::vector<Monitor> monitors) {
    asio::post(io, [this, monitors = std::move(monitors)] {
      if (session) session->SendMonitors(monitors);
    });
  });
  return Status::Ok();
}

// Only while a code waits: a running session is never cut by this button.
void HostAgent::Impl::OnNewCodeAsked() {
  if (!current || session || in_session) return;
  renew_code = true;
  current->CloseAfterFlush(websocket::close_code::normal, "new code");
}

asio::awaitable<void> HostAgent::Impl::Main() {
  auto backoff = options.min_backoff;
  auto last_dial = std::chrono::steady_clock::now() - std::chrono::hours(1);
  while (!stopping) {
    // At most one new code a second, whatever the relay does (expires_in 0, instant errors).
    auto since = std::chrono::steady_clock::now() - last_dial;
    if (since < std::chrono::seconds(1)) co_await SleepFor(std::chrono::seconds(1) - since);
    last_dial = std::chrono::steady_clock::now();
    const Next next = co_await Connect();
    RemoveCodeFile(options.code_file);
    consent_ui->ShowCode("", std::chrono::seconds(0));
    if (stopping || next == Next::kStop) break;
    co_await PauseAfter(next, backoff);
  }
}

// One relay connection: dial, then serve one code (and at most one session) on it.
asio::awaitable<Next> HostAgent::Impl::Connect() {
  const std::string path = machine ? "/v1/machine" : "/v1/host";
  DialOptions dial_options;
  consent_ui->ShowState(HostState::kConnecting);
  auto dialed = co_await DialRelay(*tls, options.relay, path, dial_options);
  if (stopping) co_return Next::kStop;  // Ctrl+C while dialling
  if (!dialed.ok()) {
    Say(Fill(Said().cannot_reach, dialed.status().message()));
    consent_ui->ShowState(HostState::kUnreachable);
    co_return Next::kBackOff;
  }
  current = *dialed;
  Next next = Next::kBackOff;
  if (machine)
    next = co_await ServeMachine(current);
  else
    next = co_await ServeOneCode(current);
  current->CloseAfterFlush(websocket::close_code::normal);
  co_await current->WaitClosed();
  current.reset();
  co_return next;
}

asio::awaitable<void> HostAgent::Impl::PauseAfter(Next next, std::chrono::milliseconds& backoff) {
  if (went_online) {  // the relay accepted us since the last pause: start again from the least
    went_online = false;
    backoff = options.min_backoff;
  }
  if (next == Next::kReconnectNow) {
    backoff = options.min_backoff;
    if (auto pause = WrongCodePause(); pause.count() > 0) {
      Say(Fill(Said().several_wrong, TimeLeft(static_cast<long>(pause.count()))));
      co_await SleepFor(pause);
    }
    co_return;
  }
  // Exponential backoff with ±25% jitter, so a relay restart is not met by every host at once.
  auto jitter = static_cast<double>(crypto::RandomUniform(501)) / 1000.0 + 0.75;
  auto wait = std::chrono::milliseconds(static_cast<long>(backoff.count() * jitter));
  Say(Fill(Said().retrying, TimeLeft(static_cast<long>((wait.count() + 999) / 1000))));
  co_await SleepFor(wait);
  backoff = std::min(backoff * 2, options.max_backoff);
}

// Each code gives a guesser one chance in a million; a relay that kept pairing guessers would
// otherwise get a fresh code at once, forever. After three wrong codes in a row the host
// waits, doubling up to 5 minutes. See docs/threat-model.md.
std::chrono::seconds HostAgent::Impl::WrongCodePause() const {
  if (wrong_codes < 3) return std::chrono::seconds(0);
  int doublings = std::min(wrong_codes - 3, 5);
  return std::min(std::chrono::seconds(10 << doublings), std::chrono::seconds(300));
}

asio::awaitable<Next> HostAgent::Impl::ServeOneCode(std::shared_ptr<WsConnection> ws) {
  renew_code = false;
  wire::Hello hello;
  hello.version = kHostVersion;
  hello.customer = options.customer;
  char machine[256] = {};
  if (!options.machine_name.empty())
    hello.machine = options.machine_name;
  else if (gethostname(machine, sizeof machine - 1) == 0)
    hello.machine = machine;
  ws->SendText(wire::Encode(hello));

  ShownCode shown;
  shown.expiry = std::make_shared<asio::steady_timer>(io);
  struct CancelOnExit {
    std::shared_ptr<asio::steady_timer> t;
    ~CancelOnExit() { t->cancel(); }
  } cancel_on_exit{shown.expiry};
  while (true) {
    error_code ec;
    auto frame = co_await ws->Receive(ec);
    if (!frame) co_return OnConnectionEnded(shown, ec);
    auto decoded = frame->text ? wire::Decode(frame->data) : Status::Protocol("binary");
    if (!decoded.ok()) {
      Say(frame->text ? "The relay sent an unexpected message; reconnecting."
                      : "The relay sent unexpected data; reconnecting.");
      co_return Next::kBackOff;
    }
    if (auto* issued = std::get_if<wire::NameplateIssued>(&*decoded)) {
      if (auto next = ShowCode(shown, *issued, ws)) co_return *next;
      continue;
    }
    shown.expiry->cancel();
    if (auto* paired = std::get_if<wire::Paired>(&*decoded))
      co_return co_await OnPaired(ws, shown, *paired);
    auto* err = std::get_if<wire::Error>(&*decoded);
    if (err && err->code == wire::ErrorCode::kCodeExpired) {
      Say(Said().code_expired);
      co_return Next::kReconnectNow;
    }
    Say(err ? Fill(Said().relay_says, err->message) : std::string(Said().unexpected));
    co_return Next::kBackOff;
  }
}

Next HostAgent::Impl::OnConnectionEnded(const ShownCode& shown, const error_code& ec) {
  shown.expiry->cancel();
  if (stopping) return Next::kStop;
  if (*shown.expired) {
    Say(Said().code_expired);
    return Next::kReconnectNow;
  }
  if (renew_code) {
    renew_code = false;
    Say(Said().new_code);
    return Next::kReconnectNow;
  }
  Say(Fill(Said().lost_relay, ec.message()));
  return Next::kBackOff;
}

// Draws the secret digits for the relay's nameplate and shows the code; a Next when the
// connection must end.
std::optional<Next> HostAgent::Impl::ShowCode(ShownCode& shown, const wire::NameplateIssued& issued,
                                              std::shared_ptr<WsConnection> ws) {
  if (shown.code) return Next::kBackOff;  // one code per connection
  auto made = crypto::NewSessionCode(issued.nameplate);
  if (!made.ok()) {
    Say("The relay sent an invalid code number; reconnecting.");
    return Next::kBackOff;
  }
  shown.code.emplace(std::move(made).value());
  shown.issued_at = std::chrono::steady_clock::now();
  auto lifetime =
      std::min<std::chrono::seconds>(std::chrono::seconds(issued.expires_in), options.max_code_age);
  shown.expiry->expires_after(lifetime);
  shown.expiry->async_wait([ws, expired = shown.expired](error_code e) {
    if (e) return;
    *expired = true;
    ws->CloseAfterFlush(websocket::close_code::normal, "code expired");
  });
  auto digits = shown.code->Display();
  Say(Fill(Said().session_code, std::string(digits.chars()),
           TimeLeft(static_cast<long>(lifetime.count()))));
  WriteCodeFile(options.code_file, shown.code->Digits());
  consent_ui->ShowCode(std::string(digits.chars()), lifetime);
  log::Info("waiting for a technician on nameplate ", shown.code->nameplate);
  return std::nullopt;
}

asio::awaitable<Next> HostAgent::Impl::OnPaired(std::shared_ptr<WsConnection> ws, ShownCode& shown,
                                                const wire::Paired& paired) {
  if (!shown.code) co_return Next::kBackOff;
  RemoveCodeFile(options.code_file);
  consent_ui->ShowCode("", std::chrono::seconds(0));
  if (std::chrono::steady_clock::now() - shown.issued_at > options.max_code_age) {
    ws->SendText(wire::Encode(wire::Abort{EndReason::kCodeExpired}));
    Say(Said().expired_code_tried);
    co_return Next::kReconnectNow;
  }
  in_session = true;
  const Next next = co_await RunSession(ws, *shown.code, paired);
  in_session = false;
  co_return next;
}

asio::awaitable<Next> HostAgent::Impl::RunSession(std::shared_ptr<WsConnection> ws,
                                                  const crypto::SessionCode& code,
                                                  const wire::Paired& paired) {
  Bytes sid = FromHex(paired.session);
  if (sid.size() != 16) {
    Say("The relay sent an invalid session id; reconnecting.");
    co_return Next::kBackOff;
  }
  auto hs =
      crypto::Handshake::Create(crypto::Handshake::Role::kHost, code.nameplate, code.secret, sid);
  if (!hs.ok()) co_return Next::kBackOff;
  log::Info("session ", paired.session, ": technician joined, running the handshake");
  auto result = co_await peer::RunHandshake(*ws, *hs, options.handshake_timeout);
  if (auto* ending = std::get_if<Ending>(&result))
    co_return HandshakeFailed(*ws, *hs, *ending, paired.session);
  wrong_codes = 0;
  Say(Fill(Said().connected, paired.session.substr(0, 8)));
  log::Info("session ", paired.session, ": channel up, serving ",
            options.vnc_server ? "the VNC server " + options.vnc_server->ToString()
                               : std::string("this screen"));
  co_return co_await ServeChannel(ws, std::move(std::get<peer::Channel>(result)), paired, nullptr);
}

asio::awaitable<Next> HostAgent::Impl::ServeChannel(std::shared_ptr<WsConnection> ws,
                                                    peer::Channel channel,
                                                    const wire::Paired& paired,
                                                    const UnattendedContext* unattended) {
  SessionContext context{options,   builtin.get(), *consent_ui, *history,
                         *host_key, unattended,     clipboard.get()};
  HostSession host_session(context, ws, std::move(channel), paired);
  session = &host_session;
  Ending end = co_await host_session.Run();
  session = nullptr;
  TellTheEnd(end);
  co_return stopping ? Next::kStop : Next::kReconnectNow;
}

Next HostAgent::Impl::HandshakeFailed(WsConnection& ws, const crypto::Handshake& hs,
                                      const Ending& ending, const std::string& session) {
  if (ending.kind == Ending::Kind::kWrongCode)
    ws.SendText(wire::Encode(wire::Abort{EndReason::kPakeFailed}));
  // Once our confirmation tag has left, whoever got it could test one guess of the code:
  // count it as a wrong code, whatever the other side says or does next.
  if (ending.kind == Ending::Kind::kWrongCode || ending.reason == EndReason::kPakeFailed ||
      hs.confirmation_sent()) {
    ++wrong_codes;
    log::Warn("session ", session, ": wrong code entered; code burned");
    Say(Said().wrong_code);
    consent_ui->ShowState(HostState::kWrongCode);
  } else {
    log::Info("session ", session, " ended during the handshake: ", wire::ToWire(ending.reason));
    Say("The connection attempt ended: " + ending.message);
  }
  return Next::kReconnectNow;
}

void HostAgent::Impl::TellTheEnd(const Ending& end) {
  if (end.reason == EndReason::kVncUnavailable)
    Say("The session could not start: " +
        (options.vnc_server ? "no VNC server answers at " + options.vnc_server->ToString()
                            : std::string("the screen could not be shared")) +
        ".");
  else
    Say(Fill(Said().session_ended, end.message));
}

}  // namespace telemaint::host
