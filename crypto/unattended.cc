#include "crypto/unattended.h"

#include <sodium.h>

#include "common/byte_reader.h"
#include "crypto/digest.h"
#include "crypto/random.h"

namespace telemaint::crypto {
namespace {

constexpr std::string_view kTranscriptLabel = "telemaint/v1 unattended transcript";
constexpr std::string_view kViewerSignLabel = "telemaint/v1 unattended viewer";
constexpr std::string_view kHostSignLabel = "telemaint/v1 unattended host";
constexpr std::string_view kKeysLabel = "telemaint/v1 unattended keys";
constexpr size_t kX25519Bytes = crypto_scalarmult_BYTES;

// Each piece with its length first, so no two transcripts hash the same bytes.
Bytes TranscriptHash(std::initializer_list<ByteView> pieces) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(kTranscriptLabel.data()),
                            kTranscriptLabel.size());
  for (ByteView piece : pieces) {
    uint8_t length[4] = {static_cast<uint8_t>(piece.size() >> 24),
                         static_cast<uint8_t>(piece.size() >> 16),
                         static_cast<uint8_t>(piece.size() >> 8),
                         static_cast<uint8_t>(piece.size())};
    crypto_generichash_update(&state, length, sizeof length);
    crypto_generichash_update(&state, piece.data(), piece.size());
  }
  Bytes out(32);
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

Bytes SignedText(std::string_view label, ByteView transcript) {
  Bytes out(label.begin(), label.end());
  out.push_back(0);
  Append(out, transcript);
  return out;
}

void AppendCredential(Bytes& out, std::string_view credential) {
  out.push_back(static_cast<uint8_t>(credential.size() >> 8));
  out.push_back(static_cast<uint8_t>(credential.size()));
  Append(out, AsBytes(credential));
}

bool ReadCredential(ByteReader& r, std::string_view& out) {
  uint8_t hi = 0, lo = 0;
  ByteView text;
  if (!r.ReadU8(hi) || !r.ReadU8(lo)) return false;
  size_t n = (size_t{hi} << 8) | lo;
  if (n == 0 || n > kMaxCredentialBytes || !r.ReadView(n, text)) return false;
  out = AsChars(text);
  return true;
}

Status Tampered(std::string what) {
  return Status::AuthFailed(what + " — the session was not started (someone between the two "
                                   "ends may have altered it)");
}

}  // namespace

Result<UnattendedHandshake> UnattendedHandshake::Create(Role role, ByteView sid,
                                                        ByteView machine_id,
                                                        const SigningKey& key,
                                                        std::string credential,
                                                        CheckCredential check_peer) {
  Init();
  const bool learns_id = role == Role::kViewer && machine_id.empty();
  if ((machine_id.size() != kMachineIdBytes && !learns_id) || sid.empty() || credential.empty() ||
      credential.size() > kMaxCredentialBytes || !check_peer)
    return Status::InvalidInput("invalid unattended handshake parameters");
  UnattendedHandshake h;
  h.role_ = role;
  h.sid_.assign(sid.begin(), sid.end());
  h.machine_id_.assign(machine_id.begin(), machine_id.end());
  h.key_ = &key;
  h.credential_ = std::move(credential);
  h.check_peer_ = std::move(check_peer);
  h.ephemeral_secret_ = SecretBytes(crypto_scalarmult_SCALARBYTES);
  RandomBytes(h.ephemeral_secret_.span());
  h.ephemeral_public_.resize(kX25519Bytes);
  crypto_scalarmult_base(h.ephemeral_public_.data(), h.ephemeral_secret_.data());
  h.expected_ = role == Role::kHost ? kMsgUnattendedViewer : kMsgUnattendedHost;
  return h;
}

size_t UnattendedHandshake::max_message() const {
  return 1 + kX25519Bytes + 2 + kMaxCredentialBytes + kSignatureBytes + kConfirmTagBytes +
         kStreamHeaderBytes;
}

Bytes UnattendedHandshake::Start() {
  if (role_ != Role::kHost) return {};
  Bytes m{kMsgUnattendedHost};
  Append(m, ephemeral_public_);
  Append(m, machine_id_);
  return m;
}

Result<KeyExchange::Step> UnattendedHandshake::OnMessage(ByteView message) {
  ByteReader r(message);
  uint8_t type = 0;
  if (message.size() > max_message() || !r.ReadU8(type) || type != expected_)
    return Status::Protocol("unexpected handshake message from the peer");
  expected_ = -1;  // each message is accepted once
  ByteView body = message.subspan(1);
  switch (type) {
    case kMsgUnattendedHost: return ViewerOnHost(body);
    case kMsgUnattendedViewer: return HostOnViewer(body);
    case kMsgUnattendedRecord: return ViewerOnRecord(body);
    default: return HostOnConfirm(body);
  }
}

// Checks a credential and the signature its key made over `statement`.
Status UnattendedHandshake::CheckPeer(std::string_view credential, ByteView statement,
                                      ByteView signature) {
  auto key = check_peer_(credential, machine_id_);
  if (!key.ok()) return key.status();
  if (!VerifySignature(*key, statement, signature))
    return Tampered(role_ == Role::kHost ? "the technician's signature does not check out"
                                         : "the machine's signature does not check out");
  peer_key_ = std::move(key).value();
  peer_credential_ = std::string(credential);
  return Status::Ok();
}

Result<KeyExchange::Step> UnattendedHandshake::ViewerOnHost(ByteView body) {
  ByteReader r(body);
  ByteView e_h, machine_id;
  if (!r.ReadView(kX25519Bytes, e_h) || !r.ReadView(kMachineIdBytes, machine_id) || !r.empty())
    return Status::Protocol("malformed unattended handshake message");
  if (machine_id_.empty()) machine_id_.assign(machine_id.begin(), machine_id.end());
  if (!EqualInConstantTime(machine_id, machine_id_))
    return Tampered("the relay connected you to another machine than the one you asked for");
  peer_ephemeral_.assign(e_h.begin(), e_h.end());
  th2_ = TranscriptHash({sid_, peer_ephemeral_, machine_id_, ephemeral_public_,
                         AsBytes(credential_)});
  technician_signature_ = key_->Sign(SignedText(kViewerSignLabel, th2_));
  Step step;
  step.reply = {kMsgUnattendedViewer};
  Append(step.reply, ephemeral_public_);
  AppendCredential(step.reply, credential_);
  Append(step.reply, technician_signature_);
  expected_ = kMsgUnattendedRecord;
  return step;
}

Result<KeyExchange::Step> UnattendedHandshake::HostOnViewer(ByteView body) {
  ByteReader r(body);
  ByteView e_v, signature;
  std::string_view certificate;
  if (!r.ReadView(kX25519Bytes, e_v) || !ReadCredential(r, certificate) ||
      !r.ReadView(kSignatureBytes, signature) || !r.empty())
    return Status::Protocol("malformed unattended handshake message");
  peer_ephemeral_.assign(e_v.begin(), e_v.end());
  th2_ = TranscriptHash({sid_, ephemeral_public_, machine_id_, peer_ephemeral_,
                         AsBytes(certificate)});
  if (Status s = CheckPeer(certificate, SignedText(kViewerSignLabel, th2_), signature); !s.ok())
    return s;
  technician_signature_.assign(signature.begin(), signature.end());
  Bytes th3 = TranscriptHash({th2_, technician_signature_, AsBytes(credential_)});
  if (Status s = DeriveKeys(peer_ephemeral_, th3); !s.ok()) return s;
  sender_.emplace(keys_->host_to_viewer);
  Step step;
  step.reply = {kMsgUnattendedRecord};
  AppendCredential(step.reply, credential_);
  Append(step.reply, key_->Sign(SignedText(kHostSignLabel, th3)));
  Append(step.reply, ConfirmationTag(*keys_, true));
  Append(step.reply, sender_->header());
  expected_ = kMsgUnattendedConfirm;
  return step;
}

Result<KeyExchange::Step> UnattendedHandshake::ViewerOnRecord(ByteView body) {
  ByteReader r(body);
  std::string_view record;
  ByteView signature, tag, header;
  if (!ReadCredential(r, record) || !r.ReadView(kSignatureBytes, signature) ||
      !r.ReadView(kConfirmTagBytes, tag) || !r.ReadView(kStreamHeaderBytes, header) ||
      !r.empty())
    return Status::Protocol("malformed unattended handshake message");
  Bytes th3 = TranscriptHash({th2_, technician_signature_, AsBytes(record)});
  if (Status s = CheckPeer(record, SignedText(kHostSignLabel, th3), signature); !s.ok()) return s;
  if (Status s = DeriveKeys(peer_ephemeral_, th3); !s.ok()) return s;
  if (Status s = AcceptConfirmation(tag, header, true); !s.ok()) return s;
  sender_.emplace(keys_->viewer_to_host);
  Step step;
  step.reply = {kMsgUnattendedConfirm};
  Append(step.reply, ConfirmationTag(*keys_, false));
  Append(step.reply, sender_->header());
  step.done = true;
  keys_.reset();
  return step;
}

Result<KeyExchange::Step> UnattendedHandshake::HostOnConfirm(ByteView body) {
  ByteReader r(body);
  ByteView tag, header;
  if (!r.ReadView(kConfirmTagBytes, tag) || !r.ReadView(kStreamHeaderBytes, header) ||
      !r.empty())
    return Status::Protocol("malformed unattended handshake message");
  if (Status s = AcceptConfirmation(tag, header, false); !s.ok()) return s;
  Step step;
  step.done = true;
  keys_.reset();
  return step;
}

// ISK = BLAKE2b-512 keyed with X25519(ours, theirs) over a label and TH3; then the attended
// key schedule. The ephemeral secret is wiped as soon as it has served.
Status UnattendedHandshake::DeriveKeys(ByteView peer_ephemeral, ByteView th3) {
  SecretBytes shared(kX25519Bytes);
  if (crypto_scalarmult(shared.data(), ephemeral_secret_.data(), peer_ephemeral.data()) != 0)
    return Tampered("the other side's key share is invalid");
  ephemeral_secret_ = SecretBytes();
  SecretBytes isk(64);
  crypto_generichash_state state;
  crypto_generichash_init(&state, shared.data(), shared.size(), isk.size());
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(kKeysLabel.data()),
                            kKeysLabel.size());
  crypto_generichash_update(&state, th3.data(), th3.size());
  crypto_generichash_final(&state, isk.data(), isk.size());
  keys_.emplace(DeriveChannelKeys(isk));
  binding_.assign(keys_->binding.data(), keys_->binding.data() + keys_->binding.size());
  return Status::Ok();
}

Status UnattendedHandshake::AcceptConfirmation(ByteView tag, ByteView header, bool from_host) {
  if (!CheckConfirmationTag(*keys_, from_host, tag))
    return Tampered("the key confirmation failed");
  auto receiver = ChannelReceiver::Create(from_host ? keys_->host_to_viewer
                                                    : keys_->viewer_to_host,
                                          header);
  if (!receiver.ok()) return receiver.status();
  receiver_.emplace(std::move(receiver).value());
  return Status::Ok();
}

}  // namespace telemaint::crypto
