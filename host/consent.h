#pragma once
// The person at the customer's PC decides: before any screen byte leaves or any key is
// pressed, ConsentUi asks them, and during the session it shows who is there and lets them
// stop or switch to view only. There is no accept-on-timeout: no answer is a "no".
// Runs on the host's io thread. Implementations: a terminal (tty_consent.cc) and a window
// (gui/gui_host.cc), which also shows the code and the host's state.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/vocabulary.h"
#include "host/platform.h"
#include "net/net.h"
#include "peer/file_transfers.h"

namespace telemaint::host {

struct Technician {
  std::string account;       // as the relay authenticated it
  std::string name;          // display name, from the relay
  std::string organisation;  // from the relay
  std::string fingerprint;   // of the key the viewer proved it holds
};

// What the person allows (never kNoAnswer here: a question nobody answers is a timed-out
// kDenied); wire::PermissionText gives the words for people.
using Permission = wire::Permission;
// "Alice Martin (Acme IT)", or the account when the relay gave no name.
std::string Describe(const Technician& who);

// How long the person has to answer. `shown` is what they are told; tests run the clock
// faster (`clock_rate`), so the default two minutes can be shown to end in a deny.
struct AnswerTime {
  std::chrono::seconds shown{120};
  int clock_rate = 1;
  std::chrono::milliseconds real() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(shown) / clock_rate;
  }
};

// What the host is doing, for a UI that shows it apart from log lines (the window).
enum class HostState { kConnecting, kUnreachable, kWaiting, kWrongCode, kAsking, kInSession };

struct ConsentAnswer {
  Permission permission = Permission::kDenied;
  bool timed_out = false;  // nobody answered in time (or nobody can answer)
};

class ConsentUi {
 public:
  virtual ~ConsentUi() = default;
  // Asks whether `who` may come in (or, from a view-only session, take control).
  // `view_only_possible` is false when the host shares another VNC server, whose input it
  // cannot filter.
  virtual net::asio::awaitable<ConsentAnswer> Ask(const Technician& who, bool from_view_only,
                                                  bool view_only_possible,
                                                  AnswerTime time) = 0;
  // A session runs: show it. The person's own choices during it (kDenied: stop) come back
  // through `on_choice`, on the io thread.
  virtual void ShowSession(const Technician& who, Permission now,
                           std::function<void(Permission)> on_choice) = 0;
  virtual void EndSession(const std::string& how) = 0;
  // The session ended while the question was open (the technician left, or the person
  // stopped it from the banner): withdraw it (Ask returns, as no).
  virtual void CancelAsk(bool technician_left) = 0;

  // The code to read to the technician, grouped ("1234 5678 9012"), or none (`code` empty).
  // The terminal prints it through the host's own lines; the window shows it large.
  virtual void ShowCode(const std::string& code, std::chrono::seconds valid_for) {}
  virtual void ShowState(HostState state) {}
  // The person asks for a new code (the window's button); called on the io thread.
  void OnNewCode(std::function<void()> handler) { new_code_ = std::move(handler); }

  // Beside the screen, during a session (host/session_extras.h). A file from `who`: ask (its
  // name, size and sender); `answer` once, on the io thread. The session withdraws it
  // (WithdrawFile) when its time runs out or the technician cancels it.
  virtual void AskFile(const Technician& who, const peer::TransferView& offer,
                       std::function<void(bool accept)> answer) = 0;
  virtual void WithdrawFile(uint32_t id) {}
  // A transfer's progress and its end, both ways (the SHA-256 once known).
  virtual void ShowTransfer(const peer::TransferView& transfer) {}
  // A chat message from the technician (`mine` false), or the person's own, as sent.
  virtual void ShowChat(const Technician& who, const std::string& text, bool mine) {}
  // Whether the clipboard crosses now (control and the person's switch).
  virtual void ShowClipboard(bool shared, bool switched_on) {}
  // What the person can do beside the screen; set by the session when it is shown and
  // cleared (empty functions) when it ends. Called on the io thread.
  struct SessionTools {
    std::function<void(const std::string& path)> send_file;
    std::function<void(uint32_t id)> cancel_transfer;  // 0: every one
    std::function<void(const std::string& text)> chat;
    std::function<void(bool on)> switch_clipboard;
  };
  void SetTools(SessionTools tools) { tools_ = std::move(tools); }

 protected:
  std::function<void()> new_code_;
  SessionTools tools_;
};

// Prompts on standard output, answers from standard input, a line each: works on a terminal,
// a pseudo-terminal or a pipe. `say` writes a line for the person; `post` reaches the io
// thread (the reader thread hands it each line).
std::unique_ptr<ConsentUi> MakeTtyConsent(PostToIo post, Say say);

}  // namespace telemaint::host
