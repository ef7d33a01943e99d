#include "viewer/window_status.h"

#include <cstdio>

namespace telemaint::viewer {

namespace {

std::string MinutesSeconds(std::chrono::seconds elapsed) {
  const long s = std::max<long>(0, static_cast<long>(elapsed.count()));
  char out[32];
  std::snprintf(out, sizeof out, "%ld:%02ld", s / 60, s % 60);
  return out;
}

}  // namespace

void WindowStatus::Said(const std::string& line) {
  if (!ended_) last_line_ = line;
}

void WindowStatus::Customer(peer::ConsentState state, Clock::time_point now) {
  if (state == peer::ConsentState::kAsking) {
    // The customer is being asked: first, or about our request for control, which stays
    // pending until they answer.
    if (customer_ != state) asked_at_ = now;
    customer_ = state;
    return;
  }
  // Still view only after asking for control: the customer said no to that request.
  declined_ = control_requested_ && state == peer::ConsentState::kViewOnly;
  control_requested_ = false;
  customer_ = state;
}

void WindowStatus::AskedForControl() {
  control_requested_ = true;
  declined_ = false;
}

void WindowStatus::Ended() { ended_ = true; }

StatusLine WindowStatus::Now(Clock::time_point now) const {
  if (ended_) {
    std::string text = last_line_.empty() ? "The session ended." : last_line_;
    if (text.rfind("The session ended:", 0) == 0)
      text += " To help again, ask the customer for the new code on their screen.";
    return {text, StatusTone::kEnded};
  }
  if (!customer_) return {last_line_, StatusTone::kProgress};
  switch (*customer_) {
    case peer::ConsentState::kAsking: {
      const std::string elapsed =
          MinutesSeconds(std::chrono::duration_cast<std::chrono::seconds>(now - asked_at_));
      if (control_requested_)
        return {"Asking the customer for control (" + elapsed + "): they choose in a window.",
                StatusTone::kWaiting};
      return {"Waiting for the customer's answer (" + elapsed +
                  "): they see your name and choose control, view only or no.",
              StatusTone::kWaiting};
    }
    case peer::ConsentState::kViewOnly:
      if (control_requested_) return {"Asking the customer for control…", StatusTone::kWaiting};
      if (declined_)
        return {"Your request for control was declined: you can still see the screen.",
                StatusTone::kViewOnly};
      return {
          "View only, the customer's choice. To ask for control: Session > Ask the "
          "customer for control.",
          StatusTone::kViewOnly};
    case peer::ConsentState::kControl:
      return {"In control. The customer can stop the session at any time from their banner.",
              StatusTone::kControl};
  }
  return {last_line_, StatusTone::kProgress};
}

}  // namespace telemaint::viewer
