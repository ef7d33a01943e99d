#include "host/x11/keymap.h"

#include <algorithm>

namespace telemaint::host {

Keymap::Keymap(int min_code, int max_code, int per_code, std::vector<uint32_t> syms)
    : min_code_(min_code), max_code_(max_code), per_code_(per_code), syms_(std::move(syms)) {
  if (per_code_ <= 0 || max_code_ < min_code_ ||
      syms_.size() < static_cast<size_t>(max_code_ - min_code_ + 1) * per_code_) {
    per_code_ = 0;
    max_code_ = min_code_ - 1;
    syms_.clear();
  }
}

uint32_t Keymap::At(uint8_t keycode, int column) const {
  if (keycode < min_code_ || keycode > max_code_ || column < 0 || column >= per_code_) return 0;
  return syms_[static_cast<size_t>(keycode - min_code_) * per_code_ + column];
}

std::optional<KeyPlace> Keymap::Find(uint32_t keysym) const {
  if (keysym == 0) return std::nullopt;
  // Plain, Shift, AltGr, AltGr+Shift: the second group (2, 3) would need a group switch.
  for (int column : {0, 1, 4, 5}) {
    if (column >= per_code_) break;
    for (int code = min_code_; code <= max_code_; ++code)
      if (At(static_cast<uint8_t>(code), column) == keysym)
        return KeyPlace{static_cast<uint8_t>(code), column};
  }
  return std::nullopt;
}

std::vector<uint8_t> Keymap::EmptyKeycodes() const {
  std::vector<uint8_t> out;
  for (int code = max_code_; code >= min_code_; --code) {
    bool empty = true;
    for (int c = 0; c < per_code_ && empty; ++c)
      if (At(static_cast<uint8_t>(code), c) != 0) empty = false;
    if (empty) out.push_back(static_cast<uint8_t>(code));
  }
  return out;
}

KeyPlan PlanFor(const KeyPlace& place, bool caps_lock_on, bool is_letter_key) {
  KeyPlan plan;
  plan.shift = place.column == 1 || place.column == 5;
  plan.level3 = place.column == 4 || place.column == 5;
  if (caps_lock_on && is_letter_key) plan.shift = !plan.shift;
  return plan;
}

bool IsCharacterKeysym(uint32_t keysym) {
  // Latin-1 and the legacy character sets sit below the function keys' 0xfd00-0xffff range;
  // 0x01000000 + U is any Unicode character.
  if (keysym >= 0x01000000) return keysym <= 0x0110ffff;
  return keysym >= 0x20 && keysym < 0xfd00;
}

}  // namespace telemaint::host
