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
  std::string kind;     // see docs/protocol.md#audit-records
  std::string session;  // 32 hex, or empty
  nlohmann::json data = nlohmann::json::object();
};

inline constexpr char kCheckpoint[] = "checkpoint";

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

}  // namespace telemaint::audit
