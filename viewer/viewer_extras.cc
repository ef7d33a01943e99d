#include "viewer/viewer_extras.h"

#include <unistd.h>

#include <thread>

#include "common/log.h"
#include "viewer/viewer_window.h"

namespace telemaint::viewer {

using namespace net;

namespace {

std::string Downloads(const ViewerOptions& options) {
  return options.downloads.empty() ? peer::DownloadsDirectory() : options.downloads;
}

std::string SizeText(uint64_t bytes) {
  return bytes < 1024 ? std::to_string(bytes) + " bytes"
                      : std::to_string((bytes + 512) / 1024) + " KB";
}

}  // namespace

ViewerExtras::ViewerExtras(const ViewerOptions& options, const Say& say, peer::Tunnel& tunnel,
                           asio::any_io_executor ex)
    : options_(options),
      say_(say),
      tunnel_(tunnel),
      ex_(ex),
      files_(tunnel, ex, wire::Party::kViewer, Downloads(options),
             peer::FileTransfers::Hooks{
                 // Only the customer chooses what they send (or the machine a fetched file), so
                 // it is taken; but not before the customer let us in, and a few at a time.
                 [this](const peer::TransferView& offer, std::function<void(bool)> answer) {
                   if (!let_in_) {
                     log::Warn("the customer's side offered a file before letting you in; "
                               "refused");
                     answer(false);
                     return;
                   }
                   say_("The customer sends you " + log::Printable(offer.name) + " (" +
                        SizeText(offer.size) + ").");
                   answer(true);
                 },
                 [this](const peer::TransferView& t) { OnChanged(t); },
                 [](const peer::TransferView& t, wire::TransferEvent event) {
                   log::Info("file ", t.outgoing ? "to" : "from", " the customer (", t.size,
                             " bytes): ", wire::ToWire(event));
                 }}) {}

void ViewerExtras::OnLetIn() {
  if (let_in_) return;
  let_in_ = true;
  for (const std::string& path : options_.send_files) SendFile(path);
  if (!options_.fetch_path.empty()) {
    say_("Asking the machine for " + options_.fetch_path + "…");
    tunnel_.SendSessionMessage(peer::EncodeFileFetch(options_.fetch_path));
  }
}

bool ViewerExtras::OnSessionMessage(const nlohmann::json& message) {
  if (auto text = peer::DecodeChat(message)) {
    const std::string shown = log::Printable(*text);
    say_("Customer: " + shown);
    if (window_) window_->ShowChat("Customer", shown);
    return true;
  }
  if (auto allowed = peer::DecodeClipboardAllowed(message)) {
    clipboard_allowed_ = *allowed;
    if (window_) window_->SetClipboardAllowed(*allowed);
    log::Info("the clipboard is ", *allowed ? "shared" : "not shared", " now");
    return true;
  }
  if (auto cancel = peer::DecodeFileCancel(message); cancel && cancel->id == peer::kFetchFailedId) {
    say_("The machine did not send the file: " + log::Printable(cancel->detail) + ".");
    return true;
  }
  return files_.OnMessage(message);
}

void ViewerExtras::OnInner(uint8_t type, ByteView payload) {
  if (type == peer::kInnerFileData) {
    files_.OnPiece(payload);
    return;
  }
  auto clip = type == peer::kInnerClipboard ? peer::DecodeClipboard(payload) : std::nullopt;
  // Only what the customer's side said it shares, only into the technician's CLIPBOARD, and
  // only with their own switch on (the window checks the last two again).
  if (!clip || !clipboard_allowed_ || !options_.share_clipboard ||
      (clip->selection != peer::Selection::kClipboard && !options_.share_primary))
    return;
  log::Info("the customer copied ", clip->text.size(), " bytes of text");
  if (window_) window_->SetLocalClipboard(clip->selection, std::move(clip->text));
}

void ViewerExtras::SendChat(const std::string& raw) {
  const std::string text = peer::ChatText(raw);
  if (text.empty()) return;
  if (text.size() > peer::kMaxChatBytes || !peer::IsValidUtf8(text) ||
      !tunnel_.SendSessionMessage(peer::EncodeChat(text))) {
    say_("The message was not sent (at most " + std::to_string(peer::kMaxChatBytes) +
         " bytes of text).");
    return;
  }
  if (window_) window_->ShowChat("You", text);
}

void ViewerExtras::SendFile(const std::string& path) {
  auto offered = files_.Offer(path);
  if (!offered.ok()) {
    say_("Error: " + offered.status().message());
    return;
  }
  say_("Offered " + path + " to the customer; waiting for their answer…");
}

void ViewerExtras::SendClipboard(peer::Selection selection, const std::string& text) {
  if (!clipboard_allowed_ || !options_.share_clipboard || text.size() > peer::kMaxClipboardBytes ||
      !peer::IsValidUtf8(text))
    return;
  if (tunnel_.SendInnerNow(peer::kInnerClipboard, peer::EncodeClipboard({selection, text})))
    log::Info("sent ", text.size(), " bytes of clipboard text to the customer");
}

void ViewerExtras::OnChanged(const peer::TransferView& t) {
  if (window_) window_->ShowTransfer(t);
  const int quarter = t.size ? static_cast<int>(t.done * 4 / t.size) : 4;
  if (!t.finished()) {
    if (t.state == peer::TransferState::kMoving && quarter > 0 && quarter < 4 &&
        quarter != quarters_[t.id]) {
      quarters_[t.id] = quarter;
      say_(log::Printable(t.name) + ": " + std::to_string(quarter * 25) + " %");
    }
    return;
  }
  const std::string name = log::Printable(t.name);
  if (t.state == peer::TransferState::kCompleted)
    say_(t.outgoing ? "The customer received " + name + " (SHA-256 " + t.sha256 + ")."
                    : "Received " + name + " from the customer: saved as " +
                          log::Printable(t.path) + " (SHA-256 " + t.sha256 + ").");
  else
    say_(std::string(t.outgoing ? "Sending " : "Receiving ") + name + ": " +
         peer::TransferStateText(t.state) + (t.detail.empty() ? "" : " (" + t.detail + ")") + ".");
}

// A thread blocked on standard input; it may outlive the session (then its lines are dropped).
void ViewerExtras::ReadTerminal() {
  say_("Type a message and Enter to write to the customer; /send PATH offers them a file, "
       "/cancel stops the transfers.");
  std::thread([ex = ex_, alive = alive_, this] {
    std::string partial;
    char buf[512];
    for (ssize_t n; (n = read(0, buf, sizeof buf)) > 0;) {
      partial.append(buf, static_cast<size_t>(n));
      for (size_t pos; (pos = partial.find('\n')) != std::string::npos;) {
        std::string line = partial.substr(0, pos);
        partial.erase(0, pos + 1);
        asio::post(ex, [alive, this, line] {
          if (*alive) OnLine(line);
        });
      }
      if (partial.size() > 8192) partial.clear();
    }
  }).detach();
}

void ViewerExtras::OnLine(const std::string& line) {
  if (line.rfind("/send ", 0) == 0)
    SendFile(line.substr(6));
  else if (line == "/cancel")
    CancelTransfers();
  else if (!line.empty())
    SendChat(line);
}

asio::awaitable<void> ViewerExtras::Finish() {
  *alive_ = false;
  files_.EndAll("the session ended");
  co_await files_.WaitSendersDone();
}

}  // namespace telemaint::viewer
