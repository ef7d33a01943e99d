#pragma once
// Session receipts: at the end of a session the host and the viewer each sign what they saw
// (session id, the channel's transcript hash, both ends' keys, the technician's account, start,
// end, the permissions given, how it ended) with their own Ed25519 keys, and hand the receipt
// to the relay, which records it in the audit chain. The relay holds neither key nor the
// channel's keys, so it cannot forge that a given technician reached a given host.
// See docs/protocol.md#session-receipts.
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "common/vocabulary.h"

namespace telemaint::crypto {
class SigningKey;
}

namespace telemaint::receipt {

struct ReceiptFacts {
  wire::Party role = wire::Party::kHost;  // whose receipt: the host's or the viewer's
  std::string session;
  Bytes transcript;                // crypto::TranscriptHash(channel binding)
  Bytes host_key, technician_key;  // as proven inside the channel (empty if unknown)
  std::string technician;          // the account the relay named
  int64_t start_ms = 0, end_ms = 0;  // this end's clock, unix milliseconds
  // In order, at most kMaxReceiptPermissions: the words of wire::Permission, and the host's
  // "stopped" (wire::ConsentEvent::kStopped) when the person stopped the session.
  std::vector<std::string> permissions;
  wire::EndReason ending = wire::EndReason::kOther;  // how the session ended, for this side
};

struct SignedReceipt {
  std::string text;  // canonical JSON of ReceiptFacts
  Bytes signature;   // over crypto::ReceiptStatement(text)
};

SignedReceipt SignReceipt(const ReceiptFacts& facts, const crypto::SigningKey& key);

// Parses a receipt without checking its signature (for reports made after the Verifier has
// checked it).
Result<ReceiptFacts> ParseReceipt(const std::string& text);

// Parses a receipt and checks its signature with the key of its role (host_key for "host",
// technician_key for "viewer"). The error says what is wrong.
Result<ReceiptFacts> CheckReceipt(const std::string& text, ByteView signature);

// CheckReceipt, and that the receipt is `role`'s (host or viewer), for `session` and
// `technician`: what the relay checks before keeping one and the auditor's tool checks again.
Result<ReceiptFacts> CheckReceiptFor(const std::string& text, ByteView signature,
                                     wire::Party role, const std::string& session,
                                     const std::string& technician);

// Entries a receipt lists at most: a person toggling for hours must not push it past what the
// relay accepts (wire::kMaxReceiptBytes).
inline constexpr size_t kMaxReceiptPermissions = 32;

}  // namespace telemaint::receipt
