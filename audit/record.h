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

#include "common/bytes.h"
#include "common/status.h"

namespace telemaint::audit {

// A record as stored: its body text and hash; seq is the store's key.
struct StoredRecord {
  int64_t seq = 0;
  std::string body;
  Bytes hash;
};

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
// of them, and the checkpoint's time.
Bytes CheckpointStatement(int64_t count, ByteView head, int64_t time_ms);

}  // namespace telemaint::audit
