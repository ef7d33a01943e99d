// HostSession: the person's answers. Asked when the technician's hello checks out, asked again
// when a view-only technician asks for control; every answer and change is applied to the
// built-in server, told to the viewer and the relay, and kept for the receipt and the host's
// own session list.
#include "common/log.h"
#include "host/host_session.h"
#include "host/rfb_server.h"
#include "host/session_history.h"
#include "rfb_filter/filters.h"

namespace telemaint::host {

using namespace net;
using wire::ConsentEvent;
using wire::EndReason;

asio::awaitable<void> HostSession::AskToLetIn() {
  asking_ = true;
  const Technician who = technician_;
  context_.history.Record(id_, HistoryEvent::kAsked,
                          {{"account", who.account}, {"name", who.name},
                           {"organisation", who.organisation}, {"key", who.fingerprint}});
  tunnel_.SendSessionMessage(peer::EncodeConsent(peer::ConsentState::kAsking));
  AnswerTime time{context_.options.consent_timeout, context_.options.clock_rate};
  ConsentAnswer answer = co_await context_.ui.Ask(who, false, context_.builtin != nullptr, time);
  asking_ = false;
  if (tunnel_.ending()) {
    context_.history.Record(id_, HistoryEvent::kAnswered,
                            {{"permission", "none (the technician left)"}});
    context_.history.Record(id_, HistoryEvent::kEnded,
                            {{"how", "the technician left before you answered"}});
    decided_.Set();
    co_return;
  }
  context_.history.Record(id_, HistoryEvent::kAnswered,
                          {{"permission", answer.timed_out
                                              ? "no answer (denied)"
                                              : wire::PermissionText(answer.permission)}});
  RecordDecision(ConsentEvent::kAnswered,
                 answer.timed_out ? Permission::kNoAnswer : answer.permission);
  if (answer.permission == Permission::kDenied) {
    log::Info("session ", id_, ": the person at the screen said no",
              answer.timed_out ? " (no answer)" : "");
    context_.history.Record(id_, HistoryEvent::kEnded,
                            {{"how", answer.timed_out ? "not let in: no answer" : "you declined"}});
    tunnel_.End(answer.timed_out ? EndReason::kConsentTimeout : EndReason::kUserDeclined,
                answer.timed_out ? "nobody answered" : "you declined");
    decided_.Set();
    co_return;
  }
  allowed_at_ = std::chrono::steady_clock::now();
  ApplyPermission(answer.permission);
  context_.ui.ShowSession(who, answer.permission, OnChoice());
  decided_.Set();
}

asio::awaitable<void> HostSession::AskForControl() {
  asking_ = true;
  const Technician who = technician_;
  // The request and its answer are facts for the audit log and this machine's list, even when
  // the answer is no.
  ws_->SendText(wire::Encode(wire::Consent{ConsentEvent::kControlRequested, permission_}));
  context_.history.Record(id_, HistoryEvent::kChanged,
                          {{"permission", "the technician asked for control"}});
  tunnel_.SendSessionMessage(peer::EncodeConsent(peer::ConsentState::kAsking));
  AnswerTime time{context_.options.consent_timeout, context_.options.clock_rate};
  ConsentAnswer answer = co_await context_.ui.Ask(who, true, context_.builtin != nullptr, time);
  asking_ = false;
  if (tunnel_.ending()) co_return;
  // The person may have given control from the banner while the question was open; the
  // question's answer then changes nothing.
  if (permission_ == Permission::kControl) co_return;
  if (answer.permission != Permission::kControl) {
    const Permission kept = answer.timed_out ? Permission::kNoAnswer : Permission::kViewOnly;
    ws_->SendText(wire::Encode(wire::Consent{ConsentEvent::kRequestAnswered, kept}));
    context_.history.Record(id_, HistoryEvent::kChanged,
                            {{"permission", answer.timed_out
                                                ? "request for control not answered"
                                                : "request for control declined"}});
    tunnel_.SendSessionMessage(peer::EncodeConsent(peer::ConsentState::kViewOnly));
    co_return;
  }
  RecordDecision(ConsentEvent::kRequestAnswered, Permission::kControl);
  ApplyPermission(Permission::kControl);
  context_.history.Record(id_, HistoryEvent::kChanged, {{"permission", "control (asked again)"}});
  context_.ui.ShowSession(who, Permission::kControl, OnChoice());
}

bool HostSession::DecideByPolicy() {
  const PolicyNow& policy = context_.unattended->policy;
  if (policy.policy == wire::UnattendedPolicy::kAsk) return false;
  const Technician& who = technician_;
  context_.history.Record(id_, HistoryEvent::kAsked,
                          {{"account", who.account}, {"name", who.name},
                           {"organisation", who.organisation}, {"key", who.fingerprint},
                           {"unattended", true}});
  if (policy.policy == wire::UnattendedPolicy::kDeny) {
    log::Info("session ", id_, ": refused by this machine's policy: ", policy.why);
    context_.history.Record(id_, HistoryEvent::kAnswered,
                            {{"permission", "refused by this machine's policy"}});
    context_.history.Record(id_, HistoryEvent::kEnded, {{"how", "refused: " + policy.why}});
    tunnel_.End(EndReason::kPolicyDenied, policy.why);
    decided_.Set();
    return true;
  }
  log::Info("session ", id_, ": allowed by this machine's policy (nobody asked)");
  context_.history.Record(id_, HistoryEvent::kAnswered,
                          {{"permission", "control (policy allow: nobody was asked)"}});
  RecordDecision(ConsentEvent::kAllowedByPolicy, Permission::kControl);
  allowed_at_ = std::chrono::steady_clock::now();
  ApplyPermission(Permission::kControl);
  // Whoever sits at the screen sees the session and can stop it.
  context_.ui.ShowSession(who, Permission::kControl, OnChoice());
  decided_.Set();
  return true;
}

void HostSession::ApplyPermission(Permission p) {
  permission_ = p;
  extras_.Start(technician_);
  extras_.SetPermission(p);
  if (context_.builtin) context_.builtin->SetInputAllowed(p == Permission::kControl);
  if (filter_) filter_->SetInputAllowed(p == Permission::kControl);
  tunnel_.SendSessionMessage(peer::EncodeConsent(
      p == Permission::kControl ? peer::ConsentState::kControl : peer::ConsentState::kViewOnly));
  log::Info("session ", id_, ": ", wire::PermissionText(p));
}

// A decision of the person's: told to the relay for its audit log (metadata, never content)
// and listed for this session's receipt.
void HostSession::RecordDecision(ConsentEvent event, Permission permission) {
  ws_->SendText(wire::Encode(wire::Consent{event, permission}));
  if (event == ConsentEvent::kStopped)
    account_.NoteStopped();
  else
    account_.NotePermission(permission);
}

// The person's own choices from the banner or the terminal. Valid while the session runs:
// the UI's EndSession (RecordEnd) comes before this session goes.
std::function<void(Permission)> HostSession::OnChoice() {
  return [this](Permission p) {
    if (p == Permission::kDenied) {
      log::Info("session ", id_, ": stopped by the person at the screen");
      RecordDecision(ConsentEvent::kStopped, Permission::kDenied);
      tunnel_.End(EndReason::kUserStopped, "you stopped the session");
      return;
    }
    RecordDecision(ConsentEvent::kChanged, p);
    ApplyPermission(p);
    context_.history.Record(id_, HistoryEvent::kChanged, {{"permission", wire::PermissionText(p)}});
    // Control given from the banner answers the technician's open request too.
    if (p == Permission::kControl && asking_) context_.ui.CancelAsk(false);
  };
}

}  // namespace telemaint::host
