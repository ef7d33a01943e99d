// `telemaint-host enroll`: non-interactive, for deployment scripts. See machine_state.h.
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/address.h"
#include "common/files.h"
#include "common/machine_wire.h"
#include "crypto/digest.h"
#include "inventory/inventory.h"
#include "host/machine_state.h"
#include "net/tls.h"
#include "net/ws_client.h"

namespace telemaint::host {

using namespace net;
using nlohmann::json;

namespace {

// The first message must fit the relay's 4 KiB: a few facts for the admin's decision; the full
// inventory follows once the machine is online.
json FirstInventory() {
  json full = inventory::CollectInventory({"/", false});
  json small = json::object();
  for (const char* key : {"os", "hostname", "cpu", "memory", "uptime_s"})
    if (full.contains(key)) small[key] = full[key];
  return small.dump().size() < 1500 ? small : json::object();
}

std::string HostName() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? name : "machine";
}

// Sends the request and waits for the relay's `enrolled`: ok, or why not.
Result<bool> SendRequest(const HostPort& relay, ssl::context& tls, const json& request) {
  asio::io_context io{1};
  Result<bool> outcome = Status::Io("the relay did not answer");
  co_spawn(io, [&]() -> asio::awaitable<void> {
    const std::string path = "/v1/machine";
    DialOptions options;
    auto dialed = co_await DialRelay(tls, relay, path, options);
    if (!dialed.ok()) {
      outcome = dialed.status();
      co_return;
    }
    auto ws = *dialed;
    ws->SendText(wire::EncodeMachine(wire::Enrol{wire::kProtocolVersion, request}));
    error_code ec;
    auto reply = co_await ws->Receive(ec);
    if (reply && reply->text) {
      auto enrolled = wire::DecodeMachine(reply->data);
      auto error = wire::Decode(reply->data);
      if (enrolled.ok() && std::holds_alternative<wire::Enrolled>(*enrolled))
        outcome = std::get<wire::Enrolled>(*enrolled).approved;
      else if (error.ok() && std::holds_alternative<wire::Error>(*error))
        outcome = Status::InvalidInput("the relay says: " + std::get<wire::Error>(*error).message);
    }
    ws->CloseAfterFlush(websocket::close_code::normal);
    co_await ws->WaitClosed();
  }, asio::detached);
  io.run();
  return outcome;
}

// Checks the token and the CA file against it; the token, or why not.
Result<org::EnrolmentToken> ReadToken(const EnrolOptions& o, std::string& ca) {
  auto token = org::DecodeToken(ReadTextFile(o.token_file));
  if (!token.ok()) return Status::InvalidInput(o.token_file + ": " + token.status().message());
  if (token->expires_at < static_cast<int64_t>(std::time(nullptr)))
    return Status::Expired("this enrolment token has expired; ask your provider for a new one");
  ca = ReadTextFile(o.ca_file);
  if (ca.empty()) return Status::Io("cannot read the CA file " + o.ca_file);
  if (!token->ca_sha256.empty() && token->ca_sha256 != ToHex(crypto::Sha256(AsBytes(ca))))
    return Status::AuthFailed("the CA file " + o.ca_file +
                              " is not the one this token names; use the provider's");
  return token;
}

}  // namespace

int Enroll(const EnrolOptions& o, const std::function<void(const std::string&)>& say) {
  std::string ca;
  auto token = ReadToken(o, ca);
  auto relay = token.ok() ? ParseRelayUrl(token->relay) : Result<HostPort>(token.status());
  MachineState state(o.state_dir);
  if (!relay.ok()) return say("error: " + relay.status().message()), 1;
  if (Status s = state.Prepare(); !s.ok()) return say("error: " + s.message()), 1;
  auto key = crypto::SigningKey::LoadOrCreate(state.key_file(), "machine");
  if (!key.ok()) return say("error: " + key.status().message()), 1;
  org::EnrolmentRequest request;
  request.machine_id = org::MachineIdForKey(key->public_key());
  request.machine_key = ToHex(key->public_key());
  request.name = o.machine_name.empty() ? HostName() : o.machine_name;
  if (!org::IsValidMachineName(request.name)) return say("error: invalid machine name"), 2;
  request.token_id = token->token_id;
  request.mac = ToHex(org::EnrolmentMac(token->secret, request));
  request.inventory = FirstInventory();
  std::fill(token->secret.begin(), token->secret.end(), 0);
  if (Status s = WriteFileAtomically(state.ca_file(), ca, 0644); !s.ok())
    return say("error: " + s.message()), 1;
  auto tls = MakeClientTlsContext(state.ca_file());
  if (!tls.ok()) return say("error: " + tls.status().message()), 1;
  auto sent = SendRequest(*relay, **tls, org::RequestToJson(request));
  if (!sent.ok()) return say("error: " + sent.status().message()), 1;
  Enrolment e{request.machine_id, request.name, token->customer, token->relay, token->org_name,
              token->org_key};
  if (Status s = state.SaveEnrolment(e); !s.ok()) return say("error: " + s.message()), 1;
  if (!std::filesystem::exists(state.policy_file()))
    SavePolicy(state.policy_file(), {token->policy, ""});
  say("This machine (" + request.name + ", id " + request.machine_id + ") is enrolled with " +
      token->org_name + " for " + token->customer + (*sent ? ", and approved." : ".") +
      (*sent ? "" : " It waits for the provider's approval; telemaint-host service connects "
                    "by itself once approved."));
  return 0;
}

}  // namespace telemaint::host
