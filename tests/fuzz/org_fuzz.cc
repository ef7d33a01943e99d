// Unattended access's untrusted inputs: machine messages from the network, organisation
// statements and enrolment requests a relay hands out, token files, policy hours, and the
// unattended handshake's messages at each step. Refused without crashing; a forged
// statement or handshake is never accepted.
#include <cstdlib>
#include <string>
#include <vector>

#include "common/machine_wire.h"
#include "crypto/unattended.h"
#include "host/policy.h"
#include "org/enrolment.h"
#include "org/statements.h"

using namespace telemaint;

namespace {

const crypto::SigningKey& OrgKey() {
  static const crypto::SigningKey key = crypto::SigningKey::Generate();
  return key;
}

crypto::UnattendedHandshake Make(crypto::UnattendedHandshake::Role role,
                                 const crypto::SigningKey& key) {
  static const Bytes sid(16, 5), machine_id(16, 6);
  return crypto::UnattendedHandshake::Create(
             role, sid, machine_id, key, "credential",
             [&key](std::string_view, ByteView) -> Result<Bytes> { return key.public_key(); })
      .value();
}

}  // namespace

std::vector<std::string> FuzzSeeds() {
  // A well-formed record signed by another key: its mutations explore the parser, and none may
  // pass as the organisation's.
  auto other = crypto::SigningKey::Generate();
  org::MachineRecord r{"Acme", org::NewMachineId(), "Dupont", "SRV", other.public_key(), 1, 2};
  auto record = org::EncodeStatement(org::SignStatement(
      other, org::StatementKind::kMachineRecord, r.ToJson(OrgKey().public_key())));
  auto key = crypto::SigningKey::Generate();
  auto host = Make(crypto::UnattendedHandshake::Role::kHost, key);
  Bytes first = host.Start();
  return {R"({"type":"present","proto":1,"machine_id":"00112233445566778899aabbccddeeff","version":"x"})",
          R"({"type":"challenge","nonce":"aa"})",
          R"({"type":"inventory","inventory":{"os":{"name":"Debian"}}})",
          R"({"type":"enrol","proto":1,"request":{"machine_id":"x"}})",
          record,
          "Mon-Fri 08:00-18:00",
          std::string(first.begin(), first.end())};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto m = wire::DecodeMachine(text); m.ok()) {
    auto again = wire::DecodeMachine(wire::EncodeMachine(*m));
    if (!again.ok() || again->index() != m->index()) std::abort();
  }
  const Bytes& org_key = OrgKey().public_key();
  // Statements nobody signed never check out.
  if (org::CheckCertificate(org_key, text, 0, nullptr).ok() ||
      org::CheckMachineRecord(org_key, text, nullptr).ok() ||
      org::CheckRevocationList(org_key, text).ok())
    std::abort();
  (void)org::DecodeToken(text);
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_discarded()) (void)org::RequestFromJson(json);
  (void)host::ParseHours(std::string(text));
  // The handshake: a stranger's message at each step is refused, never a channel.
  static const crypto::SigningKey key = crypto::SigningKey::Generate();
  ByteView in(data, size);
  auto host = Make(crypto::UnattendedHandshake::Role::kHost, key);
  (void)host.Start();
  if (auto step = host.OnMessage(in); step.ok() && step->done) std::abort();
  auto viewer = Make(crypto::UnattendedHandshake::Role::kViewer, key);
  (void)viewer.OnMessage(in);
  auto viewer2 = Make(crypto::UnattendedHandshake::Role::kViewer, key);
  auto host2 = Make(crypto::UnattendedHandshake::Role::kHost, key);
  if (viewer2.OnMessage(host2.Start()).ok()) {
    if (auto step = viewer2.OnMessage(in); step.ok() && step->done) std::abort();
  }
  return 0;
}
