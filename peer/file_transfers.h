#pragma once
// Files between host and viewer inside the end-to-end channel, both ways, several at once:
// the offer, the receiver's answer, the bytes in pieces of kFilePiece (back-pressured by the
// relay connection, so memory stays bounded whatever the size), the sender's SHA-256 at the
// end, checked by the receiver before the file gets its name, and cancel from either side.
// Hostile input (a lie about the size, a truncation, a wrong digest, an unknown id) fails
// that transfer with a sentence and leaves no file behind. See docs/protocol.md#files.
// Owned by a session, which outlives it; io thread only. The hooks run on the io thread.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "common/vocabulary.h"
#include "net/net.h"
#include "peer/channel_link.h"
#include "peer/file_names.h"
#include "peer/transfer_channel.h"

namespace telemaint::peer {

enum class TransferState { kOffered, kAsking, kMoving, kCompleted, kRefused, kCancelled, kFailed };
const char* TransferStateText(TransferState state);  // "waiting for an answer", "received"…

// One transfer as the people on either side see it.
struct TransferView {
  uint32_t id = 0;
  bool outgoing = false;
  std::string name;  // outgoing: the file's own name; incoming: as made safe
  uint64_t size = 0, done = 0;
  TransferState state = TransferState::kOffered;
  std::string sha256;  // hex, once the last byte is through
  std::string path;    // incoming, completed: where it is now
  std::string detail;  // why it was refused, cancelled or failed
  bool finished() const { return state >= TransferState::kCompleted; }
};

class FileTransfers {
 public:
  struct Hooks {
    // An offer came: call `answer` once, now or later (io thread). Unset: every offer is
    // refused.
    std::function<void(const TransferView&, std::function<void(bool)> answer)> decide;
    // Progress (a few times a second at most) and every change of state.
    std::function<void(const TransferView&)> changed;
    // The facts of each step, for the logs and the audit log.
    std::function<void(const TransferView&, wire::TransferEvent)> event;
  };
  // `side` is ours (it picks the ids we give: the host odd, the viewer even); files we accept
  // land in `downloads`.
  FileTransfers(TransferChannel& tunnel, net::asio::any_io_executor ex, wire::Party side,
                std::string downloads, Hooks hooks);
  ~FileTransfers();

  // Offers a local file; the bytes go once the other side accepts. Error: it cannot be read.
  Result<uint32_t> Offer(const std::string& path);
  // A person stopped it (either direction); 0 stops every unfinished one.
  void Cancel(uint32_t id);
  // A session message: true when it was one of ours (file_*), handled.
  bool OnMessage(const nlohmann::json& message);
  // An inner kInnerFileData message.
  void OnPiece(ByteView payload);
  // The session ends: every unfinished transfer fails (a received part is removed).
  void EndAll(const std::string& why);
  // Run waits on this before the session goes: every sending coroutine has returned.
  net::asio::awaitable<void> WaitSendersDone();
  bool busy() const;

 private:
  struct Transfer;
  Transfer* Find(uint32_t id);
  void Answer(uint32_t id, bool accept);
  void StartSending(Transfer& t);
  net::asio::awaitable<void> Send(uint32_t id);
  void OnEnd(Transfer& t, const std::string& sha256);
  void OnReceived(Transfer& t, const std::string& sha256);
  void OnPeerCancel(Transfer& t, wire::TransferEvent why, const std::string& detail);
  // Ends it with `state` (each transfer ends once), tells the peer when `tell`.
  void Fail(Transfer& t, TransferState state, const std::string& detail, bool tell);
  void Changed(Transfer& t, bool progress_only);
  void Event(const Transfer& t, wire::TransferEvent event);

  TransferChannel& tunnel_;
  const wire::Party side_;
  const std::string downloads_;
  Hooks hooks_;
  uint32_t next_id_;
  std::map<uint32_t, std::unique_ptr<Transfer>> transfers_;
  int senders_running_ = 0;
  int refused_at_once_ = 0;
  net::AsyncEvent senders_changed_;
  net::asio::any_io_executor ex_;
};

}  // namespace telemaint::peer
