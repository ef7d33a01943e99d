#include "receipt/receipt.h"

#include <nlohmann/json.hpp>

#include "common/wire.h"
#include "crypto/identity.h"

namespace telemaint::receipt {

namespace {
constexpr char kType[] = "telemaint/v1 session receipt";
constexpr size_t kMaxReceipt = wire::kMaxReceiptBytes;
}  // namespace

SignedReceipt SignReceipt(const ReceiptFacts& f, const crypto::SigningKey& key) {
  nlohmann::json j = {{"type", kType},
                      {"role", wire::ToWire(f.role)},
                      {"session", f.session},
                      {"transcript", ToHex(f.transcript)},
                      {"host_key", ToHex(f.host_key)},
                      {"technician_key", ToHex(f.technician_key)},
                      {"technician", f.technician},
                      {"start", f.start_ms},
                      {"end", f.end_ms},
                      {"permissions", f.permissions},
                      {"ending", wire::ToWire(f.ending)}};
  SignedReceipt out;
  out.text = j.dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
  out.signature = key.Sign(crypto::ReceiptStatement(out.text));
  return out;
}

Result<ReceiptFacts> ParseReceipt(const std::string& text) {
  if (text.size() > kMaxReceipt) return Status::InvalidInput("the receipt is too long");
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidInput("not a session receipt");
  ReceiptFacts f;
  std::string role;
  try {
    if (j.at("type").get<std::string>() != kType)
      return Status::InvalidInput("not a session receipt");
    role = j.at("role").get<std::string>();
    f.session = j.at("session").get<std::string>();
    f.transcript = FromHex(j.at("transcript").get<std::string>());
    f.host_key = FromHex(j.at("host_key").get<std::string>());
    f.technician_key = FromHex(j.at("technician_key").get<std::string>());
    f.technician = j.at("technician").get<std::string>();
    f.start_ms = j.at("start").get<int64_t>();
    f.end_ms = j.at("end").get<int64_t>();
    f.permissions = j.at("permissions").get<std::vector<std::string>>();
    f.ending = wire::FromWire<wire::EndReason>(j.at("ending").get<std::string>())
                   .value_or(wire::EndReason::kOther);
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidInput("a receipt field is missing or of the wrong type");
  }
  auto party = wire::FromWire<wire::Party>(role);
  if (!party || party == wire::Party::kRelay) return Status::InvalidInput("unknown receipt role");
  f.role = *party;
  return f;
}

Result<ReceiptFacts> CheckReceipt(const std::string& text, ByteView signature) {
  auto parsed = ParseReceipt(text);
  if (!parsed.ok()) return parsed;
  ReceiptFacts& f = *parsed;
  const Bytes& key = f.role == wire::Party::kHost ? f.host_key : f.technician_key;
  if (key.size() != crypto::kSignaturePublicKeyBytes)
    return Status::InvalidInput("the receipt does not name its signer's key");
  if (!crypto::VerifySignature(key, crypto::ReceiptStatement(text), signature))
    return Status::AuthFailed("the " + std::string(wire::ToWire(f.role)) +
                              "'s receipt signature does not verify");
  return parsed;
}

Result<ReceiptFacts> CheckReceiptFor(const std::string& text, ByteView signature,
                                     wire::Party side, const std::string& session,
                                     const std::string& technician) {
  auto facts = CheckReceipt(text, signature);
  if (!facts.ok()) return facts;
  const std::string role(wire::ToWire(side));
  if (facts->role != side)
    return Status::InvalidInput("the " + role + "'s receipt is signed as the " +
                                std::string(wire::ToWire(facts->role)) + "'s");
  if (facts->session != session)
    return Status::InvalidInput("the " + role + "'s receipt is for another session");
  if (facts->technician != technician)
    return Status::InvalidInput("the " + role + "'s receipt names technician '" +
                                facts->technician + "', the session '" + technician + "'");
  return facts;
}

}  // namespace telemaint::receipt
