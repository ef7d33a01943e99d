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

 protected:
  std::function<void()> new_code_;
};

// Prompts on standard output, answers from standard input, a line each: works on a terminal,
// a pseudo-terminal or a pipe. `say` writes a line for the person; `post` reaches the io
// thread (the reader thread hands it each line).
std::unique_ptr<ConsentUi> MakeTtyConsent(PostToIo post, Say say);

}  // namespace telemaint::host
