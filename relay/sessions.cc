// Paired connections: forwarding opaque binary frames between the two peers of a session, the
// few control messages a paired peer may send (consent reports, its receipt, abort), and the
// end of the session. See docs/protocol.md#pairing and #ending-a-session.
#include "audit/record.h"
#include "common/log.h"
#include "receipt/receipt.h"
#include "relay/core.h"
#include "common/sentences.h"

namespace telemaint::relay {

using namespace net;
using wire::AuditKind;
using wire::EndReason;
using wire::ErrorCode;

namespace {
// How long the relay keeps a connection open after telling it the session ended, for the
// side's signed receipt.
constexpr auto kReceiptGrace = std::chrono::seconds(2);
// Consent reports recorded per session: every real answer and change fits many times over.
constexpr int kMaxPermissionRecords = 64;
// Transfer reports recorded per session, files apart from clipboard and chat so that a flood
// of chat lines cannot push a file out of the log; past these the host is filling the log,
// and only a warning is kept.
constexpr int kMaxFileRecords = 2000;
constexpr int kMaxTextRecords = 2000;
}  // namespace

void RelayCore::Pair(const std::shared_ptr<PeerConn>& host,
                     const std::shared_ptr<PeerConn>& viewer, const User& technician,
                     const std::string& ticket, const std::string& session_id) {
  auto s = std::make_shared<Session>();
  s->id = session_id;
  s->nameplate = host->nameplate;
  s->machine_id = host->machine_id;
  s->technician = technician.name;
  s->ticket = ticket;
  s->host = host;
  s->viewer = viewer;
  s->started = options_.now();
  if (!host->nameplate.empty()) registry_.MarkPaired(host->nameplate);
  host->nameplate.clear();
  host->session = viewer->session = s;
  host->state = viewer->state = ConnState::kPaired;
  // Until now only control messages were allowed; the session carries data frames.
  host->conn->set_max_message_bytes(options_.max_data_frame);
  viewer->conn->set_max_message_bytes(options_.max_data_frame);
  ++stats_->sessions_active;
  ++stats_->sessions_total;
  stats_->waiting_hosts = registry_.waiting();
  log::Info("session ", s->id, ": technician '", technician.name, "' (", viewer->address,
            ") paired with host ", host->address,
            s->machine_id.empty() ? " on nameplate " + s->nameplate
                                  : " (machine " + s->machine_id + ")",
            ticket.empty() ? "" : ", ticket ", ticket);
  wire::Paired to_host;
  to_host.session = s->id;
  to_host.technician = technician.name;
  to_host.technician_name = technician.display_name;
  to_host.technician_organisation = technician.organisation;
  wire::Paired to_viewer;
  to_viewer.session = s->id;
  host->conn->SendText(wire::Encode(to_host));
  viewer->conn->SendText(wire::Encode(to_viewer));
}

// A waiting host's and a paired peer's messages, until the connection ends.
asio::awaitable<void> RelayCore::ReadLoop(std::shared_ptr<PeerConn> peer) {
  while (true) {
    error_code ec;
    auto frame = co_await peer->conn->Receive(ec);
    if (!frame) {
      OnReceiveError(*peer, ec);
      co_return;
    }
    if (frame->text) {
      if (!OnControl(peer, frame->data)) co_return;
      continue;
    }
    if (!peer->session) {
      log::Info(peer->role_name(), " ", peer->address, " sent data before pairing");
      SendError(*peer, ErrorCode::kBadRequest);
      co_return;
    }
    co_await Forward(*peer, std::move(frame->data));
  }
}

void RelayCore::OnReceiveError(PeerConn& peer, const error_code& ec) {
  if (ec == websocket::error::message_too_big) {
    log::Warn(peer.role_name(), " ", peer.address, " sent an oversized message; closing it");
    SendError(peer, ErrorCode::kTooLarge);
  } else if (ec && ec != websocket::error::closed && ec != asio::error::operation_aborted) {
    log::Info(peer.role_name(), " ", peer.address, " connection ended: ", ec.message());
  }
}

bool RelayCore::OnControl(const std::shared_ptr<PeerConn>& peer, const std::string& text) {
  if (!peer->machine_id.empty() && !peer->session) {
    // An online machine's own messages: its inventory (and abort, below).
    auto machine = wire::DecodeMachine(text);
    if (auto* inventory = machine.ok() ? std::get_if<wire::Inventory>(&*machine) : nullptr) {
      OnInventory(*peer, inventory->inventory);
      return true;
    }
  }
  if (text.size() > options_.max_control_bytes) {
    log::Warn(peer->role_name(), " ", peer->address,
              " sent an oversized message (control); closing it");
    SendError(*peer, ErrorCode::kTooLarge);
    return false;
  }
  auto decoded = wire::Decode(text);
  const wire::Control* message = decoded.ok() ? &*decoded : nullptr;
  const bool ended = peer->session && peer->session->ended;
  if (auto* consent = message ? std::get_if<wire::Consent>(message) : nullptr;
      consent && peer->is_host() && peer->session && !ended) {
    OnConsent(*peer, *consent);
    return true;
  }
  if (auto* transfer = message ? std::get_if<wire::Transfer>(message) : nullptr;
      transfer && peer->is_host() && peer->session && !ended) {
    OnTransfer(*peer, *transfer);
    return true;
  }
  if (auto* receipt = message ? std::get_if<wire::Receipt>(message) : nullptr) {
    OnReceipt(*peer, *receipt);
    return true;
  }
  if (ended) return true;  // nothing else counts after the end
  auto* abort = message ? std::get_if<wire::Abort>(message) : nullptr;
  if (!abort) {
    log::Info(peer->role_name(), " ", peer->address, " sent an unexpected control message");
    SendError(*peer, ErrorCode::kBadRequest);
    return false;
  }
  OnAbort(*peer, *abort);
  return false;
}

// What the person allowed, as the host says: recorded, never acted on by the relay. Known
// words only, and a bounded number per session: the log is not the host's to fill.
void RelayCore::OnConsent(PeerConn& peer, const wire::Consent& consent) {
  if (!consent.event || !consent.permission) return;
  if (++peer.permission_records <= kMaxPermissionRecords) {
    nlohmann::json data = {{"event", wire::ToWire(*consent.event)},
                           {"by", wire::ToWire(wire::Party::kHost)}};
    // A stop withdraws every permission: recorded as what it is, not as a "denied" answer.
    if (*consent.event != wire::ConsentEvent::kStopped)
      data["permission"] = wire::ToWire(*consent.permission);
    Audit(AuditKind::kPermission, peer.session->id, std::move(data));
  } else if (peer.permission_records == kMaxPermissionRecords + 1) {
    log::Warn("session ", peer.session->id,
              ": the host sent too many or unknown consent reports");
  }
}

// What crossed the session beside the screen, as the host says: facts, never content. Known
// words only, and a bounded number per session.
void RelayCore::OnTransfer(PeerConn& peer, const wire::Transfer& transfer) {
  if (!transfer.what || !transfer.event) return;
  const bool file = *transfer.what == wire::TransferKind::kFile;
  int& count = file ? peer.file_records : peer.transfer_records;
  const int limit = file ? kMaxFileRecords : kMaxTextRecords;
  if (++count <= limit) {
    nlohmann::json data = {{"what", wire::ToWire(*transfer.what)},
                           {"event", wire::ToWire(*transfer.event)},
                           {"from", wire::ToWire(transfer.from)},
                           {"size", transfer.size},
                           {"by", wire::ToWire(wire::Party::kHost)}};
    if (!transfer.name.empty()) data["name"] = transfer.name;
    if (!transfer.sha256.empty()) data["sha256"] = transfer.sha256;
    if (!transfer.detail.empty()) data["detail"] = transfer.detail;
    Audit(AuditKind::kTransfer, peer.session->id, std::move(data));
  } else if (count == limit + 1) {
    log::Warn("session ", peer.session->id, ": the host sent too many ",
              file ? "file" : "clipboard and chat", " reports; no more are recorded");
  }
}

// Kept exactly as the peer signed it, once it checks out: signed by the key it names, for this
// side, this session and this technician. telemaint-audit checks it again.
void RelayCore::OnReceipt(PeerConn& peer, const wire::Receipt& receipt) {
  if (peer.session && !peer.receipt_recorded) {
    peer.receipt_recorded = true;
    auto facts = receipt::CheckReceiptFor(receipt.receipt, FromHex(receipt.signature), peer.role,
                                          peer.session->id, peer.session->technician);
    const std::string by(wire::ToWire(peer.role));
    if (facts.ok()) {
      Audit(AuditKind::kReceipt, peer.session->id,
            {{"by", by}, {"receipt", receipt.receipt}, {"signature", receipt.signature}});
    } else {
      const std::string why = facts.status().message();
      log::Warn("session ", peer.session->id, ": the ", by, "'s receipt was refused: ", why);
      Audit(AuditKind::kReceiptRefused, peer.session->id, {{"by", by}, {"why", why}});
    }
  }
  // After the end, the receipt was all the relay waited for.
  if (peer.session && peer.session->ended) CloseAfterReceipt(peer);
}

void RelayCore::OnAbort(PeerConn& peer, const wire::Abort& abort) {
  const EndReason reason =
      wire::IsPeerAbortReason(abort.reason) ? abort.reason : EndReason::kOther;
  if (peer.session && !peer.session->ended) {
    EndSession(peer.session, reason, &peer);
    return;
  }
  log::Info(peer.role_name(), " ", peer.address, " left while unpaired (", wire::ToWire(reason),
            ")");
  peer.conn->CloseAfterFlush(websocket::close_code::normal);
}

asio::awaitable<void> RelayCore::Forward(PeerConn& peer, std::string data) {
  auto session = peer.session;
  if (session->ended) co_return;  // late frames after an end are dropped
  auto other = (peer.is_host() ? session->viewer : session->host).lock();
  if (!other) co_return;
  (peer.is_host() ? session->bytes_host_to_viewer : session->bytes_viewer_to_host) += data.size();
  stats_->bytes_forwarded += data.size();
  if (options_.forward_rewrite) options_.forward_rewrite(data);
  if (options_.forward_tap) options_.forward_tap(data);
  // Waits while the other side's queue is full: a slow reader back-pressures this sender.
  Frame out{false, std::move(data)};
  const bool sent = co_await other->conn->Send(std::move(out));
  const uint64_t queued = other->conn->queued_bytes();
  if (queued > stats_->max_queued_bytes) stats_->max_queued_bytes = queued;
  // The other side left: unless its leaving already waits for this side's word (EndWhenLeft).
  if (!sent && !session->ended && !ends_in_grace_.count(session->id))
    EndSession(session, peer.is_host() ? EndReason::kViewerLeft : EndReason::kHostLeft,
               other.get());
}

void RelayCore::EndSession(const std::shared_ptr<Session>& s, EndReason reason,
                           const PeerConn* initiator) {
  if (s->ended) return;
  s->ended = true;
  --stats_->sessions_active;
  const auto elapsed = options_.now() - s->started;
  log::Info("session ", s->id, " ended: ", wire::ToWire(reason), " after ",
            std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), " s, ",
            s->bytes_host_to_viewer, " bytes host->viewer, ", s->bytes_viewer_to_host,
            " bytes viewer->host");
  if (reason == EndReason::kPakeFailed) {
    // A wrong code was tried: the host burns that code and asks for a new one.
    auto host = s->host.lock();
    Audit(AuditKind::kCodeBurned, s->id,
          {{"conn", host ? host->host.audit_id : ""}, {"nameplate", s->nameplate}});
  }
  audit::SessionEnd end{reason, initiator ? initiator->role : wire::Party::kRelay};
  end.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  end.bytes_host_to_viewer = s->bytes_host_to_viewer;
  end.bytes_viewer_to_host = s->bytes_viewer_to_host;
  Audit(AuditKind::kSessionEnd, s->id, audit::SessionEndData(end));
  for (auto& weak : {s->host, s->viewer}) {
    auto p = weak.lock();
    if (!p) continue;
    p->state = ConnState::kEnded;
    if (p.get() == initiator) {
      CloseAfterReceipt(*p);  // its receipt came before its abort
      continue;
    }
    p->conn->SendText(wire::Encode(wire::PeerGone{reason, msg::PeerGoneSentence(reason, p->role)}));
    if (p->receipt_recorded || p->conn->closed()) {
      CloseAfterReceipt(*p);
      continue;
    }
    // A moment for this side's signed receipt (OnReceipt closes the connection when it comes).
    auto grace = std::make_shared<asio::steady_timer>(io_, kReceiptGrace);
    grace->async_wait([grace, conn = p->conn](error_code ec) {
      if (!ec) conn->CloseAfterFlush(websocket::close_code::normal, "session ended");
    });
  }
}

// One connection, one session: the host reconnects for its next code.
void RelayCore::CloseAfterReceipt(PeerConn& peer) {
  peer.conn->CloseAfterFlush(websocket::close_code::normal, "session ended");
}

}  // namespace telemaint::relay
