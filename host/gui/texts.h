#pragma once
// What the host's window says, in English or French, chosen from the locale: the person at
// the customer's PC reads every word of it, so it is plain and complete in both.
#include <string>

#include "common/language.h"

namespace telemaint::host::gui {

// The language and Fill are common/language.h's; named here too for the windows' code.
using telemaint::Fill;
using telemaint::Language;
using telemaint::LanguageFromLocale;
using telemaint::TimeLeft;

struct Texts {
  const char* window_title;
  const char* your_code;  // above the code
  const char* read_it;    // under the code
  const char* valid_for;  // "Valid for" 9:58
  const char* new_code;   // button
  // Where the code goes when there is none, a heading and a sentence for each state.
  const char* connecting_heading;
  const char* connecting;
  const char* unreachable_heading;
  const char* unreachable;
  const char* waiting;
  const char* wrong_code;
  const char* asking_heading;
  const char* asking;
  const char* in_session_heading;
  const char* in_session;
  const char* ended_heading;
  const char* session_ended;       // when nobody was named
  const char* session_ended_with;  // "The session with %s has ended — %s."
  const char* less_than_a_minute;
  const char* dialog_title;
  const char* dialog_intro;   // "A technician asks to connect to this computer:"
  const char* asks_control;   // what they ask, from the start
  const char* control_title;  // a mid-session request for control: "%s asks to take control"
  const char* control_intro;
  const char* asks_control_again;  // from a view-only session
  const char* account_key;         // "Account %s, key %s"
  const char* no_answer_in;        // "Without an answer in %s, access will be refused."
  const char* no_answer_keeps;     // a request for control: "…, the session stays view only."
  const char* allow_control;
  const char* view_only;
  const char* deny;
  const char* keep_view_only;
  const char* controlling;  // "%s is controlling your screen"
  const char* viewing;      // "%s is viewing your screen"
  const char* stop;
  const char* not_set_up;  // started with nothing configured (an alert)
  const char* close;
};

const Texts& TextsFor(Language language);

// "12 min", "1 h 05 min", or the texts' "less than a minute": how long a session lasted.
std::string SessionLength(const Texts& texts, long seconds);

}  // namespace telemaint::host::gui
