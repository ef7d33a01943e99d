// HostAgent as an enrolled machine's service: online on /v1/machine (it proves its key to the
// relay), its inventory sent now and then, and unattended sessions authenticated end to end by
// the technician's org-signed certificate and allowed by the machine's policy.
#include <ctime>

#include "common/log.h"
#include "crypto/unattended.h"
#include "host/agent_impl.h"
#include "host/host_session.h"
#include "inventory/inventory.h"

namespace telemaint::host {

using wire::EndReason;

asio::awaitable<Next> HostAgent::Impl::ServeMachine(std::shared_ptr<WsConnection> ws) {
  const Enrolment& e = machine->enrolment;
  ws->SendText(wire::EncodeMachine(wire::Present{wire::kProtocolVersion, e.machine_id,
                                                 kHostVersion}));
  while (true) {
    error_code ec;
    auto frame = co_await ws->Receive(ec);
    if (!frame) {
      if (stopping) co_return Next::kStop;
      Say("Lost the connection to the relay (" + ec.message() + ").");
      co_return Next::kBackOff;
    }
    if (!frame->text) co_return Next::kBackOff;
    if (auto own = wire::DecodeMachine(frame->data); own.ok()) {
      if (auto next = OnMachineMessage(*ws, *own)) co_return *next;
      continue;
    }
    auto decoded = wire::Decode(frame->data);
    if (auto* paired = decoded.ok() ? std::get_if<wire::Paired>(&*decoded) : nullptr)
      co_return co_await RunUnattendedSession(ws, *paired);
    if (auto* error = decoded.ok() ? std::get_if<wire::Error>(&*decoded) : nullptr)
      co_return OnMachineError(*error);
    Say("The relay sent an unexpected message; reconnecting.");
    co_return Next::kBackOff;
  }
}

std::optional<Next> HostAgent::Impl::OnMachineMessage(WsConnection& ws,
                                                      const wire::MachineMessage& message) {
  const Enrolment& e = machine->enrolment;
  if (auto* challenge = std::get_if<wire::Challenge>(&message)) {
    Bytes nonce = FromHex(challenge->nonce);
    if (nonce.size() != 32) return Next::kBackOff;
    ws.SendText(wire::EncodeMachine(wire::Prove{
        ToHex(host_key->Sign(crypto::MachinePresenceStatement(nonce, e.machine_id)))}));
    return std::nullopt;
  }
  if (auto* welcome = std::get_if<wire::Welcome>(&message)) {
    if (!OnWelcome(*welcome)) return Next::kBackOff;
    SendInventorySoon(current, std::chrono::seconds(0));
    return std::nullopt;
  }
  if (auto* list = std::get_if<wire::Revocations>(&message)) {
    if (Status s = machine->state.KeepRevocations(e.org_key, list->list); !s.ok())
      log::Warn("the relay sent a revocation list that does not check out: ", s.message());
    return std::nullopt;
  }
  return Next::kBackOff;
}

// The record must be this machine's, signed by the organisation the token named: a relay that
// sent another would make the technicians' check fail anyway, but we say so here.
bool HostAgent::Impl::OnWelcome(const wire::Welcome& welcome) {
  const Enrolment& e = machine->enrolment;
  auto record = org::CheckMachineRecord(e.org_key, welcome.record, nullptr);
  if (!record.ok() || record->machine_id != e.machine_id || record->key != host_key->public_key()) {
    Say("The relay sent a machine record that is not this machine's; not going online.");
    log::Warn("machine record refused: ",
              record.ok() ? std::string("another machine's") : record.status().message());
    return false;
  }
  if (Status s = machine->state.KeepRevocations(e.org_key, welcome.revocations); !s.ok())
    log::Warn("the relay sent a revocation list that does not check out: ", s.message());
  if (Status s = machine->state.SaveRecord(welcome.record); !s.ok()) log::Warn(s.message());
  machine->record = welcome.record;
  machine->customer = record->customer;
  went_online = true;
  auto policy = LoadPolicy(machine->state.policy_file());
  Say("Online: technicians of " + e.org_name + " may connect (policy " +
      (policy.ok() ? std::string(wire::ToWire(policy->policy)) +
                         (policy->hours.empty() ? "" : ", " + policy->hours)
                   : std::string("deny: ") + policy.status().message()) +
      ").");
  log::Info("machine ", e.machine_id, " online");
  return true;
}

// Collected on its own thread (apt may take seconds), sent from the io thread if the connection
// is still the one waiting; then again after inventory_every.
void HostAgent::Impl::SendInventorySoon(std::shared_ptr<WsConnection> ws,
                                        std::chrono::seconds delay) {
  if (!machine->inventory_pool) machine->inventory_pool = std::make_unique<asio::thread_pool>(1);
  if (!machine->inventory_timer) machine->inventory_timer = std::make_shared<asio::steady_timer>(io);
  machine->inventory_timer->expires_after(delay);
  machine->inventory_timer->async_wait([this, ws](error_code ec) {
    if (ec || ws->closed()) return;
    asio::post(*machine->inventory_pool, [this, ws] {
      nlohmann::json inventory = inventory::CollectInventory();
      asio::post(io, [this, ws, inventory = std::move(inventory)] {
        if (ws->closed() || ws != current || in_session) return;
        ws->SendText(wire::EncodeMachine(wire::Inventory{inventory}));
        SendInventorySoon(ws, std::chrono::duration_cast<std::chrono::seconds>(
                                  options.inventory_every));
      });
    });
  });
}

Next HostAgent::Impl::OnMachineError(const wire::Error& error) {
  if (error.code == wire::ErrorCode::kNotApproved) {
    Say("This machine waits for the provider's approval; retrying.");
    return Next::kBackOff;
  }
  Say("The relay says: " + error.message);
  return Next::kBackOff;
}

Result<Bytes> HostAgent::Impl::CheckTechnician(std::string_view certificate,
                                               const wire::Paired& paired) {
  const Enrolment& e = machine->enrolment;
  auto revoked = machine->state.Revocations(e.org_key);
  auto cert = org::CheckCertificate(e.org_key, certificate, std::time(nullptr),
                                    revoked ? &*revoked : nullptr);
  if (!cert.ok()) return cert.status();
  if (cert->account != paired.technician)
    return Status::AuthFailed("the certificate is for the account " + cert->account +
                              ", but the relay logged in " + paired.technician);
  if (!cert->Covers(machine->customer))
    return Status::AuthFailed("the certificate of " + cert->account +
                              " does not cover the customer " + machine->customer);
  return cert->key;
}

asio::awaitable<Next> HostAgent::Impl::RunUnattendedSession(std::shared_ptr<WsConnection> ws,
                                                            const wire::Paired& paired) {
  Bytes sid = FromHex(paired.session);
  if (sid.size() != 16 || machine->record.empty()) co_return Next::kBackOff;
  machine->inventory_timer->cancel();
  auto hs = crypto::UnattendedHandshake::Create(
      crypto::UnattendedHandshake::Role::kHost, sid, FromHex(machine->enrolment.machine_id),
      *host_key, machine->record,
      [this, paired](std::string_view cert, ByteView) { return CheckTechnician(cert, paired); });
  if (!hs.ok()) co_return Next::kBackOff;
  in_session = true;
  struct Leave {
    bool& flag;
    ~Leave() { flag = false; }
  } leave{in_session};
  log::Info("session ", paired.session, ": technician '", paired.technician,
            "' asks for an unattended session");
  auto result = co_await peer::RunHandshake(*ws, *hs, options.handshake_timeout);
  if (auto* ending = std::get_if<Ending>(&result)) {
    if (ending->kind == Ending::Kind::kNotAuthorised)
      ws->SendText(wire::Encode(wire::Abort{EndReason::kNotAuthorised}));
    log::Warn("session ", paired.session, " refused: ", ending->message);
    history->Record(paired.session, HistoryEvent::kEnded,
                    {{"how", "refused: " + ending->message}, {"account", paired.technician}});
    Say("A technician's unattended session was refused: " + ending->message);
    co_return Next::kReconnectNow;
  }
  auto policy = LoadPolicy(machine->state.policy_file());
  UnattendedContext unattended{hs->peer_key(),
                               policy.ok() ? ApplyPolicy(*policy, std::time(nullptr))
                                           : PolicyNow{wire::UnattendedPolicy::kDeny,
                                                       policy.status().message()}};
  co_return co_await ServeChannel(ws, std::move(std::get<peer::Channel>(result)), paired,
                                  &unattended);
}

}  // namespace telemaint::host
