#include "relay/messages.h"

#include <array>
#include <utility>

namespace telemaint::relay::msg {

std::string Sentence(std::string_view code) {
  static const std::array<std::pair<std::string_view, const char*>, 13> kTable{{
      {kBadRequest, "the relay could not understand this program's message — update telemaint"},
      {kUnsupportedVersion, "this telemaint version is not supported by the relay — update it"},
      {kTimeout, "nothing was received in time — check the network and try again"},
      {kServerBusy, "the relay is full right now — try again in a minute"},
      {kRateLimited, "too many attempts — wait a few minutes and try again"},
      {kAuthFailed, "user name or password is wrong, or the account is disabled"},
      {kForbidden, "this account may not join sessions (auditor accounts only read the audit log)"},
      {kUnknownCode,
       "no customer is waiting with this code — check the code with the customer"},
      {kCodeExpired, "this code has expired — ask the customer for the new code on their screen"},
      {kCodeInUse,
       "this code was already used — ask the customer for the new code on their screen"},
      {kTooLarge, "a message was too large; the connection was closed"},
      {kShuttingDown, "the relay is restarting — reconnect in a moment"},
      {kInternal, "the relay had an internal problem — try again; if it persists, tell the admin"},
  }};
  for (auto& [c, s] : kTable)
    if (c == code) return s;
  return "the relay closed the connection";
}

std::string PeerGoneSentence(std::string_view reason, bool to_host) {
  if (reason == "pake_failed")
    return to_host ? "someone tried a wrong code; this code is now burned and a new one is shown"
                   : "wrong code — ask the customer to read the new code on their screen";
  if (reason == "user_denied" || reason == "user_declined") return "the user declined";
  if (reason == "consent_timeout") return "the user did not answer in time";
  if (reason == "identity") return "the technician's identity could not be verified";
  if (reason == "vnc_unavailable" || reason == "local_unavailable")
    return "the screen could not be shared";
  if (reason == "user_stopped") return "the user ended the session";
  if (reason == "viewer_closed" || reason == "viewer_left")
    return "the technician ended the session";
  if (reason == "host_closed" || reason == "host_left")
    return "the customer's computer ended the session";
  if (reason == "integrity")
    return "the encrypted channel was tampered with or damaged; the session was ended";
  if (reason == "relay_shutdown") return "the relay is restarting — reconnect in a moment";
  if (reason == "code_expired")
    return to_host ? "a technician tried this code after it expired"
                   : "this code has expired — ask the customer for the new code on their screen";
  if (reason == "protocol")
    return "the other side broke the protocol; the session was ended";
  return "the session ended";
}

std::string_view NormaliseAbortReason(std::string_view reason) {
  for (std::string_view r : {"pake_failed", "user_denied", "user_declined", "consent_timeout",
                             "user_stopped", "identity", "vnc_unavailable", "local_unavailable",
                             "viewer_closed", "host_closed", "integrity", "protocol",
                             "code_expired", "timeout"})
    if (r == reason) return r;
  return "other";
}

}  // namespace telemaint::relay::msg
