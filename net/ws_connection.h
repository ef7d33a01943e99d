#pragma once
// WsConnection: one TLS WebSocket with a bounded outbound queue and a single writer coroutine.
// Send() waits while the queue is full, so a slow receiver back-pressures whoever feeds it
// instead of growing memory. Used by the relay and by both peers.
// Thread-safety: all calls on the io_context's single thread. Owned by shared_ptr; the writer
// coroutine keeps it alive until closed.
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "common/wire.h"
#include "net/net.h"

namespace telemaint::net {

struct Frame {
  bool text = false;
  std::string data;
};

inline constexpr std::chrono::seconds kCloseGrace{10};

struct QueueLimits {
  size_t max_frames = 16;
  size_t max_bytes = 2u << 20;
};

// The options every telemaint WebSocket uses, client or server: the handshake deadline, pings
// that drop a silent peer after `idle_timeout`, no permessage-deflate (ciphertext does not
// compress), and no Beast message limit (WsConnection enforces its own).
void SetStreamOptions(WsStream& ws, std::chrono::seconds handshake_timeout,
                      std::chrono::seconds idle_timeout);

class WsConnection : public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(WsStream stream, QueueLimits limits);
  ~WsConnection();

  WsStream& ws() { return ws_; }
  // Starts the writer. Call once, after the WebSocket handshake.
  void Start();

  // Queues a frame, waiting while the queue is full. false: the connection is closed.
  asio::awaitable<bool> Send(Frame frame);
  // Queues a small control message without waiting (control traffic is rare and tiny).
  void SendText(std::string text);
  // Waits until a frame of `bytes` fits; false: the connection is closed. Followed at once
  // (no co_await in between) by SendNow, frames sealed in order are queued in order.
  asio::awaitable<bool> WaitForRoom(size_t bytes);
  // Queues a frame without waiting.
  void SendNow(Frame frame);
  // Reads the next message; nullopt with ec set on error or close. A message over the limit
  // fails with websocket::error::message_too_big; at most the limit plus one 64 KiB piece is
  // buffered.
  asio::awaitable<std::optional<Frame>> Receive(error_code& ec);

  // Sends what is queued, then a close frame with this reason. A peer that does not read has
  // kCloseGrace to take it; then the socket is closed anyway, so no connection lingers.
  void CloseAfterFlush(websocket::close_code code, std::string reason = {});
  // Closes the socket now, cancelling everything pending.
  void Abort();
  asio::awaitable<void> WaitClosed();

  void set_max_message_bytes(size_t n) { max_message_bytes_ = n; }
  bool closed() const { return closed_; }
  size_t queued_bytes() const { return queued_bytes_; }

 private:
  asio::awaitable<void> WriterLoop();
  bool HasRoom(size_t bytes) const;
  void MarkClosed();

  WsStream ws_;
  QueueLimits limits_;
  std::deque<Frame> queue_;
  size_t queued_bytes_ = 0;
  beast::flat_buffer read_buffer_;
  AsyncEvent queue_changed_;  // producers and the writer wait on it
  AsyncEvent writer_done_;
  asio::steady_timer close_deadline_;
  std::optional<std::pair<websocket::close_code, std::string>> close_request_;
  bool closed_ = false;
  bool started_ = false;
  size_t max_message_bytes_ = wire::kMaxDataFrameBytes;
};

}  // namespace telemaint::net
