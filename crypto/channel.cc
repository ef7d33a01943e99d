#include "crypto/channel.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <new>

namespace telemaint::crypto {

struct ChannelSender::State {
  crypto_secretstream_xchacha20poly1305_state st;
  ~State() { sodium_memzero(&st, sizeof st); }
};
struct ChannelReceiver::State {
  crypto_secretstream_xchacha20poly1305_state st;
  ~State() { sodium_memzero(&st, sizeof st); }
};

namespace {
// Stream states hold the session key for the whole session: guarded, locked, wiped memory.
template <typename T>
T* NewLocked() {
  Init();
  void* p = sodium_malloc(sizeof(T));
  if (!p) {
    std::fprintf(stderr, "fatal: cannot allocate locked memory for a channel\n");
    std::abort();
  }
  return new (p) T();
}
template <typename T>
void FreeLocked(T* s) {
  if (!s) return;
  s->~T();
  sodium_free(s);
}
}  // namespace

void ChannelSender::StateDeleter::operator()(State* s) const { FreeLocked(s); }
void ChannelReceiver::StateDeleter::operator()(State* s) const { FreeLocked(s); }

static_assert(kStreamHeaderBytes == crypto_secretstream_xchacha20poly1305_HEADERBYTES);
static_assert(kStreamOverheadBytes == crypto_secretstream_xchacha20poly1305_ABYTES);

ChannelSender::ChannelSender(const SecretBytes& key)
    : state_(NewLocked<State>()), header_(kStreamHeaderBytes) {
  Init();
  crypto_secretstream_xchacha20poly1305_init_push(&state_->st, header_.data(), key.data());
}
ChannelSender::~ChannelSender() = default;
ChannelSender::ChannelSender(ChannelSender&&) noexcept = default;
ChannelSender& ChannelSender::operator=(ChannelSender&&) noexcept = default;

Result<Bytes> ChannelSender::Seal(ByteView plaintext, bool final) {
  if (finished_) return Status::Internal("the channel was already closed");
  Bytes out(plaintext.size() + kStreamOverheadBytes);
  unsigned char tag = final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  crypto_secretstream_xchacha20poly1305_push(&state_->st, out.data(), nullptr, plaintext.data(),
                                             plaintext.size(), nullptr, 0, tag);
  finished_ = final;
  return out;
}

ChannelReceiver::ChannelReceiver() : state_(NewLocked<ChannelReceiver::State>()) {}
ChannelReceiver::~ChannelReceiver() = default;
ChannelReceiver::ChannelReceiver(ChannelReceiver&&) noexcept = default;
ChannelReceiver& ChannelReceiver::operator=(ChannelReceiver&&) noexcept = default;

Result<ChannelReceiver> ChannelReceiver::Create(const SecretBytes& key, ByteView header) {
  Init();
  if (header.size() != kStreamHeaderBytes || key.size() != 32)
    return Status::Protocol("the peer's channel header has the wrong length");
  ChannelReceiver r;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&r.state_->st, header.data(),
                                                      key.data()) != 0)
    return Status::Protocol("the peer's channel header is invalid");
  return r;
}

Result<ChannelReceiver::Opened> ChannelReceiver::Open(ByteView ciphertext) {
  if (broken_) return Status::Protocol("the channel is broken");
  if (finished_) return Status::Protocol("data arrived after the peer closed the channel");
  if (ciphertext.size() < kStreamOverheadBytes) {
    broken_ = true;
    return Status::Protocol("an encrypted message is too short");
  }
  Opened out;
  out.plaintext.resize(ciphertext.size() - kStreamOverheadBytes);
  unsigned long long len = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(&state_->st, out.plaintext.data(), &len, &tag,
                                                 ciphertext.data(), ciphertext.size(), nullptr,
                                                 0) != 0) {
    broken_ = true;  // once one message fails, the stream state cannot be trusted
    return Status::AuthFailed(
        "an encrypted message failed authentication (altered, replayed, reordered or lost)");
  }
  out.plaintext.resize(len);
  out.final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  finished_ = out.final;
  return out;
}

}  // namespace telemaint::crypto
