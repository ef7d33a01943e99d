#include "host/session_extras.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "common/log.h"
#include "host/clipboard.h"
#include "host/rfb_server.h"
#include "host/session_history.h"

namespace telemaint::host {

using namespace net;
using wire::Party;
using wire::TransferEvent;
using wire::TransferKind;

namespace {

// An enrolled machine's service may write only in its state directory (the packaged unit):
// files for it land there, in incoming/.
std::string DownloadsOf(const HostOptions& options) {
  if (!options.downloads.empty()) return options.downloads;
  if (!options.state_dir.empty()) return options.state_dir + "/incoming";
  return peer::DownloadsDirectory();
}

// A sentence for the relay's log: at most 200 bytes, cut on a character boundary.
std::string ForTheLog(const std::string& text) {
  std::string out = log::Printable(text);
  if (out.size() <= 200) return out;
  size_t cut = 200;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;
  return out.substr(0, cut);
}

}  // namespace

Status FetchableByAnyone(const std::string& path, const std::string& state_dir) {
  struct stat st {};
  std::error_code ec;
  const auto real = std::filesystem::weakly_canonical(path, ec);
  if (ec || stat(real.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Status::NotFound("no such file on the machine");
  if (geteuid() == 0 && !(st.st_mode & S_IROTH))
    return Status::InvalidInput("only files every user of the machine may read can be fetched");
  if (!state_dir.empty()) {
    const auto state = std::filesystem::weakly_canonical(state_dir, ec);
    if (!ec && real.string().rfind(state.string() + "/", 0) == 0)
      return Status::InvalidInput("the machine's own telemaint files cannot be fetched");
  }
  return Status::Ok();
}

SessionExtras::SessionExtras(ExtrasContext context, std::shared_ptr<WsConnection> ws,
                             peer::Tunnel& tunnel, std::string session_id)
    : context_(context),
      ws_(std::move(ws)),
      tunnel_(tunnel),
      id_(std::move(session_id)),
      files_(tunnel, ws_->ws().get_executor(), Party::kHost, DownloadsOf(context.options),
             peer::FileTransfers::Hooks{
                 [this](const peer::TransferView& offer, std::function<void(bool)> answer) {
                   Decide(offer, std::move(answer));
                 },
                 [this](const peer::TransferView& t) { context_.ui.ShowTransfer(t); },
                 [this](const peer::TransferView& t, TransferEvent event) {
                   OnTransferEvent(t, event);
                 }}),
      switched_on_(context.options.clipboard) {}

void SessionExtras::Start(const Technician& who) {
  if (started_) return;
  started_ = true;
  who_ = who;
  ConsentUi::SessionTools tools;
  tools.send_file = [this](const std::string& path) {
    if (auto sent = files_.Offer(path); !sent.ok()) {
      log::Warn("session ", id_, ": ", sent.status().message());
      context_.ui.ShowTransfer(peer::TransferView{0, true, path, 0, 0,
                                                  peer::TransferState::kFailed, "", "",
                                                  sent.status().message()});
    }
  };
  tools.cancel_transfer = [this](uint32_t id) { files_.Cancel(id); };
  tools.chat = [this](const std::string& text) { SendChat(text); };
  tools.switch_clipboard = [this](bool on) {
    switched_on_ = on;
    log::Info("session ", id_, ": the person switched the clipboard ", on ? "on" : "off");
    UpdateClipboard();
  };
  context_.ui.SetTools(std::move(tools));
  UpdateClipboard();
}

void SessionExtras::SetPermission(Permission permission) {
  control_ = permission == Permission::kControl;
  UpdateClipboard();
}

// The viewer is told whenever this changes, so its menu says whether a copy will cross.
void SessionExtras::UpdateClipboard() {
  const bool shared = control_ && switched_on_ && context_.clipboard;
  if (started_) context_.ui.ShowClipboard(shared, switched_on_);
  if (told_ == shared) return;
  told_ = shared;
  tunnel_.SendSessionMessage(peer::EncodeClipboardAllowed(shared));
}

bool SessionExtras::OnSessionMessage(const nlohmann::json& message) {
  if (auto text = peer::DecodeChat(message)) {
    if (!started_) return true;
    context_.ui.ShowChat(who_, peer::ChatText(*text), false);
    Report(TransferKind::kChat, TransferEvent::kSent, Party::kViewer, "", text->size(), "", "");
    return true;
  }
  if (auto path = peer::DecodeFileFetch(message)) {
    Fetch(*path);
    return true;
  }
  return started_ && files_.OnMessage(message);
}

void SessionExtras::OnInner(uint8_t type, ByteView payload) {
  if (type == peer::kInnerFileData) {
    files_.OnPiece(payload);
    return;
  }
  if (type != peer::kInnerClipboard) return;
  auto clip = peer::DecodeClipboard(payload);
  if (clip && clip->selection == peer::Selection::kPrimary && !context_.options.primary_selection)
    return;  // PRIMARY is shared only with --primary: dropped before anything is done with it
  if (!clip || !context_.clipboard || !(control_ && switched_on_)) {
    if (clip) log::Info("session ", id_, ": clipboard text from the technician ignored (not shared now)");
    return;
  }
  last_from_viewer_[static_cast<int>(clip->selection)] = clip->text;
  Report(TransferKind::kClipboard, TransferEvent::kSent, Party::kViewer, "", clip->text.size(),
         "", "");
  if (context_.builtin) context_.builtin->SendCutText(Utf8ToLatin1(clip->text));
  context_.clipboard->Set(clip->selection, std::move(clip->text));
}

void SessionExtras::OnLocalCopy(peer::Selection selection, std::string text) {
  if (!(control_ && switched_on_) || tunnel_.ending()) return;
  if (text == last_from_viewer_[static_cast<int>(selection)]) return;  // our own paste's echo
  if (text.size() > peer::kMaxClipboardBytes) {
    log::Info("session ", id_, ": the copied text is larger than ", peer::kMaxClipboardBytes,
              " bytes; not sent");
    return;
  }
  const size_t size = text.size();
  // A VNC viewer behind --listen gets it as RFB cut text (Latin-1); telemaint's window as UTF-8.
  if (context_.builtin && selection == peer::Selection::kClipboard)
    context_.builtin->SendCutText(Utf8ToLatin1(text));
  if (tunnel_.SendInnerNow(peer::kInnerClipboard, peer::EncodeClipboard({selection, std::move(text)})))
    Report(TransferKind::kClipboard, TransferEvent::kSent, Party::kHost, "", size, "", "");
}

void SessionExtras::OnRfbCutText(const std::string& latin1) {
  if (!context_.clipboard || !(control_ && switched_on_)) return;
  std::string text = Latin1ToUtf8(latin1);
  if (text.size() > peer::kMaxClipboardBytes) return;
  last_from_viewer_[0] = text;
  Report(TransferKind::kClipboard, TransferEvent::kSent, Party::kViewer, "", text.size(), "", "");
  context_.clipboard->Set(peer::Selection::kClipboard, std::move(text));
}

void SessionExtras::Decide(const peer::TransferView& offer, std::function<void(bool)> answer) {
  log::Info("session ", id_, ": the technician offers a file of ", offer.size, " bytes");
  // Asked once; no answer within the consent time refuses it.
  auto once = std::make_shared<std::function<void(bool)>>(std::move(answer));
  questions_[offer.id] = once;  // disarmed by Finish: a late answer reaches no dead session
  auto timer = std::make_shared<asio::steady_timer>(ws_->ws().get_executor(),
                                                    context_.options.consent_timeout /
                                                        context_.options.clock_rate);
  const uint32_t id = offer.id;
  timer->async_wait([this, once, id, ws = ws_](error_code ec) {
    if (ec || !*once) return;
    auto answer = std::exchange(*once, nullptr);
    context_.ui.WithdrawFile(id);
    answer(false);
  });
  context_.ui.AskFile(who_, offer, [once, timer](bool accept) {
    timer->cancel();
    if (auto answer = std::exchange(*once, nullptr)) answer(accept);
  });
}

void SessionExtras::OnTransferEvent(const peer::TransferView& t, TransferEvent event) {
  const Party from = t.outgoing ? Party::kHost : Party::kViewer;
  // The name as the auditor sees it: made safe, and bounded like every field of the log.
  const std::string name = peer::SafeFileName(t.name);  // at most 200 bytes
  Report(TransferKind::kFile, event, from, name, t.size, t.sha256, t.detail);
  if (event == TransferEvent::kRefused || event == TransferEvent::kCancelled ||
      event == TransferEvent::kFailed) {
    context_.ui.WithdrawFile(t.id);
    if (auto q = questions_.find(t.id); q != questions_.end()) *q->second = nullptr;
  }
  log::Info("session ", id_, ": file ", t.outgoing ? "to" : "from", " the technician (",
            t.size, " bytes): ", wire::ToWire(event),
            t.sha256.empty() ? "" : ", SHA-256 " + t.sha256);
  context_.history.Record(id_, HistoryEvent::kTransfer,
                          {{"what", "file"},
                           {"event", wire::ToWire(event)},
                           {"from", wire::ToWire(from)},
                           {"name", name},
                           {"size", t.size},
                           {"sha256", t.sha256},
                           {"path", t.path}});
}

void SessionExtras::SendChat(const std::string& raw) {
  std::string text = peer::ChatText(raw);
  if (text.empty() || text.size() > peer::kMaxChatBytes || !peer::IsValidUtf8(text)) return;
  if (!tunnel_.SendSessionMessage(peer::EncodeChat(text))) return;
  context_.ui.ShowChat(who_, text, true);
  Report(TransferKind::kChat, TransferEvent::kSent, Party::kHost, "", text.size(), "", "");
}

// Policy allow on an unattended machine: the technician may fetch a file by its path; nobody
// is asked (nobody may be there), and the audit log says which.
void SessionExtras::Fetch(const std::string& path) {
  if (!context_.fetch_allowed || !started_ || !control_) {
    log::Warn("session ", id_, ": the technician asked to fetch a file; refused (not an "
              "unattended machine with policy allow)");
    tunnel_.SendSessionMessage(peer::EncodeFileCancel(
        {peer::kFetchFailedId, TransferEvent::kRefused, "fetching a file needs policy allow"}));
    return;
  }
  log::Info("session ", id_, ": the technician fetches ", log::Printable(path), " (policy allow)");
  // The service runs as root; the session it shares is a person's. What the technician may
  // fetch is what anyone on the machine may read, never the machine's own state (its key).
  if (Status readable = FetchableByAnyone(path, context_.options.state_dir); !readable.ok()) {
    tunnel_.SendSessionMessage(peer::EncodeFileCancel(
        {peer::kFetchFailedId, TransferEvent::kRefused, readable.message()}));
    return;
  }
  if (auto sent = files_.Offer(path); !sent.ok())
    tunnel_.SendSessionMessage(
        peer::EncodeFileCancel({peer::kFetchFailedId, TransferEvent::kFailed, sent.status().message()}));
}

void SessionExtras::Report(TransferKind what, TransferEvent event, Party from,
                           const std::string& name, uint64_t size, const std::string& sha256,
                           const std::string& detail) {
  if (ws_->closed()) return;
  ws_->SendText(wire::Encode(wire::Transfer{what, event, from, name, size, sha256,
                                            ForTheLog(detail)}));
}

asio::awaitable<void> SessionExtras::Finish() {
  for (auto& [id, once] : questions_) *once = nullptr;  // an answer after this does nothing
  files_.EndAll("the session ended");
  context_.ui.SetTools({});
  co_await files_.WaitSendersDone();
}

}  // namespace telemaint::host
