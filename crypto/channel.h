#pragma once
// The end-to-end channel after CPace: two crypto_secretstream_xchacha20poly1305 streams, one per
// direction. Each sealed message is one WebSocket binary frame; the stream's implicit counter
// makes a flipped, replayed, reordered or dropped frame fail to open, and TAG_FINAL marks an
// orderly close so truncation is detected. See docs/protocol.md#channel.
// Not thread-safe: one owner per direction.
#include <memory>

#include "common/bytes.h"
#include "common/status.h"
#include "crypto/secret.h"

namespace telemaint::crypto {

inline constexpr size_t kStreamHeaderBytes = 24;
inline constexpr size_t kStreamOverheadBytes = 17;  // ABYTES

class ChannelSender {
 public:
  // Starts a stream under a 32-byte key; header() must reach the peer before any message.
  explicit ChannelSender(const SecretBytes& key);
  ~ChannelSender();
  ChannelSender(ChannelSender&&) noexcept;
  ChannelSender& operator=(ChannelSender&&) noexcept;

  const Bytes& header() const { return header_; }
  // Seals one message. After a final message nothing more can be sealed.
  Result<Bytes> Seal(ByteView plaintext, bool final = false);
  bool finished() const { return finished_; }

 private:
  struct State;
  struct StateDeleter {
    void operator()(State* s) const;
  };
  std::unique_ptr<State, StateDeleter> state_;  // holds the stream key: locked memory
  Bytes header_;
  bool finished_ = false;
};

class ChannelReceiver {
 public:
  static Result<ChannelReceiver> Create(const SecretBytes& key, ByteView header);
  ~ChannelReceiver();
  ChannelReceiver(ChannelReceiver&&) noexcept;
  ChannelReceiver& operator=(ChannelReceiver&&) noexcept;

  struct Opened {
    Bytes plaintext;
    bool final = false;
  };
  // Opens the next message; any tampering, replay, reordering or loss is an error, and so is
  // anything after the final message.
  Result<Opened> Open(ByteView ciphertext);
  bool finished() const { return finished_; }

 private:
  ChannelReceiver();
  struct State;
  struct StateDeleter {
    void operator()(State* s) const;
  };
  std::unique_ptr<State, StateDeleter> state_;  // holds the stream key: locked memory
  bool finished_ = false;
  bool broken_ = false;
};

}  // namespace telemaint::crypto
