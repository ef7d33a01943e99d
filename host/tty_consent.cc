#include <unistd.h>

#include <map>
#include <memory>
#include <vector>
#include <optional>
#include <thread>

#include "common/log.h"
#include "host/consent.h"
#include "host/extras_texts.h"
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

  void AskFile(const Technician& who, const peer::TransferView& offer,
               std::function<void(bool)> answer) override {
    files_asked_.push_back({offer.id, std::move(answer)});
    file_lines_.push_back(
        Fill(x_.file_offered, Describe(who), offer.name, HumanSize(offer.size, language_)));
    if (files_asked_.size() == 1) AskFirstFile();  // one at a time: a/d answers what was shown
  }

  void WithdrawFile(uint32_t id) override {
    for (size_t i = 0; i < files_asked_.size(); ++i) {
      if (files_asked_[i].first != id) continue;
      files_asked_.erase(files_asked_.begin() + static_cast<long>(i));
      file_lines_.erase(file_lines_.begin() + static_cast<long>(i));
      if (i == 0) AskFirstFile();
      return;
    }
  }

  void AskFirstFile() {
    if (file_lines_.empty()) return;
    say_(file_lines_.front());
    say_(x_.file_answer);
  }

  // Progress in quarters, and the end with its SHA-256.
  void ShowTransfer(const peer::TransferView& t) override {
    const int quarter = t.size ? static_cast<int>(t.done * 4 / t.size) : 4;
    if (!t.finished() && (t.state != peer::TransferState::kMoving || quarter == 0 ||
                          quarter == quarters_[t.id]))
      return;
    quarters_[t.id] = quarter;
    say_(TransferLine(t, language_));
  }

  void ShowChat(const Technician& who, const std::string& text, bool mine) override {
    if (!mine) say_(Fill(x_.chat_from, Describe(who), text));
  }

  void ShowClipboard(bool shared, bool switched_on) override {
    const char* line = shared ? x_.clipboard_shared
                       : switched_on ? x_.clipboard_not_shared
                                     : x_.clipboard_off;
    if (line != clipboard_said_) say_(line);
    clipboard_said_ = line;
    clipboard_on_ = switched_on;
  }

  void EndSession(const std::string& how) override {
    files_asked_.clear();
    file_lines_.clear();
    clipboard_said_ = nullptr;
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
    say_(x_.tools);
  }

  // "m MESSAGE", "f PATH", "c", "x" during a session; false when the line is none of them.
  bool OnTool(const std::string& line) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) return false;
    const char command = static_cast<char>(std::tolower(static_cast<unsigned char>(line[start])));
    std::string rest = start + 1 < line.size() ? line.substr(start + 1) : "";
    if (!rest.empty() && rest[0] != ' ') return false;  // a word, not a command
    rest.erase(0, rest.find_first_not_of(' ') == std::string::npos ? rest.size()
                                                                     : rest.find_first_not_of(' '));
    while (!rest.empty() && (rest.back() == '\r' || rest.back() == ' ')) rest.pop_back();
    if (command == 'm' && !rest.empty() && tools_.chat) {
      tools_.chat(rest);
    } else if (command == 'f' && !rest.empty() && tools_.send_file) {
      tools_.send_file(rest);
    } else if (command == 'c' && rest.empty() && tools_.switch_clipboard) {
      tools_.switch_clipboard(!clipboard_on_);
    } else if (command == 'x' && rest.empty() && tools_.cancel_transfer) {
      tools_.cancel_transfer(0);
    } else {
      return false;
    }
    return true;
  }

  // a or d for the oldest file asked about; false when none is.
  bool OnFileAnswer(const std::string& word) {
    if (files_asked_.empty() || (word != "a" && word != "d" && word != "r" && word != "n"))
      return false;
    auto answer = std::move(files_asked_.front().second);
    files_asked_.erase(files_asked_.begin());
    file_lines_.erase(file_lines_.begin());
    answer(word == "a");
    AskFirstFile();
    return true;
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
    if (OnFileAnswer(word) || (on_choice_ && OnTool(*line))) return;
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
  const ExtrasTexts& x_ = ExtrasTextsFor(language_);
  std::vector<std::pair<uint32_t, std::function<void(bool)>>> files_asked_;  // oldest first
  std::vector<std::string> file_lines_;  // each one's question, shown when it comes first
  std::map<uint32_t, int> quarters_;  // progress said, per transfer
  const char* clipboard_said_ = nullptr;
  bool clipboard_on_ = true;
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
