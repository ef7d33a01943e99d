#pragma once
// Code shared by host and viewer on top of a paired relay connection: running the end-to-end
// handshake, then a tunnel that carries a local byte stream (RFB) through the encrypted channel.
// Network internal header. Everything runs on one io thread.
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "common/vocabulary.h"
#include "crypto/channel.h"
#include "crypto/handshake.h"
#include "crypto/key_exchange.h"
#include "net/net.h"
#include "net/ws_connection.h"
#include "peer/stream_filter.h"
#include "peer/transfer_channel.h"

namespace telemaint::peer {

namespace asio = net::asio;

// Inner messages: one type byte, then the payload. See docs/protocol.md#inner-messages.
inline constexpr uint8_t kInnerData = 0x01;     // RFB stream bytes
inline constexpr uint8_t kInnerControl = 0x02;  // JSON: close, and the session messages
inline constexpr uint8_t kInnerClipboard = 0x03;  // clipboard text (peer/side_messages.h)
inline constexpr uint8_t kInnerFileData = 0x04;   // a piece of a file in transfer
inline constexpr size_t kMaxChunk = 64 * 1024;  // RFB bytes per frame
// The payload of one clipboard or file message: the largest clipboard text and its header.
inline constexpr size_t kMaxInnerPayload = 256 * 1024 + 16;
// Peer data held while the local VNC client has not connected yet; past this, reading from
// the relay pauses (back-pressure) until it connects.
inline constexpr size_t kMaxPendingBeforeAttach = 4u << 20;
inline constexpr size_t kPendingEntryOverhead = 64;  // counted per held message

struct Channel {
  crypto::ChannelSender tx;
  crypto::ChannelReceiver rx;
  Bytes binding;  // crypto::Handshake::channel_binding()
};

// Why a handshake or a tunnel ended, for the person at the screen and for the relay's log.
struct Ending {
  enum class Kind {
    kLocalClosed,  // our side's VNC server or client closed, or our side ended it
    kPeerClosed,   // the other side ended it (final message or peer_gone)
    kRelayLost,    // the relay connection dropped or the relay sent an error
    kWrongCode,    // key confirmation failed
    kNotAuthorised,  // unattended: a certificate, record or signature did not check out
    kIntegrity,    // a frame failed authentication
    kProtocol,     // malformed data from the peer
    kTimeout,
  };
  Kind kind;
  wire::EndReason reason;  // what the relay and the receipts are told
  std::string message;     // a sentence for a person
};

// Runs the key exchange; the relay's `paired` message has been received. On a wrong code the
// caller gets kWrongCode and must send abort{pake_failed}; on a credential that did not check
// out, kNotAuthorised, and must send abort{not_authorised}.
asio::awaitable<std::variant<Channel, Ending>> RunHandshake(net::WsConnection& ws,
                                                            crypto::KeyExchange& handshake,
                                                            std::chrono::seconds timeout);

// Carries bytes between a local stream and the channel until either side ends, then tells the
// other side, the relay (abort, receipt) and closes. One Tunnel per session; its owner keeps
// it alive until Run returns. io thread only; the handlers below run on it.
class Tunnel : public TransferChannel {
 public:
  // Provides the local stream (connect to the VNC server, accept a VNC client, a socketpair);
  // while it runs, frames from the peer are read and buffered so keep-alives and endings are
  // seen. nullopt: it could not be opened.
  using OpenLocal = std::function<asio::awaitable<std::optional<net::tcp::socket>>()>;
  // Makes a pending OpenLocal return nullopt (the session ended before it opened).
  using CancelLocal = std::function<void()>;

  // `side` is ours: it names our endings (host_closed or viewer_closed, vnc_unavailable or
  // local_unavailable) and the other side in messages.
  Tunnel(std::shared_ptr<net::WsConnection> ws, Channel channel, wire::Party side);
  // Arguments by value: with temporaries, start it in a statement of its own (net/net.h).
  asio::awaitable<Ending> Run(OpenLocal open_local, CancelLocal cancel_local);

  // Session messages from the other side (any type but "close"), on the io thread. Set before
  // Run; the handler must stay valid until Run returns.
  using SessionMessageHandler = std::function<void(const nlohmann::json&)>;
  void OnSessionMessage(SessionMessageHandler handler) { on_session_message_ = std::move(handler); }
  // Sends one now, in order with the stream's data (io thread). false: too large, or the
  // session is ending.
  bool SendSessionMessage(const nlohmann::json& message) override;

  // Clipboard and file messages from the other side (inner types other than data and
  // control), at most kMaxInnerPayload; io thread. Set before Run.
  using InnerHandler = std::function<void(uint8_t type, ByteView payload)>;
  void OnInnerMessage(InnerHandler handler) { on_inner_ = std::move(handler); }
  // Waits for room in the relay connection's queue (back-pressure), then seals and queues one,
  // in order with the stream's data and session messages. false: too large, or the session
  // is ending.
  asio::awaitable<bool> SendInner(uint8_t type, ByteView payload) override;
  // The same without waiting for room: for rare, bounded messages (clipboard text).
  bool SendInnerNow(uint8_t type, ByteView payload);

  // Ends the session from our side (io thread): the peer's final message carries `reason`, and
  // a pending open_local is cancelled.
  void End(wire::EndReason reason, const std::string& message);
  bool ending() const { return ending_.has_value(); }

  // At the end, before the connection closes, the relay gets this side's signed session
  // receipt (text, signature) from `make` (receipt/receipt.h), called once on the io thread;
  // nullopt sends none. Set before Run.
  using ReceiptMaker =
      std::function<std::optional<std::pair<std::string, Bytes>>(const Ending& ending)>;
  void OnEndMakeReceipt(ReceiptMaker make) { make_receipt_ = std::move(make); }

  // The allow-list between the channel and the local RFB stream (rfb_filter/filters.h); without one
  // the bytes pass as they are. Set before Run.
  void SetStreamFilter(std::unique_ptr<StreamFilter> filter) { filter_ = std::move(filter); }

  const Bytes& channel_binding() const { return ch_.binding; }
  uint64_t bytes_in() const { return bytes_in_; }
  uint64_t bytes_out() const { return bytes_out_; }

 private:
  void Spawn(asio::any_io_executor ex, asio::awaitable<void> task);
  asio::awaitable<void> AttachLocal(const OpenLocal& open_local);
  asio::awaitable<bool> HandOverPending();
  asio::awaitable<void> LocalToChannel();
  asio::awaitable<void> ChannelToLocal();
  // One frame from the peer: false when the tunnel ends with it.
  asio::awaitable<bool> OnPeerFrame(const net::Frame& frame);
  asio::awaitable<bool> OnPeerData(const Bytes& plaintext, bool final);
  asio::awaitable<bool> WriteLocal(ByteView data);
  // Seals and queues local bytes for the peer: `framed` is kInnerData, then the bytes. In
  // frames of at most kMaxChunk; one that fits is sealed without a copy.
  asio::awaitable<bool> SendFramed(ByteView framed);
  bool OnPeerControl(const Bytes& plaintext, bool final);
  void Finish(Ending ending);
  // After the end: our final message, receipt and abort, as the ending asks.
  asio::awaitable<void> TellTheEnd(const Ending& ending);
  asio::awaitable<void> WaitLocalToChannelBounded();
  asio::awaitable<void> StopTasks();
  void SendReceipt(const Ending& ending);
  void SendFinal(wire::EndReason reason);
  Ending LocalClosed(std::string message) const;

  std::shared_ptr<net::WsConnection> ws_;
  Channel ch_;
  wire::Party side_;
  std::optional<net::tcp::socket> local_;
  std::deque<std::string> pending_;  // peer data that arrived before the local stream existed
  size_t pending_bytes_ = 0;
  bool local_ready_ = false;  // pending_ was handed over; data now goes straight to local_
  bool opening_ = false;      // OpenLocal is running
  std::unique_ptr<net::AsyncEvent> local_attached_, done_, tasks_done_;
  std::unique_ptr<net::AsyncEvent> local_to_channel_done_;  // no sealed message still in hand
  bool local_to_channel_started_ = false;
  int tasks_running_ = 0;
  std::optional<Ending> ending_;
  uint64_t bytes_in_ = 0, bytes_out_ = 0;
  SessionMessageHandler on_session_message_;
  InnerHandler on_inner_;
  bool final_sent_ = false;
  ReceiptMaker make_receipt_;
  std::unique_ptr<StreamFilter> filter_;
};

// Parses a relay text frame seen during a session into an Ending (peer_gone or error).
Ending EndingFromRelayText(const std::string& text);

}  // namespace telemaint::peer
