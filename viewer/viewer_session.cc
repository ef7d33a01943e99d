#include "viewer/viewer_session.h"

#include <unistd.h>

#include <thread>

#include "common/log.h"
#include "net/local_socket.h"
#include "peer/session_messages.h"
#include "rfb_filter/filters.h"
#include "viewer/rfb_snapshot.h"
#include "viewer/viewer_window.h"

namespace telemaint::viewer {

using namespace net;
using peer::Ending;
using wire::EndReason;

ViewerSession::ViewerSession(const ViewerOptions& options, const Say& say,
                             std::shared_ptr<WsConnection> ws, peer::Channel channel,
                             std::string session_id, const crypto::SigningKey& key)
    : options_(options),
      say_(say),
      ex_(ws->ws().get_executor()),
      tunnel_(std::move(ws), std::move(channel), wire::Party::kViewer),
      id_(std::move(session_id)),
      account_(wire::Party::kViewer, id_, options.user, key),
      extras_(options, say, tunnel_, ex_) {
  // First inside the channel: who we are, proved with the key over this channel's binding.
  peer::TechnicianHello hello{
      options.user, key.public_key(),
      key.Sign(crypto::TechnicianHelloStatement(tunnel_.channel_binding()))};
  tunnel_.SendSessionMessage(peer::EncodeHello(hello));
  // At the end, our signed receipt goes to the relay's audit log.
  tunnel_.OnEndMakeReceipt([this](const Ending& end) {
    auto receipt = account_.Sign(tunnel_.channel_binding(), end.reason);
    return std::optional(std::make_pair(receipt.text, receipt.signature));
  });
  tunnel_.OnSessionMessage([this](const nlohmann::json& m) { OnSessionMessage(m); });
  tunnel_.OnInnerMessage([this](uint8_t type, ByteView payload) { extras_.OnInner(type, payload); });
}

void ViewerSession::Stop() {
  stopped_ = true;
  if (!tunnel_.ending()) tunnel_.End(EndReason::kViewerClosed, "you stopped it");
}

void ViewerSession::ShowMonitor(int index) {
  tunnel_.SendSessionMessage(peer::EncodeShowMonitor(index));
}

void ViewerSession::RequestControl() { tunnel_.SendSessionMessage(peer::EncodeRequestControl()); }

// Our own RFB client and window: the window gets one end of a socketpair, the tunnel the other.
asio::awaitable<int> ViewerSession::ShowInWindow(ViewerWindow* window) {
  window_ = window;
  extras_.SetWindow(window);
  const std::string title = "telemaint — " + options_.user + " — session " + id_.substr(0, 8) +
                            (options_.ticket.empty() ? "" : " — " + options_.ticket);
  tunnel_.SetStreamFilter(std::make_unique<rfb::ViewerRfbFilter>());
  auto run = tunnel_.Run(
      [window, title]() -> asio::awaitable<std::optional<tcp::socket>> {
        auto pair = MakeLocalPair(co_await asio::this_coro::executor);
        if (!pair) co_return std::nullopt;
        window->Attach(pair->theirs, title);
        co_return std::move(pair->ours);
      },
      nullptr);
  say_("The session is shown in a window; close it or choose Session > Disconnect to end.");
  Ending end = co_await std::move(run);  // started apart: see net/net.h on GCC 12
  co_await extras_.Finish();
  extras_.SetWindow(nullptr);
  window_ = nullptr;
  co_return ReportEnding(end);
}

asio::awaitable<int> ViewerSession::ServeLocalPort(tcp::acceptor& acceptor, uint16_t port) {
  const std::string where = HostPort{options_.listen.host, port}.ToString();
  say_("Listening on " + where + " — point your VNC viewer there (e.g. vncviewer " +
       options_.listen.host + "::" + std::to_string(port) + ").");
  log::Info("session ", id_, ": channel up");
  extras_.ReadTerminal();
  auto run = tunnel_.Run(
      [&acceptor]() -> asio::awaitable<std::optional<tcp::socket>> {
        error_code ec;
        tcp::socket s = co_await acceptor.async_accept(Nothrow(ec));
        if (ec) co_return std::nullopt;
        acceptor.close(ec);  // one session, one VNC client: nobody else gets in later
        co_return s;
      },
      [&acceptor] {
        error_code ignored;
        acceptor.close(ignored);
      });
  Ending end = co_await std::move(run);
  co_await extras_.Finish();
  co_return ReportEnding(end);
}

// Our own RFB client takes one picture through the channel, on a thread of its own (it
// blocks), over a socketpair whose other end the tunnel carries.
asio::awaitable<int> ViewerSession::TakeSnapshot() {
  Result<Picture> picture = Status::Internal("no picture was taken");
  std::thread worker;
  const Quality quality = options_.quality;
  tunnel_.SetStreamFilter(std::make_unique<rfb::ViewerRfbFilter>());
  auto run = tunnel_.Run(
      [&picture, &worker, quality]() -> asio::awaitable<std::optional<tcp::socket>> {
        auto pair = MakeLocalPair(co_await asio::this_coro::executor);
        if (!pair) co_return std::nullopt;
        worker = std::thread([&picture, fd = pair->theirs, quality] {
          picture = viewer::TakeSnapshot(fd, quality, std::chrono::seconds(60));
        });
        co_return std::move(pair->ours);
      },
      nullptr);
  Ending end = co_await std::move(run);
  co_await extras_.Finish();
  if (worker.joinable()) worker.join();  // its socket is closed: it has returned or will at once
  if (!picture.ok()) {
    if (end.kind == Ending::Kind::kPeerClosed &&
        (end.reason == EndReason::kUserDeclined || end.reason == EndReason::kConsentTimeout ||
         end.reason == EndReason::kPolicyDenied)) {
      say_(end.reason == EndReason::kUserDeclined ? "The session ended: the customer declined."
           : end.reason == EndReason::kPolicyDenied
               ? "The session ended: the machine's policy does not allow unattended access "
                 "now."
               : "The session ended: the customer did not answer in time.");
      co_return kExitDeclined;
    }
    say_("Error: no picture: " + picture.status().message() + " (" + end.message + ")");
    co_return kExitSessionLost;
  }
  if (Status s = WritePicture(*picture, options_.snapshot_file); !s.ok()) {
    say_("Error: " + s.message());
    co_return kExitSetup;
  }
  say_("Saved a " + std::to_string(picture->width) + "x" + std::to_string(picture->height) +
       " picture of the customer's screen to " + options_.snapshot_file + ".");
  co_return kExitOk;
}

void ViewerSession::OnSessionMessage(const nlohmann::json& message) {
  if (extras_.OnSessionMessage(message)) return;
  if (auto hello = peer::DecodeHostHello(message); hello && !host_key_known_) {
    if (crypto::VerifySignature(hello->public_key,
                                crypto::HostHelloStatement(tunnel_.channel_binding()),
                                hello->signature)) {
      host_key_known_ = true;
      account_.SetHostKey(hello->public_key);
      log::Info("the customer's computer proved its key ",
                crypto::KeyFingerprint(hello->public_key));
    } else {
      log::Warn("the customer's computer sent a key it could not prove; receipts will not name it");
    }
    return;
  }
  if (auto state = peer::DecodeConsent(message)) {
    OnConsent(*state);
    return;
  }
  if (auto monitors = peer::DecodeMonitors(message)) {
    log::Info("the customer's screen has ", monitors->size(), " monitor(s)");
    if (window_) window_->SetMonitors(*monitors);
  }
}

void ViewerSession::OnConsent(peer::ConsentState state) {
  switch (state) {
    case peer::ConsentState::kAsking:
      say_("The customer is being asked to let you in…");
      break;
    case peer::ConsentState::kControl:
      extras_.OnLetIn();
      account_.NotePermission(wire::Permission::kControl);
      say_(options_.machine.empty() ? "The customer allowed control."
                                    : "Control allowed (by the machine's policy or the person "
                                      "at its screen).");
      break;
    case peer::ConsentState::kViewOnly:
      extras_.OnLetIn();
      account_.NotePermission(wire::Permission::kViewOnly);
      say_("The customer allowed viewing only: your keys and mouse are ignored.");
      break;
  }
  if (window_) window_->SetCustomerPermission(state);
}

int ViewerSession::ReportEnding(const Ending& end) const {
  if (end.reason == EndReason::kVncUnavailable) {
    say_(
        "Error: the customer's computer could not share its screen (its VNC server is not "
        "running, or its display could not be opened) — ask the customer to check "
        "telemaint-host's --vnc-server or --display.");
    return kExitSessionLost;
  }
  if (stopped_) {  // Ctrl+C or SIGTERM: our own doing, whatever the tunnel saw
    say_("The session ended: you stopped it.");
    return kExitOk;
  }
  const bool peer_closed = end.kind == Ending::Kind::kPeerClosed;
  std::string why =
      options_.window && end.kind == Ending::Kind::kLocalClosed ? "you disconnected." : end.message;
  if (peer_closed) {
    // The customer's decisions, in their words.
    if (end.reason == EndReason::kUserDeclined) why = "the customer declined.";
    if (end.reason == EndReason::kUserStopped) why = "the customer ended the session.";
    if (end.reason == EndReason::kConsentTimeout) why = "the customer did not answer in time.";
    if (end.reason == EndReason::kIdentity)
      why = "the customer's computer could not verify your identity.";
    if (end.reason == EndReason::kPolicyDenied)
      why = "the machine's policy does not allow unattended access now.";
  }
  say_("The session ended: " + why);
  if (peer_closed &&
      (end.reason == EndReason::kUserDeclined || end.reason == EndReason::kConsentTimeout ||
       end.reason == EndReason::kPolicyDenied))
    return kExitDeclined;
  if (peer_closed && end.reason == EndReason::kIdentity) return kExitSessionLost;
  log::Info("session ", id_, " ended: ", wire::ToWire(end.reason), " (", tunnel_.bytes_out(),
            " bytes sent, ", tunnel_.bytes_in(), " received)");
  // The host reporting tampering or a protocol break is not a normal end.
  if (peer_closed)
    return end.reason == EndReason::kIntegrity || end.reason == EndReason::kProtocol
               ? kExitSessionLost
               : kExitOk;
  return end.kind == Ending::Kind::kLocalClosed ? kExitOk : kExitSessionLost;
}

}  // namespace telemaint::viewer
