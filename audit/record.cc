#include "audit/record.h"

#include "crypto/digest.h"
#include "crypto/identity.h"

namespace telemaint::audit {

namespace {
constexpr char kRecordLabel[] = "telemaint/v1 audit record";
constexpr char kCheckpointLabel[] = "telemaint/v1 audit checkpoint";
constexpr char kHeadLabel[] = "telemaint/v1 audit head";

void PutU64(Bytes& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
}  // namespace

std::string StringField(const nlohmann::json& data, const char* name) {
  auto field = data.find(name);
  return field != data.end() && field->is_string() ? field->get<std::string>() : std::string();
}

std::string EncodeBody(const Record& r) {
  // nlohmann's object keeps keys sorted: the same record always gives the same text.
  nlohmann::json j = {{"seq", r.seq}, {"time", r.time_ms}, {"kind", r.kind},
                      {"session", r.session}, {"data", r.data}};
  // Names from the network may be invalid UTF-8: replaced, never thrown on.
  return j.dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
}

Result<Record> ParseBody(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidInput("not a JSON object");
  Record r;
  try {
    r.seq = j.at("seq").get<int64_t>();
    r.time_ms = j.at("time").get<int64_t>();
    r.kind = j.at("kind").get<std::string>();
    r.session = j.at("session").get<std::string>();
    r.data = j.at("data");
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidInput("a field is missing or of the wrong type");
  }
  if (!r.data.is_object()) return Status::InvalidInput("data is not an object");
  return r;
}

std::string EncodeRecordLine(const StoredRecord& r) {
  return nlohmann::json{{"seq", r.seq}, {"body", r.body}, {"hash", ToHex(r.hash)}}.dump() + "\n";
}

Result<StoredRecord> ParseRecordLine(std::string_view line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("seq") || !j["seq"].is_number_integer() ||
      !j.contains("body") || !j["body"].is_string() || !j.contains("hash") ||
      !j["hash"].is_string())
    return Status::InvalidInput("not a record of an audit log");
  return StoredRecord{j["seq"].get<int64_t>(), j["body"].get<std::string>(),
                      FromHex(j["hash"].get<std::string>())};
}

nlohmann::json SessionEndData(const SessionEnd& end) {
  if (end.after_crash)
    return {{"reason", wire::ToWire(end.reason)},
            {"message", "the relay stopped unexpectedly during the session"},
            {"duration_ms", end.duration_ms},
            {"duration_known", false}};
  return {{"reason", wire::ToWire(end.reason)},
          {"by", wire::ToWire(end.by)},
          {"duration_ms", end.duration_ms},
          {"duration_known", true},
          {"bytes_host_to_viewer", end.bytes_host_to_viewer},
          {"bytes_viewer_to_host", end.bytes_viewer_to_host}};
}

Bytes GenesisHash() { return Bytes(crypto::kDigestBytes, 0); }

Bytes ChainHash(ByteView previous, const std::string& body) {
  // The label's terminating zero separates it from what follows.
  return crypto::Blake2b256({AsBytes(std::string_view(kRecordLabel, sizeof kRecordLabel)),
                             previous, AsBytes(body)});
}

Bytes CheckpointStatement(int64_t count, ByteView head, int64_t time_ms, bool final) {
  Bytes out(kCheckpointLabel, kCheckpointLabel + sizeof kCheckpointLabel);
  PutU64(out, static_cast<uint64_t>(count));
  out.insert(out.end(), head.begin(), head.end());
  PutU64(out, static_cast<uint64_t>(time_ms));
  out.push_back(final ? 1 : 0);
  return out;
}

Bytes HeadStatement(int64_t count, ByteView head, int64_t time_ms) {
  Bytes out(kHeadLabel, kHeadLabel + sizeof kHeadLabel);
  PutU64(out, static_cast<uint64_t>(count));
  out.insert(out.end(), head.begin(), head.end());
  PutU64(out, static_cast<uint64_t>(time_ms));
  return out;
}

nlohmann::json HeadToJson(const SignedHead& h) {
  return {{"count", h.count}, {"head", ToHex(h.head)}, {"time", h.time_ms},
          {"signature", ToHex(h.signature)}};
}

Result<SignedHead> HeadFromJson(const nlohmann::json& h) {
  if (!h.is_object() || !h.contains("count") || !h["count"].is_number_integer() ||
      !h.contains("head") || !h["head"].is_string() || !h.contains("time") ||
      !h["time"].is_number_integer() || !h.contains("signature") || !h["signature"].is_string())
    return Status::InvalidInput("not a signed head of an audit log");
  return SignedHead{h["count"].get<int64_t>(), FromHex(h["head"].get<std::string>()),
                    h["time"].get<int64_t>(), FromHex(h["signature"].get<std::string>())};
}

bool HeadSignedBy(const SignedHead& h, ByteView relay_key) {
  return crypto::VerifySignature(relay_key, HeadStatement(h.count, h.head, h.time_ms),
                                 h.signature);
}

}  // namespace telemaint::audit
