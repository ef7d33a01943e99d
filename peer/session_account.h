#pragma once
// One side's account of a session, signed at its end as its session receipt
// (receipt/receipt.h): built up as the session goes (the keys the other side proved, every
// permission the customer gave), then signed once with this side's own key. Host and viewer
// both keep one. io thread only; the key must outlive it.
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/vocabulary.h"
#include "receipt/receipt.h"

namespace telemaint::crypto {
class SigningKey;
}

namespace telemaint::peer {

class SessionAccount {
 public:
  // Starts now. `technician` is the account the relay named for the session.
  SessionAccount(wire::Party side, std::string session, std::string technician,
                 const crypto::SigningKey& key);

  // The keys proven inside the channel (ours is set from `key`).
  void SetTechnicianKey(Bytes key) { facts_.technician_key = std::move(key); }
  void SetHostKey(Bytes key) { facts_.host_key = std::move(key); }
  // One answer or change of the customer's: a wire::Permission, or the host's "stopped".
  // Past receipt::kMaxReceiptPermissions entries, more are not listed.
  void NotePermission(wire::Permission permission);
  void NoteStopped();

  // The receipt for a session that ended for `ending` over the channel with this binding.
  receipt::SignedReceipt Sign(ByteView channel_binding, wire::EndReason ending) const;

 private:
  void Note(std::string_view word);
  receipt::ReceiptFacts facts_;
  const crypto::SigningKey& key_;
};

}  // namespace telemaint::peer
