#pragma once
// The 12-digit session code an end user reads to a technician: 5-digit nameplate (routing,
// allocated by the relay), 6 secret digits (the CPace password, drawn here, never sent), and a
// Damm check digit over the first 11. See docs/protocol.md#session-code.
#include <string>
#include <string_view>

#include "common/status.h"
#include "crypto/secret.h"

namespace telemaint::crypto {

inline constexpr size_t kNameplateDigits = 5;
inline constexpr size_t kSecretDigits = 6;
inline constexpr size_t kCodeDigits = 12;

struct SessionCode {
  std::string nameplate;  // 5 ASCII digits; not secret
  SecretBytes secret;     // 6 ASCII digits; the PAKE password

  // "1234 5678 9012", in locked memory since it holds the secret digits.
  SecretBytes Display() const;
  // Same digits without separators (for a code file a test or script reads).
  SecretBytes Digits() const;
};

// Damm check digit of a string of ASCII digits; -1 if a character is not a digit.
int DammCheckDigit(std::string_view digits);
bool IsValidNameplate(std::string_view nameplate);

// Draws fresh secret digits for a nameplate the relay gave us.
Result<SessionCode> NewSessionCode(std::string_view nameplate);

// Accepts "1234 5678 9012", "1234-5678-9012" or "123456789012". Rejects anything else, and
// a wrong check digit, with a sentence for the technician. Wipes `typed`.
Result<SessionCode> ParseSessionCode(std::string& typed);

}  // namespace telemaint::crypto
