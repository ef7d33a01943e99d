#include "crypto/session_code.h"

#include <cstring>

#include "crypto/random.h"

namespace telemaint::crypto {
namespace {

// Damm's totally anti-symmetric quasigroup of order 10: detects every single-digit error and
// every adjacent transposition — the typical mistakes when reading digits over the phone.
constexpr int kDamm[10][10] = {
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
    {4, 2, 0, 6, 8, 7, 1, 3, 5, 9}, {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
    {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
    {9, 4, 3, 8, 6, 1, 7, 2, 0, 5}, {2, 5, 8, 1, 4, 3, 6, 7, 9, 0}};

bool AllDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

int DammCheckDigit(std::string_view digits) {
  int interim = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
    interim = kDamm[interim][c - '0'];
  }
  return interim;
}

bool IsValidNameplate(std::string_view nameplate) {
  return nameplate.size() == kNameplateDigits && AllDigits(nameplate);
}

SecretBytes SessionCode::Digits() const {
  SecretBytes out(kCodeDigits);
  std::memcpy(out.data(), nameplate.data(), kNameplateDigits);
  std::memcpy(out.data() + kNameplateDigits, secret.data(), kSecretDigits);
  int check = DammCheckDigit(out.chars().substr(0, kCodeDigits - 1));
  out.data()[kCodeDigits - 1] = static_cast<uint8_t>('0' + check);
  return out;
}

SecretBytes SessionCode::Display() const {
  SecretBytes digits = Digits();
  SecretBytes out(kCodeDigits + 2);
  size_t o = 0;
  for (size_t i = 0; i < kCodeDigits; ++i) {
    if (i == 4 || i == 8) out.data()[o++] = ' ';
    out.data()[o++] = digits.data()[i];
  }
  return out;
}

Result<SessionCode> NewSessionCode(std::string_view nameplate) {
  if (!IsValidNameplate(nameplate))
    return Status::Protocol("the relay sent an invalid nameplate");
  SessionCode code;
  code.nameplate = std::string(nameplate);
  code.secret = SecretBytes(kSecretDigits);
  for (size_t i = 0; i < kSecretDigits; ++i)
    code.secret.data()[i] = static_cast<uint8_t>('0' + RandomUniform(10));
  return code;
}

Result<SessionCode> ParseSessionCode(std::string& typed) {
  SecretBytes digits(kCodeDigits);
  size_t n = 0;
  bool bad_char = false;
  for (char c : typed) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c < '0' || c > '9') {
      bad_char = true;
      break;
    }
    if (n == kCodeDigits) {
      n++;
      break;
    }
    digits.data()[n++] = static_cast<uint8_t>(c);
  }
  Wipe(typed);
  if (bad_char)
    return Status::InvalidInput(
        "the session code has only digits (spaces and dashes are fine) — check what you typed");
  if (n != kCodeDigits)
    return Status::InvalidInput(
        "the session code has 12 digits, like 1234 5678 9012 — ask the customer to read it again");
  if (DammCheckDigit(digits.chars().substr(0, kCodeDigits - 1)) != digits.data()[11] - '0')
    return Status::InvalidInput(
        "this code has a typo (its last digit does not match) — ask the customer to read it "
        "again; no attempt was used");
  SessionCode code;
  code.nameplate = std::string(digits.chars().substr(0, kNameplateDigits));
  code.secret = SecretBytes(digits.view().subspan(kNameplateDigits, kSecretDigits));
  return code;
}

}  // namespace telemaint::crypto
