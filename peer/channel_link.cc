#include "peer/channel_link.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/log.h"
#include "common/wire.h"
#include "common/sentences.h"
#include "peer/session_messages.h"

namespace telemaint::peer {

using namespace net;
using wire::EndReason;

Ending EndingFromRelayText(const std::string& text) {
  auto decoded = wire::Decode(text);
  if (decoded.ok()) {
    if (auto* gone = std::get_if<wire::PeerGone>(&*decoded))
      return {Ending::Kind::kPeerClosed, gone->reason,
              gone->message.empty() ? "the other side left" : gone->message};
    if (auto* err = std::get_if<wire::Error>(&*decoded))
      return {Ending::Kind::kRelayLost, wire::EndReasonForError(err->code), err->message};
  }
  return {Ending::Kind::kProtocol, EndReason::kProtocol, "the relay sent an unexpected message"};
}

namespace {

Ending RelayDropped(const error_code& ec) {
  return {Ending::Kind::kRelayLost, EndReason::kRelayLost,
          "the connection to the relay was lost (" + ec.message() + ")"};
}

Frame BinaryFrame(ByteView bytes) { return Frame{false, std::string(AsChars(bytes))}; }

}  // namespace

asio::awaitable<std::variant<Channel, Ending>> RunHandshake(WsConnection& ws,
                                                            crypto::KeyExchange& handshake,
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
    Frame out = BinaryFrame(first);  // named: see net/net.h on GCC 12
    co_await ws.Send(std::move(out));
  }
  while (true) {
    error_code ec;
    auto frame = co_await ws.Receive(ec);
    if (!frame) {
      if (*timed_out)
        co_return Ending{Ending::Kind::kTimeout, EndReason::kTimeout,
                         "the other side did not complete the secure handshake in time"};
      co_return RelayDropped(ec);
    }
    if (frame->text) co_return EndingFromRelayText(frame->data);
    auto step = handshake.OnMessage(AsBytes(frame->data));
    if (!step.ok()) {
      if (step.status().code() == Status::Code::kAuthFailed && handshake.from_session_code())
        co_return Ending{Ending::Kind::kWrongCode, EndReason::kPakeFailed,
                         step.status().message()};
      if (step.status().code() == Status::Code::kAuthFailed)
        co_return Ending{Ending::Kind::kNotAuthorised, EndReason::kNotAuthorised,
                         step.status().message()};
      co_return Ending{Ending::Kind::kProtocol, EndReason::kProtocol, step.status().message()};
    }
    if (!step->reply.empty()) {
      Frame out = BinaryFrame(step->reply);
      co_await ws.Send(std::move(out));
    }
    if (step->done)
      co_return Channel{handshake.TakeSender(), handshake.TakeReceiver(),
                        handshake.channel_binding()};
  }
}

Tunnel::Tunnel(std::shared_ptr<WsConnection> ws, Channel channel, wire::Party side)
    : ws_(std::move(ws)), ch_(std::move(channel)), side_(side) {}

void Tunnel::Finish(Ending ending) {
  if (ending_) return;
  ending_ = std::move(ending);
  done_->Set();
}

Ending Tunnel::LocalClosed(std::string message) const {
  return {Ending::Kind::kLocalClosed,
          side_ == wire::Party::kHost ? EndReason::kHostClosed : EndReason::kViewerClosed,
          std::move(message)};
}

void Tunnel::Spawn(asio::any_io_executor ex, asio::awaitable<void> task) {
  ++tasks_running_;
  co_spawn(ex, std::move(task), [this](std::exception_ptr e) {
    if (e) Finish({Ending::Kind::kProtocol, EndReason::kInternal, "internal error in the tunnel"});
    if (--tasks_running_ == 0) tasks_done_->Set();
  });
}

asio::awaitable<Ending> Tunnel::Run(OpenLocal open_local, CancelLocal cancel_local) {
  auto ex = co_await asio::this_coro::executor;
  local_attached_ = std::make_unique<AsyncEvent>(ex);
  local_to_channel_done_ = std::make_unique<AsyncEvent>(ex);
  done_ = std::make_unique<AsyncEvent>(ex);
  tasks_done_ = std::make_unique<AsyncEvent>(ex);
  Spawn(ex, ChannelToLocal());
  // Opening the local stream races with the peer ending the session. `open_local` lives in
  // this frame, which waits for every task (StopTasks).
  Spawn(ex, AttachLocal(open_local));

  co_await done_->Wait();
  Ending ending = *ending_;
  if (opening_ && cancel_local) cancel_local();
  co_await TellTheEnd(ending);
  ws_->CloseAfterFlush(websocket::close_code::normal);
  local_attached_->Set();  // releases ChannelToLocal if it paused for the local stream
  if (local_) {
    error_code ignored;
    local_->shutdown(tcp::socket::shutdown_both, ignored);
    local_->close(ignored);
  }
  co_await StopTasks();
  co_return ending;
}

asio::awaitable<void> Tunnel::AttachLocal(const OpenLocal& open_local) {
  opening_ = true;
  auto local = co_await open_local();
  opening_ = false;
  if (ending_) co_return;
  if (!local) {
    Finish({Ending::Kind::kLocalClosed,
            side_ == wire::Party::kHost ? EndReason::kVncUnavailable
                                        : EndReason::kLocalUnavailable,
            "the local VNC connection could not be opened"});
    co_return;
  }
  local_ = std::move(*local);
  error_code ec;
  local_->set_option(tcp::no_delay(true), ec);
  const bool handed_over = co_await HandOverPending();
  if (!handed_over || ending_) co_return;
  local_ready_ = true;
  local_attached_->Set();
  local_to_channel_started_ = true;
  Spawn(co_await asio::this_coro::executor, LocalToChannel());
}

// What arrived before the local stream existed (the RFB greeting) goes first; frames that come
// meanwhile keep queueing behind it, so the order is kept.
asio::awaitable<bool> Tunnel::HandOverPending() {
  while (!pending_.empty() && !ending_) {
    error_code ec;
    co_await asio::async_write(*local_, asio::buffer(pending_.front()), Nothrow(ec));
    pending_bytes_ -= pending_.front().size() + kPendingEntryOverhead;
    pending_.pop_front();
    if (ec) {
      Finish(LocalClosed("the local VNC connection closed"));
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<void> Tunnel::TellTheEnd(const Ending& ending) {
  switch (ending.kind) {
    case Ending::Kind::kLocalClosed:
      // The final message must follow any message LocalToChannel already sealed.
      if (local_) {
        error_code ignored;
        local_->cancel(ignored);
      }
      if (local_to_channel_started_) co_await WaitLocalToChannelBounded();
      SendFinal(ending.reason);
      SendReceipt(ending);  // before the abort: the relay records it in the session
      // The reason, so the relay's audit log says how it ended (declined, stopped...): the
      // relay already learns as much from the consent reports.
      ws_->SendText(wire::Encode(wire::Abort{ending.reason}));
      break;
    case Ending::Kind::kIntegrity:
    case Ending::Kind::kProtocol:
      SendReceipt(ending);
      ws_->SendText(wire::Encode(wire::Abort{ending.kind == Ending::Kind::kIntegrity
                                                 ? EndReason::kIntegrity
                                                 : EndReason::kProtocol}));
      break;
    default:
      SendReceipt(ending);  // the other side ended: the relay waits a moment for it
      break;
  }
}

// Bounded: a relay that stopped taking data cannot hold the ending here.
asio::awaitable<void> Tunnel::WaitLocalToChannelBounded() {
  asio::steady_timer bound(co_await asio::this_coro::executor, std::chrono::seconds(5));
  bound.async_wait([e = local_to_channel_done_.get()](error_code ec) {
    if (!ec) e->Set();
  });
  co_await local_to_channel_done_->Wait();
  bound.cancel();
}

// Both tasks end once the socket and the WebSocket are closed; a relay that does not close
// its side is cut off after 5 s.
asio::awaitable<void> Tunnel::StopTasks() {
  auto guard = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor,
                                                    std::chrono::seconds(5));
  guard->async_wait([ws = ws_](error_code ec) {
    if (!ec) ws->Abort();
  });
  co_await tasks_done_->Wait();
  guard->cancel();
}

void Tunnel::SendFinal(EndReason reason) {
  std::string payload(1, static_cast<char>(kInnerControl));
  payload += EncodeClose(reason).dump();
  auto sealed = ch_.tx.Seal(AsBytes(payload), /*final=*/true);
  if (!sealed.ok()) return;
  final_sent_ = true;
  ws_->SendNow(BinaryFrame(*sealed));
}

void Tunnel::SendReceipt(const Ending& ending) {
  if (!make_receipt_ || ws_->closed()) return;
  auto receipt = make_receipt_(ending);
  if (!receipt) return;
  ws_->SendText(wire::Encode(wire::Receipt{receipt->first, ToHex(receipt->second)}));
}

void Tunnel::End(EndReason reason, const std::string& message) {
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
  ws_->SendNow(BinaryFrame(*sealed));
  return true;
}

asio::awaitable<bool> Tunnel::SendInner(uint8_t type, ByteView payload) {
  if (payload.size() > kMaxInnerPayload || ending_ || final_sent_) co_return false;
  const size_t room = payload.size() + 1 + crypto::kStreamOverheadBytes;
  const bool has_room = co_await ws_->WaitForRoom(room);
  if (!has_room) co_return false;
  const bool sent = SendInnerNow(type, payload);
  co_return sent;
}

bool Tunnel::SendInnerNow(uint8_t type, ByteView payload) {
  if (payload.size() > kMaxInnerPayload || ending_ || final_sent_ || ws_->closed()) return false;
  Bytes framed;
  framed.reserve(payload.size() + 1);
  framed.push_back(type);
  framed.insert(framed.end(), payload.begin(), payload.end());
  auto sealed = ch_.tx.Seal(framed);
  if (!sealed.ok()) return false;
  ws_->SendNow(BinaryFrame(*sealed));
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
        Finish(LocalClosed(ec == asio::error::eof
                               ? "the local VNC connection closed"
                               : "the local VNC connection failed: " + ec.message()));
      co_return;
    }
    ByteView framed(buf.data(), n + 1);  // the inner type, then what was read
    Bytes allowed;
    if (filter_ && filter_->InspectsLocal()) {
      allowed.push_back(kInnerData);
      if (Status st = filter_->FromLocal(framed.subspan(1), allowed); !st.ok()) {
        log::Warn("local stream refused: ", st.message());
        Finish({Ending::Kind::kProtocol, EndReason::kProtocol, st.message()});
        co_return;
      }
      framed = allowed;
    }
    const bool sent = co_await SendFramed(framed);
    if (!sent) co_return;
  }
}

asio::awaitable<bool> Tunnel::SendFramed(ByteView framed) {
  Bytes piece;
  for (size_t at = 1; at < framed.size();) {
    const size_t n = std::min(framed.size() - at, kMaxChunk);
    // Room first, then seal and queue with no suspension between: a session message sealed
    // meanwhile cannot overtake this one in the queue.
    if (!co_await ws_->WaitForRoom(n + 1 + crypto::kStreamOverheadBytes)) {
      Finish({Ending::Kind::kRelayLost, EndReason::kRelayLost,
              "the connection to the relay was lost"});
      co_return false;
    }
    if (ending_) co_return false;
    ByteView frame = framed;  // all of it fits: sealed where it lies
    if (n != framed.size() - 1) {  // a part: copied behind a type byte of its own
      piece.assign(1, kInnerData);
      piece.insert(piece.end(), framed.begin() + at, framed.begin() + at + n);
      frame = piece;
    }
    auto sealed = ch_.tx.Seal(frame);
    if (!sealed.ok()) co_return false;
    bytes_out_ += n;
    ws_->SendNow(BinaryFrame(*sealed));
    at += n;
  }
  co_return true;
}

asio::awaitable<void> Tunnel::ChannelToLocal() {
  while (!ending_) {
    error_code ec;
    auto frame = co_await ws_->Receive(ec);
    if (!frame) {
      Finish(RelayDropped(ec));
      co_return;
    }
    const bool more = co_await OnPeerFrame(*frame);
    if (!more) co_return;
    if (!local_ready_ && pending_bytes_ >= kMaxPendingBeforeAttach)
      co_await local_attached_->Wait();
  }
}

asio::awaitable<bool> Tunnel::OnPeerFrame(const Frame& frame) {
  if (frame.text) {
    Finish(EndingFromRelayText(frame.data));
    co_return false;
  }
  auto opened = ch_.rx.Open(AsBytes(frame.data));
  if (!opened.ok()) {
    log::Warn("end-to-end channel: ", opened.status().message());
    Finish({Ending::Kind::kIntegrity, EndReason::kIntegrity, opened.status().message()});
    co_return false;
  }
  const Bytes& p = opened->plaintext;
  if (p.empty()) {
    Finish({Ending::Kind::kProtocol, EndReason::kProtocol, "empty message from the other side"});
    co_return false;
  }
  if (p[0] == kInnerControl) co_return OnPeerControl(p, opened->final);
  if (p[0] == kInnerData) {
    const bool carried = co_await OnPeerData(p, opened->final);
    if (!carried) co_return false;
  } else if (on_inner_ && p.size() - 1 <= kMaxInnerPayload) {
    // Clipboard and files; any other type belongs to a later version and is ignored.
    on_inner_(p[0], ByteView(p.data() + 1, p.size() - 1));
  }
  if (opened->final) {
    Finish({Ending::Kind::kPeerClosed, EndReason::kClosed,
            side_ == wire::Party::kHost ? "the technician ended the session"
                                        : "the customer's side ended the session"});
    co_return false;
  }
  co_return true;
}

bool Tunnel::OnPeerControl(const Bytes& p, bool final) {
  // Untrusted JSON: every field is type-checked; nothing here may throw.
  auto j = nlohmann::json::parse(p.begin() + 1, p.end(), nullptr, false);
  auto close = DecodeClose(j);
  if (close || final) {
    const EndReason reason = close.value_or(EndReason::kClosed);
    // The person's sentence for the reason (the relay's, for the same words), no code word.
    const std::string who = side_ == wire::Party::kHost ? "the technician" : "the customer's side";
    Finish({Ending::Kind::kPeerClosed, reason,
            reason == EndReason::kClosed || reason == EndReason::kOther
                ? who + " ended the session"
                : msg::PeerGoneSentence(reason, side_)});
    return false;
  }
  // Session messages; unknown types belong to later versions and are ignored.
  if (!MessageType(j).empty() && p.size() - 1 <= kMaxSessionMessage && on_session_message_)
    on_session_message_(j);
  return true;
}

asio::awaitable<bool> Tunnel::OnPeerData(const Bytes& p, bool final) {
  if (p.size() == 1) {  // empty: nothing to carry, and a cheap way to pile up entries
    Finish({Ending::Kind::kProtocol, EndReason::kProtocol,
            "empty data message from the other side"});
    co_return false;
  }
  bytes_in_ += p.size() - 1;
  ByteView data(p.data() + 1, p.size() - 1);
  Bytes allowed;
  if (filter_) {
    if (Status s = filter_->FromPeer(data, allowed); !s.ok()) {
      log::Warn("session stream refused: ", s.message());
      Finish({Ending::Kind::kProtocol, EndReason::kProtocol, s.message()});
      co_return false;
    }
    data = allowed;
  }
  if (data.empty()) co_return true;
  if (!local_ready_) {
    pending_.emplace_back(AsChars(data));
    pending_bytes_ += data.size() + kPendingEntryOverhead;
    co_return true;
  }
  const bool written = co_await WriteLocal(data);
  co_return written;
}

asio::awaitable<bool> Tunnel::WriteLocal(ByteView data) {
  error_code ec;
  co_await asio::async_write(*local_, asio::buffer(data.data(), data.size()), Nothrow(ec));
  if (ec) {
    Finish(LocalClosed("the local VNC connection closed"));
    co_return false;
  }
  co_return true;
}

}  // namespace telemaint::peer
