#pragma once
// What peer/channel_link.h's RunHandshake drives: an end-to-end key exchange over the paired
// binary frames that ends in the two secretstreams and a channel binding. Two kinds exist:
// crypto::Handshake (attended: CPace from the session code) and crypto::UnattendedHandshake
// (enrolled machines: signed ephemeral Diffie-Hellman). Pure: no I/O. Not thread-safe.
#include "common/bytes.h"
#include "common/status.h"
#include "crypto/channel.h"

namespace telemaint::crypto {

class KeyExchange {
 public:
  virtual ~KeyExchange() = default;

  // The initiator's (host's) first message; empty for the responder.
  virtual Bytes Start() = 0;

  struct Step {
    Bytes reply;        // to send to the peer, may be empty
    bool done = false;  // the channel is ready
  };
  // A failed check of the peer is Status::AuthFailed; a malformed message Status::Protocol.
  virtual Result<Step> OnMessage(ByteView message) = 0;

  // Once done:
  virtual ChannelSender TakeSender() = 0;
  virtual ChannelReceiver TakeReceiver() = 0;
  // A value only the two ends share, which the session's identities sign (crypto/identity.h).
  virtual const Bytes& channel_binding() const = 0;
  // The largest message this exchange accepts (the caller refuses larger frames unread).
  virtual size_t max_message() const = 0;
  // Whether a failed check means a wrong session code (attended: the code is burned) rather
  // than a credential that did not check out (unattended).
  virtual bool from_session_code() const = 0;
};

}  // namespace telemaint::crypto
