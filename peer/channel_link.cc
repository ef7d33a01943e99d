#include "peer/channel_link.h"

#include <nlohmann/json.hpp>

#include "common/log.h"
#include "common/wire.h"

namespace telemaint::peer {

using namespace net;

Ending EndingFromRelayText(const std::string& text) {
  auto decoded = wire::Decode(text);
  if (decoded.ok()) {
    if (auto* gone = std::get_if<wire::PeerGone>(&*decoded))
      return {Ending::Kind::kPeerClosed, gone->reason,
              gone->message.empty() ? "the other side left" : gone->message};
    if (auto* err = std::get_if<wire::Error>(&*decoded))
      return {Ending::Kind::kRelayLost, err->code, err->message};
  }
  return {Ending::Kind::kProtocol, "protocol", "the relay sent an unexpected message"};
}

namespace {

Ending RelayDropped(const error_code& ec) {
  return {Ending::Kind::kRelayLost, "relay_lost",
          "the connection to the relay was lost (" + ec.message() + ")"};
}

}  // namespace

asio::awaitable<std::variant<Channel, Ending>> RunHandshake(WsConnection& ws,
                                                            crypto::Handshake& handshake,
                                                            std::chrono::seconds timeout) {
  auto conn = ws.shared_from_this();
  auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, timeout);
  auto timed_out = std::make_shared<bool>(false);
  timer->async_wait([conn, timed_out](error_code ec) {
    if (ec) return;
    *timed_out = true;
    conn->Abort();
  });
  struct CancelTimer {
    std::shared_ptr<asio::steady_timer> t;
    ~CancelTimer() { t->cancel(); }
  } cancel{timer};

  if (Bytes first = handshake.Start(); !first.empty()) {
    Frame out{false, std::string(AsChars(first))};
    co_await ws.Send(std::move(out));
  }
  while (true) {
    error_code ec;
    auto frame = co_await ws.Receive(ec);
    if (!frame) {
      if (*timed_out)
        co_return Ending{Ending::Kind::kTimeout, "timeout",
                         "the other side did not complete the secure handshake in time"};
      co_return RelayDropped(ec);
    }
    if (frame->text) co_return EndingFromRelayText(frame->data);
    auto step = handshake.OnMessage(AsBytes(frame->data));
    if (!step.ok()) {
      if (step.status().code() == Status::Code::kAuthFailed)
        co_return Ending{Ending::Kind::kWrongCode, "pake_failed", step.status().message()};
      co_return Ending{Ending::Kind::kProtocol, "protocol", step.status().message()};
    }
    if (!step->reply.empty()) {
      Frame out{false, std::string(AsChars(step->reply))};
      co_await ws.Send(std::move(out));
    }
    if (step->done)
      co_return Channel{handshake.TakeSender(), handshake.TakeReceiver(),
                        handshake.channel_binding()};
  }
}

Tunnel::Tunnel(std::shared_ptr<WsConnection> ws, Channel channel, std::string close_reason)
    : ws_(std::move(ws)), ch_(std::move(channel)), close_reason_(std::move(close_reason)) {}

void Tunnel::Finish(Ending ending) {
  if (ending_) return;
  ending_ = std::move(ending);
  done_->Set();
}

asio::awaitable<Ending> Tunnel::Run(const OpenLocal& open_local,
                                   const std::function<void()>& cancel_local) {
  auto ex = co_await asio::this_coro::executor;
  local_attached_ = std::make_unique<AsyncEvent>(ex);
  local_to_channel_done_ = std::make_unique<AsyncEvent>(ex);
  done_ = std::make_unique<AsyncEvent>(ex);
  tasks_done_ = std::make_unique<AsyncEvent>(ex);
  auto on_task_end = [this](std::exception_ptr e) {
    if (e) Finish({Ending::Kind::kProtocol, "internal", "internal error in the tunnel"});
    if (--tasks_running_ == 0) tasks_done_->Set();
  };
  ++tasks_running_;
  co_spawn(ex, ChannelToLocal(), on_task_end);

  // Opening the local stream races with the peer ending the session.
  bool opening = true;
  ++tasks_running_;
  co_spawn(ex, [&]() -> asio::awaitable<void> {
    auto local = co_await open_local();
    opening = false;
    if (ending_) co_return;
    if (!local) {
      Finish({Ending::Kind::kLocalClosed, close_reason_ == "host_closed" ? "vnc_unavailable"
                                                                          : "local_unavailable",
              "the local VNC connection could not be opened"});
      co_return;
    }
    local_ = std::move(*local);
    error_code ec;
    local_->set_option(tcp::no_delay(true), ec);
    // Hand over what arrived before the local stream existed (the RFB greeting); frames that
    // come meanwhile keep queueing behind it, so the order is kept.
    while (!pending_.empty() && !ending_) {
      co_await asio::async_write(*local_, asio::buffer(pending_.front()), Nothrow(ec));
      pending_bytes_ -= pending_.front().size() + kPendingEntryOverhead;
      pending_.pop_front();
      if (ec) {
        Finish({Ending::Kind::kLocalClosed, close_reason_, "the local VNC connection closed"});
        co_return;
      }
    }
    if (ending_) co_return;
    local_ready_ = true;
    local_attached_->Set();
    local_to_channel_started_ = true;
    ++tasks_running_;
    co_spawn(ex, LocalToChannel(), on_task_end);
  }, on_task_end);

  co_await done_->Wait();
  Ending ending = *ending_;
  if (opening && cancel_local) cancel_local();
  switch (ending.kind) {
    case Ending::Kind::kLocalClosed:
      // The final message must follow any message LocalToChannel already sealed.
      if (local_) {
        error_code ignored;
        local_->cancel(ignored);
      }
      if (local_to_channel_started_) {
        // Bounded: a relay that stopped taking data cannot hold the ending here.
        asio::steady_timer bound(ex, std::chrono::seconds(5));
        bound.async_wait([e = local_to_channel_done_.get()](error_code ec) {
          if (!ec) e->Set();
        });
        co_await local_to_channel_done_->Wait();
        bound.cancel();
      }
      co_await SendFinal(ending.reason);
      SendReceipt(ending);  // before the abort: the relay records it in the session
      // The reason, so the relay's audit log says how it ended (declined, stopped...): the
      // relay already learns as much from the consent reports.
      ws_->SendText(wire::Encode(wire::Abort{ending.reason.empty() ? close_reason_ : ending.reason}));
      break;
    case Ending::Kind::kIntegrity:
    case Ending::Kind::kProtocol:
      SendReceipt(ending);
      ws_->SendText(wire::Encode(wire::Abort{ending.kind == Ending::Kind::kIntegrity ? "integrity"
                                                                                     : "protocol"}));
      break;
    default:
      SendReceipt(ending);  // the other side ended: the relay waits a moment for it
      break;
  }
  ws_->CloseAfterFlush(websocket::close_code::normal);
  local_attached_->Set();  // releases ChannelToLocal if it paused for the local stream
  if (local_) {
    error_code ignored;
    local_->shutdown(tcp::socket::shutdown_both, ignored);
    local_->close(ignored);
  }
  // Both tasks end once the socket and the WebSocket are closed.
  auto guard = std::make_shared<asio::steady_timer>(ex, std::chrono::seconds(5));
  guard->async_wait([ws = ws_](error_code ec) {
    if (!ec) ws->Abort();
  });
  co_await tasks_done_->Wait();
  guard->cancel();
  co_return ending;
}

asio::awaitable<void> Tunnel::SendFinal(const std::string& reason) {
  nlohmann::json j{{"type", "close"}, {"reason", reason}};
  std::string payload(1, static_cast<char>(kInnerControl));
  payload += j.dump();
  auto sealed = ch_.tx.Seal(AsBytes(payload), /*final=*/true);
  if (!sealed.ok()) co_return;
  final_sent_ = true;
  ws_->SendNow(Frame{false, std::string(AsChars(*sealed))});
  co_return;
}

void Tunnel::SendReceipt(const Ending& ending) {
  if (!make_receipt_ || ws_->closed()) return;
  auto receipt = make_receipt_(ending);
  if (!receipt) return;
  ws_->SendText(wire::Encode(wire::Receipt{receipt->first, ToHex(receipt->second)}));
}

void Tunnel::End(const std::string& reason, const std::string& message) {
  if (!ending_) Finish({Ending::Kind::kLocalClosed, reason, message});
}

bool Tunnel::SendSessionMessage(const nlohmann::json& message) {
  if (ending_ || final_sent_ || ws_->closed()) return false;
  std::string payload(1, static_cast<char>(kInnerControl));
  payload += message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (payload.size() - 1 > kMaxSessionMessage) return false;
  auto sealed = ch_.tx.Seal(AsBytes(payload));
  if (!sealed.ok()) return false;
  // Sealed and queued with no suspension in between: the stream's order is the queue's.
  ws_->SendNow(Frame{false, std::string(AsChars(*sealed))});
  return true;
}

asio::awaitable<void> Tunnel::LocalToChannel() {
  struct Done {
    AsyncEvent& e;
    ~Done() { e.Set(); }
  } done{*local_to_channel_done_};
  std::vector<uint8_t> buf(1 + kMaxChunk);
  buf[0] = kInnerData;
  while (!ending_) {
    error_code ec;
    size_t n = co_await local_->async_read_some(asio::buffer(buf.data() + 1, kMaxChunk),
                                                Nothrow(ec));
    if (ec || ending_) {
      if (!ending_)
        Finish({Ending::Kind::kLocalClosed, close_reason_,
                ec == asio::error::eof ? "the local VNC connection closed"
                                       : "the local VNC connection failed: " + ec.message()});
      co_return;
    }
    // Room first, then seal and queue with no suspension between: a session message sealed
    // meanwhile cannot overtake this one in the queue.
    if (!co_await ws_->WaitForRoom(n + 1 + crypto::kStreamOverheadBytes)) {
      Finish({Ending::Kind::kRelayLost, "relay_lost", "the connection to the relay was lost"});
      co_return;
    }
    if (ending_) co_return;
    auto sealed = ch_.tx.Seal(ByteView(buf.data(), n + 1));
    if (!sealed.ok()) co_return;
    bytes_out_ += n;
    ws_->SendNow(Frame{false, std::string(AsChars(*sealed))});
  }
}

asio::awaitable<void> Tunnel::ChannelToLocal() {
  const std::string who = close_reason_ == "host_closed" ? "the technician" : "the customer's side";
  while (!ending_) {
    error_code ec;
    auto frame = co_await ws_->Receive(ec);
    if (!frame) {
      Finish(RelayDropped(ec));
      co_return;
    }
    if (frame->text) {
      Finish(EndingFromRelayText(frame->data));
      co_return;
    }
    auto opened = ch_.rx.Open(AsBytes(frame->data));
    if (!opened.ok()) {
      log::Warn("end-to-end channel: ", opened.status().message());
      Finish({Ending::Kind::kIntegrity, "integrity", opened.status().message()});
      co_return;
    }
    const Bytes& p = opened->plaintext;
    if (p.empty()) {
      Finish({Ending::Kind::kProtocol, "protocol", "empty message from the other side"});
      co_return;
    }
    if (p[0] == kInnerControl) {
      // Untrusted JSON: every field is type-checked; nothing here may throw.
      auto j = nlohmann::json::parse(p.begin() + 1, p.end(), nullptr, false);
      std::string type, reason = "closed";
      if (j.is_object()) {
        if (auto t = j.find("type"); t != j.end() && t->is_string()) type = t->get<std::string>();
        if (auto r = j.find("reason"); r != j.end() && r->is_string())
          reason = r->get<std::string>().substr(0, 64);
      }
      if (type == "close" || opened->final) {
        Finish({Ending::Kind::kPeerClosed, reason,
                who + " ended the session (" + log::Printable(reason) + ")"});
        co_return;
      }
      // Session messages; unknown types belong to later versions and are ignored.
      if (!type.empty() && p.size() - 1 <= kMaxSessionMessage && on_session_message_)
        on_session_message_(j);
      continue;
    }
    if (p[0] == kInnerData) {
      if (p.size() == 1) {  // empty: nothing to carry, and a cheap way to pile up entries
        Finish({Ending::Kind::kProtocol, "protocol", "empty data message from the other side"});
        co_return;
      }
      bytes_in_ += p.size() - 1;
      if (!local_ready_) {
        pending_.emplace_back(reinterpret_cast<const char*>(p.data()) + 1, p.size() - 1);
        pending_bytes_ += p.size() - 1 + kPendingEntryOverhead;
      } else {
        co_await asio::async_write(*local_, asio::buffer(p.data() + 1, p.size() - 1),
                                   Nothrow(ec));
        if (ec) {
          Finish({Ending::Kind::kLocalClosed, close_reason_, "the local VNC connection closed"});
          co_return;
        }
      }
    }
    if (opened->final) {
      Finish({Ending::Kind::kPeerClosed, "closed", who + " ended the session"});
      co_return;
    }
    if (!local_ready_ && pending_bytes_ >= kMaxPendingBeforeAttach)
      co_await local_attached_->Wait();
  }
}

}  // namespace telemaint::peer
