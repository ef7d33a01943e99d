#include "org/statements.h"

#include <algorithm>
#include <fstream>

#include "crypto/digest.h"
#include "crypto/random.h"
#include "org/fields.h"

namespace telemaint::org {
namespace {

using nlohmann::json;

bool IsLowerHex(std::string_view text, size_t digits) {
  return text.size() == digits && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The body names the organisation key it was signed with: it must be the one we checked with.
bool SignedBy(const json& body, ByteView org_key) {
  std::string hex;
  return TextField(body, "org_key", hex) && hex == ToHex(org_key);
}

Status Refused(std::string what) { return Status::AuthFailed(std::move(what)); }

}  // namespace

bool IsMachineId(std::string_view text) { return IsLowerHex(text, 32); }
bool IsPublicKeyHex(std::string_view text) { return IsLowerHex(text, 64); }
std::string NewMachineId() { return crypto::RandomHex(16); }

std::string MachineIdForKey(ByteView machine_key) {
  Bytes digest = crypto::Blake2b256({AsBytes("telemaint/v1 machine id"), machine_key});
  return ToHex(ByteView(digest.data(), 16));
}

Result<Bytes> ReadOrgKey(const std::string& hex_or_file) {
  std::string text = hex_or_file;
  if (!IsPublicKeyHex(text)) {
    std::ifstream in(hex_or_file);
    if (!in || !std::getline(in, text))
      return Status::InvalidInput("the organisation key must be 64 hex digits or a file holding "
                                  "them; cannot read '" + hex_or_file + "'");
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
  }
  if (!IsPublicKeyHex(text))
    return Status::InvalidInput("'" + hex_or_file + "' is not an organisation key (64 hex digits)");
  return FromHex(text);
}

std::string EncodeStatement(const SignedStatement& s) {
  return json{{"kind", wire::ToWire(s.kind)}, {"body", s.body}, {"signature", ToHex(s.signature)}}
      .dump();
}

Result<SignedStatement> DecodeStatement(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  std::string kind, signature;
  SignedStatement s;
  if (j.is_discarded() || !j.is_object() || !TextField(j, "kind", kind) ||
      !TextField(j, "body", s.body, kMaxRevocationListBytes) ||
      !TextField(j, "signature", signature))
    return Status::InvalidInput("not an organisation statement");
  auto known = wire::FromWire<StatementKind>(kind);
  s.signature = FromHex(signature);
  if (!known || s.signature.size() != crypto::kSignatureBytes)
    return Status::InvalidInput("not an organisation statement");
  s.kind = *known;
  return s;
}

SignedStatement SignStatement(const crypto::SigningKey& org_key, StatementKind kind,
                              const json& body) {
  SignedStatement s{kind, body.dump(), {}};
  s.signature = org_key.Sign(crypto::OrgStatement(wire::ToWire(kind), s.body));
  return s;
}

Result<json> VerifyStatement(ByteView org_key, std::string_view text, StatementKind kind) {
  auto s = DecodeStatement(text);
  if (!s.ok()) return Refused(s.status().message());
  if (s->kind != kind)
    return Refused("a " + std::string(wire::ToWire(s->kind)) + " was given where a " +
                   std::string(wire::ToWire(kind)) + " was expected");
  if (!crypto::VerifySignature(org_key, crypto::OrgStatement(wire::ToWire(kind), s->body),
                               s->signature))
    return Refused("the " + std::string(wire::ToWire(kind)) +
                   " is not signed by this organisation's key");
  json body = json::parse(s->body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !SignedBy(body, org_key))
    return Refused("the " + std::string(wire::ToWire(kind)) + " is malformed");
  return body;
}

}  // namespace telemaint::org
