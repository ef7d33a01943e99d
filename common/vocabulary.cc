#include "common/vocabulary.h"

namespace telemaint::wire {

bool IsPeerAbortReason(EndReason reason) {
  switch (reason) {
    case EndReason::kPakeFailed:
    case EndReason::kUserDenied:
    case EndReason::kUserDeclined:
    case EndReason::kConsentTimeout:
    case EndReason::kUserStopped:
    case EndReason::kIdentity:
    case EndReason::kVncUnavailable:
    case EndReason::kLocalUnavailable:
    case EndReason::kViewerClosed:
    case EndReason::kHostClosed:
    case EndReason::kIntegrity:
    case EndReason::kProtocol:
    case EndReason::kCodeExpired:
    case EndReason::kTimeout:
    case EndReason::kNotAuthorised:
    case EndReason::kPolicyDenied:
      return true;
    default:
      return false;
  }
}

EndReason EndReasonForError(ErrorCode code) {
  switch (code) {
    case ErrorCode::kCodeExpired: return EndReason::kCodeExpired;
    case ErrorCode::kTimeout: return EndReason::kTimeout;
    case ErrorCode::kShuttingDown: return EndReason::kRelayShutdown;
    case ErrorCode::kInternal: return EndReason::kInternal;
    case ErrorCode::kBadRequest:
    case ErrorCode::kTooLarge: return EndReason::kProtocol;
    default: return EndReason::kRelayLost;
  }
}

const char* PermissionText(Permission permission) {
  switch (permission) {
    case Permission::kControl: return "control";
    case Permission::kViewOnly: return "view only";
    case Permission::kDenied: return "denied";
    case Permission::kNoAnswer: return "no answer";
  }
  return "?";
}

}  // namespace telemaint::wire
