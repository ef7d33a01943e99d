#include "viewer/side_panel.h"

#include <FL/Fl.H>
#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Double_Window.H>
#include <FL/Fl_Input.H>
#include <FL/Fl_Native_File_Chooser.H>
#include <FL/Fl_Progress.H>
#include <FL/Fl_Return_Button.H>
#include <FL/Fl_Text_Buffer.H>
#include <FL/Fl_Text_Display.H>

#include "common/log.h"

namespace telemaint::viewer {

namespace {

constexpr int kW = 480, kH = 380;

std::string SizeText(uint64_t bytes) {
  char text[32];
  if (bytes < 1024 * 1024)
    std::snprintf(text, sizeof text, "%.1f KB", bytes / 1024.0);
  else
    std::snprintf(text, sizeof text, "%.1f MB", bytes / 1048576.0);
  return text;
}

std::string TransferText(const peer::TransferView& t) {
  const std::string what = std::string(t.outgoing ? "To the customer: " : "From the customer: ") + t.name;
  switch (t.state) {
    case peer::TransferState::kCompleted:
      return what + (t.outgoing ? " — received" : " — saved in " + t.path) + " (SHA-256 " +
             t.sha256 + ")";
    case peer::TransferState::kMoving:
      return what + " — " + SizeText(t.done) + " of " + SizeText(t.size);
    default:
      return what + " — " + peer::TransferStateText(t.state) +
             (t.detail.empty() ? "" : " (" + t.detail + ")");
  }
}

// Receives what Fl::paste asks for: the technician's clipboard, when it changed or on request.
class ClipboardReceiver : public Fl_Box {
 public:
  ClipboardReceiver(SidePanel::Impl* owner) : Fl_Box(0, 0, 1, 1), owner_(owner) {}
  int handle(int event) override;
  peer::Selection selection = peer::Selection::kClipboard;

 private:
  SidePanel::Impl* owner_;
};

}  // namespace

struct SidePanel::Impl {
  Handlers handlers;
  Fl_Double_Window* window = nullptr;
  Fl_Text_Buffer* buffer = nullptr;
  Fl_Text_Display* log = nullptr;
  Fl_Input* input = nullptr;
  Fl_Box *transfer = nullptr, *clipboard_state = nullptr;
  Fl_Progress* progress = nullptr;
  Fl_Button* cancel = nullptr;
  ClipboardReceiver* receiver = nullptr;
  std::string transfer_text, clipboard_text;
  bool clipboard_allowed = false;
  bool share = true;             // the technician's switch
  bool primary = false;          // PRIMARY too (--primary)
  bool copied_elsewhere = false;  // a copy made while another program had the focus
  bool send_even_if_same = false;
  std::string last_sent[2], last_received[2];

  void Build();
  void AddLine(const std::string& line) {
    buffer->append((line + "\n").c_str());
    log->insert_position(buffer->length());
    log->show_insert_position();
  }
  void Pasted(peer::Selection selection, const std::string& text) {
    const int i = static_cast<int>(selection);
    const bool same = text == last_sent[i] || text == last_received[i];
    if (!clipboard_allowed || text.empty() || (same && !send_even_if_same)) return;
    send_even_if_same = false;
    last_sent[i] = text;
    if (handlers.clipboard) handlers.clipboard(selection, text);
  }
  // Only CLIPBOARD (never what is merely highlighted), and only while the technician works in
  // our window: a copy made in another program waits until the window gets the focus again.
  static void OnClipboardChanged(int source, void* data) {
    auto* self = static_cast<Impl*>(data);
    if ((source != 1 && !self->primary) || !self->share || !self->clipboard_allowed ||
        !Fl::first_window())
      return;
    if (!Fl::focus()) {
      self->copied_elsewhere = self->copied_elsewhere || source == 1;
      return;
    }
    if (source == 1) {
      self->PasteClipboard();
      return;
    }
    self->receiver->selection = peer::Selection::kPrimary;
    Fl::paste(*self->receiver, 0);
  }
  void PasteClipboard() {
    copied_elsewhere = false;
    receiver->selection = peer::Selection::kClipboard;
    Fl::paste(*receiver, 1);
  }
};

int ClipboardReceiver::handle(int event) {
  if (event != FL_PASTE) return Fl_Box::handle(event);
  owner_->Pasted(selection, std::string(Fl::event_text(), Fl::event_length()));
  return 1;
}

void SidePanel::Impl::Build() {
  Fl_Group* current = Fl_Group::current();
  Fl_Group::current(nullptr);
  window = new Fl_Double_Window(kW, kH, "telemaint — chat and files");
  buffer = new Fl_Text_Buffer();
  log = new Fl_Text_Display(10, 10, kW - 20, 200);
  log->buffer(buffer);
  log->wrap_mode(Fl_Text_Display::WRAP_AT_BOUNDS, 0);
  input = new Fl_Input(10, 218, kW - 120, 30);
  input->maximum_size(static_cast<int>(peer::kMaxChatBytes));
  auto* send = new Fl_Return_Button(kW - 102, 218, 92, 30, "Send");
  send->callback([](Fl_Widget*, void* d) {
    auto* self = static_cast<Impl*>(d);
    const std::string text = self->input->value();
    if (!text.empty() && self->handlers.chat) self->handlers.chat(text);
    self->input->value("");
  }, this);
  transfer = new Fl_Box(10, 256, kW - 20, 24);
  transfer->align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT | FL_ALIGN_CLIP);
  progress = new Fl_Progress(10, 284, kW - 120, 22);
  progress->minimum(0);
  progress->maximum(1);
  cancel = new Fl_Button(kW - 102, 280, 92, 30, "Cancel");
  cancel->callback([](Fl_Widget*, void* d) {
    auto* self = static_cast<Impl*>(d);
    if (self->handlers.cancel_transfers) self->handlers.cancel_transfers();
  }, this);
  clipboard_state = new Fl_Box(10, 318, kW - 20, 22);
  clipboard_state->align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT | FL_ALIGN_CLIP);
  receiver = new ClipboardReceiver(this);
  receiver->hide();
  window->end();
  progress->hide();
  cancel->hide();
  Fl_Group::current(current);
  Fl::add_clipboard_notify(OnClipboardChanged, this);
}

SidePanel::SidePanel(Handlers handlers, bool share, bool primary)
    : impl_(std::make_unique<Impl>()) {
  impl_->handlers = std::move(handlers);
  impl_->share = share;
  impl_->primary = primary;
  impl_->Build();
  SetClipboardAllowed(false);
}

SidePanel::~SidePanel() { Fl::remove_clipboard_notify(Impl::OnClipboardChanged); }

void SidePanel::Open() { impl_->window->show(); }

void SidePanel::ChooseFileToSend() {
  Fl_Native_File_Chooser chooser;
  chooser.title("Send a file to the customer");
  chooser.type(Fl_Native_File_Chooser::BROWSE_MULTI_FILE);
  if (chooser.show() != 0 || !impl_->handlers.send_file) return;
  for (int i = 0; i < chooser.count(); ++i) impl_->handlers.send_file(chooser.filename(i));
  Open();
}

void SidePanel::SendClipboardNow() {
  if (!impl_->share || !impl_->clipboard_allowed || !Fl::first_window()) return;
  impl_->send_even_if_same = true;
  impl_->PasteClipboard();
}

void SidePanel::OnWindowFocus() {
  if (impl_->copied_elsewhere && impl_->share && impl_->clipboard_allowed) impl_->PasteClipboard();
}

void SidePanel::AddChat(const std::string& who, const std::string& text) {
  impl_->AddLine(who + ": " + peer::OneLine(text));
  Open();  // the notification: the pane comes up with the message
}

void SidePanel::ShowTransfer(const peer::TransferView& t) {
  Impl& i = *impl_;
  i.transfer_text = log::PrintableLabel(TransferText(t));
  i.transfer->label(i.transfer_text.c_str());
  if (!t.finished() && t.state == peer::TransferState::kMoving) {
    i.progress->value(t.size ? static_cast<float>(static_cast<double>(t.done) / t.size) : 1.f);
    i.progress->show();
    i.cancel->show();
  } else {
    i.progress->hide();
    i.cancel->hide();
  }
  if (t.finished()) i.AddLine(TransferText(t));
  Open();
  i.window->redraw();
}

void SidePanel::SetClipboardAllowed(bool allowed) {
  impl_->clipboard_allowed = allowed;
  impl_->clipboard_text = !impl_->share ? "Clipboard: not shared (--no-clipboard)"
                         : allowed ? "Clipboard: shared (what you copy in this window reaches "
                                     "the customer)"
                                   : "Clipboard: not shared (the customer has not allowed it)";
  impl_->clipboard_state->label(impl_->clipboard_text.c_str());
}

void SidePanel::SetLocalClipboard(peer::Selection selection, const std::string& text) {
  // Never the technician's PRIMARY (a middle-click in their own terminal must paste their own
  // text), and only while both sides share.
  if ((selection != peer::Selection::kClipboard && !impl_->primary) || !impl_->share ||
      !impl_->clipboard_allowed)
    return;
  impl_->last_received[static_cast<int>(selection)] = text;
  Fl::copy(text.data(), static_cast<int>(text.size()),
           selection == peer::Selection::kClipboard ? 1 : 0);
}

void SidePanel::CancelTransfers() {
  if (impl_->handlers.cancel_transfers) impl_->handlers.cancel_transfers();
}

void SidePanel::SendDropped(const std::string& text) {
  for (const std::string& path : DroppedPaths(text))
    if (impl_->handlers.send_file) impl_->handlers.send_file(path);
  Open();
}

std::vector<std::string> SidePanel::DroppedPaths(const std::string& text) {
  std::vector<std::string> paths;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.rfind("file://", 0) == 0) {
      line = line.substr(7);
      line = line.substr(line.find('/') == std::string::npos ? line.size() : line.find('/'));
      std::string decoded;  // %XX escapes of the URI
      for (size_t k = 0; k < line.size(); ++k) {
        if (line[k] == '%' && k + 2 < line.size() && isxdigit(static_cast<unsigned char>(line[k + 1])) &&
            isxdigit(static_cast<unsigned char>(line[k + 2]))) {
          decoded += static_cast<char>(std::stoi(line.substr(k + 1, 2), nullptr, 16));
          k += 2;
        } else {
          decoded += line[k];
        }
      }
      line = decoded;
    }
    if (!line.empty() && line[0] == '/') paths.push_back(line);
  }
  return paths;
}

}  // namespace telemaint::viewer
