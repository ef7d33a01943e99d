// /v1/org: an admin's requests about enrolment (pending requests, approvals of org-signed
// machine records, rejections, signed revocation lists) and a technician's machine list. The
// relay checks every statement against --org-key before it keeps it, so it stores only what the
// organisation's admin signed; it can make none. See docs/protocol.md#organisation-endpoint.
#include "common/log.h"
#include "crypto/secret.h"
#include "org/enrolment.h"
#include "org/statements.h"
#include "relay/core.h"
#include "common/sentences.h"

namespace telemaint::relay {

using namespace net;
using nlohmann::json;
using wire::AuditKind;
using wire::ErrorCode;

namespace {

json Refusal(ErrorCode code, const std::string& detail = {}) {
  std::string sentence = msg::Sentence(code);
  if (!detail.empty()) sentence += ": " + detail;
  return {{"type", "error"}, {"code", wire::ToWire(code)}, {"message", sentence}};
}

std::string TextField(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

asio::awaitable<void> RelayCore::RunOrg(std::shared_ptr<PeerConn> peer) {
  auto first = co_await FirstMessage(*peer);
  if (!first) co_return;
  json login = json::parse(first->data, nullptr, false);
  crypto::Wipe(first->data);  // it held the password
  if (org_key_.empty()) {
    SendError(*peer, ErrorCode::kNotConfigured);
    co_return;
  }
  if (!login.is_object() || TextField(login, "type") != "login" ||
      !login.contains("password") || !login["password"].is_string()) {
    SendError(*peer, ErrorCode::kBadRequest);
    co_return;
  }
  peer->unproven.Proven();  // a login is being checked, as a technician's join
  std::string user = TextField(login, "user");
  std::string password = login["password"].get<std::string>();
  crypto::Wipe(login["password"].get_ref<std::string&>());
  auto auth = co_await Authenticate(peer->address, user, std::move(password), Purpose::kOrg);
  if (!auth.ok) {
    if (auth.error == ErrorCode::kAuthFailed || auth.error == ErrorCode::kForbidden)
      Audit(AuditKind::kLoginFailed, "",
            {{"technician", AccountNameForLog(user)}, {"address", peer->address},
             {"reason", wire::ToWire(auth.error)}, {"for", "org"}},
            AuditSource::kUnauthenticated);
    SendError(*peer, auth.error);
    co_return;
  }
  const User account = std::move(*auth.user);
  peer->conn->set_max_message_bytes(wire::kMaxMachineMessageBytes);
  peer->conn->SendText(json{{"type", "welcome"}, {"role", RoleName(account.role)}}.dump());
  while (true) {
    error_code ec;
    auto frame = co_await peer->conn->Receive(ec);
    if (!frame) co_return;
    json request = json::parse(frame->data, nullptr, false);
    json answer = Refusal(ErrorCode::kBadRequest);
    if (frame->text && request.is_object()) answer = co_await AnswerOrg(account, *peer, request);
    peer->conn->SendText(answer.dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

asio::awaitable<json> RelayCore::AnswerOrg(const User& user, PeerConn& peer,
                                           const json& request) {
  const std::string type = TextField(request, "type");
  if (type == "machines") co_return ListMachines(request);
  const bool admin = user.role == Role::kAdmin;
  if (!admin && (type == "pending" || type == "approve" || type == "reject" || type == "revoke"))
    co_return Refusal(ErrorCode::kForbidden, "only an admin account may do this");
  if (type == "pending") co_return ListPending();
  if (type == "approve") co_return Approve(user, request);
  if (type == "reject") co_return Reject(user, request);
  if (type == "revoke") co_return PublishRevocations(user, request);
  co_return Refusal(ErrorCode::kBadRequest, "unknown request");
}

json RelayCore::ListPending() {
  auto pending = org_store_->ListEnrolments();
  if (!pending.ok()) return Refusal(ErrorCode::kInternal);
  json list = json::array();
  for (const auto& p : *pending) {
    json request = json::parse(p.request, nullptr, false);
    if (request.is_discarded()) continue;
    list.push_back({{"request", request}, {"address", p.address},
                    {"received_at", p.received_at}});
  }
  return {{"type", "pending"}, {"requests", list}};
}

// The admin's org-signed record for a pending request (same machine id and key): the machine
// is approved and may come online.
json RelayCore::Approve(const User& admin, const json& request) {
  const std::string text = TextField(request, "record");
  auto record = org::CheckMachineRecord(org_key_, text, nullptr);
  if (!record.ok()) return Refusal(ErrorCode::kBadRequest, record.status().message());
  auto pending = pending_enrolments_.find(record->machine_id);
  const bool matches =
      pending != pending_enrolments_.end() && pending->second.machine_key == ToHex(record->key);
  auto known = machines_.find(record->machine_id);
  if (!matches && (known == machines_.end() || known->second.key != record->key))
    return Refusal(ErrorCode::kBadRequest, "no pending request for this machine and key");
  // A machine approved again keeps its last_seen and inventory (PutMachine updates the rest).
  StoredMachine stored{record->machine_id, text, record->name, record->customer,
                       record->approved_at, 0, ""};
  if (Status s = org_store_->PutMachine(stored); !s.ok()) {
    log::Error("approval of ", record->machine_id, ": ", s.message());
    return Refusal(ErrorCode::kInternal);
  }
  KnownMachine& machine = machines_[record->machine_id];
  machine.record = text;
  machine.name = record->name;
  machine.customer = record->customer;
  machine.key = record->key;
  pending_enrolments_.erase(record->machine_id);
  log::Info("machine '", log::Printable(record->name), "' (", record->machine_id,
            ") approved by ", admin.name);
  Audit(AuditKind::kMachineApproved, "",
        {{"machine_id", record->machine_id}, {"machine", record->name},
         {"customer", record->customer}, {"machine_key", ToHex(record->key)},
         {"by", admin.name}, {"record", text}});
  return {{"type", "approve"}, {"machine_id", record->machine_id}};
}

json RelayCore::Reject(const User& admin, const json& request) {
  const std::string id = TextField(request, "machine_id");
  if (!org::IsMachineId(id)) return Refusal(ErrorCode::kBadRequest, "not a machine id");
  if (Status s = org_store_->RemoveEnrolment(id); !s.ok())
    return Refusal(s.code() == Status::Code::kNotFound ? ErrorCode::kUnknownMachine
                                                       : ErrorCode::kInternal);
  pending_enrolments_.erase(id);
  Audit(AuditKind::kEnrolmentRejected, "", {{"machine_id", id}, {"by", admin.name}});
  return {{"type", "reject"}, {"machine_id", id}};
}

// A newer signed list replaces the old one: online machines get it at once, revoked ones are
// disconnected, and every machine gets it again at each connection.
json RelayCore::PublishRevocations(const User& admin, const json& request) {
  const std::string text = TextField(request, "list");
  auto list = org::CheckRevocationList(org_key_, text);
  if (!list.ok()) return Refusal(ErrorCode::kBadRequest, list.status().message());
  if (!revocations_.empty()) {
    auto current = org::CheckRevocationList(org_key_, revocations_);
    if (current.ok() && current->serial >= list->serial)
      return Refusal(ErrorCode::kBadRequest, "the relay already has revocation list " +
                                                 std::to_string(current->serial));
  }
  if (Status s = org_store_->PutRevocationList(list->serial, text); !s.ok())
    return Refusal(ErrorCode::kInternal);
  revocations_ = text;
  revoked_machines_ = {list->machines.begin(), list->machines.end()};
  Audit(AuditKind::kRevocationPublished, "",
        {{"serial", list->serial}, {"technicians", list->technicians},
         {"machines", list->machines}, {"by", admin.name}});
  log::Info("revocation list ", list->serial, " published by ", admin.name);
  for (auto& [id, machine] : machines_) {
    auto online = machine.online.lock();
    if (!online || online->conn->closed()) continue;
    // A machine in a session gets the list when it comes back: inside a session a peer
    // takes only the session's messages.
    if (online->state != ConnState::kWaiting) continue;
    if (RevokedMachine(id))
      SendError(*online, ErrorCode::kRevoked);
    else
      online->conn->SendText(wire::EncodeMachine(wire::Revocations{text}));
  }
  return {{"type", "revoke"}, {"serial", list->serial}};
}

json RelayCore::ListMachines(const json& request) {
  const std::string customer = TextField(request, "customer");
  json list = json::array();
  for (const auto& [id, m] : machines_) {
    if (!customer.empty() && m.customer != customer) continue;
    auto online = m.online.lock();
    list.push_back({{"machine_id", id},
                    {"name", m.name},
                    {"customer", m.customer},
                    {"record", m.record},
                    {"online", online && !online->conn->closed()},
                    {"busy", online && online->state != ConnState::kWaiting},
                    {"revoked", RevokedMachine(id)},
                    {"last_seen", m.last_seen},
                    {"inventory", m.inventory}});
  }
  return {{"type", "machines"}, {"machines", list}, {"revocations", revocations_}};
}

}  // namespace telemaint::relay
