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
                      {"role", f.role},
                      {"session", f.session},
                      {"transcript", ToHex(f.transcript)},
                      {"host_key", ToHex(f.host_key)},
                      {"technician_key", ToHex(f.technician_key)},
                      {"technician", f.technician},
                      {"start", f.start_ms},
                      {"end", f.end_ms},
                      {"permissions", f.permissions},
                      {"ending", f.ending}};
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
  try {
    if (j.at("type").get<std::string>() != kType) return Status::InvalidInput("not a session receipt");
    f.role = j.at("role").get<std::string>();
    f.session = j.at("session").get<std::string>();
    f.transcript = FromHex(j.at("transcript").get<std::string>());
    f.host_key = FromHex(j.at("host_key").get<std::string>());
    f.technician_key = FromHex(j.at("technician_key").get<std::string>());
    f.technician = j.at("technician").get<std::string>();
    f.start_ms = j.at("start").get<int64_t>();
    f.end_ms = j.at("end").get<int64_t>();
    f.permissions = j.at("permissions").get<std::vector<std::string>>();
    f.ending = j.at("ending").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidInput("a receipt field is missing or of the wrong type");
  }
  if (f.role != "host" && f.role != "viewer") return Status::InvalidInput("unknown receipt role");
  return f;
}

Result<ReceiptFacts> CheckReceipt(const std::string& text, ByteView signature) {
  auto parsed = ParseReceipt(text);
  if (!parsed.ok()) return parsed;
  ReceiptFacts& f = *parsed;
  const Bytes& key = f.role == "host" ? f.host_key : f.technician_key;
  if (key.size() != crypto::kSignaturePublicKeyBytes)
    return Status::InvalidInput("the receipt does not name its signer's key");
  if (!crypto::VerifySignature(key, crypto::ReceiptStatement(text), signature))
    return Status::AuthFailed("the " + f.role + "'s receipt signature does not verify");
  return parsed;
}

Result<ReceiptFacts> CheckReceiptFor(const std::string& text, ByteView signature,
                                     const std::string& role, const std::string& session,
                                     const std::string& technician) {
  auto facts = CheckReceipt(text, signature);
  if (!facts.ok()) return facts;
  if (facts->role != role) return Status::InvalidInput("the " + role + "'s receipt is signed as the " + facts->role + "'s");
  if (facts->session != session)
    return Status::InvalidInput("the " + role + "'s receipt is for another session");
  if (facts->technician != technician)
    return Status::InvalidInput("the " + role + "'s receipt names technician '" +
                                facts->technician + "', the session '" + technician + "'");
  return facts;
}

}  // namespace telemaint::receipt
