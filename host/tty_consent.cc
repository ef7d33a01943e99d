#include <unistd.h>

#include <memory>
#include <optional>
#include <thread>

#include "common/log.h"
#include "host/consent.h"
#include "host/open_question.h"
#include "host/terminal_texts.h"

namespace telemaint::host {

using namespace net;

std::string Describe(const Technician& who) {
  std::string out = who.name.empty() ? who.account : who.name;
  if (!who.organisation.empty()) out += " (" + who.organisation + ")";
  return out;
}

namespace {

// What the reader thread and the io thread share; the thread may outlive the UI object
// (it blocks in read() until the process exits), so it holds this, not the UI.
struct Shared {
  PostToIo post;
  std::function<void(std::optional<std::string>)> on_line;  // nullopt: end of input
  bool alive = true;                                        // io thread only
};

class TtyConsent : public ConsentUi {
 public:
  TtyConsent(PostToIo post, Say say) : say_(std::move(say)), shared_(std::make_shared<Shared>()) {
    shared_->post = std::move(post);
    shared_->on_line = [this](std::optional<std::string> line) { OnLine(std::move(line)); };
    std::thread([shared = shared_] {
      std::string partial;
      char buf[256];
      for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n <= 0) break;
        partial.append(buf, static_cast<size_t>(n));
        size_t pos;
        while ((pos = partial.find('\n')) != std::string::npos) {
          std::string line = partial.substr(0, pos);
          partial.erase(0, pos + 1);
          shared->post([shared, line] {
            if (shared->alive) shared->on_line(line);
          });
        }
        if (partial.size() > 4096) partial.clear();  // not a person typing
      }
      shared->post([shared] {
        if (shared->alive) shared->on_line(std::nullopt);
      });
    }).detach();
  }
  ~TtyConsent() override { shared_->alive = false; }

  asio::awaitable<ConsentAnswer> Ask(const Technician& who, bool from_view_only,
                                     bool view_only_possible, AnswerTime time) override {
    const std::chrono::seconds timeout = time.shown;
    ConsentAnswer answer;
    if (input_closed_) {
      say_(Fill(t_.nobody_can_answer, Describe(who)));
      answer.timed_out = true;
      co_return answer;
    }
    view_only_possible_ = view_only_possible;
    say_("");
    say_(Fill(from_view_only ? t_.asks_control : t_.asks_connect, Describe(who)));
    say_(Fill(t_.account_key, who.account, who.fingerprint));
    say_(Fill(from_view_only ? t_.no_answer_keeps : t_.no_answer_within, Choices(from_view_only),
              TimeLeft(static_cast<long>(timeout.count()))));
    from_view_only_ = from_view_only;
    co_return co_await question_.Wait(time, from_view_only, say_);
  }

  void ShowSession(const Technician& who, Permission now,
                   std::function<void(Permission)> on_choice) override {
    on_choice_ = std::move(on_choice);
    current_ = now;
    who_ = who;
    SayState();
  }

  void CancelAsk(bool technician_left) override {
    if (!question_.open()) return;
    if (technician_left) say_(t_.technician_left);
    question_.Withdraw();
  }

  void EndSession(const std::string& how) override {
    on_choice_ = nullptr;
    say_(Fill(t_.session_ended, LocalWord(how, language_)));
  }

 private:
  std::string Choices(bool from_view_only) const {
    if (from_view_only) return t_.choices_control;
    return view_only_possible_ ? t_.choices : t_.choices_allow_deny;
  }

  void SayState() {
    const bool control = current_ == Permission::kControl;
    say_(Fill(control ? t_.controlling : t_.viewing, Describe(who_),
              view_only_possible_ ? (control ? t_.or_view_only : t_.or_allow_control) : ""));
  }

  void OnLine(std::optional<std::string> line) {
    if (!line) {
      input_closed_ = true;
      question_.NobodyCanAnswer();  // a "no"
      return;
    }
    std::string word;
    for (char c : *line)
      if (c != ' ' && c != '\t' && c != '\r') word += static_cast<char>(std::tolower(c));
    if (question_.open()) {
      std::optional<Permission> choice;
      if (word == "a") choice = Permission::kControl;
      if (word == "d" || word == "n" || word == "r")  // r: "refuser"
        choice = from_view_only_ ? Permission::kViewOnly : Permission::kDenied;
      if (word == "v" && view_only_possible_ && !from_view_only_) choice = Permission::kViewOnly;
      if (!choice) {
        say_(Choices(from_view_only_));
        return;
      }
      question_.Answer(*choice);
      return;
    }
    if (!on_choice_ || word.empty()) return;
    if (word == "s") {
      auto choose = on_choice_;
      choose(Permission::kDenied);
    } else if (word == "v" && view_only_possible_ && current_ == Permission::kControl) {
      current_ = Permission::kViewOnly;
      on_choice_(current_);
      SayState();
    } else if (word == "a" && current_ == Permission::kViewOnly) {
      current_ = Permission::kControl;
      on_choice_(current_);
      SayState();
    } else {
      SayState();
    }
  }

  const Language language_ = LanguageFromLocale();
  const TerminalTexts& t_ = TerminalTextsFor(language_);
  Say say_;
  std::shared_ptr<Shared> shared_;
  OpenQuestion question_;
  bool from_view_only_ = false;
  bool view_only_possible_ = true;
  bool input_closed_ = false;
  std::function<void(Permission)> on_choice_;
  Permission current_ = Permission::kDenied;
  Technician who_;
};

}  // namespace

std::unique_ptr<ConsentUi> MakeTtyConsent(PostToIo post, Say say) {
  return std::make_unique<TtyConsent>(std::move(post), std::move(say));
}

}  // namespace telemaint::host
