#pragma once
// The end-to-end handshake between host (CPace initiator) and viewer (responder), run inside
// binary frames right after the relay pairs them. Pure: no I/O; the caller moves messages.
// See docs/protocol.md#handshake.
//
//   host   -> viewer  0x01 Ya
//   viewer -> host    0x02 Yb
//   host   -> viewer  0x03 confirm_host, stream header host->viewer
//   viewer -> host    0x04 confirm_viewer, stream header viewer->host
//
// The host confirms first because it keeps the attempt budget: a confirmation tag lets its
// receiver test one guess of the code, so the viewer reveals nothing until the host has proven
// the code, and the host counts every handshake that fails after its own tag left (see
// confirmation_sent()) as a guess. Not thread-safe. A failed confirmation is
// Status::AuthFailed: the code is wrong (or someone guessed), and the code must be burned.
#include <memory>
#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"
#include "crypto/channel.h"
#include "crypto/cpace.h"
#include "crypto/key_exchange.h"
#include "crypto/secret.h"

namespace telemaint::crypto {

inline constexpr uint8_t kMsgShareHost = 0x01;
inline constexpr uint8_t kMsgShareViewer = 0x02;
inline constexpr uint8_t kMsgConfirmHost = 0x03;
inline constexpr uint8_t kMsgConfirmViewer = 0x04;
inline constexpr size_t kConfirmTagBytes = 32;
inline constexpr size_t kMaxHandshakeMessage = 1 + kConfirmTagBytes + kStreamHeaderBytes;

// CI of CPace: binds the protocol version, both roles and the nameplate.
Bytes ChannelIdentifier(std::string_view nameplate);

// The four keys derived from ISK (exposed for tests and docs).
struct ChannelKeys {
  SecretBytes confirm_host, confirm_viewer, host_to_viewer, viewer_to_host;
  // Not a key: a value both ends share only if they ran this handshake together, which the
  // technician signs to bind their identity to this channel (a relay cannot move it).
  SecretBytes binding;
};
ChannelKeys DeriveChannelKeys(const SecretBytes& isk);

// Key confirmation: the tag one side sends (HMAC-SHA-256 of its label under its confirm key),
// and the check of the other's. Shared by both kinds of key exchange.
Bytes ConfirmationTag(const ChannelKeys& keys, bool from_host);
bool CheckConfirmationTag(const ChannelKeys& keys, bool from_host, ByteView tag);

class Handshake : public KeyExchange {
 public:
  enum class Role { kHost, kViewer };
  using Step = KeyExchange::Step;

  // secret_digits: the 6 secret digits of the session code. sid: the relay's session id.
  static Result<Handshake> Create(Role role, std::string_view nameplate,
                                  const SecretBytes& secret_digits, ByteView sid);

  // The host's first message; empty for the viewer, which speaks second.
  Bytes Start() override;
  Result<Step> OnMessage(ByteView message) override;
  size_t max_message() const override { return kMaxHandshakeMessage; }
  bool from_session_code() const override { return true; }

  bool done() const { return sender_ && receiver_; }
  // The host sent its confirmation tag: if the handshake now fails, a guess was tested.
  bool confirmation_sent() const { return confirmation_sent_; }
  ChannelSender TakeSender() override { return std::move(*sender_); }
  // The channel binding (see ChannelKeys::binding), once done.
  const Bytes& channel_binding() const override { return binding_; }
  ChannelReceiver TakeReceiver() override { return std::move(*receiver_); }

 private:
  Handshake() = default;
  Result<Step> HostOnShare(ByteView message);
  Result<Step> HostOnConfirm(ByteView message);
  Result<Step> ViewerOnShare(ByteView message);
  Result<Step> ViewerOnConfirm(ByteView message);
  // Checks the peer's tag and starts receiving on the stream whose header follows it.
  Status AcceptConfirmation(ByteView body, bool from_host, const SecretBytes& stream_key);

  Role role_ = Role::kHost;
  std::unique_ptr<CPace> cpace_;
  std::unique_ptr<ChannelKeys> keys_;
  Bytes binding_;
  std::optional<ChannelSender> sender_;
  std::optional<ChannelReceiver> receiver_;
  int expected_ = 0;  // next message type accepted
  bool confirmation_sent_ = false;
};

}  // namespace telemaint::crypto
