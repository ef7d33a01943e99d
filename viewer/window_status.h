#pragma once
// What the technician's window says in its status area, also in full screen: how far the
// connection got, what the customer answered (with how long they have been asked), a request
// for control declined, and how the session ended, each with what to do next. Plain state, no
// window library: the window (main thread) feeds it and shows Now(); unit-tested alone.
#include <chrono>
#include <optional>
#include <string>

#include "peer/session_messages.h"

namespace telemaint::viewer {

enum class StatusTone { kProgress, kWaiting, kViewOnly, kControl, kEnded };

struct StatusLine {
  std::string text;
  StatusTone tone = StatusTone::kProgress;
};

class WindowStatus {
 public:
  using Clock = std::chrono::steady_clock;

  // A line the viewer said to the technician (progress, an error, the ending).
  void Said(const std::string& line);
  void Customer(peer::ConsentState state, Clock::time_point now);
  void AskedForControl();
  void Ended();

  StatusLine Now(Clock::time_point now) const;
  bool ended() const { return ended_; }

 private:
  std::string last_line_;
  std::optional<peer::ConsentState> customer_;
  Clock::time_point asked_at_;
  bool control_requested_ = false, declined_ = false, ended_ = false;
};

}  // namespace telemaint::viewer
