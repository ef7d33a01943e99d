#pragma once
// What telemaint-host says on its terminal (--ui tty) to the person at the customer's PC, and
// the words of `telemaint-host log`, in English or French from the locale, as its windows do
// (host/gui/texts.h). Names from the relay are filled in with Fill, never read as formats. The
// answers typed stay the same letters in both languages (a, v, d, s).
#include <string>

#include "common/language.h"

namespace telemaint::host {

struct TerminalTexts {
  const char* session_code;        // "Session code: %s   (read it … valid for %s)"
  const char* asks_connect;        // "Technician %s asks to connect to this computer."
  const char* asks_control;        // "%s asks to take control of this computer."
  const char* account_key;         // "  account: %s   key: %s"
  const char* choices;             // with view only
  const char* choices_allow_deny;  // sharing another VNC server: no view only
  const char* choices_control;     // a request for control during a view-only session
  const char* no_answer_within;    // "%s (no answer within %s means no)"
  const char* no_answer_keeps;     // a request for control: "%s (… keeps view only)"
  const char* nobody_can_answer;   // "%s asks to connect, but nobody can answer … refused."
  const char* controlling;         // "%s is controlling your screen. Type s and Enter to stop%s."
  const char* viewing;
  const char* or_view_only;      // ", v for view only"
  const char* or_allow_control;  // ", a to allow control"
  const char* technician_left;
  const char* session_ended;  // "The session ended: %s"
  const char* no_answer_denied;
  const char* no_answer_view_only;
  const char* wrong_code;
  const char* cannot_reach;  // "Cannot reach the relay: %s"
  const char* code_expired;
  const char* expired_code_tried;
  const char* new_code;       // after New code
  const char* several_wrong;  // "… the next code comes in %s."
  const char* retrying;       // "Retrying in %s…"
  const char* connected;      // "A technician is connected (session %s)."
  const char* lost_relay;     // "Lost the connection to the relay (%s)."
  const char* relay_says;     // "The relay says: %s"
  const char* unexpected;     // the relay sent something it should not have
  // telemaint-host log
  const char* log_session;       // "session"
  const char* log_allowed;       // "allowed:"
  const char* log_then;          // ", then "
  const char* log_ended;         // "ended"
  const char* log_not_recorded;  // the host stopped before the end was written
  const char* log_receipt;       // "signed receipt kept in %s"
  const char* log_unverified;    // a technician whose identity did not check out
  const char* log_account_key;   // ", account %s, key %s"
  const char* log_none;          // "no sessions recorded yet (%s)"
};

const TerminalTexts& TerminalTextsFor(Language language);
// This process's, from its locale.
const TerminalTexts& Said();

// A word the session list keeps in English ("control", "you stopped it"), in `language`;
// unknown words as they are.
std::string LocalWord(const std::string& english, Language language);

}  // namespace telemaint::host
