#pragma once
// The key exchange of an unattended session (an enrolled machine, nobody reads a code): a
// SIGMA-I style signed ephemeral Diffie-Hellman over the paired binary frames. The machine
// proves its key with its org-signed machine record, the technician theirs with their
// org-signed certificate; checking those statements is the caller's (CheckCredential), so this
// file knows keys and bytes only. See docs/protocol.md#unattended-handshake.
//
//   host   -> viewer  0x11 e_h, machine id
//   viewer -> host    0x12 e_v, certificate, sig_technician(TH2)
//   host   -> viewer  0x13 machine record, sig_machine(TH3), confirm_host, stream header
//   viewer -> host    0x14 confirm_viewer, stream header
//
// TH2 hashes the relay's session id, both ephemerals, the machine id and the certificate; TH3
// adds the technician's signature and the machine record. The channel keys come from
// X25519(e_h, e_v) keyed over TH3 and go through the attended key schedule
// (DeriveChannelKeys), so the channel that follows is the same. Not thread-safe.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/handshake.h"
#include "crypto/identity.h"

namespace telemaint::crypto {

inline constexpr uint8_t kMsgUnattendedHost = 0x11;
inline constexpr uint8_t kMsgUnattendedViewer = 0x12;
inline constexpr uint8_t kMsgUnattendedRecord = 0x13;
inline constexpr uint8_t kMsgUnattendedConfirm = 0x14;
inline constexpr size_t kMachineIdBytes = 16;
inline constexpr size_t kMaxCredentialBytes = 4096;  // a certificate or a machine record

class UnattendedHandshake : public KeyExchange {
 public:
  enum class Role { kHost, kViewer };
  // Checks the peer's credential (for the host: a technician certificate; for the viewer: a
  // machine record, which must be the machine `machine_id` the host named) and returns the
  // public key that must sign the transcript, or Status::AuthFailed with a sentence.
  using CheckCredential =
      std::function<Result<Bytes>(std::string_view credential, ByteView machine_id)>;

  // `key` and `credential` are ours and must outlive the handshake. `machine_id` is the
  // host's own, or the one the viewer asked for (raw kMachineIdBytes), or for a viewer that
  // asked by name, empty: the host's first message names it and CheckCredential judges.
  // `sid`: the relay's session id.
  static Result<UnattendedHandshake> Create(Role role, ByteView sid, ByteView machine_id,
                                            const SigningKey& key, std::string credential,
                                            CheckCredential check_peer);

  Bytes Start() override;
  Result<Step> OnMessage(ByteView message) override;
  ChannelSender TakeSender() override { return std::move(*sender_); }
  ChannelReceiver TakeReceiver() override { return std::move(*receiver_); }
  const Bytes& channel_binding() const override { return binding_; }
  size_t max_message() const override;
  bool from_session_code() const override { return false; }
  // The peer's credential once it checked out (for the session's records).
  const std::string& peer_credential() const { return peer_credential_; }
  // The peer's signing key once its credential checked out.
  const Bytes& peer_key() const { return peer_key_; }

 private:
  UnattendedHandshake() = default;
  Result<Step> ViewerOnHost(ByteView body);
  Result<Step> HostOnViewer(ByteView body);
  Result<Step> ViewerOnRecord(ByteView body);
  Result<Step> HostOnConfirm(ByteView body);
  Status DeriveKeys(ByteView peer_ephemeral, ByteView th3);
  Status AcceptConfirmation(ByteView tag, ByteView header, bool from_host);
  Status CheckPeer(std::string_view credential, ByteView statement, ByteView signature);

  Role role_ = Role::kHost;
  Bytes sid_, machine_id_;
  const SigningKey* key_ = nullptr;
  std::string credential_;
  CheckCredential check_peer_;
  SecretBytes ephemeral_secret_;
  Bytes ephemeral_public_, peer_ephemeral_;
  Bytes th2_, technician_signature_;
  std::optional<ChannelKeys> keys_;
  Bytes binding_;
  std::string peer_credential_;
  Bytes peer_key_;
  std::optional<ChannelSender> sender_;
  std::optional<ChannelReceiver> receiver_;
  int expected_ = 0;
};

}  // namespace telemaint::crypto
