#include "host/gui/gui_host.h"

#include <FL/Fl.H>
#include <FL/fl_ask.H>

#include <atomic>
#include <cstdio>
#include <optional>
#include <thread>

#include "common/log.h"
#include "host/gui/host_windows.h"
#include "host/gui/session_panel.h"
#include "host/open_question.h"

namespace telemaint::host::gui {

using namespace net;

namespace {

// ConsentUi on the io thread, shown by HostWindows on the main thread. Answers and banner
// buttons come back to the io thread through the executor.
class WindowConsent : public ConsentUi {
 public:
  WindowConsent(PostToIo post, HostWindows& windows, Say say)
      : post_(std::move(post)), windows_(windows), say_(std::move(say)) {
    windows_.OnNewCode([this] {
      post_([this] {
        say_("You asked for a new code.");
        if (new_code_) new_code_();
      });
    });
    // The panel's buttons reach the session's tools on the io thread (none between sessions).
    SessionPanel::Handlers handlers;
    handlers.chat = [this](const std::string& text) {
      post_([this, text] {
        if (tools_.chat) tools_.chat(text);
      });
    };
    handlers.send_file = [this](const std::string& path) {
      post_([this, path] {
        if (tools_.send_file) tools_.send_file(path);
      });
    };
    handlers.cancel_transfers = [this] {
      post_([this] {
        if (tools_.cancel_transfer) tools_.cancel_transfer(0);
      });
    };
    handlers.switch_clipboard = [this](bool on) {
      post_([this, on] {
        if (tools_.switch_clipboard) tools_.switch_clipboard(on);
      });
    };
    windows_.panel().SetHandlers(std::move(handlers));
  }

  void AskFile(const Technician& who, const peer::TransferView& offer,
               std::function<void(bool)> answer) override {
    say_("The technician offers a file (asked in the window).");
    windows_.panel().AskFile(Describe(who), offer, [this, answer](bool accept) {
      post_([answer, accept] { answer(accept); });
    });
  }
  void WithdrawFile(uint32_t id) override { windows_.panel().WithdrawFile(id); }
  void ShowTransfer(const peer::TransferView& t) override {
    windows_.panel().ShowTransfer(t);
    if (t.finished()) say_(TransferLine(t, Language::kEnglish));
  }
  void ShowChat(const Technician& who, const std::string& text, bool mine) override {
    const ExtrasTexts& x = ExtrasTextsFor(LanguageFromLocale());
    windows_.panel().AddChat(mine ? std::string(x.you) : Describe(who), text);
  }
  void ShowClipboard(bool shared, bool switched_on) override {
    windows_.panel().ShowClipboard(shared, switched_on);
  }

  asio::awaitable<ConsentAnswer> Ask(const Technician& who, bool from_view_only,
                                     bool view_only_possible, AnswerTime time) override {
    view_only_possible_ = view_only_possible;
    say_(from_view_only
             ? Describe(who) + " asks to take control of this computer (asked in the window)."
             : "Technician " + Describe(who) +
                   " asks to connect to this computer (asked in the window).");
    const unsigned asked = ++question_id_;
    windows_.Ask(who, from_view_only, view_only_possible, time, [this, asked](Permission p) {
      post_([this, asked, p] {
        if (asked == question_id_) question_.Answer(p);  // not an answer to an older question
      });
    });
    ConsentAnswer answer = co_await question_.Wait(time, from_view_only, say_);
    windows_.CloseQuestion();
    if (!answer.timed_out)
      say_(std::string("You answered: ") + wire::PermissionText(answer.permission) + ".");
    co_return answer;
  }

  void ShowSession(const Technician& who, Permission now,
                   std::function<void(Permission)> on_choice) override {
    if (!on_choice_) started_ = std::chrono::steady_clock::now();  // a new session
    on_choice_ = std::move(on_choice);
    who_ = who;
    Show(now);
  }

  void EndSession(const std::string& how) override {
    on_choice_ = nullptr;
    windows_.SessionEnded(who_, std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::steady_clock::now() - started_));
    say_("The session ended: " + how);
  }

  void CancelAsk(bool technician_left) override {
    if (!question_.open()) return;
    if (technician_left) say_("The technician left before you answered.");
    question_.Withdraw();
  }

  void ShowCode(const std::string& code, std::chrono::seconds valid_for) override {
    windows_.ShowCode(code, valid_for);
  }

  void ShowState(HostState state) override { windows_.ShowState(state); }

 private:
  void Show(Permission now) {
    say_(Describe(who_) + (now == Permission::kControl ? " is controlling" : " is viewing") +
         " your screen (the banner at the top has Stop).");
    windows_.ShowBanner(who_, now, view_only_possible_, [this](Permission p) {
      post_([this, p] {
        if (!on_choice_) return;  // the session already ended
        auto choose = on_choice_;
        choose(p);
        if (p != Permission::kDenied && on_choice_) Show(p);
      });
    });
  }

  PostToIo post_;
  HostWindows& windows_;
  Say say_;
  OpenQuestion question_;
  unsigned question_id_ = 0;
  bool view_only_possible_ = true;
  std::function<void(Permission)> on_choice_;
  Technician who_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

int RunHostWithWindows(HostOptions options, HostPlatform platform, KeepAbove keep_above) {
  if (!options.display.empty()) Fl::display(options.display.c_str());
  HostWindows windows(TextsFor(LanguageFromLocale()), std::move(keep_above));
  auto last_line = std::make_shared<std::string>();  // agent thread, read after it ends
  platform.say = [last_line](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    *last_line = line;
  };
  platform.make_ui = [&windows](PostToIo post, Say say) {
    return std::unique_ptr<ConsentUi>(new WindowConsent(std::move(post), windows, std::move(say)));
  };
  const bool code_window = options.state_dir.empty();  // a service shows no code
  HostAgent agent(std::move(options), std::move(platform));
  std::atomic<bool> done{false};
  int result = 0;
  std::thread work([&] {
    result = agent.Run();
    done = true;
    Fl::awake();
  });
  windows.Run([&] { return done.load(); },
              [&] {
                log::Info("the code window was closed: stopping");
                agent.Stop();
              },
              code_window);
  work.join();
  // Started from a menu or a desktop icon, nobody reads standard output: say why it stopped.
  if (result != 0 && !last_line->empty()) fl_alert("%s", last_line->c_str());
  return result;
}

void ShowNotSetUp(const std::string& display) {
  if (!display.empty()) Fl::display(display.c_str());
  const Texts& t = TextsFor(LanguageFromLocale());
  fl_message_title(t.window_title);
  fl_close = t.close;
  fl_alert("%s", t.not_set_up);
}

}  // namespace telemaint::host::gui
