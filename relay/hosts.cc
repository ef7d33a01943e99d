// Host connections (/v1/host): the hello, a nameplate, and the wait for a technician; and the
// first message of any connection.
#include "common/log.h"
#include "relay/core.h"
#include "common/sentences.h"

namespace telemaint::relay {

using namespace net;
using wire::ErrorCode;

asio::awaitable<std::optional<Frame>> RelayCore::FirstMessage(PeerConn& peer) {
  auto conn = peer.conn;
  auto timer = std::make_shared<asio::steady_timer>(io_, options_.hello_timeout);
  timer->async_wait([this, conn, address = peer.address](error_code ec) {
    if (ec) return;
    FloodLog(log::Level::kInfo, "no first message", address, "no hello from ", address,
             " in time; closing");
    conn->SendText(
        wire::Encode(wire::Error{ErrorCode::kTimeout, msg::Sentence(ErrorCode::kTimeout)}));
    conn->CloseAfterFlush(websocket::close_code::policy_error,
                          std::string(wire::ToWire(ErrorCode::kTimeout)));
  });
  error_code ec;
  auto frame = co_await conn->Receive(ec);
  timer->cancel();
  if (!frame) {
    if (ec == websocket::error::message_too_big) {
      FloodLog(log::Level::kWarn, "oversized first message", peer.address, peer.address,
               " sent an oversized message (first message); closing it");
      SendError(peer, ErrorCode::kTooLarge);
    }
    co_return std::nullopt;
  }
  if (!frame->text) {
    FloodLog(log::Level::kInfo, "malformed first message", peer.address, "first message from ",
             peer.address, " is not a control message");
    SendError(peer, ErrorCode::kBadRequest);
    co_return std::nullopt;
  }
  if (frame->data.size() > options_.max_control_bytes) {
    FloodLog(log::Level::kWarn, "oversized first message", peer.address, peer.address,
             " sent an oversized message (", frame->data.size(), " bytes of control); closing it");
    SendError(peer, ErrorCode::kTooLarge);
    co_return std::nullopt;
  }
  co_return frame;
}

asio::awaitable<void> RelayCore::RunHost(std::shared_ptr<PeerConn> peer) {
  auto first = co_await FirstMessage(*peer);
  if (!first) co_return;
  auto decoded = wire::Decode(first->data);
  auto* hello = decoded.ok() ? std::get_if<wire::Hello>(&*decoded) : nullptr;
  // Enrolled machines come to /v1/machine: here only attended hosts.
  if (!hello || hello->role != wire::Party::kHost || hello->mode != wire::HostMode::kAttended) {
    FloodLog(log::Level::kInfo, "malformed first message", peer->address, "host ",
             peer->address, " sent a malformed hello");
    SendError(*peer, ErrorCode::kBadRequest);
    co_return;
  }
  if (hello->proto != wire::kProtocolVersion) {
    SendError(*peer, ErrorCode::kUnsupportedVersion);
    co_return;
  }
  if (!host_connects_.Allow(AddressGroup(peer->address))) {
    FloodLog(log::Level::kWarn, "refused host", peer->address, "host ", peer->address,
             " refused: too many new hosts from this address");
    SendError(*peer, ErrorCode::kRateLimited);
    co_return;
  }
  if (StartWaiting(*peer, *hello)) co_await ReadLoop(peer);
}

// Draws the host's nameplate, records it and tells the host; false when none is free.
bool RelayCore::StartWaiting(PeerConn& peer, const wire::Hello& hello) {
  auto np = registry_.Allocate(peer.id);
  if (!np.ok()) {
    FloodLog(log::Level::kWarn, "refused host", peer.address, "host ", peer.address,
             " refused: ", np.status().message());
    SendError(peer, ErrorCode::kServerBusy);
    return false;
  }
  peer.state = ConnState::kWaiting;
  peer.nameplate = *np;
  peer.unproven.Proven();  // a customer with a code: never closed to make room
  peer.host = {run_id_ + "-" + std::to_string(peer.id), hello.customer, hello.machine,
               hello.version};
  Audit(wire::AuditKind::kHostConnected, "",
        {{"conn", peer.host.audit_id}, {"address", peer.address}, {"version", hello.version},
         {"customer", hello.customer}, {"machine", hello.machine}},
        AuditSource::kUnauthenticated);
  Audit(wire::AuditKind::kCodeIssued, "", {{"conn", peer.host.audit_id}, {"nameplate", *np}},
        AuditSource::kUnauthenticated);
  stats_->waiting_hosts = registry_.waiting();
  log::Info("host ", peer.address, " (version '", hello.version, "'",
            hello.customer.empty() ? "" : ", customer '", hello.customer,
            hello.customer.empty() ? "" : "'", ") waits with nameplate ", *np);
  auto ttl = std::chrono::duration_cast<std::chrono::seconds>(registry_.ttl()).count();
  peer.conn->SendText(wire::Encode(wire::NameplateIssued{*np, static_cast<int>(ttl)}));
  return true;
}

}  // namespace telemaint::relay
