#pragma once
// The protocol's words: every code, reason, permission, state and record kind that crosses the
// wire or lands in the audit log, as an enum with one ToWire/FromWire pair. The tables below are
// the only place in the code where these words are spelled; relay, host, viewer and
// telemaint-audit all go through them. See docs/protocol.md#errors, #ending-a-session,
// #consent and #audit-records.
#include <optional>
#include <string_view>
#include <utility>

namespace telemaint::wire {

// `error.code`: why the relay refuses or ends a connection.
enum class ErrorCode {
  kBadRequest,
  kUnsupportedVersion,
  kTimeout,
  kServerBusy,
  kRateLimited,
  kAuthFailed,
  kForbidden,
  kUnknownCode,
  kCodeExpired,
  kCodeInUse,
  kUnknownMachine,  // no approved machine by that name or id
  kMachineOffline,  // the machine is approved but not connected now
  kNotApproved,     // a machine whose enrolment no admin has approved yet
  kRevoked,         // a revoked machine
  kMachineBusy,     // the machine is in a session with another technician
  kNotConfigured,   // this relay has no organisation key (--org-key)
  kTooLarge,
  kShuttingDown,
  kInternal,
  kOther,  // a code this version does not know (from a newer relay)
};

// How a session (or a host's connection) ended: the reason in `abort`, `peer_gone` and the
// sealed `close`, the relay's `session_end` and `host_gone` records, and a receipt's `ending`.
enum class EndReason {
  // Sent by a peer in its `abort` (see IsPeerAbortReason).
  kPakeFailed,
  kUserDenied,  // accepted for older hosts; current ones send kUserDeclined
  kUserDeclined,
  kConsentTimeout,
  kUserStopped,
  kIdentity,
  kVncUnavailable,
  kLocalUnavailable,
  kViewerClosed,
  kHostClosed,
  kIntegrity,
  kProtocol,
  kCodeExpired,
  kTimeout,
  kNotAuthorised,  // unattended: the certificate or machine record did not check out
  kPolicyDenied,   // unattended: the machine's policy (deny, or outside its hours) said no
  // The relay's own.
  kViewerLeft,
  kHostLeft,
  kRelayShutdown,
  kNotStarted,    // audit log only: recorded, never paired
  kRelayStopped,  // audit log only: closed after a crash
  kDisconnected,  // audit log only (host_gone): a waiting host went away
  // A peer's own view of an ending it did not get a word for.
  kRelayLost,  // the relay connection dropped
  kInternal,
  kClosed,  // the other side closed without a reason
  kOther,   // a word this version does not know
};
// The reasons a peer may give in `abort`; the relay records any other as kOther.
bool IsPeerAbortReason(EndReason reason);
// The ending a peer records when the relay ends its connection with an error.
EndReason EndReasonForError(ErrorCode code);

// What the person at the customer's screen allowed.
enum class Permission {
  kControl,
  kViewOnly,
  kDenied,
  kNoAnswer,  // reported (consent, receipts): nobody answered in time, so denied
};
// The same in words for people ("view only", "no answer").
const char* PermissionText(Permission permission);

// `consent.event` (host -> relay): what the person did.
enum class ConsentEvent {
  kAnswered,          // the first question's answer
  kChanged,           // the person changed it from the banner
  kStopped,           // the person stopped the session
  kControlRequested,  // a view-only technician asked for control; the person is asked
  kRequestAnswered,   // that question's answer (control, view_only: declined, no_answer)
  kAllowedByPolicy,   // unattended, policy `allow`: nobody was asked
};

// The `consent` session message (host -> viewer, inside the channel).
enum class ConsentState { kAsking, kControl, kViewOnly };

// What crosses a session beside the screen (`transfer.what`, host -> relay, for the audit log).
enum class TransferKind { kFile, kClipboard, kChat };
// What happened to it: `transfer.event`, and `file_cancel.why` inside the channel.
enum class TransferEvent {
  kOffered,    // a file was offered (by its sender)
  kAccepted,   // the receiver took it (the person said yes, or the technician's side)
  kRefused,    // the receiver said no, or nobody answered
  kCompleted,  // every byte arrived and the SHA-256 matched
  kCancelled,  // a person stopped it on either side
  kFailed,     // it broke: a lie about its size, a truncation, a full disk, the session's end
  kSent,       // clipboard text or a chat message went across
};

// Who speaks: `hello.role`, a receipt's `role`, and `by` in the audit log.
enum class Party { kHost, kViewer, kRelay };

// `hello.mode`: a customer's host showing a code, or an enrolled machine's service.
enum class HostMode { kAttended, kUnattended };

// What an enrolled machine does when a technician with a valid certificate connects.
enum class UnattendedPolicy { kAllow, kAsk, kDeny };

// The organisation's signed statements (org/statements.h).
enum class StatementKind { kTechnicianCertificate, kMachineRecord, kRevocationList };

// An audit record's `kind`. See docs/protocol.md#audit-records.
enum class AuditKind {
  kRelayStarted,
  kRelayStopping,
  kRelayRecovered,
  kCheckpoint,
  kHostConnected,
  kHostGone,
  kCodeIssued,
  kCodeExpired,
  kCodeBurned,
  kJoinAttempt,
  kLoginFailed,
  kSessionStart,
  kSessionEnd,
  kPermission,
  kReceipt,
  kReceiptRefused,
  kAuditorRead,
  kPackAdded,
  kEnrolmentRequested,  // a machine asked to be enrolled (pending)
  kMachineApproved,     // an admin uploaded its org-signed record
  kEnrolmentRejected,   // an admin dropped a pending request
  kRevocationPublished, // an admin uploaded a signed revocation list
  kMachineConnected,    // an approved machine proved its key and is online (host_gone ends it)
  kTransfer,            // a file, clipboard text or chat message crossed a session (facts only)
};
// A request on the relay's local control socket (DATA_DIR/control.sock), from its own
// administration commands: `op` of {"op":..} (docs/operations.md).
enum class ControlOp { kAuditCheckpoint, kPackAdd };

// `result` of a join_attempt record that paired (the others hold an ErrorCode's word).
inline constexpr std::string_view kJoinPaired = "paired";
// `for` of a login_failed record made by an auditor's read (a join's has none).
inline constexpr std::string_view kLoginForAudit = "audit";

template <typename E>
struct Words;  // each enum's table: {value, word} pairs

template <>
struct Words<ErrorCode> {
  static constexpr std::pair<ErrorCode, std::string_view> kAll[] = {
      {ErrorCode::kBadRequest, "bad_request"},
      {ErrorCode::kUnsupportedVersion, "unsupported_version"},
      {ErrorCode::kTimeout, "timeout"},
      {ErrorCode::kServerBusy, "server_busy"},
      {ErrorCode::kRateLimited, "rate_limited"},
      {ErrorCode::kAuthFailed, "auth_failed"},
      {ErrorCode::kForbidden, "forbidden"},
      {ErrorCode::kUnknownCode, "unknown_code"},
      {ErrorCode::kCodeExpired, "code_expired"},
      {ErrorCode::kCodeInUse, "code_in_use"},
      {ErrorCode::kUnknownMachine, "unknown_machine"},
      {ErrorCode::kMachineOffline, "machine_offline"},
      {ErrorCode::kNotApproved, "not_approved"},
      {ErrorCode::kRevoked, "revoked"},
      {ErrorCode::kMachineBusy, "machine_busy"},
      {ErrorCode::kNotConfigured, "not_configured"},
      {ErrorCode::kTooLarge, "too_large"},
      {ErrorCode::kShuttingDown, "shutting_down"},
      {ErrorCode::kInternal, "internal"},
      {ErrorCode::kOther, "other"},
  };
};

template <>
struct Words<EndReason> {
  static constexpr std::pair<EndReason, std::string_view> kAll[] = {
      {EndReason::kPakeFailed, "pake_failed"},
      {EndReason::kUserDenied, "user_denied"},
      {EndReason::kUserDeclined, "user_declined"},
      {EndReason::kConsentTimeout, "consent_timeout"},
      {EndReason::kUserStopped, "user_stopped"},
      {EndReason::kIdentity, "identity"},
      {EndReason::kVncUnavailable, "vnc_unavailable"},
      {EndReason::kLocalUnavailable, "local_unavailable"},
      {EndReason::kViewerClosed, "viewer_closed"},
      {EndReason::kHostClosed, "host_closed"},
      {EndReason::kIntegrity, "integrity"},
      {EndReason::kProtocol, "protocol"},
      {EndReason::kCodeExpired, "code_expired"},
      {EndReason::kTimeout, "timeout"},
      {EndReason::kNotAuthorised, "not_authorised"},
      {EndReason::kPolicyDenied, "policy_denied"},
      {EndReason::kViewerLeft, "viewer_left"},
      {EndReason::kHostLeft, "host_left"},
      {EndReason::kRelayShutdown, "relay_shutdown"},
      {EndReason::kNotStarted, "not_started"},
      {EndReason::kRelayStopped, "relay_stopped"},
      {EndReason::kDisconnected, "disconnected"},
      {EndReason::kRelayLost, "relay_lost"},
      {EndReason::kInternal, "internal"},
      {EndReason::kClosed, "closed"},
      {EndReason::kOther, "other"},
  };
};

template <>
struct Words<Permission> {
  static constexpr std::pair<Permission, std::string_view> kAll[] = {
      {Permission::kControl, "control"},
      {Permission::kViewOnly, "view_only"},
      {Permission::kDenied, "denied"},
      {Permission::kNoAnswer, "no_answer"},
  };
};

template <>
struct Words<ConsentEvent> {
  static constexpr std::pair<ConsentEvent, std::string_view> kAll[] = {
      {ConsentEvent::kAnswered, "answered"},
      {ConsentEvent::kChanged, "changed"},
      {ConsentEvent::kStopped, "stopped"},
      {ConsentEvent::kControlRequested, "control_requested"},
      {ConsentEvent::kRequestAnswered, "request_answered"},
      {ConsentEvent::kAllowedByPolicy, "allowed_by_policy"},
  };
};

template <>
struct Words<ConsentState> {
  static constexpr std::pair<ConsentState, std::string_view> kAll[] = {
      {ConsentState::kAsking, "asking"},
      {ConsentState::kControl, "control"},
      {ConsentState::kViewOnly, "view_only"},
  };
};

template <>
struct Words<Party> {
  static constexpr std::pair<Party, std::string_view> kAll[] = {
      {Party::kHost, "host"},
      {Party::kViewer, "viewer"},
      {Party::kRelay, "relay"},
  };
};

template <>
struct Words<TransferKind> {
  static constexpr std::pair<TransferKind, std::string_view> kAll[] = {
      {TransferKind::kFile, "file"},
      {TransferKind::kClipboard, "clipboard"},
      {TransferKind::kChat, "chat"},
  };
};

template <>
struct Words<TransferEvent> {
  static constexpr std::pair<TransferEvent, std::string_view> kAll[] = {
      {TransferEvent::kOffered, "offered"},     {TransferEvent::kAccepted, "accepted"},
      {TransferEvent::kRefused, "refused"},     {TransferEvent::kCompleted, "completed"},
      {TransferEvent::kCancelled, "cancelled"}, {TransferEvent::kFailed, "failed"},
      {TransferEvent::kSent, "sent"},
  };
};

template <>
struct Words<HostMode> {
  static constexpr std::pair<HostMode, std::string_view> kAll[] = {
      {HostMode::kAttended, "attended"},
      {HostMode::kUnattended, "unattended"},
  };
};

template <>
struct Words<UnattendedPolicy> {
  static constexpr std::pair<UnattendedPolicy, std::string_view> kAll[] = {
      {UnattendedPolicy::kAllow, "allow"},
      {UnattendedPolicy::kAsk, "ask"},
      {UnattendedPolicy::kDeny, "deny"},
  };
};

template <>
struct Words<StatementKind> {
  static constexpr std::pair<StatementKind, std::string_view> kAll[] = {
      {StatementKind::kTechnicianCertificate, "technician_certificate"},
      {StatementKind::kMachineRecord, "machine_record"},
      {StatementKind::kRevocationList, "revocation_list"},
  };
};

template <>
struct Words<AuditKind> {
  static constexpr std::pair<AuditKind, std::string_view> kAll[] = {
      {AuditKind::kRelayStarted, "relay_started"},
      {AuditKind::kRelayStopping, "relay_stopping"},
      {AuditKind::kRelayRecovered, "relay_recovered"},
      {AuditKind::kCheckpoint, "checkpoint"},
      {AuditKind::kHostConnected, "host_connected"},
      {AuditKind::kHostGone, "host_gone"},
      {AuditKind::kCodeIssued, "code_issued"},
      {AuditKind::kCodeExpired, "code_expired"},
      {AuditKind::kCodeBurned, "code_burned"},
      {AuditKind::kJoinAttempt, "join_attempt"},
      {AuditKind::kLoginFailed, "login_failed"},
      {AuditKind::kSessionStart, "session_start"},
      {AuditKind::kSessionEnd, "session_end"},
      {AuditKind::kPermission, "permission"},
      {AuditKind::kReceipt, "receipt"},
      {AuditKind::kReceiptRefused, "receipt_refused"},
      {AuditKind::kAuditorRead, "auditor_read"},
      {AuditKind::kPackAdded, "pack_added"},
      {AuditKind::kEnrolmentRequested, "enrolment_requested"},
      {AuditKind::kMachineApproved, "machine_approved"},
      {AuditKind::kEnrolmentRejected, "enrolment_rejected"},
      {AuditKind::kRevocationPublished, "revocation_published"},
      {AuditKind::kMachineConnected, "machine_connected"},
      {AuditKind::kTransfer, "transfer"},
  };
};

template <>
struct Words<ControlOp> {
  static constexpr std::pair<ControlOp, std::string_view> kAll[] = {
      {ControlOp::kAuditCheckpoint, "audit_checkpoint"},
      {ControlOp::kPackAdd, "pack_add"},
  };
};

// The word for a value. Every value has one (the tables are complete; tests check it).
template <typename E>
constexpr std::string_view ToWire(E value) {
  for (const auto& [v, word] : Words<E>::kAll)
    if (v == value) return word;
  return {};
}

// The value for a word; nullopt for a word this version does not know.
template <typename E>
constexpr std::optional<E> FromWire(std::string_view word) {
  for (const auto& [v, w] : Words<E>::kAll)
    if (w == word) return v;
  return std::nullopt;
}

}  // namespace telemaint::wire
