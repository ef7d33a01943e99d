#include "peer/session_account.h"

#include "common/clock.h"
#include "crypto/identity.h"

namespace telemaint::peer {

SessionAccount::SessionAccount(wire::Party side, std::string session, std::string technician,
                               const crypto::SigningKey& key)
    : key_(key) {
  facts_.role = side;
  facts_.session = std::move(session);
  facts_.technician = std::move(technician);
  facts_.start_ms = UnixMillisNow();
  (side == wire::Party::kHost ? facts_.host_key : facts_.technician_key) = key.public_key();
}

void SessionAccount::Note(std::string_view word) {
  if (facts_.permissions.size() < receipt::kMaxReceiptPermissions)
    facts_.permissions.emplace_back(word);
}

void SessionAccount::NotePermission(wire::Permission permission) {
  Note(wire::ToWire(permission));
}

void SessionAccount::NoteStopped() { Note(wire::ToWire(wire::ConsentEvent::kStopped)); }

receipt::SignedReceipt SessionAccount::Sign(ByteView channel_binding,
                                            wire::EndReason ending) const {
  receipt::ReceiptFacts facts = facts_;
  facts.transcript = crypto::TranscriptHash(channel_binding);
  facts.end_ms = UnixMillisNow();
  facts.ending = ending;
  return receipt::SignReceipt(facts, key_);
}

}  // namespace telemaint::peer
