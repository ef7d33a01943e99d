#include "peer/file_transfers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "common/log.h"
#include "crypto/digest.h"
#include "peer/side_messages.h"

namespace telemaint::peer {

using namespace net;
using wire::TransferEvent;

namespace {
// Offers from the other side waiting for an answer or moving: more are refused at once.
constexpr size_t kMaxUnfinished = 16;
// Transfers kept per session (finished ones stay listed): past this, offers are refused.
constexpr size_t kMaxKept = 1000;
// Files we offer and not yet finished: a fetch flood holds no more open files than this.
constexpr size_t kMaxOutgoing = 16;
// Offers refused at once that still get an answer: past this, a flood is ignored silently.
constexpr int kMaxRefusalsAnswered = 100;

// A sentence safe for the other side: what went wrong here, without this computer's paths.
std::string ForThePeer(const std::string& detail) {
  if (detail.find('/') == std::string::npos) return detail;
  return "it could not be saved or read on this side";
}
constexpr auto kProgressEvery = std::chrono::milliseconds(250);
}  // namespace

const char* TransferStateText(TransferState state) {
  switch (state) {
    case TransferState::kOffered: return "waiting for the other side's answer";
    case TransferState::kAsking: return "waiting for your answer";
    case TransferState::kMoving: return "in transfer";
    case TransferState::kCompleted: return "completed";
    case TransferState::kRefused: return "refused";
    case TransferState::kCancelled: return "cancelled";
    case TransferState::kFailed: return "failed";
  }
  return "";
}

struct FileTransfers::Transfer {
  TransferView view;
  int fd = -1;                          // outgoing: the file being read
  std::optional<IncomingFile> incoming;  // incoming, accepted: its temporary
  crypto::Sha256Stream digest;
  bool stop = false;  // outgoing: the sending coroutine ends at its next piece
  std::chrono::steady_clock::time_point last_progress;
  ~Transfer() {
    if (fd >= 0) close(fd);
  }
};

FileTransfers::FileTransfers(TransferChannel& tunnel, asio::any_io_executor ex, wire::Party side,
                             std::string downloads, Hooks hooks)
    : tunnel_(tunnel),
      side_(side),
      downloads_(std::move(downloads)),
      hooks_(std::move(hooks)),
      next_id_(side == wire::Party::kHost ? 1 : 2),
      senders_changed_(ex),
      ex_(ex) {}

FileTransfers::~FileTransfers() = default;

FileTransfers::Transfer* FileTransfers::Find(uint32_t id) {
  auto it = transfers_.find(id);
  return it == transfers_.end() ? nullptr : it->second.get();
}

bool FileTransfers::busy() const {
  for (const auto& [id, t] : transfers_)
    if (!t->view.finished()) return true;
  return false;
}

Result<uint32_t> FileTransfers::Offer(const std::string& path) {
  size_t outgoing = 0;
  for (const auto& [id, t] : transfers_) outgoing += t->view.outgoing && !t->view.finished();
  if (outgoing >= kMaxOutgoing)
    return Status::Limit("too many files waiting or in transfer; wait for one to finish");
  // Non-blocking, so a FIFO or a device cannot hold the io thread; only regular files go.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) close(fd);
    return Status::Io("cannot read " + path + (fd >= 0 ? ": not a regular file" : ""));
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  auto t = std::make_unique<Transfer>();
  t->fd = fd;
  t->view = {next_id_, true, std::filesystem::path(path).filename().string(),
             static_cast<uint64_t>(st.st_size)};
  if (!tunnel_.SendSessionMessage(EncodeFileOffer({t->view.id, t->view.name, t->view.size})))
    return Status::InvalidInput("the file could not be offered (its name is too long, or the "
                                "session is ending)");
  next_id_ += 2;
  Transfer& added = *transfers_.emplace(t->view.id, std::move(t)).first->second;
  Event(added, TransferEvent::kOffered);
  Changed(added, false);
  return added.view.id;
}

bool FileTransfers::OnMessage(const nlohmann::json& m) {
  if (auto offer = DecodeFileOffer(m)) {
    const bool theirs = (offer->id % 2 == 1) == (side_ == wire::Party::kViewer);
    size_t unfinished = 0;
    for (const auto& [id, t] : transfers_) unfinished += !t->view.outgoing && !t->view.finished();
    if (!theirs || Find(offer->id) || unfinished >= kMaxUnfinished ||
        transfers_.size() >= kMaxKept || !hooks_.decide) {
      if (++refused_at_once_ <= kMaxRefusalsAnswered)
        tunnel_.SendSessionMessage(EncodeFileAnswer({offer->id, false}));
      return true;
    }
    auto t = std::make_unique<Transfer>();
    t->view = {offer->id, false, SafeFileName(offer->name), offer->size};
    t->view.state = TransferState::kAsking;
    Transfer& added = *transfers_.emplace(offer->id, std::move(t)).first->second;
    Event(added, TransferEvent::kOffered);
    Changed(added, false);
    const uint32_t id = offer->id;
    hooks_.decide(added.view, [this, id](bool accept) { Answer(id, accept); });
    return true;
  }
  if (auto answer = DecodeFileAnswer(m)) {
    Transfer* t = Find(answer->id);
    if (!t || !t->view.outgoing || t->view.state != TransferState::kOffered) return true;
    if (!answer->accept) {
      Fail(*t, TransferState::kRefused, "the other side refused it", false);
      return true;
    }
    StartSending(*t);
    return true;
  }
  if (auto end = DecodeFileEnd(m)) {
    if (Transfer* t = Find(end->id); t && !t->view.outgoing) OnEnd(*t, end->sha256);
    return true;
  }
  if (auto received = DecodeFileReceived(m)) {
    if (Transfer* t = Find(received->id); t && t->view.outgoing) OnReceived(*t, received->sha256);
    return true;
  }
  if (auto cancel = DecodeFileCancel(m)) {
    if (Transfer* t = Find(cancel->id)) OnPeerCancel(*t, cancel->why, cancel->detail);
    return true;
  }
  return false;
}

void FileTransfers::Answer(uint32_t id, bool accept) {
  Transfer* t = Find(id);
  if (!t || t->view.state != TransferState::kAsking) return;  // cancelled meanwhile
  if (!accept) {
    tunnel_.SendSessionMessage(EncodeFileAnswer({id, false}));
    Fail(*t, TransferState::kRefused, "refused", false);
    return;
  }
  // Room for this file and for what the others still moving will write.
  uint64_t reserved = 0;
  for (const auto& [key, other] : transfers_)
    if (!other->view.outgoing && other->view.state == TransferState::kMoving)
      reserved += other->view.size - other->view.done;
  auto file = IncomingFile::Create(downloads_, t->view.name, t->view.size + reserved);
  if (!file.ok()) {
    Fail(*t, TransferState::kFailed, file.status().message(), true);
    return;
  }
  t->incoming.emplace(std::move(*file));
  t->view.state = TransferState::kMoving;
  tunnel_.SendSessionMessage(EncodeFileAnswer({id, true}));
  Event(*t, TransferEvent::kAccepted);
  Changed(*t, false);
}

void FileTransfers::StartSending(Transfer& t) {
  t.view.state = TransferState::kMoving;
  Event(t, TransferEvent::kAccepted);
  Changed(t, false);
  ++senders_running_;
  asio::co_spawn(ex_, Send(t.view.id), [this](std::exception_ptr) {
    --senders_running_;
    senders_changed_.Notify();
  });
}

// Reads and sends one file; WaitForRoom inside SendInner bounds what is in memory.
asio::awaitable<void> FileTransfers::Send(uint32_t id) {
  Bytes piece = EncodeFilePieceHeader(id);
  piece.resize(4 + kFilePiece);
  while (true) {
    Transfer* t = Find(id);
    if (!t || t->stop || t->view.finished()) co_return;
    const ssize_t n = read(t->fd, piece.data() + 4, kFilePiece);
    if (n < 0) {
      Fail(*t, TransferState::kFailed, "the file could not be read", true);
      co_return;
    }
    if (n == 0 || t->view.done + static_cast<uint64_t>(n) > t->view.size) {
      if (n != 0 || t->view.done != t->view.size) {
        Fail(*t, TransferState::kFailed, "the file changed while it was being sent", true);
        co_return;
      }
      t->view.sha256 = ToHex(t->digest.Finish());
      tunnel_.SendSessionMessage(EncodeFileEnd({id, t->view.sha256}));
      Changed(*t, false);
      co_return;  // the receiver's file_received ends it
    }
    ByteView bytes(piece.data() + 4, static_cast<size_t>(n));
    t->digest.Update(bytes);
    t->view.done += static_cast<uint64_t>(n);
    // Started in a statement of its own: GCC 12 and temporaries in co_await (net/net.h).
    const ByteView framed(piece.data(), 4 + static_cast<size_t>(n));
    auto send = tunnel_.SendInner(kInnerFileData, framed);
    const bool sent = co_await std::move(send);
    t = Find(id);  // the map may have changed while waiting
    if (!sent || !t) co_return;
    Changed(*t, true);
  }
}

void FileTransfers::OnPiece(ByteView payload) {
  auto piece = DecodeFilePiece(payload);
  Transfer* t = piece ? Find(piece->id) : nullptr;
  if (!t || t->view.outgoing || t->view.state != TransferState::kMoving) return;  // late
  if (t->view.done + piece->bytes.size() > t->view.size) {
    Fail(*t, TransferState::kFailed, "the sender sent more than the size it announced", true);
    return;
  }
  if (Status s = t->incoming->Write(piece->bytes); !s.ok()) {
    Fail(*t, TransferState::kFailed, s.message(), true);
    return;
  }
  t->digest.Update(piece->bytes);
  t->view.done += piece->bytes.size();
  Changed(*t, true);
}

void FileTransfers::OnEnd(Transfer& t, const std::string& sha256) {
  if (t.view.state != TransferState::kMoving) return;
  if (t.view.done != t.view.size) {
    Fail(t, TransferState::kFailed,
         "the file stopped at " + std::to_string(t.view.done) + " of " +
             std::to_string(t.view.size) + " bytes",
         true);
    return;
  }
  t.view.sha256 = ToHex(t.digest.Finish());
  if (t.view.sha256 != sha256) {
    Fail(t, TransferState::kFailed, "the file arrived damaged (its SHA-256 does not match)", true);
    return;
  }
  auto path = t.incoming->Finish();
  if (!path.ok()) {
    Fail(t, TransferState::kFailed, path.status().message(), true);
    return;
  }
  t.incoming.reset();
  t.view.path = *path;
  t.view.state = TransferState::kCompleted;
  tunnel_.SendSessionMessage(EncodeFileReceived({t.view.id, t.view.sha256}));
  Event(t, TransferEvent::kCompleted);
  Changed(t, false);
}

void FileTransfers::OnReceived(Transfer& t, const std::string& sha256) {
  if (t.view.finished() || t.view.sha256.empty()) return;
  if (sha256 != t.view.sha256) {
    Fail(t, TransferState::kFailed, "the other side received different bytes", false);
    return;
  }
  t.view.state = TransferState::kCompleted;
  Event(t, TransferEvent::kCompleted);
  Changed(t, false);
}

void FileTransfers::OnPeerCancel(Transfer& t, TransferEvent why, const std::string& detail) {
  const std::string said = detail.empty() ? "" : ": " + log::Printable(detail);
  if (why == TransferEvent::kRefused)
    Fail(t, TransferState::kRefused, "the other side refused it" + said, false);
  else if (why == TransferEvent::kCancelled)
    Fail(t, TransferState::kCancelled, "the other side cancelled it", false);
  else
    Fail(t, TransferState::kFailed, "it failed on the other side" + said, false);
}

void FileTransfers::Cancel(uint32_t id) {
  for (auto& [key, t] : transfers_)
    if ((id == 0 || key == id) && !t->view.finished())
      Fail(*t, TransferState::kCancelled, "you cancelled it", true);
}

void FileTransfers::EndAll(const std::string& why) {
  for (auto& [key, t] : transfers_)
    if (!t->view.finished()) Fail(*t, TransferState::kFailed, why, false);
}

void FileTransfers::Fail(Transfer& t, TransferState state, const std::string& detail, bool tell) {
  if (t.view.finished()) return;
  t.view.state = state;
  t.view.detail = detail;
  t.stop = true;
  if (t.incoming) t.incoming->Abandon();  // nothing half-written stays behind
  t.incoming.reset();
  if (tell)
    tunnel_.SendSessionMessage(EncodeFileCancel(
        {t.view.id,
         state == TransferState::kCancelled ? TransferEvent::kCancelled : TransferEvent::kFailed,
         ForThePeer(detail)}));
  Event(t, state == TransferState::kRefused     ? TransferEvent::kRefused
           : state == TransferState::kCancelled ? TransferEvent::kCancelled
                                                : TransferEvent::kFailed);
  Changed(t, false);
}

void FileTransfers::Changed(Transfer& t, bool progress_only) {
  const auto now = std::chrono::steady_clock::now();
  if (progress_only && t.view.done != t.view.size && now - t.last_progress < kProgressEvery)
    return;
  t.last_progress = now;
  if (hooks_.changed) hooks_.changed(t.view);
}

void FileTransfers::Event(const Transfer& t, TransferEvent event) {
  if (hooks_.event) hooks_.event(t.view, event);
}

asio::awaitable<void> FileTransfers::WaitSendersDone() {
  while (senders_running_ > 0) co_await senders_changed_.WaitNotified();
}

}  // namespace telemaint::peer
