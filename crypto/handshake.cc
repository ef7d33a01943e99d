#include "crypto/handshake.h"

#include <sodium.h>

#include "common/byte_reader.h"

namespace telemaint::crypto {
namespace {

constexpr std::string_view kProtocolLabel = "telemaint/v1";
constexpr std::string_view kKeyScheduleLabel = "telemaint/v1 channel keys";
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "tmchan01";
constexpr std::string_view kConfirmHostLabel = "telemaint/v1 confirm host";
constexpr std::string_view kConfirmViewerLabel = "telemaint/v1 confirm viewer";

enum KdfId : uint64_t {
  kConfirmHost = 1,
  kConfirmViewer = 2,
  kHostToViewer = 3,
  kViewerToHost = 4,
  kBinding = 5,
};

SecretBytes Subkey(const SecretBytes& prk, uint64_t id) {
  SecretBytes k(32);
  crypto_kdf_derive_from_key(k.data(), k.size(), id, kKdfContext, prk.data());
  return k;
}

Bytes ConfirmTag(const SecretBytes& key, std::string_view label) {
  Bytes tag(kConfirmTagBytes);
  crypto_auth_hmacsha256(tag.data(), reinterpret_cast<const uint8_t*>(label.data()),
                         label.size(), key.data());
  return tag;
}

bool CheckTag(const SecretBytes& key, std::string_view label, ByteView tag) {
  return tag.size() == kConfirmTagBytes &&
         crypto_auth_hmacsha256_verify(tag.data(), reinterpret_cast<const uint8_t*>(label.data()),
                                       label.size(), key.data()) == 0;
}

std::string_view ConfirmLabel(bool from_host) {
  return from_host ? kConfirmHostLabel : kConfirmViewerLabel;
}

Status WrongCode() {
  return Status::AuthFailed("the session code does not match (key confirmation failed)");
}

}  // namespace

Bytes ChannelIdentifier(std::string_view nameplate) {
  return CPaceLvCat({AsBytes(kProtocolLabel), AsBytes("host"), AsBytes("viewer"),
                     AsBytes(nameplate)});
}

ChannelKeys DeriveChannelKeys(const SecretBytes& isk) {
  Init();
  // ISK is 64 bytes; crypto_kdf wants a 32-byte master key: compress it with keyed BLAKE2b.
  SecretBytes prk(crypto_kdf_KEYBYTES);
  crypto_generichash(prk.data(), prk.size(),
                     reinterpret_cast<const uint8_t*>(kKeyScheduleLabel.data()),
                     kKeyScheduleLabel.size(), isk.data(), isk.size());
  return ChannelKeys{Subkey(prk, kConfirmHost), Subkey(prk, kConfirmViewer),
                     Subkey(prk, kHostToViewer), Subkey(prk, kViewerToHost),
                     Subkey(prk, kBinding)};
}

Bytes ConfirmationTag(const ChannelKeys& keys, bool from_host) {
  return ConfirmTag(from_host ? keys.confirm_host : keys.confirm_viewer, ConfirmLabel(from_host));
}

bool CheckConfirmationTag(const ChannelKeys& keys, bool from_host, ByteView tag) {
  return CheckTag(from_host ? keys.confirm_host : keys.confirm_viewer, ConfirmLabel(from_host),
                  tag);
}

Result<Handshake> Handshake::Create(Role role, std::string_view nameplate,
                                    const SecretBytes& secret_digits, ByteView sid) {
  auto cpace = CPace::Start(
      role == Role::kHost ? CPace::Role::kInitiator : CPace::Role::kResponder,
      secret_digits.view(), ChannelIdentifier(nameplate), sid, {});
  if (!cpace.ok()) return cpace.status();
  Handshake h;
  h.role_ = role;
  h.cpace_ = std::make_unique<CPace>(std::move(cpace).value());
  h.expected_ = role == Role::kHost ? kMsgShareViewer : kMsgShareHost;
  return h;
}

Bytes Handshake::Start() {
  if (role_ != Role::kHost) return {};
  Bytes m{kMsgShareHost};
  Append(m, cpace_->share());
  return m;
}

Result<Handshake::Step> Handshake::OnMessage(ByteView message) {
  ByteReader r(message);
  uint8_t type = 0;
  if (message.size() > kMaxHandshakeMessage || !r.ReadU8(type) || type != expected_)
    return Status::Protocol("unexpected handshake message from the peer");
  expected_ = -1;  // each message is accepted once; a later one is a protocol error
  ByteView body = message.subspan(1);
  switch (type) {
    case kMsgShareHost: return ViewerOnShare(body);
    case kMsgShareViewer: return HostOnShare(body);
    case kMsgConfirmHost: return ViewerOnConfirm(body);
    default: return HostOnConfirm(body);
  }
}

Result<Handshake::Step> Handshake::ViewerOnShare(ByteView body) {
  if (body.size() != kCPacePointBytes) return Status::Protocol("malformed key share");
  auto isk = cpace_->Finish(body, {});
  if (!isk.ok()) return isk.status();
  keys_ = std::make_unique<ChannelKeys>(DeriveChannelKeys(*isk));
  binding_.assign(keys_->binding.data(), keys_->binding.data() + keys_->binding.size());
  Step step;
  step.reply = {kMsgShareViewer};
  Append(step.reply, cpace_->share());  // no tag yet: the host proves the code first
  expected_ = kMsgConfirmHost;
  return step;
}

Result<Handshake::Step> Handshake::HostOnShare(ByteView body) {
  if (body.size() != kCPacePointBytes) return Status::Protocol("malformed key share");
  auto isk = cpace_->Finish(body, {});
  if (!isk.ok()) return isk.status();
  keys_ = std::make_unique<ChannelKeys>(DeriveChannelKeys(*isk));
  binding_.assign(keys_->binding.data(), keys_->binding.data() + keys_->binding.size());
  sender_.emplace(keys_->host_to_viewer);
  Step step;
  step.reply = {kMsgConfirmHost};
  Append(step.reply, ConfirmationTag(*keys_, true));
  Append(step.reply, sender_->header());
  confirmation_sent_ = true;
  expected_ = kMsgConfirmViewer;
  return step;
}

Status Handshake::AcceptConfirmation(ByteView body, bool from_host,
                                     const SecretBytes& stream_key) {
  ByteReader r(body);
  ByteView tag, header;
  if (!r.ReadView(kConfirmTagBytes, tag) || !r.ReadView(kStreamHeaderBytes, header) ||
      !r.empty())
    return Status::Protocol("malformed key confirmation");
  if (!CheckConfirmationTag(*keys_, from_host, tag)) return WrongCode();
  auto receiver = ChannelReceiver::Create(stream_key, header);
  if (!receiver.ok()) return receiver.status();
  receiver_.emplace(std::move(receiver).value());
  return Status::Ok();
}

Result<Handshake::Step> Handshake::ViewerOnConfirm(ByteView body) {
  Status accepted = AcceptConfirmation(body, true, keys_->host_to_viewer);
  if (!accepted.ok()) return accepted;
  sender_.emplace(keys_->viewer_to_host);
  Step step;
  step.reply = {kMsgConfirmViewer};
  Append(step.reply, ConfirmationTag(*keys_, false));
  Append(step.reply, sender_->header());
  step.done = true;
  keys_.reset();  // the streams hold their keys; the rest is no longer needed
  return step;
}

Result<Handshake::Step> Handshake::HostOnConfirm(ByteView body) {
  Status accepted = AcceptConfirmation(body, false, keys_->viewer_to_host);
  if (!accepted.ok()) return accepted;
  Step step;
  step.done = true;
  keys_.reset();
  return step;
}

}  // namespace telemaint::crypto
