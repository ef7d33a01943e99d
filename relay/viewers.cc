// Viewer connections (/v1/viewer): the join, the technician's login, the nameplate lookup, and
// the session's start recorded before anything of it happens. See docs/protocol.md#pairing.
#include "audit/record.h"
#include "common/log.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "crypto/session_code.h"
#include "relay/core.h"
#include "relay/throttle.h"
#include "common/sentences.h"

namespace telemaint::relay {

using namespace net;
using wire::AuditKind;
using wire::ErrorCode;

asio::awaitable<void> RelayCore::RunViewer(std::shared_ptr<PeerConn> peer) {
  auto join = co_await ReadJoin(*peer);
  if (!join) co_return;
  // From its password check on (at most max_concurrent_logins at once), not closed for room.
  peer->unproven.Proven();
  auto technician = co_await LogIn(*peer, *join);
  if (!technician || stopping_ || peer->conn->closed()) co_return;
  auto host = join->machine.empty() ? WaitingHost(*peer, join->user, join->nameplate)
                                    : WaitingMachine(*peer, join->user, join->machine);
  if (!host) co_return;
  const std::string session_id = crypto::RandomHex(16);
  const bool recorded =
      co_await RecordSessionStart(*host, *peer, *technician, join->ticket, session_id);
  if (!recorded) co_return;
  // A technician reaching a machine gets the newest revocation list first: their viewer keeps
  // it (a relay can withhold a newer one, never roll one back) and checks the machine with it.
  if (!join->machine.empty() && !revocations_.empty())
    peer->conn->SendText(wire::EncodeMachine(wire::Revocations{revocations_}));
  Pair(host, peer, *technician, join->ticket, session_id);
  co_await ReadLoop(peer);
}

// The first message, which must be a join of this version within the join rate limit.
asio::awaitable<std::optional<wire::Join>> RelayCore::ReadJoin(PeerConn& peer) {
  auto first = co_await FirstMessage(peer);
  if (!first) co_return std::nullopt;
  auto decoded = wire::Decode(first->data);
  crypto::Wipe(first->data);  // it held the password
  auto* join = decoded.ok() ? std::get_if<wire::Join>(&*decoded) : nullptr;
  if (!join) {
    RefuseJoin(peer, "", "(not a join)", ErrorCode::kBadRequest);
    co_return std::nullopt;
  }
  if (join->proto != wire::kProtocolVersion) {
    crypto::Wipe(join->password);
    SendError(peer, ErrorCode::kUnsupportedVersion);
    co_return std::nullopt;
  }
  const bool by_machine = join->nameplate.empty() && !join->machine.empty();
  if (!join->nameplate.empty() && !join->machine.empty()) {  // a code or a machine, not both
    crypto::Wipe(join->password);
    RefuseJoin(peer, join->user, "(a code and a machine)", ErrorCode::kBadRequest);
    co_return std::nullopt;
  }
  if (by_machine && org_key_.empty()) {
    crypto::Wipe(join->password);
    SendError(peer, ErrorCode::kNotConfigured);
    co_return std::nullopt;
  }
  if (!by_machine && !crypto::IsValidNameplate(join->nameplate)) {
    // Never logged or recorded as given: it is the sender's text, of any length.
    crypto::Wipe(join->password);
    RefuseJoin(peer, join->user, "(not a code)", ErrorCode::kBadRequest);
    co_return std::nullopt;
  }
  if (!joins_.Allow(AddressGroup(peer.address))) {
    crypto::Wipe(join->password);
    RefuseJoin(peer, join->user, join->nameplate, ErrorCode::kRateLimited);
    co_return std::nullopt;
  }
  co_return std::move(*join);
}

// Checks the technician's password (wiping it); the account, or nullopt after telling why.
asio::awaitable<std::optional<User>> RelayCore::LogIn(PeerConn& peer, wire::Join& join) {
  peer.state = ConnState::kAuthenticating;
  auto auth = co_await Authenticate(peer.address, join.user, std::move(join.password),
                                    Purpose::kSession);
  crypto::Wipe(join.password);
  if (auth.ok) co_return std::move(auth.user);
  // A checked password that failed is recorded every time; a login refused unchecked (throttled,
  // busy) is a refusal like a bad join: counted, and summarised per address and minute.
  const bool checked = auth.error == ErrorCode::kAuthFailed || auth.error == ErrorCode::kForbidden;
  if (checked || refused_joins_.First(AddressGroup(peer.address), wire::ToWire(auth.error))) {
    FloodLog(log::Level::kWarn, "refused login", peer.address, "login of '",
             AccountNameForLog(join.user), "' from ", peer.address, " refused: ",
             wire::ToWire(auth.error));
    Audit(AuditKind::kLoginFailed, "",
          {{"technician", AccountNameForLog(join.user)}, {"address", peer.address},
           {"reason", wire::ToWire(auth.error)}},
          AuditSource::kUnauthenticated);
  }
  SendError(peer, auth.error,
            auth.retry_after.count() > 0
                ? "Try again in " + std::to_string(auth.retry_after.count()) + " s."
                : std::string());
  co_return std::nullopt;
}

// The host waiting on `nameplate`, or nullptr after telling the viewer why there is none.
std::shared_ptr<PeerConn> RelayCore::WaitingHost(PeerConn& viewer, const std::string& user,
                                                 const std::string& nameplate) {
  auto found = registry_.Find(nameplate);
  std::shared_ptr<PeerConn> host;
  if (found.state == PairingRegistry::Lookup::kWaiting) {
    auto it = peers_.find(found.host);
    if (it != peers_.end()) host = it->second.lock();
  }
  if (host && host->state == ConnState::kWaiting && !host->conn->closed()) return host;
  const ErrorCode code = found.state == PairingRegistry::Lookup::kExpired ? ErrorCode::kCodeExpired
                         : found.state == PairingRegistry::Lookup::kInUse ? ErrorCode::kCodeInUse
                                                                          : ErrorCode::kUnknownCode;
  RefuseJoin(viewer, user, nameplate, code);
  return nullptr;
}

// The first refused join of an address in its minute is logged and recorded in full; the
// others are counted, and FlushRefusedJoins records how many (a flood costs one record).
void RelayCore::RefuseJoin(PeerConn& viewer, const std::string& user,
                           const std::string& nameplate, ErrorCode code) {
  if (refused_joins_.First(AddressGroup(viewer.address), wire::ToWire(code))) {
    FloodLog(log::Level::kInfo, "refused join", viewer.address, "technician '",
             AccountNameForLog(user), "' from ", viewer.address, " tried nameplate ", nameplate,
             ": ", wire::ToWire(code));
    Audit(AuditKind::kJoinAttempt, "",
          {{"technician", AccountNameForLog(user)}, {"address", viewer.address},
           {"nameplate", nameplate}, {"result", wire::ToWire(code)}},
          AuditSource::kUnauthenticated);
  }
  SendError(viewer, code);
}

void RelayCore::FlushRefusedJoins(bool all) {
  for (auto& summary : refused_joins_.TakeFinished(all)) {
    nlohmann::json results = summary.results;
    FloodLog(log::Level::kWarn, "summary of refused joins", summary.address, "viewers from ",
             summary.address, ": ", summary.suppressed,
             " more refused join(s) within a minute (suppressed): ", results.dump());
    Audit(AuditKind::kJoinAttempt, "",
          {{"address", summary.address}, {"suppressed", summary.suppressed},
           {"results", std::move(results)}},
          AuditSource::kUnauthenticated);
  }
}

// The session is recorded before anything of it happens; a session the audit log cannot hold
// does not start (fail closed). The host is kRecording meanwhile: no other join takes it.
// true: both are still there, pair them.
asio::awaitable<bool> RelayCore::RecordSessionStart(PeerConn& host, PeerConn& viewer,
                                                    const User& technician,
                                                    const std::string& ticket,
                                                    const std::string& session_id) {
  const std::string nameplate = host.nameplate;
  host.state = viewer.state = ConnState::kRecording;
  const std::string& user = technician.name;
  Audit(AuditKind::kJoinAttempt, "",
        {{"technician", user}, {"address", viewer.address}, {"nameplate", nameplate},
         {"result", wire::kJoinPaired}});
  nlohmann::json start = {{"technician", user},          {"technician_address", viewer.address},
                          {"host_conn", host.host.audit_id}, {"host_address", host.address},
                          {"host_version", host.host.version}, {"customer", host.host.customer},
                          {"machine", host.host.machine}, {"ticket", ticket},
                          {"nameplate", nameplate},
                          {"technician_name", technician.display_name}};
  if (!host.machine_id.empty()) {
    start["mode"] = wire::ToWire(wire::HostMode::kUnattended);
    start["machine_id"] = host.machine_id;
  }
  bool recorded = co_await AuditDurable(AuditKind::kSessionStart, session_id, std::move(start));
  if (host.state == ConnState::kRecording) host.state = ConnState::kWaiting;
  const bool host_still_waiting = !host.conn->closed() && host.nameplate == nameplate;
  if (recorded && !stopping_ && host_still_waiting && !viewer.conn->closed()) co_return true;
  if (recorded) {
    audit::SessionEnd never{wire::EndReason::kNotStarted, wire::Party::kRelay};
    Audit(AuditKind::kSessionEnd, session_id, audit::SessionEndData(never));
  } else {
    log::Error("session for technician '", user, "' refused: the audit log cannot record it");
    SendError(host, ErrorCode::kInternal);  // the host comes back with a fresh code
  }
  SendError(viewer, !recorded   ? ErrorCode::kInternal
                    : stopping_ ? ErrorCode::kShuttingDown
                                : ErrorCode::kCodeExpired);
  co_return false;
}

}  // namespace telemaint::relay
