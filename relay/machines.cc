// Enrolled machines (/v1/machine): an enrolment request kept for an admin, or an approved
// machine proving its key and waiting online for a technician. The relay checks proofs
// against the org-signed records an admin uploaded; it cannot make a record itself. See
// docs/protocol.md#machine-connections.
#include <ctime>

#include "common/clock.h"
#include "common/log.h"
#include "crypto/identity.h"
#include "crypto/random.h"
#include "org/enrolment.h"
#include "org/statements.h"
#include "relay/core.h"
#include "common/sentences.h"

namespace telemaint::relay {

using namespace net;
using wire::AuditKind;
using wire::ErrorCode;


Status RelayCore::SetOrganisation(Bytes org_key, std::unique_ptr<OrgStore> store) {
  auto machines = store->ListMachines();
  if (!machines.ok()) return machines.status();
  auto revocations = store->RevocationList();
  if (!revocations.ok()) return revocations.status();
  auto pending = store->ListEnrolments();
  if (!pending.ok()) return pending.status();
  for (const auto& p : *pending) {
    auto request = org::RequestFromJson(nlohmann::json::parse(p.request, nullptr, false));
    if (request.ok())
      pending_enrolments_[p.machine_id] = {AddressGroup(p.address), request->machine_key};
  }
  org_key_ = std::move(org_key);
  org_store_ = std::move(store);
  for (auto& m : *machines) {
    auto record = org::CheckMachineRecord(org_key_, m.record, nullptr);
    if (!record.ok()) {  // made for another organisation key: not served
      log::Warn("machine ", m.machine_id, ": its record does not check out with --org-key");
      continue;
    }
    auto inventory = nlohmann::json::parse(m.inventory, nullptr, false);
    machines_[m.machine_id] = {m.record, m.name, m.customer, record->key, m.last_seen,
                               inventory.is_object() ? inventory : nlohmann::json::object(), {}};
  }
  if (*revocations) {
    if (auto list = org::CheckRevocationList(org_key_, **revocations); list.ok()) {
      revocations_ = **revocations;
      revoked_machines_.insert(list->machines.begin(), list->machines.end());
    }
  }
  log::Info("unattended access: ", machines_.size(), " approved machine(s)");
  return Status::Ok();
}

asio::awaitable<void> RelayCore::RunMachine(std::shared_ptr<PeerConn> peer) {
  auto first = co_await FirstMessage(*peer);
  if (!first) co_return;
  if (org_key_.empty()) {
    SendError(*peer, ErrorCode::kNotConfigured);
    co_return;
  }
  auto decoded = wire::DecodeMachine(first->data);
  auto* enrol = decoded.ok() ? std::get_if<wire::Enrol>(&*decoded) : nullptr;
  auto* present = decoded.ok() ? std::get_if<wire::Present>(&*decoded) : nullptr;
  if (!enrol && !present) {
    FloodLog(log::Level::kInfo, "malformed first message", peer->address, "machine ",
             peer->address, " sent a malformed first message");
    SendError(*peer, ErrorCode::kBadRequest);
    co_return;
  }
  if ((enrol ? enrol->proto : present->proto) != wire::kProtocolVersion) {
    SendError(*peer, ErrorCode::kUnsupportedVersion);
    co_return;
  }
  // Each costs a signature check or a record: rate-limited like new hosts.
  if (!host_connects_.Allow(AddressGroup(peer->address))) {
    FloodLog(log::Level::kWarn, "refused host", peer->address, "machine ", peer->address,
             " refused: too many new connections from this address");
    SendError(*peer, ErrorCode::kRateLimited);
    co_return;
  }
  if (enrol) {
    co_await Enrol(*peer, *enrol);
    co_return;
  }
  if (co_await ComeOnline(peer, *present)) co_await ReadLoop(peer);
}

// Kept for an admin (who checks its MAC with the token's secret); the machine is told it is
// stored. A request for a machine already approved with that key is answered "approved".
asio::awaitable<void> RelayCore::Enrol(PeerConn& peer, const wire::Enrol& enrol) {
  auto request = org::RequestFromJson(enrol.request);
  if (!request.ok()) {
    SendError(peer, ErrorCode::kBadRequest, request.status().message());
    co_return;
  }
  auto known = machines_.find(request->machine_id);
  if (known != machines_.end()) {
    const bool same = ToHex(known->second.key) == request->machine_key;
    if (same)
      peer.conn->SendText(wire::EncodeMachine(wire::Enrolled{true}));
    else
      peer.conn->SendText(wire::Encode(wire::Error{
          ErrorCode::kBadRequest,
          "this machine id is enrolled with another key; enrol with a new state directory"}));
    peer.conn->CloseAfterFlush(websocket::close_code::normal);
    co_return;
  }
  const std::string group = AddressGroup(peer.address);
  size_t from_group = 0;
  for (const auto& [id, p] : pending_enrolments_) from_group += p.address_group == group;
  const bool again = pending_enrolments_.count(request->machine_id) > 0;
  if (!again && (pending_enrolments_.size() >= kMaxPendingEnrolments ||
                 from_group >= kMaxPendingPerAddress)) {
    FloodLog(log::Level::kWarn, "refused enrolment", peer.address, "enrolment from ",
             peer.address, " refused: too many requests wait for approval");
    SendError(peer, ErrorCode::kServerBusy);
    co_return;
  }
  PendingEnrolment pending{request->machine_id, org::RequestToJson(*request).dump(),
                           peer.address, UnixSecondsNow()};
  // A write with fsync: on a worker, not on the io thread that forwards everyone's frames.
  Status stored = co_await co_spawn(
      workers_, [this, &pending]() -> asio::awaitable<Status> {
        co_return org_store_->AddEnrolment(pending);
      },
      asio::use_awaitable);
  if (!stored.ok()) {
    log::Error("enrolment of ", request->machine_id, ": ", stored.message());
    SendError(peer, ErrorCode::kInternal);
    co_return;
  }
  pending_enrolments_[request->machine_id] = {group, request->machine_key};
  log::Info("enrolment request from ", peer.address, ": machine '",
            log::Printable(request->name), "' (", request->machine_id, "), pending approval");
  Audit(AuditKind::kEnrolmentRequested, "",
        {{"machine_id", request->machine_id}, {"name", request->name},
         {"token_id", request->token_id}, {"address", peer.address},
         {"machine_key", request->machine_key}},
        AuditSource::kUnauthenticated);
  peer.conn->SendText(wire::EncodeMachine(wire::Enrolled{false}));
  peer.conn->CloseAfterFlush(websocket::close_code::normal);
}

bool RelayCore::RevokedMachine(const std::string& machine_id) const {
  return revoked_machines_.count(machine_id) > 0;
}
// The machine signs a fresh challenge with the key its org-signed record names: only then is
// it online. A relay restart or a network cut ends with the same proof on the next connection.
asio::awaitable<bool> RelayCore::ComeOnline(std::shared_ptr<PeerConn> peer,
                                            const wire::Present& present) {
  auto it = machines_.find(present.machine_id);
  if (it == machines_.end() || RevokedMachine(present.machine_id)) {
    const ErrorCode code = it != machines_.end()                            ? ErrorCode::kRevoked
                           : pending_enrolments_.count(present.machine_id) > 0
                               ? ErrorCode::kNotApproved
                                                                           : ErrorCode::kUnknownMachine;
    FloodLog(log::Level::kInfo, "refused machine", peer->address, "machine ",
             log::Printable(present.machine_id), " from ", peer->address, " refused: ",
             wire::ToWire(code));
    SendError(*peer, code);
    co_return false;
  }
  const std::string nonce = crypto::RandomHex(32);
  peer->conn->SendText(wire::EncodeMachine(wire::Challenge{nonce}));
  auto signature = co_await ReceiveProof(*peer);
  if (!signature) co_return false;
  it = machines_.find(present.machine_id);  // the map may have changed meanwhile
  if (it == machines_.end() ||
      !crypto::VerifySignature(it->second.key,
                               crypto::MachinePresenceStatement(FromHex(nonce), present.machine_id),
                               FromHex(*signature))) {
    FloodLog(log::Level::kWarn, "refused machine", peer->address, "machine ",
             present.machine_id, " from ", peer->address,
             " refused: its proof does not match the key of its record");
    peer->conn->SendText(wire::Encode(wire::Error{
        ErrorCode::kAuthFailed,
        "this machine's key is not the one the organisation approved for it; enrol it again"}));
    peer->conn->CloseAfterFlush(websocket::close_code::policy_error,
                                std::string(wire::ToWire(ErrorCode::kAuthFailed)));
    co_return false;
  }
  KnownMachine& machine = it->second;
  if (auto old = machine.online.lock(); old && old != peer && old->state == ConnState::kWaiting) {
    log::Info("machine ", present.machine_id, ": a new connection replaces ", old->address);
    SendError(*old, ErrorCode::kBadRequest, "Another connection of this machine replaced it.");
  }
  machine.online = peer;
  machine.last_seen = UnixSecondsNow();
  peer->machine_id = present.machine_id;
  peer->unproven.Proven();
  peer->state = ConnState::kWaiting;
  peer->conn->set_max_message_bytes(kMachineMessageLimit);
  peer->host = {run_id_ + "-" + std::to_string(peer->id), machine.customer, machine.name,
                present.version};
  Audit(AuditKind::kMachineConnected, "",
        {{"conn", peer->host.audit_id}, {"machine_id", present.machine_id},
         {"machine", machine.name}, {"customer", machine.customer}, {"address", peer->address},
         {"version", present.version}});
  log::Info("machine '", log::Printable(machine.name), "' (", present.machine_id, ") online from ",
            peer->address);
  peer->conn->SendText(wire::EncodeMachine(wire::Welcome{machine.record, revocations_}));
  co_return true;
}

// The machine's `prove`, within hello_timeout; nullopt after telling it why not.
asio::awaitable<std::optional<std::string>> RelayCore::ReceiveProof(PeerConn& peer) {
  auto proof = co_await FirstMessage(peer);  // the same deadline and limits as a first message
  if (!proof) co_return std::nullopt;
  auto decoded = wire::DecodeMachine(proof->data);
  auto* prove = decoded.ok() ? std::get_if<wire::Prove>(&*decoded) : nullptr;
  if (!prove) {
    SendError(peer, ErrorCode::kBadRequest);
    co_return std::nullopt;
  }
  co_return prove->signature;
}

void RelayCore::OnInventory(PeerConn& peer, const nlohmann::json& inventory) {
  auto it = machines_.find(peer.machine_id);
  if (it == machines_.end()) return;
  std::string text = inventory.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > org::kMaxInventoryBytes) {
    log::Warn("machine ", peer.machine_id, ": inventory too large, not kept");
    return;
  }
  it->second.inventory = inventory;
  it->second.last_seen = UnixSecondsNow();
  // A write with fsync: on a worker, not on the io thread that forwards everyone's frames.
  asio::post(workers_, [store = org_store_.get(), id = peer.machine_id, text = std::move(text),
                        when = it->second.last_seen] {
    if (Status s = store->NoteSeen(id, when, text); !s.ok())
      log::Error("machine ", id, ": ", s.message());
  });
}

void RelayCore::MachineGone(PeerConn& peer) {
  auto it = machines_.find(peer.machine_id);
  if (it == machines_.end()) return;
  if (it->second.online.lock().get() == &peer || it->second.online.expired())
    it->second.online.reset();
  it->second.last_seen = UnixSecondsNow();
  asio::post(workers_, [store = org_store_.get(), id = peer.machine_id,
                        when = it->second.last_seen] {
    if (Status s = store->NoteSeen(id, when, ""); !s.ok()) log::Error("machine ", id, ": ", s.message());
  });
}

const RelayCore::KnownMachine* RelayCore::FindMachine(const std::string& wanted, std::string& id,
                                                      bool& ambiguous) const {
  ambiguous = false;
  if (auto it = machines_.find(wanted); it != machines_.end()) {
    id = it->first;
    return &it->second;
  }
  const KnownMachine* found = nullptr;
  for (const auto& [machine_id, machine] : machines_) {
    if (machine.name != wanted) continue;
    ambiguous = found != nullptr;
    found = &machine;
    id = machine_id;
  }
  return ambiguous ? nullptr : found;
}

std::shared_ptr<PeerConn> RelayCore::WaitingMachine(PeerConn& viewer, const std::string& user,
                                                    const std::string& wanted) {
  std::string id;
  bool ambiguous = false;
  const KnownMachine* machine = FindMachine(wanted, id, ambiguous);
  auto online = machine ? machine->online.lock() : nullptr;
  ErrorCode code = ErrorCode::kMachineOffline;
  if (!machine) code = ErrorCode::kUnknownMachine;
  else if (RevokedMachine(id)) code = ErrorCode::kRevoked;
  else if (online && online->state == ConnState::kWaiting && !online->conn->closed()) return online;
  else if (online && !online->conn->closed()) code = ErrorCode::kMachineBusy;
  log::Info("technician '", user, "' asked for machine '", log::Printable(wanted), "': ",
            wire::ToWire(code));
  Audit(AuditKind::kJoinAttempt, "",
        {{"technician", user}, {"address", viewer.address}, {"machine", wanted},
         {"result", wire::ToWire(code)}});
  SendError(viewer, code,
            ambiguous ? "Several machines have this name: use its id (telemaint-viewer machines)."
                      : std::string());
  return nullptr;
}

}  // namespace telemaint::relay
