#pragma once
// The viewer's connect dialog (FLTK), for a technician who starts telemaint-viewer without a
// code (from the menu, most often): the session code shown in groups of four as it is typed
// and checked digit by digit against its check digit, so a typo is caught before the password
// is asked and never ends the program; the password; and the relay, its CA certificate and
// the account, filled in from the settings file or the last session. It comes back after each
// session with how that session ended. Main thread only.
#include <optional>
#include <string>
#include <string_view>

namespace telemaint::viewer {

struct ConnectDetails {
  std::string relay_url, ca_file, user;
  std::string code;      // 12 digits, checked
  std::string password;  // the caller wipes it once used
};

// Shows the dialog filled in with `details`, `message` above the fields (how the last session
// ended, or what was wrong); returns what the technician entered once they press Connect, or
// nothing when they close the dialog. With `password_given` (TELEMAINT_PASSWORD), no password
// is asked.
std::optional<ConnectDetails> AskToConnect(const ConnectDetails& details,
                                           const std::string& message, bool password_given);

// The code field's text for what was typed: its digits (at most 12) in groups of four.
std::string GroupCodeDigits(std::string_view typed);
enum class CodeCheck { kIncomplete, kValid, kWrongDigit };
// 12 digits whose check digit matches, or what is wrong.
CodeCheck CheckCodeDigits(std::string_view digits);

}  // namespace telemaint::viewer
