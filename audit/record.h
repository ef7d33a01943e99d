#pragma once
// One audit record and the hash chain over them. A record's body is canonical JSON (keys
// sorted, no spaces) holding its sequence number, time, kind, session and fields; its hash is
// BLAKE2b-256 over a label, the previous record's hash and the body exactly as stored, so a
// changed byte, a removed or reordered record breaks the chain from there on. Checkpoint
// records carry the relay's Ed25519 signature over (count, chain head, time). See
// docs/protocol.md#audit-records.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"
#include "common/vocabulary.h"

namespace telemaint::audit {

// A record as stored: its body text and hash; seq is the store's key.
struct StoredRecord {
  int64_t seq = 0;
  std::string body;
  Bytes hash;
};

// A stored record as one line of JSON, {"seq":..,"body":"..","hash":"hex"} and a newline: what
// `export --format log` writes, the auditor endpoint serves and `--file` reads.
std::string EncodeRecordLine(const StoredRecord& record);
Result<StoredRecord> ParseRecordLine(std::string_view line);

// A record's parsed body.
struct Record {
  int64_t seq = 0;
  int64_t time_ms = 0;  // unix milliseconds, UTC
  std::string kind;     // as stored: a wire::AuditKind's word (a newer relay may add others)
  std::string session;  // 32 hex, or empty
  nlohmann::json data = nlohmann::json::object();

  bool Is(wire::AuditKind k) const { return kind == wire::ToWire(k); }
};

// The fields of a session_end record: how it ended, who ended it, how long it lasted and the
// bytes each way. A session the relay closes at its next start after a crash has only a
// duration up to its last record (`after_crash`: no `by`, no byte counts).
struct SessionEnd {
  wire::EndReason reason = wire::EndReason::kOther;
  wire::Party by = wire::Party::kRelay;
  int64_t duration_ms = 0;
  uint64_t bytes_host_to_viewer = 0, bytes_viewer_to_host = 0;
  bool after_crash = false;
};
nlohmann::json SessionEndData(const SessionEnd& end);

// A string field of a record's data, or "" when it is missing or of another type (a record of
// an old, damaged or forged log); never throws.
std::string StringField(const nlohmann::json& data, const char* name);

std::string EncodeBody(const Record& record);
Result<Record> ParseBody(const std::string& body);

// The hash before the first record: 32 zero bytes.
Bytes GenesisHash();
Bytes ChainHash(ByteView previous, const std::string& body);

// What a checkpoint's signature covers: the number of records before it, the hash of the last
// of them, the checkpoint's time, and whether it is the relay's closing one (so a log cut at a
// periodic checkpoint cannot be passed off as complete).
Bytes CheckpointStatement(int64_t count, ByteView head, int64_t time_ms, bool final);
// What the relay signs when an auditor reads a running log: how many records are committed
// and the hash of the last, now (GET /v1/audit/head).
Bytes HeadStatement(int64_t count, ByteView head, int64_t time_ms);
// That head with its signature, as the relay makes it and the verifier checks it.
struct SignedHead {
  int64_t count = 0;
  Bytes head;
  int64_t time_ms = 0;
  Bytes signature;  // over HeadStatement(count, head, time_ms)
};
// {"count":..,"head":"hex","time":..,"signature":"hex"}: as GET /v1/audit/head serves it, the
// store keeps its batch head and the relay's counter file holds it.
nlohmann::json HeadToJson(const SignedHead& head);
Result<SignedHead> HeadFromJson(const nlohmann::json& j);
bool HeadSignedBy(const SignedHead& head, ByteView relay_key);

}  // namespace telemaint::audit
