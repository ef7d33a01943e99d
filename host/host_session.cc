#include "host/host_session.h"

#include "common/log.h"
#include "host/rfb_server.h"
#include "host/session_history.h"
#include "rfb_filter/filters.h"

namespace telemaint::host {

using namespace net;
using peer::Ending;
using wire::ConsentEvent;
using wire::EndReason;

namespace {
// A viewer that never introduces itself is not waited for forever.
constexpr auto kHelloTime = std::chrono::seconds(30);
}  // namespace

HostSession::HostSession(SessionContext context, std::shared_ptr<WsConnection> ws,
                         peer::Channel channel, const wire::Paired& paired)
    : context_(context),
      ws_(ws),
      tunnel_(ws, std::move(channel), wire::Party::kHost),
      id_(paired.session),
      technician_{paired.technician, paired.technician_name, paired.technician_organisation, ""},
      account_(wire::Party::kHost, paired.session, paired.technician, context.key),
      hello_deadline_(ws->ws().get_executor()),
      questions_changed_(ws->ws().get_executor()),
      decided_(ws->ws().get_executor()),
      extras_(ExtrasContext{context.options, context.ui, context.history, context.clipboard,
                            context.builtin,
                            context.unattended &&
                                context.unattended->policy.policy == wire::UnattendedPolicy::kAllow},
              ws, tunnel_, paired.session) {}

asio::awaitable<Ending> HostSession::Run() {
  if (context_.builtin) {
    context_.builtin->SetInputAllowed(false);  // nothing reaches the screen before a yes
    context_.builtin->ShowMonitor(-1);         // each session starts with the whole screen
    // Only the messages a viewer needs reach libvncserver, and input only under control.
    auto filter = std::make_unique<rfb::HostRfbFilter>();
    filter_ = filter.get();
    tunnel_.SetStreamFilter(std::move(filter));
  }
  tunnel_.OnSessionMessage([this](const nlohmann::json& m) { OnSessionMessage(m); });
  tunnel_.OnInnerMessage([this](uint8_t type, ByteView payload) { extras_.OnInner(type, payload); });
  tunnel_.OnEndMakeReceipt([this](const Ending& end) { return MakeReceipt(end); });
  StartHelloDeadline();
  SendHostHello();
  if (context_.builtin) SendMonitors(context_.builtin->Monitors());
  auto run = tunnel_.Run([this] { return OpenLocal(); }, [this] { decided_.Set(); });
  Ending end = co_await std::move(run);  // started apart: see net/net.h on GCC 12
  hello_deadline_.cancel();
  co_await extras_.Finish();  // no half-received file stays; the person's tools go
  if (context_.builtin) context_.builtin->SetInputAllowed(false);
  if (filter_ && filter_->dropped_input() > 0)
    log::Info("session ", id_, ": ", filter_->dropped_input(),
              " input events of the technician's were dropped (no control)");
  RecordEnd(end);
  // The question is withdrawn: the technician left, or the person stopped from the banner.
  if (asking_) context_.ui.CancelAsk(/*technician_left=*/end.reason != EndReason::kUserStopped);
  co_await WaitForQuestions();
  log::Info("session ", id_, " ended: ", wire::ToWire(end.reason), " (", tunnel_.bytes_out(),
            " bytes sent, ", tunnel_.bytes_in(), " received)");
  co_return end;
}

void HostSession::Stop() {
  if (!tunnel_.ending()) tunnel_.End(EndReason::kHostClosed, "this computer stopped sharing");
}

void HostSession::SendMonitors(const std::vector<Monitor>& monitors) {
  std::vector<peer::MonitorInfo> list;
  for (const Monitor& m : monitors)
    list.push_back({m.name, m.area.x, m.area.y, m.area.w, m.area.h});
  if (!tunnel_.SendSessionMessage(peer::EncodeMonitors(list)))
    log::Warn("the list of ", list.size(), " monitors could not be sent (too long?)");
}

void HostSession::OnSessionMessage(const nlohmann::json& message) {
  if (permission_ != Permission::kDenied && extras_.OnSessionMessage(message)) return;
  if (auto hello = peer::DecodeHello(message); hello && !hello_seen_) {
    hello_seen_ = true;
    OnTechnicianHello(*hello);
  } else if (peer::IsRequestControl(message) && permission_ == Permission::kViewOnly &&
             !asking_ && context_.builtin) {
    SpawnQuestion(/*from_view_only=*/true);
  } else if (auto index = peer::DecodeShowMonitor(message); index && context_.builtin) {
    log::Info("the technician chose to see ",
              *index < 0 ? std::string("every monitor") : "monitor " + std::to_string(*index + 1));
    context_.builtin->ShowMonitor(*index);
  }
}

// The key must sign this channel's binding, and the account be the one the relay checked.
void HostSession::OnTechnicianHello(const peer::TechnicianHello& hello) {
  const bool certified = !context_.unattended ||
                         hello.public_key == context_.unattended->technician_key;
  if (hello.account != technician_.account || !certified ||
      !crypto::VerifySignature(hello.public_key,
                               crypto::TechnicianHelloStatement(tunnel_.channel_binding()),
                               hello.signature)) {
    log::Warn("session ", id_, ": the technician's identity does not check out");
    tunnel_.End(EndReason::kIdentity, "the technician's identity could not be verified");
    decided_.Set();
    return;
  }
  technician_.fingerprint = crypto::KeyFingerprint(hello.public_key);
  account_.SetTechnicianKey(hello.public_key);
  if (context_.unattended && DecideByPolicy()) return;
  SpawnQuestion(/*from_view_only=*/false);
}

void HostSession::StartHelloDeadline() {
  hello_deadline_.expires_after(kHelloTime);
  hello_deadline_.async_wait([this](error_code e) {
    if (e || hello_seen_) return;
    tunnel_.End(EndReason::kProtocol, "the technician's viewer did not introduce itself");
    decided_.Set();
  });
}

// Who we are, proved over this channel, so both session receipts name the same host.
void HostSession::SendHostHello() {
  peer::HostHello hello{
      context_.key.public_key(),
      context_.key.Sign(crypto::HostHelloStatement(tunnel_.channel_binding()))};
  tunnel_.SendSessionMessage(peer::EncodeHostHello(hello));
}

// At the end, our signed receipt goes to the relay's audit log and into our own history.
std::optional<std::pair<std::string, Bytes>> HostSession::MakeReceipt(const Ending& end) {
  auto receipt = account_.Sign(tunnel_.channel_binding(), end.reason);
  context_.history.Record(id_, HistoryEvent::kReceipt,
                          {{"receipt", receipt.text}, {"signature", ToHex(receipt.signature)}});
  return std::make_pair(receipt.text, receipt.signature);
}

// The question coroutines reference this session: Run waits for them (WaitForQuestions).
void HostSession::SpawnQuestion(bool from_view_only) {
  ++questions_running_;
  asio::co_spawn(ws_->ws().get_executor(), from_view_only ? AskForControl() : AskToLetIn(),
                 [this](std::exception_ptr) {
                   --questions_running_;
                   questions_changed_.Notify();
                 });
}

asio::awaitable<void> HostSession::WaitForQuestions() {
  while (questions_running_ > 0) co_await questions_changed_.WaitNotified();
}

asio::awaitable<std::optional<tcp::socket>> HostSession::OpenLocal() {
  co_await decided_.Wait();  // no RFB byte before the person's answer
  if (permission_ == Permission::kDenied) co_return std::nullopt;
  if (context_.builtin) co_return co_await AttachToBuiltin();
  co_return co_await ConnectToVncServer();
}

asio::awaitable<std::optional<tcp::socket>> HostSession::AttachToBuiltin() {
  auto fd = context_.builtin->NewSession();
  if (!fd.ok()) {
    log::Warn("cannot start the built-in VNC session: ", fd.status().message());
    co_return std::nullopt;
  }
  co_return AdoptStreamFd(co_await asio::this_coro::executor, *fd);
}

asio::awaitable<std::optional<tcp::socket>> HostSession::ConnectToVncServer() {
  const HostPort& server = *context_.options.vnc_server;
  auto ex = co_await asio::this_coro::executor;
  error_code ec;
  tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(server.host, std::to_string(server.port),
                                                   Nothrow(ec));
  if (ec) co_return std::nullopt;
  tcp::socket s(ex);
  co_await asio::async_connect(s, endpoints, Nothrow(ec));
  if (ec) {
    log::Warn("cannot connect to the VNC server ", server.ToString(), ": ", ec.message());
    co_return std::nullopt;
  }
  co_return s;
}

void HostSession::RecordEnd(const Ending& end) {
  if (permission_ == Permission::kDenied) return;  // never let in: the answer said so
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - allowed_at_);
  const bool technician_left =
      end.kind == Ending::Kind::kPeerClosed &&
      (end.reason == EndReason::kViewerClosed || end.reason == EndReason::kViewerLeft ||
       end.reason == EndReason::kClosed);
  const std::string how = end.reason == EndReason::kUserStopped ? "you stopped it"
                          : technician_left                      ? "the technician ended it"
                                                                 : end.message;
  context_.ui.EndSession(how + ".");
  context_.history.Record(id_, HistoryEvent::kEnded,
                          {{"how", how},
                           {"reason", wire::ToWire(end.reason)},
                           {"seconds", seconds.count()}});
}

}  // namespace telemaint::host
