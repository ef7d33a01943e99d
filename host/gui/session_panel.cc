#include "host/gui/session_panel.h"

// Ours before FLTK's: X11's headers define Status as a macro.
#include "common/files.h"
#include "common/log.h"
#include "host/gui/layout.h"
#include "peer/file_names.h"
#include "peer/side_messages.h"

#include <FL/Fl.H>
#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Check_Button.H>
#include <FL/Fl_Double_Window.H>
#include <FL/Fl_Input.H>
#include <FL/Fl_Native_File_Chooser.H>
#include <FL/Fl_Progress.H>
#include <FL/Fl_Return_Button.H>
#include <FL/Fl_Text_Buffer.H>
#include <FL/Fl_Text_Display.H>

#include <deque>

namespace telemaint::host::gui {

namespace L = layout;

namespace {

struct Locked {
  Locked() { Fl::lock(); }
  ~Locked() {
    Fl::unlock();
    Fl::awake();
  }
};

template <typename F>
void OnClick(Fl_Widget* w, F* f) {
  w->callback([](Fl_Widget*, void* d) { (*static_cast<F*>(d))(); }, f);
}

}  // namespace

struct SessionPanel::Impl {
  Language language;
  const ExtrasTexts& x;
  Handlers handlers;
  Fl_Double_Window* panel = nullptr;
  Fl_Text_Buffer* chat_buffer = nullptr;
  Fl_Text_Display* chat_log = nullptr;
  Fl_Input* chat_input = nullptr;
  Fl_Box* transfer_line = nullptr;
  Fl_Progress* progress = nullptr;
  Fl_Button *cancel = nullptr, *save = nullptr, *send_file = nullptr;
  Fl_Check_Button* clipboard = nullptr;
  Fl_Double_Window* question = nullptr;
  Fl_Box* question_text = nullptr;
  std::string transfer_text, question_label, saved_text;
  // The file questions, oldest first; the window shows the first.
  std::deque<std::pair<uint32_t, std::function<void(bool)>>> asked;
  std::deque<std::string> asked_labels;
  std::function<void()> on_send, on_save, on_cancel, on_clipboard, on_send_file, on_accept,
      on_refuse;

  explicit Impl(Language l) : language(l), x(ExtrasTextsFor(l)) { Build(); }

  void Build() {
    panel = new Fl_Double_Window(L::kPanelW, L::kPanelH, x.panel_title);
    chat_buffer = new Fl_Text_Buffer();
    chat_log = new Fl_Text_Display(10, 10, L::kPanelW - 20, 230);
    chat_log->buffer(chat_buffer);
    chat_log->wrap_mode(Fl_Text_Display::WRAP_AT_BOUNDS, 0);
    chat_input = new Fl_Input(L::kPanelChatInput.x, L::kPanelChatInput.y, L::kPanelChatInput.w,
                              L::kPanelChatInput.h);
    chat_input->maximum_size(static_cast<int>(peer::kMaxChatBytes));
    auto* send = new Fl_Return_Button(L::kPanelW - 112, 248, 102, 30, x.send);
    on_send = [this] { SendChat(); };
    OnClick(send, &on_send);
    transfer_line = new Fl_Box(10, 286, L::kPanelW - 20, 24);
    transfer_line->align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT | FL_ALIGN_CLIP);
    progress = new Fl_Progress(10, 314, L::kPanelW - 130, 22);
    progress->minimum(0);
    progress->maximum(1);
    cancel = new Fl_Button(L::kPanelW - 112, 310, 102, 30, x.cancel);
    on_cancel = [this] {
      if (handlers.cancel_transfers) handlers.cancel_transfers();
    };
    OnClick(cancel, &on_cancel);
    clipboard = new Fl_Check_Button(10, 352, 200, 30, x.clipboard);
    on_clipboard = [this] {
      if (handlers.switch_clipboard) handlers.switch_clipboard(clipboard->value() != 0);
    };
    OnClick(clipboard, &on_clipboard);
    save = new Fl_Button(L::kPanelW - 292, 352, 120, 30, x.save);
    on_save = [this] { SaveChat(); };
    OnClick(save, &on_save);
    send_file = new Fl_Button(L::kPanelW - 164, 352, 154, 30, x.send_file);
    on_send_file = [this] { ChooseFile(); };
    OnClick(send_file, &on_send_file);
    panel->end();
    progress->hide();
    cancel->hide();
    BuildQuestion();
  }

  void BuildQuestion() {
    question = new Fl_Double_Window(L::kPanelW, 150, x.file_title);
    question_text = new Fl_Box(10, 10, L::kPanelW - 20, 80);
    question_text->align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT | FL_ALIGN_WRAP);
    question_text->labelsize(15);
    auto* accept = new Fl_Button(L::kFileAccept.x, L::kFileAccept.y, L::kFileAccept.w,
                                 L::kFileAccept.h, x.accept);
    auto* refuse = new Fl_Button(L::kFileRefuse.x, L::kFileRefuse.y, L::kFileRefuse.w,
                                 L::kFileRefuse.h, x.refuse);
    on_accept = [this] { AnswerFirst(true); };
    on_refuse = [this] { AnswerFirst(false); };
    OnClick(accept, &on_accept);
    OnClick(refuse, &on_refuse);
    question->end();
    question->callback([](Fl_Widget*, void* d) { static_cast<Impl*>(d)->AnswerFirst(false); },
                       this);  // closing it refuses
  }

  void Place(Fl_Window* w) { w->position((Fl::w() - w->w()) / 2, L::kBannerH + 4); }

  void SendChat() {
    const std::string text = chat_input->value();
    if (text.empty() || !handlers.chat) return;
    handlers.chat(text);
    chat_input->value("");
  }

  void ChooseFile() {
    Fl_Native_File_Chooser chooser;
    chooser.title(x.send_file);
    chooser.type(Fl_Native_File_Chooser::BROWSE_FILE);
    if (chooser.show() == 0 && chooser.filename() && handlers.send_file)
      handlers.send_file(chooser.filename());
  }

  void SaveChat() {
    const std::string dir = peer::DownloadsDirectory();
    const std::string path = dir + "/telemaint-chat.txt";
    Fl_Native_File_Chooser chooser;
    chooser.title(x.save);
    chooser.type(Fl_Native_File_Chooser::BROWSE_SAVE_FILE);
    chooser.directory(dir.c_str());
    chooser.preset_file("telemaint-chat.txt");
    chooser.options(Fl_Native_File_Chooser::SAVEAS_CONFIRM);
    if (chooser.show() != 0 || !chooser.filename()) return;
    char* text = chat_buffer->text();
    const auto s = WriteFileAtomically(chooser.filename(), text, 0600);
    free(text);
    AddLine(s.ok() ? Fill(x.chat_saved, chooser.filename()) : s.message());
  }

  void AddLine(const std::string& line) {
    chat_buffer->append((line + "\n").c_str());
    chat_log->insert_position(chat_buffer->length());
    chat_log->show_insert_position();
  }

  void ShowQuestion() {
    if (asked.empty()) {
      question->hide();
      return;
    }
    question_label = asked_labels.front();
    question_text->label(question_label.c_str());
    Place(question);
    question->show();
  }

  void AnswerFirst(bool accept) {
    if (asked.empty()) return;
    auto answer = std::move(asked.front().second);
    asked.pop_front();
    asked_labels.pop_front();
    ShowQuestion();
    answer(accept);
  }
};

SessionPanel::SessionPanel(Language language) : impl_(std::make_unique<Impl>(language)) {}
SessionPanel::~SessionPanel() = default;

void SessionPanel::SetHandlers(Handlers handlers) {
  Locked lock;
  impl_->handlers = std::move(handlers);
}

void SessionPanel::Open() {
  impl_->Place(impl_->panel);
  impl_->panel->show();
}

void SessionPanel::ChooseFileToSend() { impl_->ChooseFile(); }

void SessionPanel::AddChat(const std::string& who, const std::string& text) {
  Locked lock;
  impl_->AddLine(who + (impl_->language == Language::kFrench ? " : " : ": ") +
                 peer::OneLine(text));
  if (!impl_->panel->shown()) Open();  // the notification: the chat comes up
}

void SessionPanel::ShowTransfer(const peer::TransferView& t) {
  Locked lock;
  Impl& i = *impl_;
  i.transfer_text = log::PrintableLabel(TransferLine(t, i.language));
  i.transfer_line->label(i.transfer_text.c_str());
  const bool moving = !t.finished() && t.state == peer::TransferState::kMoving;
  if (moving) {
    i.progress->value(t.size ? static_cast<float>(static_cast<double>(t.done) / t.size) : 1.f);
    i.progress->show();
    i.cancel->show();
  } else {
    i.progress->hide();
    i.cancel->hide();
  }
  if (t.finished()) i.AddLine(TransferLine(t, i.language));
  if (!i.panel->shown()) Open();
  i.panel->redraw();
}

void SessionPanel::ShowClipboard(bool shared, bool switched_on) {
  Locked lock;
  impl_->clipboard->value(switched_on ? 1 : 0);
  impl_->clipboard->tooltip(shared ? impl_->x.clipboard_shared
                            : switched_on ? impl_->x.clipboard_not_shared
                                          : impl_->x.clipboard_off);
}

void SessionPanel::AskFile(const std::string& who, const peer::TransferView& offer,
                           std::function<void(bool)> answer) {
  Locked lock;
  Impl& i = *impl_;
  i.asked.emplace_back(offer.id, std::move(answer));
  i.asked_labels.push_back(log::PrintableLabel(
      Fill(i.x.file_offered, who, offer.name, HumanSize(offer.size, i.language))));
  if (i.asked.size() == 1) i.ShowQuestion();
}

void SessionPanel::WithdrawFile(uint32_t id) {
  Locked lock;
  Impl& i = *impl_;
  for (size_t k = 0; k < i.asked.size(); ++k) {
    if (i.asked[k].first != id) continue;
    i.asked.erase(i.asked.begin() + static_cast<long>(k));
    i.asked_labels.erase(i.asked_labels.begin() + static_cast<long>(k));
    if (k == 0) i.ShowQuestion();
    return;
  }
}

void SessionPanel::Reset() {
  Locked lock;
  Impl& i = *impl_;
  i.asked.clear();
  i.asked_labels.clear();
  i.question->hide();
  i.panel->hide();
  i.chat_buffer->text("");
  i.transfer_text.clear();
  i.transfer_line->label("");
}

}  // namespace telemaint::host::gui
