#include "host/gui/host_windows.h"

#include <FL/Fl.H>
#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Double_Window.H>
#include <FL/fl_draw.H>
#include <FL/x.H>

#include <atomic>
#include <cstdio>
#include <utility>
#include <vector>

#include "common/log.h"
#include "host/gui/layout.h"
#include "host/gui/session_panel.h"

namespace telemaint::host::gui {

namespace L = layout;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kTick = 0.25;  // seconds between countdown refreshes
// How long the code window says how the last session ended before it shows the next code.
constexpr auto kEndedShownFor = std::chrono::seconds(6);
constexpr int kButtonPadding = 8;  // FLTK's space between a button's edge and its label
const Fl_Color kBannerColour = fl_rgb_color(255, 214, 10);

Fl_Box* Text(const L::Rect& r, int size, Fl_Font font = FL_HELVETICA) {
  auto* box = new Fl_Box(r.x, r.y, r.w, r.h);
  box->labelsize(size);
  box->labelfont(font);
  box->align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT | FL_ALIGN_WRAP | FL_ALIGN_CLIP);
  return box;
}

Fl_Button* Button(const L::Rect& r, const char* label, Fl_Callback* cb, void* data) {
  auto* b = new Fl_Button(r.x, r.y, r.w, r.h, label);
  b->labelsize(15);
  b->callback(cb, data);
  return b;
}

// FLTK's lock, held for the scope, and the loop woken afterwards to redraw.
struct Locked {
  Locked() { Fl::lock(); }
  ~Locked() {
    Fl::unlock();
    Fl::awake();
  }
};

}  // namespace

struct HostWindows::Impl {
  const Texts& t;
  // Labels FLTK points at; they must outlive the widgets' use of them.
  std::string code_text, valid_text, status_text, name_text, org_text, account_text, request_text,
      countdown_text, banner_text, ended_text;

  // The code window shows the code with its time left and what to do; or, in its place, a
  // heading and a sentence for what is happening instead (connecting, no connection, asking,
  // a session), and for a few seconds after a session, how it ended.
  Fl_Double_Window* main = nullptr;
  Fl_Box *heading = nullptr, *code = nullptr, *code_message = nullptr, *valid_for = nullptr,
         *read_it = nullptr, *status = nullptr;
  Fl_Button* new_code = nullptr;
  Clock::time_point code_expires, ended_until;
  HostState state = HostState::kConnecting;
  bool wrong_code_warning = false;  // said until the next session or New code

  Fl_Double_Window* dialog = nullptr;
  std::string dialog_title;
  Fl_Box *intro = nullptr, *name = nullptr, *organisation = nullptr, *account_key = nullptr,
         *request = nullptr, *countdown = nullptr;
  Fl_Button *allow = nullptr, *view_only = nullptr, *deny = nullptr;
  Clock::time_point answer_deadline;
  int clock_rate = 1;
  bool from_view_only = false;
  std::function<void(Permission)> answer;

  Fl_Double_Window* banner = nullptr;
  Fl_Box* banner_label = nullptr;
  Fl_Button *banner_switch = nullptr, *banner_stop = nullptr, *banner_chat = nullptr,
            *banner_send_file = nullptr;
  SessionPanel session_panel{LanguageFromLocale()};
  Permission banner_permission = Permission::kControl;
  std::function<void(Permission)> choice;

  std::function<void()> on_new_code;
  std::atomic<bool> closed{false};
  std::function<void(Fl_Window*)> keep_above;  // the platform's (main.cc)

  Impl(const Texts& texts, std::function<void(Fl_Window*)> keep) : t(texts), keep_above(keep) {}
  void KeepAbove(Fl_Window* window) {
    if (keep_above) keep_above(window);
  }

  void Build() {
    BuildCodeWindow();
    BuildQuestion();
    BuildBanner();
  }

  void BuildCodeWindow() {
    main = new Fl_Double_Window(L::kMainW, L::kMainH, t.window_title);
    heading = Text(L::kYourCode, 15, FL_HELVETICA_BOLD);
    code = Text(L::kCode, 40, FL_COURIER_BOLD);
    code_message = Text(L::kCodeMessage, 18);
    valid_for = Text(L::kValidFor, 14);
    read_it = Text(L::kReadIt, 13);
    read_it->label(t.read_it);
    status = Text(L::kStatus, 14);
    new_code = Button(
        L::kNewCode, t.new_code,
        [](Fl_Widget*, void* d) {
          auto* self = static_cast<Impl*>(d);
          self->wrong_code_warning = false;
          if (self->on_new_code) self->on_new_code();
        },
        this);
    new_code->deactivate();
    main->end();
    main->callback(
        [](Fl_Widget* w, void* d) {
          // Escape is a key a person presses by mistake: only the window's close button stops.
          if (Fl::event() == FL_SHORTCUT && Fl::event_key() == FL_Escape) return;
          // Closing the window stops the host: no code, no session.
          static_cast<Impl*>(d)->closed = true;
          w->hide();
        },
        this);
  }

  void BuildQuestion() {
    dialog = new Fl_Double_Window(L::kDialogW, L::kDialogH, t.dialog_title);
    intro = Text(L::kIntro, 15);
    name = Text(L::kName, 26, FL_HELVETICA_BOLD);
    organisation = Text(L::kOrganisation, 20);
    account_key = Text(L::kAccountKey, 12);
    request = Text(L::kRequest, 15);
    countdown = Text(L::kCountdown, 14, FL_HELVETICA_ITALIC);
    allow = Button(
        L::kAllow, t.allow_control,
        [](Fl_Widget*, void* d) { static_cast<Impl*>(d)->Answer(Permission::kControl); }, this);
    view_only = Button(
        L::kViewOnly, t.view_only,
        [](Fl_Widget*, void* d) { static_cast<Impl*>(d)->Answer(Permission::kViewOnly); }, this);
    deny = Button(
        L::kDeny, t.deny,
        [](Fl_Widget*, void* d) {
          auto* self = static_cast<Impl*>(d);
          self->Answer(self->from_view_only ? Permission::kViewOnly : Permission::kDenied);
        },
        this);
    dialog->end();
    // Closing the question is a "no", never a yes.
    dialog->callback(
        [](Fl_Widget*, void* d) {
          auto* self = static_cast<Impl*>(d);
          self->Answer(self->from_view_only ? Permission::kViewOnly : Permission::kDenied);
        },
        this);
  }

  void BuildBanner() {
    banner = new Fl_Double_Window(L::kBannerW, L::kBannerH, "telemaint — session");
    banner->color(kBannerColour);
    banner->border(0);
    banner_label = Text(L::kBannerText, 15, FL_HELVETICA_BOLD);
    banner_switch = Button(
        L::kBannerSwitch, t.view_only,
        [](Fl_Widget*, void* d) {
          auto* self = static_cast<Impl*>(d);
          Permission next = self->banner_permission == Permission::kControl ? Permission::kViewOnly
                                                                            : Permission::kControl;
          if (self->choice) self->choice(next);
        },
        this);
    const ExtrasTexts& x = ExtrasTextsFor(LanguageFromLocale());
    banner_chat = Button(
        L::kBannerChat, x.chat,
        [](Fl_Widget*, void* d) { static_cast<Impl*>(d)->session_panel.Open(); }, this);
    banner_send_file = Button(
        L::kBannerSendFile, x.send_file,
        [](Fl_Widget*, void* d) { static_cast<Impl*>(d)->session_panel.ChooseFileToSend(); },
        this);
    banner_stop = Button(
        L::kBannerStop, t.stop,
        [](Fl_Widget*, void* d) {
          auto* self = static_cast<Impl*>(d);
          if (self->choice) self->choice(Permission::kDenied);
        },
        this);
    banner->end();
    banner->callback([](Fl_Widget*, void*) {}, nullptr);  // Escape must not hide it
  }

  void Answer(Permission p) {
    if (!answer) return;
    auto give = std::move(answer);
    answer = nullptr;
    dialog->hide();
    give(p);
  }

  void SetStatus(const char* text) {
    status_text = text;
    status->label(status_text.c_str());
    main->redraw();
  }

  // The heading and sentence in the code's place for the state, when there is no code.
  std::pair<const char*, const char*> StateTexts() const {
    switch (state) {
      case HostState::kUnreachable:
        return {t.unreachable_heading, t.unreachable};
      case HostState::kAsking:
        return {t.asking_heading, t.asking};
      case HostState::kInSession:
        return {t.in_session_heading, t.in_session};
      default:
        return {t.connecting_heading, t.connecting};
    }
  }

  void ShowCodeArea(bool with_code) {
    for (Fl_Widget* w : std::initializer_list<Fl_Widget*>{code, valid_for, read_it}) {
      if (with_code)
        w->show();
      else
        w->hide();
    }
    if (with_code)
      code_message->hide();
    else
      code_message->show();
    if (with_code)
      new_code->activate();
    else
      new_code->deactivate();
  }

  void RefreshCodeWindow() {
    const bool ended = !ended_text.empty() && Clock::now() < ended_until;
    const bool with_code = !code_text.empty() && !ended;
    ShowCodeArea(with_code);
    if (with_code) {
      heading->label(t.your_code);
      SetStatus(wrong_code_warning ? t.wrong_code : t.waiting);
    } else if (ended) {
      heading->label(t.ended_heading);
      code_message->label(ended_text.c_str());
      SetStatus("");
    } else {
      auto [title, sentence] = StateTexts();
      heading->label(title);
      code_message->label(sentence);
      SetStatus("");
    }
    main->redraw();
  }

  void Tick() {
    const auto now = Clock::now();
    if (!ended_text.empty() && now >= ended_until) {
      ended_text.clear();
      RefreshCodeWindow();
    }
    if (!code_text.empty()) {
      auto left = std::chrono::duration_cast<std::chrono::seconds>(code_expires - now).count();
      valid_text = Fill(t.valid_for, TimeLeft(left));
      valid_for->label(valid_text.c_str());
    }
    if (dialog->shown() && answer) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(answer_deadline - now);
      long shown = static_cast<long>((left.count() * clock_rate + 999) / 1000);
      countdown_text = Fill(from_view_only ? t.no_answer_keeps : t.no_answer_in, TimeLeft(shown));
      countdown->label(countdown_text.c_str());
      KeepAbove(dialog);
    }
    if (banner->shown()) KeepAbove(banner);
  }

  std::vector<std::string> LabelsThatDoNotFit() const {
    fl_open_display();  // measuring needs the display's fonts
    std::vector<std::string> out;
    for (const Fl_Window* window : std::initializer_list<const Fl_Window*>{main, dialog, banner}) {
      for (int n = 0; n < window->children(); ++n) {
        const Fl_Widget* w = window->child(n);
        if (!w->label() || !*w->label()) continue;
        fl_font(w->labelfont(), w->labelsize());
        const bool button = dynamic_cast<const Fl_Button*>(w) != nullptr;
        // A button's label is one line; a text box wraps at its width.
        int width = button ? 0 : w->w(), height = 0;
        fl_measure(w->label(), width, height, 1);
        const int room = button ? w->w() - 2 * kButtonPadding : w->w();
        if (width > room || height > w->h())
          out.push_back(std::string(w->label()) + " (" + std::to_string(width) + "x" +
                        std::to_string(height) + " in " + std::to_string(room) + "x" +
                        std::to_string(w->h()) + ")");
      }
    }
    return out;
  }

  void PlaceBanner() { banner->position((Fl::w() - L::kBannerW) / 2, 0); }
};

namespace {
void TickAndRepeat(void* impl) {
  static_cast<HostWindows::Impl*>(impl)->Tick();
  Fl::repeat_timeout(kTick, TickAndRepeat, impl);
}
}  // namespace

HostWindows::HostWindows(const Texts& texts, std::function<void(Fl_Window*)> keep_above)
    : impl_(std::make_unique<Impl>(texts, std::move(keep_above))) {
  Fl::lock();  // held by the main thread outside Fl::wait; other threads take it to update
  impl_->Build();
}

HostWindows::~HostWindows() = default;

void HostWindows::OnNewCode(std::function<void()> handler) {
  impl_->on_new_code = std::move(handler);
}

void HostWindows::ShowCode(const std::string& code, std::chrono::seconds valid_for) {
  Locked lock;
  Impl& i = *impl_;
  i.code_text = code;
  i.code->label(i.code_text.c_str());
  if (!code.empty()) {
    i.code_expires = Clock::now() + valid_for;
    i.Tick();
  }
  i.RefreshCodeWindow();
}

void HostWindows::ShowState(HostState state) {
  Locked lock;
  Impl& i = *impl_;
  i.state = state;
  if (state == HostState::kWrongCode) i.wrong_code_warning = true;
  if (state == HostState::kAsking || state == HostState::kInSession) i.wrong_code_warning = false;
  i.RefreshCodeWindow();
}

void HostWindows::Ask(const Technician& who, bool from_view_only, bool view_only_possible,
                      AnswerTime time, std::function<void(Permission)> answer) {
  Locked lock;
  Impl& i = *impl_;
  i.answer = std::move(answer);
  i.from_view_only = from_view_only;
  i.clock_rate = time.clock_rate;
  i.answer_deadline = Clock::now() + time.real();
  i.name_text = log::PrintableLabel(who.name.empty() ? who.account : who.name);
  i.org_text = log::PrintableLabel(who.organisation);
  i.account_text = Fill(i.t.account_key, log::PrintableLabel(who.account), who.fingerprint);
  i.request_text = from_view_only ? i.t.asks_control_again : i.t.asks_control;
  // A request for control during a session is a question of its own, with its own title.
  i.dialog_title = from_view_only ? Fill(i.t.control_title,
                                         log::Printable(who.name.empty() ? who.account : who.name))
                                  : std::string(i.t.dialog_title);
  i.dialog->label(i.dialog_title.c_str());
  i.intro->label(from_view_only ? i.t.control_intro : i.t.dialog_intro);
  i.name->label(i.name_text.c_str());
  i.organisation->label(i.org_text.c_str());
  i.account_key->label(i.account_text.c_str());
  i.request->label(i.request_text.c_str());
  i.deny->label(from_view_only ? i.t.keep_view_only : i.t.deny);
  if (from_view_only || !view_only_possible) {
    i.view_only->hide();
  } else {
    i.view_only->show();
  }
  i.state = HostState::kAsking;
  i.wrong_code_warning = false;
  i.RefreshCodeWindow();
  i.dialog->position((Fl::w() - L::kDialogW) / 2, (Fl::h() - L::kDialogH) / 2);
  i.dialog->show();
  // Space on the focused button answers it: only a "no" may be the keyboard's default.
  i.deny->take_focus();
  i.Tick();
}

void HostWindows::CloseQuestion() {
  Locked lock;
  Impl& i = *impl_;
  i.answer = nullptr;
  i.dialog->hide();
  // Answered during a session (a request for control): the session goes on.
  if (i.banner->shown()) {
    i.state = HostState::kInSession;
    i.RefreshCodeWindow();
  }
}

void HostWindows::ShowBanner(const Technician& who, Permission now, bool view_only_possible,
                             std::function<void(Permission)> choice) {
  Locked lock;
  Impl& i = *impl_;
  i.choice = std::move(choice);
  i.banner_permission = now;
  i.banner_text = Fill(now == Permission::kControl ? i.t.controlling : i.t.viewing,
                       log::PrintableLabel(Describe(who)));
  i.banner_label->label(i.banner_text.c_str());
  i.banner_switch->label(now == Permission::kControl ? i.t.view_only : i.t.allow_control);
  if (view_only_possible) {
    i.banner_switch->show();
  } else {
    i.banner_switch->hide();
  }
  i.state = HostState::kInSession;
  i.RefreshCodeWindow();
  i.PlaceBanner();
  i.banner->show();
  i.banner->redraw();
  i.KeepAbove(i.banner);
}

SessionPanel& HostWindows::panel() { return impl_->session_panel; }

void HostWindows::SessionEnded(const Technician& who, std::chrono::seconds lasted) {
  impl_->session_panel.Reset();
  Locked lock;
  Impl& i = *impl_;
  i.choice = nullptr;
  i.banner->hide();
  i.state = HostState::kConnecting;
  i.ended_text = Fill(i.t.session_ended_with, log::PrintableLabel(Describe(who)),
                      SessionLength(i.t, static_cast<long>(lasted.count())));
  i.ended_until = Clock::now() + kEndedShownFor;
  i.RefreshCodeWindow();
}

std::vector<std::string> HostWindows::LabelsThatDoNotFit() const {
  Locked lock;
  return impl_->LabelsThatDoNotFit();
}

void HostWindows::Run(const std::function<bool()>& done, const std::function<void()>& on_close,
                      bool code_window) {
  Impl& i = *impl_;
  i.RefreshCodeWindow();
  if (code_window) i.main->show();
  Fl::add_timeout(kTick, TickAndRepeat, &i);
  bool told = false;
  while (!done()) {
    Fl::wait(kTick);
    if (i.closed && !told) {
      told = true;
      on_close();
    }
  }
  Fl::remove_timeout(TickAndRepeat, &i);
}

}  // namespace telemaint::host::gui
