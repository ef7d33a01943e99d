// Host and viewer connections: hello / join, technician login, pairing by nameplate, and
// forwarding of opaque binary frames between the two peers of a session.
#include <set>

#include "receipt/receipt.h"
#include "common/log.h"
#include "common/wire.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "relay/core.h"
#include "relay/messages.h"

namespace telemaint::relay {

using namespace net;

namespace {
// How long the relay keeps a connection open after telling it the session ended, for the
// side's signed receipt.
constexpr auto kReceiptGrace = std::chrono::seconds(2);
// Consent reports recorded per session: every real answer and change fits many times over.
constexpr int kMaxPermissionRecords = 64;

}  // namespace

asio::awaitable<std::optional<Frame>> RelayCore::FirstMessage(PeerConn& peer) {
  auto conn = peer.conn;
  auto timer = std::make_shared<asio::steady_timer>(io_, options_.hello_timeout);
  timer->async_wait([this, conn, address = peer.address](error_code ec) {
    if (ec) return;
    log::Info("no hello from ", address, " in time; closing");
    conn->SendText(wire::Encode(wire::Error{std::string(msg::kTimeout),
                                            msg::Sentence(msg::kTimeout)}));
    conn->CloseAfterFlush(websocket::close_code::policy_error, "timeout");
  });
  error_code ec;
  auto frame = co_await conn->Receive(ec);
  timer->cancel();
  if (!frame) {
    if (ec == websocket::error::message_too_big) {
      log::Warn(peer.address, " sent an oversized message (first message); closing it");
      SendError(peer, msg::kTooLarge);
    }
    co_return std::nullopt;
  }
  if (!frame->text) {
    log::Info("first message from ", peer.address, " is not a control message");
    SendError(peer, msg::kBadRequest);
    co_return std::nullopt;
  }
  if (frame->data.size() > options_.max_control_bytes) {
    log::Warn(peer.address, " sent an oversized message (", frame->data.size(),
              " bytes of control); closing it");
    SendError(peer, msg::kTooLarge);
    co_return std::nullopt;
  }
  co_return frame;
}

asio::awaitable<void> RelayCore::RunHost(std::shared_ptr<PeerConn> peer) {
  auto first = co_await FirstMessage(*peer);
  if (!first) co_return;
  auto decoded = wire::Decode(first->data);
  auto* hello = decoded.ok() ? std::get_if<wire::Hello>(&*decoded) : nullptr;
  if (!hello || hello->role != "host" || hello->mode != "attended") {
    log::Info("host ", peer->address, " sent a malformed hello");
    SendError(*peer, msg::kBadRequest);
    co_return;
  }
  if (hello->proto != wire::kProtocolVersion) {
    SendError(*peer, msg::kUnsupportedVersion);
    co_return;
  }
  if (!host_connects_.Allow(peer->address)) {
    log::Warn("host ", peer->address, " refused: too many new hosts from this address");
    SendError(*peer, msg::kRateLimited);
    co_return;
  }
  auto np = registry_.Allocate(peer->id);
  if (!np.ok()) {
    log::Warn("host ", peer->address, " refused: ", np.status().message());
    SendError(*peer, msg::kServerBusy);
    co_return;
  }
  peer->nameplate = *np;
  peer->audit_id = run_id_ + "-" + std::to_string(peer->id);
  peer->customer = hello->customer;
  peer->machine = hello->machine;
  peer->version = hello->version;
  Audit("host_connected", "", {{"conn", peer->audit_id}, {"address", peer->address},
                               {"version", hello->version}, {"customer", hello->customer},
                               {"machine", hello->machine}});
  Audit("code_issued", "", {{"conn", peer->audit_id}, {"nameplate", *np}});
  stats_->waiting_hosts = registry_.waiting();
  log::Info("host ", peer->address, " (version '", hello->version, "'",
            hello->customer.empty() ? "" : ", customer '", hello->customer,
            hello->customer.empty() ? "" : "'", ") waits with nameplate ", *np);
  auto ttl = std::chrono::duration_cast<std::chrono::seconds>(registry_.ttl()).count();
  peer->conn->SendText(wire::Encode(wire::NameplateIssued{*np, static_cast<int>(ttl)}));
  co_await ReadLoop(peer);
}

asio::awaitable<RelayCore::AuthOutcome> RelayCore::Authenticate(const std::string& address,
                                                                const std::string& name,
                                                                std::string password,
                                                                Purpose purpose) {
  AuthOutcome out;
  if (failures_by_address_.LockedOut(address) || failures_by_account_.LockedOut(name)) {
    out.error = msg::kRateLimited;
    co_return out;
  }
  if (logins_in_flight_ >= options_.max_concurrent_logins) {
    // Each check costs 64 MiB and ~0.1 s: a flood must not queue up behind real technicians.
    out.error = msg::kServerBusy;
    co_return out;
  }
  ++logins_in_flight_;
  struct InFlight {
    size_t& n;
    ~InFlight() { --n; }
  } in_flight{logins_in_flight_};
  auto delay = std::max(failures_by_address_.DelayFor(address),
                        failures_by_account_.DelayFor(name));
  if (delay > Clock::duration::zero()) co_await SleepFor(delay);

  auto secret = crypto::SecretBytes::TakeString(password);
  UserStore* users = users_.get();
  // Argon2id costs ~0.1 s and 64 MiB: run it on the worker pool, not the io thread.
  auto checked = co_await co_spawn(
      workers_,
      [&]() -> asio::awaitable<AuthOutcome> {
        AuthOutcome r;
        auto user = IsValidUserName(name) ? users->Get(name)
                                          : Result<std::optional<User>>(std::optional<User>());
        if (!user.ok()) {
          log::Error("account lookup failed: ", user.status().message());
          r.error = msg::kInternal;
          co_return r;
        }
        const bool exists = user->has_value();
        // The same work whether or not the account exists: no answer or timing reveals it.
        const std::string& hash = exists ? (*user)->password_hash : crypto::DummyPasswordHash();
        bool good = crypto::VerifyPassword(hash, secret) && exists && !(*user)->disabled;
        if (!good) {
          r.error = msg::kAuthFailed;
          co_return r;
        }
        const Role role = (*user)->role;
        const bool allowed = role == Role::kAdmin ||
                             role == (purpose == Purpose::kAudit ? Role::kAuditor : Role::kTechnician);
        if (!allowed) {
          r.error = msg::kForbidden;
          co_return r;
        }
        r.ok = true;
        r.user = std::move(*user);
        co_return r;
      },
      asio::use_awaitable);
  if (checked.error == msg::kAuthFailed) {
    failures_by_address_.RecordFailure(address);
    failures_by_account_.RecordFailure(name);
  } else if (checked.ok) {
    failures_by_address_.RecordSuccess(address);
    failures_by_account_.RecordSuccess(name);
  }
  co_return checked;
}

asio::awaitable<void> RelayCore::RunViewer(std::shared_ptr<PeerConn> peer) {
  auto first = co_await FirstMessage(*peer);
  if (!first) co_return;
  auto decoded = wire::Decode(first->data);
  crypto::Wipe(first->data);  // it held the password
  auto* join = decoded.ok() ? std::get_if<wire::Join>(&*decoded) : nullptr;
  if (!join) {
    log::Info("viewer ", peer->address, " sent a malformed join");
    SendError(*peer, msg::kBadRequest);
    co_return;
  }
  if (join->proto != wire::kProtocolVersion) {
    crypto::Wipe(join->password);
    SendError(*peer, msg::kUnsupportedVersion);
    co_return;
  }
  if (!joins_.Allow(peer->address)) {
    crypto::Wipe(join->password);
    log::Warn("viewer ", peer->address, " refused: join rate limit");
    Audit("join_attempt", "", {{"technician", AccountNameForLog(join->user)}, {"address", peer->address},
                               {"nameplate", join->nameplate}, {"result", "rate_limited"}});
    SendError(*peer, msg::kRateLimited);
    co_return;
  }
  std::string user_name = join->user, nameplate = join->nameplate, ticket = join->ticket;
  std::string password = std::move(join->password);
  auto auth = co_await Authenticate(peer->address, user_name, std::move(password));
  crypto::Wipe(join->password);
  if (!auth.ok) {
    log::Warn("login of '", AccountNameForLog(user_name), "' from ", peer->address, " refused: ",
              auth.error);
    Audit("login_failed", "", {{"technician", AccountNameForLog(user_name)}, {"address", peer->address},
                               {"reason", std::string(auth.error)}});
    SendError(*peer, auth.error);
    co_return;
  }
  if (stopping_ || peer->conn->closed()) co_return;

  auto found = registry_.Find(nameplate);
  std::shared_ptr<PeerConn> host;
  if (found.state == PairingRegistry::Lookup::kWaiting) {
    auto it = peers_.find(found.host);
    if (it != peers_.end()) host = it->second.lock();
  }
  if (!host || host->session || host->reserved || host->conn->closed()) {
    std::string_view code = found.state == PairingRegistry::Lookup::kExpired ? msg::kCodeExpired
                            : found.state == PairingRegistry::Lookup::kInUse ? msg::kCodeInUse
                                                                             : msg::kUnknownCode;
    log::Info("technician '", AccountNameForLog(user_name), "' from ", peer->address, " tried nameplate ",
              nameplate, ": ", code);
    Audit("join_attempt", "", {{"technician", AccountNameForLog(user_name)}, {"address", peer->address},
                               {"nameplate", nameplate}, {"result", std::string(code)}});
    SendError(*peer, code);
    co_return;
  }
  // The session is recorded before anything of it happens; a session the audit log cannot
  // hold does not start (fail closed). The host is reserved meanwhile.
  const std::string session_id = crypto::RandomHex(16);
  const std::string host_nameplate = host->nameplate;
  host->reserved = true;
  Audit("join_attempt", "", {{"technician", user_name}, {"address", peer->address},
                             {"nameplate", host_nameplate}, {"result", "paired"}});
  // Named, not temporaries: GCC 12 mishandles temporaries passed by value to coroutines.
  std::string start_kind = "session_start";
  nlohmann::json start_data = {{"technician", user_name}, {"technician_address", peer->address},
                               {"host_conn", host->audit_id}, {"host_address", host->address},
                               {"host_version", host->version}, {"customer", host->customer},
                               {"machine", host->machine}, {"ticket", ticket},
                               {"nameplate", host_nameplate}};
  bool recorded = co_await AuditDurable(start_kind, session_id, start_data);
  host->reserved = false;
  const bool host_still_waiting = !host->conn->closed() && host->nameplate == host_nameplate;
  if (!recorded || stopping_ || !host_still_waiting || peer->conn->closed()) {
    if (recorded)
      Audit("session_end", session_id,
            {{"reason", "not_started"}, {"by", "relay"}, {"duration_ms", 0},
             {"duration_known", true}, {"bytes_host_to_viewer", 0}, {"bytes_viewer_to_host", 0}});
    if (!recorded) {
      log::Error("session for technician '", user_name, "' refused: the audit log cannot record it");
      SendError(*host, msg::kInternal);  // the host comes back with a fresh code
    }
    SendError(*peer, recorded ? (stopping_ ? msg::kShuttingDown : msg::kCodeExpired) : msg::kInternal);
    co_return;
  }
  Pair(host, peer, *auth.user, ticket, session_id);
  co_await ReadLoop(peer);
}

void RelayCore::Pair(const std::shared_ptr<PeerConn>& host,
                     const std::shared_ptr<PeerConn>& viewer, const User& technician,
                     const std::string& ticket, const std::string& session_id) {
  auto s = std::make_shared<Session>();
  s->id = session_id;
  s->nameplate = host->nameplate;
  s->technician = technician.name;
  s->ticket = ticket;
  s->host = host;
  s->viewer = viewer;
  s->started = options_.now();
  registry_.MarkPaired(host->nameplate);
  host->nameplate.clear();
  host->session = viewer->session = s;
  // Until now only control messages were allowed; the session carries data frames.
  host->conn->set_max_message_bytes(options_.max_data_frame);
  viewer->conn->set_max_message_bytes(options_.max_data_frame);
  ++stats_->sessions_active;
  ++stats_->sessions_total;
  stats_->waiting_hosts = registry_.waiting();
  log::Info("session ", s->id, ": technician '", technician.name, "' (", viewer->address,
            ") paired with host ", host->address, " on nameplate ", s->nameplate,
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

asio::awaitable<void> RelayCore::ReadLoop(std::shared_ptr<PeerConn> peer) {
  const char* role = peer->is_host ? "host" : "viewer";
  while (true) {
    error_code ec;
    auto frame = co_await peer->conn->Receive(ec);
    if (!frame) {
      if (ec == websocket::error::message_too_big) {
        log::Warn(role, " ", peer->address, " sent an oversized message; closing it");
        SendError(*peer, msg::kTooLarge);
      } else if (ec && ec != websocket::error::closed && ec != asio::error::operation_aborted) {
        log::Info(role, " ", peer->address, " connection ended: ", ec.message());
      }
      co_return;
    }
    if (frame->text) {
      if (frame->data.size() > options_.max_control_bytes) {
        log::Warn(role, " ", peer->address, " sent an oversized message (control); closing it");
        SendError(*peer, msg::kTooLarge);
        co_return;
      }
      auto decoded = wire::Decode(frame->data);
      auto* consent = decoded.ok() ? std::get_if<wire::Consent>(&*decoded) : nullptr;
      if (consent && peer->is_host && peer->session && !peer->session->ended) {
        // What the person allowed, as the host says: recorded, never acted on by the relay.
        // Known words only, and a bounded number per session: the log is not the host's to fill.
        static const std::set<std::string> kEvents = {"answered", "changed", "stopped"};
        static const std::set<std::string> kPermissions = {"control", "view_only", "denied",
                                                           "no_answer"};
        if (kEvents.count(consent->event) && kPermissions.count(consent->permission) &&
            ++peer->permission_records <= kMaxPermissionRecords) {
          Audit("permission", peer->session->id,
                {{"event", consent->event}, {"permission", consent->permission}, {"by", "host"}});
        } else if (peer->permission_records == kMaxPermissionRecords + 1) {
          log::Warn("session ", peer->session->id, ": the host sent too many or unknown consent reports");
        }
        continue;
      }
      if (auto* receipt = decoded.ok() ? std::get_if<wire::Receipt>(&*decoded) : nullptr) {
        if (peer->session && !peer->receipt_recorded) {
          peer->receipt_recorded = true;
          // Kept exactly as the peer signed it, once it checks out: signed by the key it names,
          // for this side, this session and this technician. telemaint-audit checks it again.
          const std::string by = peer->is_host ? "host" : "viewer";
          auto facts = receipt::CheckReceiptFor(receipt->receipt, FromHex(receipt->signature), by,
                                              peer->session->id, peer->session->technician);
          const std::string why = facts.ok() ? std::string() : facts.status().message();
          if (facts.ok()) {
            Audit("receipt", peer->session->id,
                  {{"by", by}, {"receipt", receipt->receipt}, {"signature", receipt->signature}});
          } else {
            log::Warn("session ", peer->session->id, ": the ", by, "'s receipt was refused: ", why);
            Audit("receipt_refused", peer->session->id, {{"by", by}, {"why", why}});
          }
        }
        // After the end, the receipt was all the relay waited for.
        if (peer->session && peer->session->ended)
          peer->conn->CloseAfterFlush(websocket::close_code::normal, "session ended");
        continue;
      }
      if (peer->session && peer->session->ended) continue;  // nothing else counts after the end
      auto* abort = decoded.ok() ? std::get_if<wire::Abort>(&*decoded) : nullptr;
      if (!abort) {
        log::Info(role, " ", peer->address, " sent an unexpected control message");
        SendError(*peer, msg::kBadRequest);
        co_return;
      }
      auto reason = msg::NormaliseAbortReason(abort->reason);
      if (peer->session && !peer->session->ended) {
        EndSession(peer->session, reason, peer.get());
      } else {
        log::Info(role, " ", peer->address, " left while unpaired (", reason, ")");
        peer->conn->CloseAfterFlush(websocket::close_code::normal);
      }
      co_return;
    }
    auto session = peer->session;
    if (!session) {
      log::Info(role, " ", peer->address, " sent data before pairing");
      SendError(*peer, msg::kBadRequest);
      co_return;
    }
    if (session->ended) continue;  // late frames after an end are dropped
    auto other = (peer->is_host ? session->viewer : session->host).lock();
    if (!other) continue;
    (peer->is_host ? session->bytes_host_to_viewer : session->bytes_viewer_to_host) +=
        frame->data.size();
    stats_->bytes_forwarded += frame->data.size();
    if (options_.forward_tap) options_.forward_tap(frame->data);
    // Waits while the other side's queue is full: a slow reader back-pressures this sender.
    Frame out{false, std::move(frame->data)};
    bool sent = co_await other->conn->Send(std::move(out));
    uint64_t queued = other->conn->queued_bytes();
    if (queued > stats_->max_queued_bytes) stats_->max_queued_bytes = queued;
    if (!sent && !session->ended) EndSession(session, peer->is_host ? "viewer_left" : "host_left", other.get());
  }
}

void RelayCore::EndSession(const std::shared_ptr<Session>& s, std::string_view reason,
                           const PeerConn* initiator) {
  if (s->ended) return;
  s->ended = true;
  --stats_->sessions_active;
  auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(options_.now() - s->started).count();
  log::Info("session ", s->id, " ended: ", reason, " after ", seconds, " s, ",
            s->bytes_host_to_viewer, " bytes host->viewer, ", s->bytes_viewer_to_host,
            " bytes viewer->host");
  const char* by = !initiator ? "relay" : initiator->is_host ? "host" : "viewer";
  if (reason == "pake_failed") {
    // A wrong code was tried: the host burns that code and asks for a new one.
    auto host = s->host.lock();
    Audit("code_burned", s->id, {{"conn", host ? host->audit_id : ""}, {"nameplate", s->nameplate}});
  }
  Audit("session_end", s->id,
        {{"reason", std::string(reason)},
         {"by", by},
         {"duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                             options_.now() - s->started).count()},
         {"duration_known", true},
         {"bytes_host_to_viewer", s->bytes_host_to_viewer},
         {"bytes_viewer_to_host", s->bytes_viewer_to_host}});
  for (auto& weak : {s->host, s->viewer}) {
    auto p = weak.lock();
    if (!p) continue;
    if (p.get() != initiator) {
      p->conn->SendText(wire::Encode(
          wire::PeerGone{std::string(reason), msg::PeerGoneSentence(reason, p->is_host)}));
      if (!p->receipt_recorded && !p->conn->closed()) {
        // A moment for this side's signed receipt (it closes the connection when it comes).
        auto grace = std::make_shared<asio::steady_timer>(io_, kReceiptGrace);
        grace->async_wait([grace, conn = p->conn](error_code ec) {
          if (!ec) conn->CloseAfterFlush(websocket::close_code::normal, "session ended");
        });
        continue;
      }
    }
    // One connection, one session: the host reconnects for its next code.
    p->conn->CloseAfterFlush(websocket::close_code::normal, "session ended");
  }
}

}  // namespace telemaint::relay
