#include "common/sentences.h"

namespace telemaint::msg {

using wire::EndReason;
using wire::ErrorCode;

std::string Sentence(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return "the relay could not understand this program's message — update telemaint";
    case ErrorCode::kUnsupportedVersion:
      return "this telemaint version is not supported by the relay — update it";
    case ErrorCode::kTimeout:
      return "nothing was received in time — check the network and try again";
    case ErrorCode::kServerBusy: return "the relay is full right now — try again in a minute";
    case ErrorCode::kRateLimited: return "too many attempts — wait a few minutes and try again";
    case ErrorCode::kAuthFailed:
      return "user name or password is wrong, or the account is disabled";
    case ErrorCode::kForbidden:
      return "this account may not join sessions (auditor accounts only read the audit log)";
    case ErrorCode::kUnknownCode:
      return "no customer is waiting with this code — check the code with the customer";
    case ErrorCode::kCodeExpired:
      return "this code has expired — ask the customer for the new code on their screen";
    case ErrorCode::kCodeInUse:
      return "this code was already used — ask the customer for the new code on their screen";
    case ErrorCode::kUnknownMachine:
      return "no approved machine has this name or id — see telemaint-viewer machines";
    case ErrorCode::kMachineOffline:
      return "this machine is not connected to the relay right now — try again later";
    case ErrorCode::kNotApproved:
      return "this machine's enrolment has not been approved yet — ask your admin";
    case ErrorCode::kRevoked: return "this machine was revoked by the organisation";
    case ErrorCode::kMachineBusy:
      return "another technician is in a session on this machine — try again later";
    case ErrorCode::kNotConfigured:
      return "unattended access is not set up on this relay (it has no --org-key)";
    case ErrorCode::kTooLarge: return "a message was too large; the connection was closed";
    case ErrorCode::kShuttingDown: return "the relay is restarting — reconnect in a moment";
    case ErrorCode::kInternal:
      return "the relay had an internal problem — try again; if it persists, tell the admin";
    case ErrorCode::kOther: break;
  }
  return "the relay closed the connection";
}

namespace {

// Endings whose sentence is the same for both sides.
const char* CommonSentence(EndReason reason) {
  switch (reason) {
    case EndReason::kUserDenied:
    case EndReason::kUserDeclined: return "the user declined";
    case EndReason::kConsentTimeout: return "the user did not answer in time";
    case EndReason::kIdentity: return "the technician's identity could not be verified";
    case EndReason::kVncUnavailable:
    case EndReason::kLocalUnavailable: return "the screen could not be shared";
    case EndReason::kUserStopped: return "the user ended the session";
    case EndReason::kViewerClosed:
    case EndReason::kViewerLeft: return "the technician ended the session";
    case EndReason::kHostClosed:
    case EndReason::kHostLeft: return "the customer's computer ended the session";
    case EndReason::kIntegrity:
      return "the encrypted channel was tampered with or damaged; the session was ended";
    case EndReason::kRelayShutdown: return "the relay is restarting — reconnect in a moment";
    case EndReason::kProtocol: return "the other side broke the protocol; the session was ended";
    case EndReason::kNotAuthorised:
      return "the machine did not accept the technician's certificate, or the technician's "
             "program did not accept the machine's record";
    case EndReason::kPolicyDenied:
      return "the machine's policy does not allow unattended access now";
    default: return "the session ended";
  }
}

}  // namespace

std::string PeerGoneSentence(EndReason reason, wire::Party to) {
  const bool to_host = to == wire::Party::kHost;
  if (reason == EndReason::kPakeFailed)
    return to_host ? "someone tried a wrong code; this code is now burned and a new one is shown"
                   : "wrong code — ask the customer to read the new code on their screen";
  if (reason == EndReason::kCodeExpired)
    return to_host ? "a technician tried this code after it expired"
                   : "this code has expired — ask the customer for the new code on their screen";
  return CommonSentence(reason);
}

}  // namespace telemaint::msg
