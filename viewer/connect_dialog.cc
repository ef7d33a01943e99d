#include "viewer/connect_dialog.h"

#include <FL/Fl.H>
#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Double_Window.H>
#include <FL/Fl_Input.H>
#include <FL/Fl_Return_Button.H>
#include <FL/Fl_Secret_Input.H>

#include "common/log.h"
#include "crypto/secret.h"
#include "crypto/session_code.h"

namespace telemaint::viewer {

std::string GroupCodeDigits(std::string_view typed) {
  std::string out;
  size_t digits = 0;
  for (char c : typed) {
    if (c < '0' || c > '9' || digits == crypto::kCodeDigits) continue;
    if (digits > 0 && digits % 4 == 0) out += ' ';
    out += c;
    ++digits;
  }
  return out;
}

CodeCheck CheckCodeDigits(std::string_view digits) {
  std::string only;
  for (char c : digits)
    if (c >= '0' && c <= '9') only += c;
  if (only.size() < crypto::kCodeDigits) return CodeCheck::kIncomplete;
  const int check = crypto::DammCheckDigit(std::string_view(only).substr(0, 11));
  return check == only[11] - '0' ? CodeCheck::kValid : CodeCheck::kWrongDigit;
}

namespace {

constexpr int kW = 520, kH = 380, kLabelW = 130, kFieldX = 150, kFieldW = 350;

// The dialog's widgets and what they hold; the callbacks keep Connect and the hints true.
struct Dialog {
  Fl_Double_Window window{kW, kH, "telemaint — connect to a customer"};
  Fl_Box message{20, 10, kW - 40, 44};
  Fl_Input code{kFieldX, 62, kFieldW, 34, "Session code"};
  Fl_Box code_hint{kFieldX, 98, kFieldW, 22};
  Fl_Secret_Input password{kFieldX, 126, kFieldW, 28, "Password"};
  Fl_Box connection{20, 170, kW - 40, 22, "Connection (kept for next time)"};
  Fl_Input relay{kFieldX, 196, kFieldW, 28, "Relay"};
  Fl_Input ca{kFieldX, 230, kFieldW, 28, "CA certificate"};
  Fl_Input user{kFieldX, 264, kFieldW, 28, "Account"};
  Fl_Return_Button connect{kW - 250, kH - 54, 120, 36, "Connect"};
  Fl_Button quit{kW - 120, kH - 54, 100, 36, "Quit"};
  std::string message_text, hint_text;
  bool password_given = false, chosen = false;

  void Update() {
    const CodeCheck check = CheckCodeDigits(code.value());
    hint_text = check == CodeCheck::kValid ? "The code checks out."
                : check == CodeCheck::kWrongDigit
                    ? "A digit is wrong: ask the customer to read the code again."
                    : "The 12 digits the customer reads to you.";
    code_hint.label(hint_text.c_str());
    code_hint.labelcolor(check == CodeCheck::kWrongDigit ? FL_RED : FL_FOREGROUND_COLOR);
    // The password only once the code is right: a typo never costs a login.
    if (check == CodeCheck::kValid || password_given)
      password.activate();
    else
      password.deactivate();
    const bool ready = check == CodeCheck::kValid && (password_given || password.size() > 0) &&
                       relay.size() > 0 && ca.size() > 0 && user.size() > 0;
    if (ready)
      connect.activate();
    else
      connect.deactivate();
    window.redraw();
  }
};

void Prepare(Dialog& d, const ConnectDetails& details, const std::string& message) {
  d.message_text = log::PrintableLabel(message);
  d.message.label(d.message_text.c_str());
  d.message.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT | FL_ALIGN_WRAP);
  d.message.labelfont(FL_HELVETICA_BOLD);
  d.code.textsize(22);
  d.code.textfont(FL_COURIER_BOLD);
  d.code_hint.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
  d.code_hint.labelsize(12);
  d.connection.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
  d.connection.labelfont(FL_HELVETICA_BOLD);
  d.relay.value(details.relay_url.c_str());
  d.ca.value(details.ca_file.c_str());
  d.user.value(details.user.c_str());
  std::string grouped = GroupCodeDigits(details.code);
  d.code.value(grouped.c_str());
  crypto::Wipe(grouped);
  if (d.password_given) d.password.hide();
  auto changed = [](Fl_Widget* w, void* data) {
    auto* self = static_cast<Dialog*>(data);
    // Return in any field connects once everything is right, and otherwise stays put (the
    // focus must not wander off a wrong code into the relay's address).
    if (Fl::event() == FL_KEYBOARD &&
        (Fl::event_key() == FL_Enter || Fl::event_key() == FL_KP_Enter)) {
      if (self->connect.active()) self->connect.do_callback();
      return;
    }
    if (w == &self->code) {
      const std::string grouped = GroupCodeDigits(self->code.value());
      if (grouped != self->code.value()) {
        self->code.value(grouped.c_str());
        self->code.position(static_cast<int>(grouped.size()));
      }
    }
    self->Update();
  };
  for (Fl_Input* input : {&d.code, static_cast<Fl_Input*>(&d.password), &d.relay, &d.ca, &d.user}) {
    input->when(FL_WHEN_CHANGED | FL_WHEN_ENTER_KEY_ALWAYS);
    input->callback(changed, &d);
  }
  d.connect.callback(
      [](Fl_Widget*, void* data) {
        auto* self = static_cast<Dialog*>(data);
        if (!self->connect.active()) return;  // Return while not ready does nothing
        self->chosen = true;
        self->window.hide();
      },
      &d);
  d.quit.callback([](Fl_Widget*, void* data) { static_cast<Dialog*>(data)->window.hide(); }, &d);
  d.window.end();
  d.Update();
}

// A field's secret text, its own buffer zeroed in place before the field is cleared: clearing
// through replace() would first copy the text into FLTK's undo buffer.
std::string TakeSecret(Fl_Input_& input) {
  std::string secret = input.value();
  crypto::Wipe(const_cast<char*>(input.value()), static_cast<size_t>(input.size()));
  input.value("");
  return secret;
}

}  // namespace

std::optional<ConnectDetails> AskToConnect(const ConnectDetails& details,
                                           const std::string& message, bool password_given) {
  Dialog d;
  d.password_given = password_given;
  Prepare(d, details, message);
  d.window.show();
  d.code.take_focus();
  while (d.window.shown()) Fl::wait();
  std::string password = TakeSecret(d.password);
  std::string grouped = TakeSecret(d.code);  // the code's secret digits too
  if (!d.chosen) {
    crypto::Wipe(password);
    crypto::Wipe(grouped);
    return std::nullopt;
  }
  ConnectDetails chosen{d.relay.value(), d.ca.value(), d.user.value(), "", ""};
  for (char c : grouped)
    if (c != ' ') chosen.code += c;
  chosen.password = password;
  crypto::Wipe(password);
  crypto::Wipe(grouped);
  return chosen;
}

}  // namespace telemaint::viewer
