#pragma once
// The person at the customer's PC decides: before any screen byte leaves or any key is
// pressed, ConsentUi asks them, and during the session it shows who is there and lets them
// stop or switch to view only. There is no accept-on-timeout: no answer is a "no".
// Runs on the host's io thread. Implementations: a terminal (tty, here), a window (later).
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/net.h"

namespace telemaint::host {

struct Technician {
  std::string account;       // as the relay authenticated it
  std::string name;          // display name, from the relay
  std::string organisation;  // from the relay
  std::string fingerprint;   // of the key the viewer proved it holds
};

enum class Permission { kDenied, kViewOnly, kControl };
const char* PermissionName(Permission p);  // "denied", "view only", "control"

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
                                                  std::chrono::seconds timeout) = 0;
  // A session runs: show it. The person's own choices during it (kDenied: stop) come back
  // through `on_choice`, on the io thread.
  virtual void ShowSession(const Technician& who, Permission now,
                           std::function<void(Permission)> on_choice) = 0;
  virtual void EndSession(const std::string& how) = 0;
  // The technician left while the question was open: withdraw it (Ask returns, as no).
  virtual void CancelAsk() = 0;
};

// Prompts on standard output, answers from standard input, a line each: works on a terminal,
// a pseudo-terminal or a pipe. `say` writes a line for the person.
std::unique_ptr<ConsentUi> MakeTtyConsent(net::asio::any_io_executor ex,
                                          std::function<void(const std::string&)> say);

}  // namespace telemaint::host
