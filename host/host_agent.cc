#include "host/host_agent.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/log.h"
#include "net/tls.h"
#include "common/wire.h"
#include "net/ws_client.h"
#include "crypto/random.h"
#include "common/clock.h"
#include "receipt/receipt.h"
#include "crypto/identity.h"
#include "crypto/session_code.h"
#include "host/consent.h"
#include "host/desktop.h"
#include "host/rfb_server.h"
#include "host/session_history.h"
#include "peer/session_messages.h"
#include "peer/channel_link.h"

namespace telemaint::host {

using namespace net;
using peer::Ending;

namespace {
constexpr const char* kVersion = "telemaint-host/0.1";

// What the agent does after one relay connection ends.
enum class Next { kReconnectNow, kBackOff, kStop };

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

// One session's consent: who the technician is, what the person allowed, and when the RFB
// stream may start (never before an answer).
struct SessionConsent {
  explicit SessionConsent(asio::any_io_executor ex) : decided(ex) {}
  std::string session;
  Technician technician;
  Bytes technician_key;                  // proven by the viewer's hello
  std::vector<std::string> permissions;  // for the receipt: every answer and change, in order
  int64_t start_ms = 0;                  // for the receipt
  bool hello_seen = false;
  bool asking = false;
  Permission permission = Permission::kDenied;
  std::chrono::steady_clock::time_point started;
  AsyncEvent decided;
};

struct HostAgent::Impl {
  HostOptions options;
  HostPlatform platform;
  asio::io_context io{1};
  std::shared_ptr<ssl::context> tls;
  bool stopping = false;
  std::shared_ptr<WsConnection> current;
  std::unique_ptr<RfbServer> builtin;  // when no --vnc-server is given
  peer::Tunnel* tunnel = nullptr;      // the running session's, on the io thread
  std::unique_ptr<ConsentUi> consent_ui;
  std::unique_ptr<SessionHistory> history;
  std::optional<crypto::SigningKey> host_key;  // signs the host's hello and receipts

  int wrong_codes = 0;  // consecutive failed attempts, reset by a session that gets through
  bool renew_code = false;  // the person asked for a new code
  bool in_session = false;  // a technician is paired (handshake, question or session)

  // Lines may hold text from the relay or the peer: no control characters reach the terminal.
  void Say(const std::string& line) { platform.say(log::Printable(line)); }
  std::chrono::seconds WrongCodePause() const;

  asio::awaitable<void> Main();
  void SendMonitors(const std::vector<Monitor>& monitors);
  asio::awaitable<Next> ServeOneCode(std::shared_ptr<WsConnection> ws);
  asio::awaitable<Next> RunSession(std::shared_ptr<WsConnection> ws,
                                   const crypto::SessionCode& code, const wire::Paired& paired);
  asio::awaitable<void> AskConsent(peer::Tunnel& tunnel, SessionConsent& consent,
                                   bool from_view_only);
  void ApplyPermission(peer::Tunnel& tunnel, SessionConsent& consent, Permission p);
  // A decision of the person's: told to the relay for its audit log (metadata, never content)
  // and listed for this session's receipt.
  void RecordDecision(SessionConsent& consent, const char* event, const char* permission);
  std::function<void(Permission)> OnChoice(peer::Tunnel& tunnel, SessionConsent& consent);
};

void HostAgent::Impl::SendMonitors(const std::vector<Monitor>& monitors) {
  if (!tunnel) return;
  std::vector<peer::MonitorInfo> list;
  for (const Monitor& m : monitors)
    list.push_back({m.name, m.area.x, m.area.y, m.area.w, m.area.h});
  if (!tunnel->SendSessionMessage(peer::EncodeMonitors(list)))
    log::Warn("the list of ", list.size(), " monitors could not be sent (too long?)");
}

HostAgent::HostAgent(HostOptions options, HostPlatform platform)
    : impl_(std::make_unique<Impl>()) {
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
  auto tls = MakeClientTlsContext(impl_->options.ca_file);
  if (!tls.ok()) {
    impl_->Say("Cannot start: " + tls.status().message());
    return 1;
  }
  impl_->tls = *tls;
  auto say = [impl = impl_.get()](const std::string& line) { impl->Say(line); };
  PostToIo post = [ex = impl_->io.get_executor()](std::function<void()> work) {
    asio::post(ex, std::move(work));
  };
  impl_->consent_ui = impl_->platform.make_ui ? impl_->platform.make_ui(post, say)
                                              : MakeTtyConsent(post, say);
  impl_->consent_ui->OnNewCode([impl = impl_.get()] {
    // Only while a code waits: a running session is never cut by this button.
    if (!impl->current || impl->tunnel || impl->in_session) return;
    impl->renew_code = true;
    impl->current->CloseAfterFlush(websocket::close_code::normal, "new code");
  });
  impl_->history = std::make_unique<SessionHistory>(impl_->options.history_file);
  auto host_key = crypto::SigningKey::LoadOrCreate(impl_->options.key_file, "host");
  if (!host_key.ok()) {
    impl_->Say("Cannot start: " + host_key.status().message());
    return 1;
  }
  impl_->host_key = std::move(*host_key);
  if (!impl_->options.vnc_server) {
    if (!impl_->platform.open_desktop) {
      impl_->Say("Cannot start: this build cannot share its own screen; use --vnc-server.");
      return 1;
    }
    auto desktop = impl_->platform.open_desktop();
    if (!desktop.ok()) {
      impl_->Say("Cannot start: " + desktop.status().message());
      return 1;
    }
    auto server = RfbServer::Start(std::move(*desktop));
    if (!server.ok()) {
      impl_->Say("Cannot start: " + server.status().message());
      return 1;
    }
    impl_->builtin = std::move(*server);
    // From the server's thread to the io thread, where the session's tunnel lives.
    impl_->builtin->OnMonitorsChanged([impl = impl_.get()](std::vector<Monitor> monitors) {
      asio::post(impl->io, [impl, monitors = std::move(monitors)] { impl->SendMonitors(monitors); });
    });
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
    if (impl->tunnel && !impl->tunnel->ending()) {
      // In a session: end it properly (final message, our signed receipt, then the abort).
      impl->tunnel->End("host_closed", "this computer stopped sharing");
    } else if (impl->current) {
      impl->current->SendText(wire::Encode(wire::Abort{"host_closed"}));
      impl->current->CloseAfterFlush(websocket::close_code::going_away);
    } else {
      impl->io.stop();  // dialling or pausing: nothing to tell anyone, stop now
    }
  });
}

asio::awaitable<void> HostAgent::Impl::Main() {
  auto backoff = options.min_backoff;
  auto last_dial = std::chrono::steady_clock::now() - std::chrono::hours(1);
  while (!stopping) {
    // At most one new code a second, whatever the relay does (expires_in 0, instant errors).
    auto since = std::chrono::steady_clock::now() - last_dial;
    if (since < std::chrono::seconds(1)) co_await SleepFor(std::chrono::seconds(1) - since);
    last_dial = std::chrono::steady_clock::now();
    const std::string path = "/v1/host";
    DialOptions dial_options;
    consent_ui->ShowState(HostState::kConnecting);
    auto dialed = co_await DialRelay(*tls, options.relay, path, dial_options);
    Next next = Next::kBackOff;
    if (stopping) break;  // Ctrl+C while dialling
    if (!dialed.ok()) {
      Say("Cannot reach the relay: " + dialed.status().message());
      consent_ui->ShowState(HostState::kUnreachable);
    } else {
      current = *dialed;
      next = co_await ServeOneCode(current);
      current->CloseAfterFlush(websocket::close_code::normal);
      co_await current->WaitClosed();
      current.reset();
    }
    RemoveCodeFile(options.code_file);
    consent_ui->ShowCode("", std::chrono::seconds(0));
    if (stopping || next == Next::kStop) break;
    if (next == Next::kReconnectNow) {
      backoff = options.min_backoff;
      if (auto pause = WrongCodePause(); pause.count() > 0) {
        Say("Several wrong codes were tried; the next code comes in " +
            std::to_string(pause.count()) + " s.");
        co_await SleepFor(pause);
      }
      continue;
    }
    // Exponential backoff with ±25% jitter, so a relay restart is not met by every host at once.
    auto jitter = static_cast<double>(crypto::RandomUniform(501)) / 1000.0 + 0.75;
    auto wait = std::chrono::milliseconds(static_cast<long>(backoff.count() * jitter));
    Say("Retrying in " + std::to_string((wait.count() + 999) / 1000) + " s…");
    co_await SleepFor(wait);
    backoff = std::min(backoff * 2, options.max_backoff);
  }
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
  hello.version = kVersion;
  hello.customer = options.customer;
  char machine[256] = {};
  if (gethostname(machine, sizeof machine - 1) == 0) hello.machine = machine;
  ws->SendText(wire::Encode(hello));

  std::optional<crypto::SessionCode> code;
  auto issued_at = std::chrono::steady_clock::now();
  // The host enforces the code's lifetime itself: it does not trust the relay to.
  auto expiry = std::make_shared<asio::steady_timer>(io);
  auto expired = std::make_shared<bool>(false);
  struct CancelOnExit {
    std::shared_ptr<asio::steady_timer> t;
    ~CancelOnExit() { t->cancel(); }
  } cancel_on_exit{expiry};
  while (true) {
    error_code ec;
    auto frame = co_await ws->Receive(ec);
    if (!frame) {
      expiry->cancel();
      if (stopping) co_return Next::kStop;
      if (*expired) {
        Say("The code expired; here is a new one.");
        co_return Next::kReconnectNow;
      }
      if (renew_code) {
        renew_code = false;
        Say("Here is a new code; the old one no longer works.");
        co_return Next::kReconnectNow;
      }
      Say("Lost the connection to the relay (" + ec.message() + ").");
      co_return Next::kBackOff;
    }
    if (!frame->text) {
      Say("The relay sent unexpected data; reconnecting.");
      co_return Next::kBackOff;
    }
    auto decoded = wire::Decode(frame->data);
    if (!decoded.ok()) {
      Say("The relay sent an unexpected message; reconnecting.");
      co_return Next::kBackOff;
    }
    if (auto* np = std::get_if<wire::NameplateIssued>(&*decoded)) {
      if (code) co_return Next::kBackOff;  // one code per connection
      auto made = crypto::NewSessionCode(np->nameplate);
      if (!made.ok()) {
        Say("The relay sent an invalid code number; reconnecting.");
        co_return Next::kBackOff;
      }
      code.emplace(std::move(made).value());
      issued_at = std::chrono::steady_clock::now();
      auto lifetime = std::min<std::chrono::seconds>(std::chrono::seconds(np->expires_in),
                                                     options.max_code_age);
      expiry->expires_after(lifetime);
      expiry->async_wait([ws, expired](error_code e) {
        if (e) return;
        *expired = true;
        ws->CloseAfterFlush(websocket::close_code::normal, "code expired");
      });
      auto shown = code->Display();
      std::string valid = lifetime.count() >= 120
                              ? std::to_string(lifetime.count() / 60) + " minutes"
                              : std::to_string(lifetime.count()) + " seconds";
      Say("Session code: " + std::string(shown.chars()) +
          "   (read it to your technician; valid for " + valid + ")");
      WriteCodeFile(options.code_file, code->Digits());
      consent_ui->ShowCode(std::string(shown.chars()), lifetime);
      log::Info("waiting for a technician on nameplate ", code->nameplate);
      continue;
    }
    if (auto* paired = std::get_if<wire::Paired>(&*decoded)) {
      expiry->cancel();
      if (!code) co_return Next::kBackOff;
      RemoveCodeFile(options.code_file);
      consent_ui->ShowCode("", std::chrono::seconds(0));
      if (std::chrono::steady_clock::now() - issued_at > options.max_code_age) {
        ws->SendText(wire::Encode(wire::Abort{"code_expired"}));
        Say("A technician tried an expired code; here is a new one.");
        co_return Next::kReconnectNow;
      }
      wire::Paired pairing = *paired;  // named: see the GCC 12 note in RunSession
      in_session = true;
      Next next = co_await RunSession(ws, *code, pairing);
      in_session = false;
      co_return next;
    }
    if (auto* err = std::get_if<wire::Error>(&*decoded)) {
      expiry->cancel();
      if (err->code == "code_expired") {
        Say("The code expired; here is a new one.");
        co_return Next::kReconnectNow;
      }
      Say("The relay says: " + err->message);
      co_return Next::kBackOff;
    }
    Say("The relay sent an unexpected message; reconnecting.");
    co_return Next::kBackOff;
  }
}

void HostAgent::Impl::ApplyPermission(peer::Tunnel& tunnel, SessionConsent& consent,
                                      Permission p) {
  consent.permission = p;
  if (builtin) builtin->SetInputAllowed(p == Permission::kControl);
  tunnel.SendSessionMessage(peer::EncodeConsent(p == Permission::kControl
                                                    ? peer::ConsentState::kControl
                                                    : peer::ConsentState::kViewOnly));
  log::Info("session ", consent.session, ": ", PermissionName(p));
}

void HostAgent::Impl::RecordDecision(SessionConsent& consent, const char* event,
                                     const char* permission) {
  if (current) current->SendText(wire::Encode(wire::Consent{event, permission}));
  if (consent.permissions.size() < receipt::kMaxReceiptPermissions)
    consent.permissions.push_back(std::string(event) == "stopped" ? "stopped" : permission);
}

namespace {
const char* WireName(Permission p) {
  return p == Permission::kControl ? "control" : p == Permission::kViewOnly ? "view_only" : "denied";
}
}  // namespace

asio::awaitable<void> HostAgent::Impl::AskConsent(peer::Tunnel& tunnel, SessionConsent& consent,
                                                  bool from_view_only) {
  consent.asking = true;
  const Technician who = consent.technician;
  if (!from_view_only) {
    history->Record(consent.session, "asked",
                    {{"account", who.account}, {"name", who.name},
                     {"organisation", who.organisation}, {"key", who.fingerprint}});
  }
  tunnel.SendSessionMessage(peer::EncodeConsent(peer::ConsentState::kAsking));
  AnswerTime time{options.consent_timeout, options.clock_rate};
  ConsentAnswer answer = co_await consent_ui->Ask(who, from_view_only, builtin != nullptr, time);
  consent.asking = false;
  if (tunnel.ending()) {
    if (!from_view_only) {
      history->Record(consent.session, "answered", {{"permission", "none (the technician left)"}});
      history->Record(consent.session, "ended", {{"how", "the technician left before you answered"}});
    }
    consent.decided.Set();
    co_return;
  }
  if (from_view_only) {
    // The person may have given control from the banner while the question was open; the
    // question's answer then changes nothing.
    if (consent.permission == Permission::kControl) co_return;
    if (answer.permission == Permission::kControl) {
      RecordDecision(consent, "changed", "control");
      ApplyPermission(tunnel, consent, Permission::kControl);
      history->Record(consent.session, "changed", {{"permission", "control (asked again)"}});
      consent_ui->ShowSession(who, Permission::kControl, OnChoice(tunnel, consent));
    } else {
      tunnel.SendSessionMessage(peer::EncodeConsent(peer::ConsentState::kViewOnly));
    }
    co_return;
  }
  history->Record(consent.session, "answered",
                  {{"permission", answer.timed_out ? "no answer (denied)"
                                                   : PermissionName(answer.permission)}});
  RecordDecision(consent, "answered", answer.timed_out ? "no_answer" : WireName(answer.permission));
  if (answer.permission == Permission::kDenied) {
    log::Info("session ", consent.session, ": the person at the screen said no",
              answer.timed_out ? " (no answer)" : "");
    history->Record(consent.session, "ended",
                    {{"how", answer.timed_out ? "not let in: no answer" : "you declined"}});
    tunnel.End(answer.timed_out ? "consent_timeout" : "user_declined",
               answer.timed_out ? "nobody answered" : "you declined");
    consent.decided.Set();
    co_return;
  }
  consent.started = std::chrono::steady_clock::now();
  ApplyPermission(tunnel, consent, answer.permission);
  consent_ui->ShowSession(who, answer.permission, OnChoice(tunnel, consent));
  consent.decided.Set();
}

std::function<void(Permission)> HostAgent::Impl::OnChoice(peer::Tunnel& tunnel,
                                                          SessionConsent& consent) {
  // Valid while the session runs: EndSession is called before tunnel and consent go.
  return [this, &tunnel, &consent](Permission p) {
    if (p == Permission::kDenied) {
      log::Info("session ", consent.session, ": stopped by the person at the screen");
      RecordDecision(consent, "stopped", "denied");
      tunnel.End("user_stopped", "you stopped the session");
      return;
    }
    RecordDecision(consent, "changed", WireName(p));
    ApplyPermission(tunnel, consent, p);
    history->Record(consent.session, "changed", {{"permission", PermissionName(p)}});
    // Control given from the banner answers the technician's open request too.
    if (p == Permission::kControl && consent.asking) consent_ui->CancelAsk(false);
  };
}

asio::awaitable<Next> HostAgent::Impl::RunSession(std::shared_ptr<WsConnection> ws,
                                                  const crypto::SessionCode& code,
                                                  const wire::Paired& paired) {
  const std::string& session = paired.session;
  Bytes sid = FromHex(session);
  if (sid.size() != 16) {
    Say("The relay sent an invalid session id; reconnecting.");
    co_return Next::kBackOff;
  }
  auto hs = crypto::Handshake::Create(crypto::Handshake::Role::kHost, code.nameplate,
                                      code.secret, sid);
  if (!hs.ok()) co_return Next::kBackOff;
  log::Info("session ", session, ": technician joined, running the handshake");
  auto result = co_await peer::RunHandshake(*ws, *hs, options.handshake_timeout);
  if (auto* ending = std::get_if<Ending>(&result)) {
    if (ending->kind == Ending::Kind::kWrongCode)
      ws->SendText(wire::Encode(wire::Abort{"pake_failed"}));
    // Once our confirmation tag has left, whoever got it could test one guess of the code:
    // count it as a wrong code, whatever the other side says or does next.
    if (ending->kind == Ending::Kind::kWrongCode || ending->reason == "pake_failed" ||
        hs->confirmation_sent()) {
      ++wrong_codes;
      log::Warn("session ", session, ": wrong code entered; code burned");
      Say("Someone entered a wrong code. That code no longer works; here is a new one.");
      consent_ui->ShowState(HostState::kWrongCode);
    } else {
      log::Info("session ", session, " ended during the handshake: ", ending->reason);
      Say("The connection attempt ended: " + ending->message);
    }
    co_return Next::kReconnectNow;
  }
  wrong_codes = 0;
  auto& channel = std::get<peer::Channel>(result);
  Say("A technician is connected (session " + session.substr(0, 8) + ").");
  log::Info("session ", session, ": channel up, serving ",
            options.vnc_server ? "the VNC server " + options.vnc_server->ToString()
                               : std::string("this screen"));

  peer::Tunnel tunnel(ws, std::move(channel), "host_closed");
  auto ex = co_await asio::this_coro::executor;
  SessionConsent consent(ex);
  consent.session = session;
  consent.start_ms = UnixMillisNow();
  consent.technician.account = paired.technician;
  consent.technician.name = paired.technician_name;
  consent.technician.organisation = paired.technician_organisation;
  if (builtin) {
    builtin->SetInputAllowed(false);  // nothing reaches the screen before the person says yes
    builtin->ShowMonitor(-1);         // each session starts with the whole screen
  }
  tunnel.OnSessionMessage([this, &tunnel, &consent](const nlohmann::json& message) {
    if (auto hello = peer::DecodeHello(message); hello && !consent.hello_seen) {
      consent.hello_seen = true;
      // The key must sign this channel's binding, and the account be the one the relay
      // checked.
      if (hello->account != consent.technician.account ||
          !crypto::VerifySignature(hello->public_key,
                                   crypto::TechnicianHelloStatement(tunnel.channel_binding()),
                                   hello->signature)) {
        log::Warn("session ", consent.session, ": the technician's identity does not check out");
        tunnel.End("identity", "the technician's identity could not be verified");
        consent.decided.Set();
        return;
      }
      consent.technician.fingerprint = crypto::KeyFingerprint(hello->public_key);
      consent.technician_key = hello->public_key;
      asio::co_spawn(io, AskConsent(tunnel, consent, false), asio::detached);
    } else if (peer::IsRequestControl(message) && consent.permission == Permission::kViewOnly &&
               !consent.asking && builtin) {
      asio::co_spawn(io, AskConsent(tunnel, consent, true), asio::detached);
    } else if (auto index = peer::DecodeShowMonitor(message); index && builtin) {
      log::Info("the technician chose to see ", *index < 0 ? std::string("every monitor")
                                                             : "monitor " + std::to_string(*index + 1));
      builtin->ShowMonitor(*index);
    }
  });
  // A viewer that never introduces itself is not waited for forever.
  auto hello_deadline = std::make_shared<asio::steady_timer>(ex, std::chrono::seconds(30));
  hello_deadline->async_wait([&tunnel, &consent](error_code e) {
    if (e || consent.hello_seen) return;
    tunnel.End("protocol", "the technician's viewer did not introduce itself");
    consent.decided.Set();
  });
  auto open_local = [this, &consent]() -> asio::awaitable<std::optional<tcp::socket>> {
    auto ex = co_await asio::this_coro::executor;
    error_code ec;
    co_await consent.decided.Wait();  // no RFB byte before the person's answer
    if (consent.permission == Permission::kDenied) co_return std::nullopt;
    if (builtin) {
      auto fd = builtin->NewSession();
      if (!fd.ok()) {
        log::Warn("cannot start the built-in VNC session: ", fd.status().message());
        co_return std::nullopt;
      }
      // A socketpair end: Asio's stream socket reads and writes any stream descriptor.
      tcp::socket s(ex);
      s.assign(tcp::v4(), *fd, ec);
      if (ec) co_return std::nullopt;
      co_return s;
    }
    tcp::resolver resolver(ex);
    auto eps = co_await resolver.async_resolve(options.vnc_server->host,
                                               std::to_string(options.vnc_server->port),
                                               Nothrow(ec));
    if (ec) co_return std::nullopt;
    tcp::socket s(ex);
    co_await asio::async_connect(s, eps, Nothrow(ec));
    if (ec) {
      log::Warn("cannot connect to the VNC server ", options.vnc_server->ToString(), ": ",
                ec.message());
      co_return std::nullopt;
    }
    co_return s;
  };
  this->tunnel = &tunnel;
  // Who we are, proved over this channel, so both session receipts name the same host.
  peer::HostHello host_hello{host_key->public_key(),
                             host_key->Sign(crypto::HostHelloStatement(tunnel.channel_binding()))};
  tunnel.SendSessionMessage(peer::EncodeHostHello(host_hello));
  // At the end, our signed receipt goes to the relay's audit log and into our own history.
  tunnel.OnEndMakeReceipt([this, &consent, &tunnel](const Ending& end)
                              -> std::optional<std::pair<std::string, Bytes>> {
    receipt::ReceiptFacts facts;
    facts.role = "host";
    facts.session = consent.session;
    facts.transcript = crypto::TranscriptHash(tunnel.channel_binding());
    facts.host_key = host_key->public_key();
    facts.technician_key = consent.technician_key;
    facts.technician = consent.technician.account;
    facts.start_ms = consent.start_ms;
    facts.end_ms = UnixMillisNow();
    facts.permissions = consent.permissions;
    facts.ending = end.reason;
    auto receipt = receipt::SignReceipt(facts, *host_key);
    history->Record(consent.session, "receipt",
                    {{"receipt", receipt.text}, {"signature", ToHex(receipt.signature)}});
    return std::make_pair(receipt.text, receipt.signature);
  });
  if (builtin) SendMonitors(builtin->Monitors());
  // Named, not temporaries: GCC 12 mishandles temporaries passed by value to coroutines.
  peer::Tunnel::OpenLocal open_fn = open_local;
  std::function<void()> cancel_fn = [&consent] { consent.decided.Set(); };
  Ending end = co_await tunnel.Run(open_fn, cancel_fn);
  hello_deadline->cancel();
  this->tunnel = nullptr;
  if (builtin) builtin->SetInputAllowed(false);
  if (consent.permission != Permission::kDenied) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - consent.started);
    const bool technician_left = end.kind == Ending::Kind::kPeerClosed &&
                                 (end.reason == "viewer_closed" || end.reason == "viewer_left" ||
                                  end.reason == "closed");
    std::string how = end.reason == "user_stopped" ? "you stopped it"
                      : technician_left            ? "the technician ended it"
                                                   : end.message;
    consent_ui->EndSession(how + ".");
    history->Record(session, "ended", {{"how", how}, {"reason", end.reason},
                                       {"seconds", seconds.count()}});
  }
  // The question is withdrawn: the technician left, or the person stopped from the banner.
  if (consent.asking) consent_ui->CancelAsk(/*technician_left=*/end.reason != "user_stopped");
  while (consent.asking) co_await SleepFor(std::chrono::milliseconds(20));
  log::Info("session ", session, " ended: ", end.reason, " (", tunnel.bytes_out(),
            " bytes sent, ", tunnel.bytes_in(), " received)");
  if (end.reason == "vnc_unavailable")
    Say("The session could not start: " +
        (options.vnc_server ? "no VNC server answers at " + options.vnc_server->ToString()
                            : std::string("the screen could not be shared")) +
        ".");
  else
    Say("The session ended: " + end.message);
  co_return stopping ? Next::kStop : Next::kReconnectNow;
}

}  // namespace telemaint::host
