#include "net/ws_connection.h"

#include "common/log.h"

namespace telemaint::net {

void SetStreamOptions(WsStream& ws, std::chrono::seconds handshake_timeout,
                      std::chrono::seconds idle_timeout) {
  websocket::stream_base::timeout t{};
  t.handshake_timeout = handshake_timeout;
  t.idle_timeout = idle_timeout;
  t.keep_alive_pings = true;
  ws.set_option(t);
  websocket::permessage_deflate pmd;
  pmd.client_enable = false;
  pmd.server_enable = false;
  ws.set_option(pmd);
  ws.read_message_max(0);
  ws.write_buffer_bytes(65536);
}

WsConnection::WsConnection(WsStream stream, QueueLimits limits)
    : ws_(std::move(stream)),
      limits_(limits),
      queue_changed_(ws_.get_executor()),
      writer_done_(ws_.get_executor()),
      close_deadline_(ws_.get_executor()) {}

WsConnection::~WsConnection() = default;

void WsConnection::Start() {
  if (started_) return;
  started_ = true;
  asio::co_spawn(ws_.get_executor(), [self = shared_from_this()]() { return self->WriterLoop(); },
                 asio::detached);
}

bool WsConnection::HasRoom(size_t bytes) const {
  if (queue_.empty()) return true;  // a single frame always fits, whatever its size
  return queue_.size() < limits_.max_frames && queued_bytes_ + bytes <= limits_.max_bytes;
}

asio::awaitable<bool> WsConnection::WaitForRoom(size_t bytes) {
  auto self = shared_from_this();
  while (!closed_ && !close_request_ && !HasRoom(bytes)) co_await queue_changed_.WaitNotified();
  co_return !closed_ && !close_request_;
}

void WsConnection::SendNow(Frame frame) {
  if (closed_ || close_request_) return;
  queued_bytes_ += frame.data.size();
  queue_.push_back(std::move(frame));
  queue_changed_.Notify();
}

asio::awaitable<bool> WsConnection::Send(Frame frame) {
  auto self = shared_from_this();
  if (!co_await WaitForRoom(frame.data.size())) co_return false;
  SendNow(std::move(frame));
  co_return true;
}

void WsConnection::SendText(std::string text) {
  if (closed_ || close_request_) return;
  queued_bytes_ += text.size();
  queue_.push_back(Frame{true, std::move(text)});
  queue_changed_.Notify();
}

asio::awaitable<std::optional<Frame>> WsConnection::Receive(error_code& ec) {
  auto self = shared_from_this();
  read_buffer_.clear();
  // Read in pieces and enforce the limit here: Beast's own limit fails at the frame header,
  // and a later TLS teardown error can hide it, so the peer would never learn why.
  do {
    error_code err;
    co_await ws_.async_read_some(read_buffer_, 64 * 1024, Nothrow(err));
    if (err) {
      ec = err;
      co_return std::nullopt;
    }
    if (read_buffer_.size() > max_message_bytes_) {
      ec = websocket::error::message_too_big;
      read_buffer_.clear();
      co_return std::nullopt;
    }
  } while (!ws_.is_message_done());
  Frame f;
  f.text = ws_.got_text();
  f.data = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.clear();
  co_return f;
}

void WsConnection::CloseAfterFlush(websocket::close_code code, std::string reason) {
  if (closed_ || close_request_) return;
  close_request_.emplace(code, std::move(reason));
  queue_changed_.Notify();
  if (!started_) {
    Abort();
    return;
  }
  // Weak: a closed connection is freed at once, not kept alive by its own deadline.
  close_deadline_.expires_after(kCloseGrace);
  close_deadline_.async_wait([weak = weak_from_this()](error_code ec) {
    auto self = weak.lock();
    if (!ec && self && !self->closed_) {
      log::Info("peer did not take its last messages in time; closing the socket");
      self->Abort();
    }
  });
}

void WsConnection::Abort() {
  error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  MarkClosed();
}

void WsConnection::MarkClosed() {
  if (closed_) return;
  closed_ = true;
  queue_changed_.Notify();
  if (!started_) writer_done_.Set();
}

asio::awaitable<void> WsConnection::WaitClosed() {
  auto self = shared_from_this();
  co_await writer_done_.Wait();
}

asio::awaitable<void> WsConnection::WriterLoop() {
  auto self = shared_from_this();
  while (!closed_) {
    if (queue_.empty()) {
      if (close_request_) {
        // Bounded by the stream's handshake timeout; a dead peer cannot hold us here.
        websocket::close_reason cr(close_request_->first);
        cr.reason = close_request_->second.substr(0, 120);
        error_code ignored;
        co_await ws_.async_close(cr, Nothrow(ignored));
        break;
      }
      co_await queue_changed_.WaitNotified();
      continue;
    }
    Frame& f = queue_.front();
    ws_.text(f.text);
    error_code ec;
    co_await ws_.async_write(asio::buffer(f.data), Nothrow(ec));
    queued_bytes_ -= f.data.size();
    queue_.pop_front();
    queue_changed_.Notify();
    if (ec) break;
  }
  queue_.clear();
  queued_bytes_ = 0;
  error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  closed_ = true;
  queue_changed_.Notify();
  close_deadline_.cancel();
  writer_done_.Set();
}

}  // namespace telemaint::net
