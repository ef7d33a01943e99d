#pragma once
// The one question a consent UI has open: waits for the person's answer, for the question to
// be withdrawn, or for the time to run out (a "no"). Shared by the terminal and the window.
// io thread only.
#include <functional>
#include <optional>
#include <string>

#include "net/net.h"
#include "host/consent.h"

namespace telemaint::host {

class OpenQuestion {
 public:
  // Waits until Answer, Withdraw, NobodyCanAnswer or the end of `time`. Says on `say` when
  // nobody answered.
  net::asio::awaitable<ConsentAnswer> Wait(AnswerTime time, bool from_view_only, const Say& say);
  bool open() const { return timer_ != nullptr; }
  // Each of these ends an open question; they do nothing when none is open.
  void Answer(Permission permission);
  void Withdraw();         // silently: the session ended meanwhile
  void NobodyCanAnswer();  // as if the time ran out (the terminal's input closed)

 private:
  net::asio::steady_timer* timer_ = nullptr;
  std::optional<Permission> answer_;
  bool withdrawn_ = false;
};

}  // namespace telemaint::host
