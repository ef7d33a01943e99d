#pragma once
// A snapshot of an X keyboard mapping (XGetKeyboardMapping's table) answering "which key, and
// which modifiers, type this keysym?", in the manner of x11vnc. Pure: no X calls, unit-tested
// in tests/host/keymap_test.cc.
//
// Columns of the core table as XKB fills it: 0 plain, 1 Shift, 2/3 the second group (another
// layout, reached by a group switch we do not drive), 4 AltGr (ISO_Level3_Shift), 5 AltGr+Shift.
#include <cstdint>
#include <optional>
#include <vector>

namespace telemaint::host {

struct KeyPlace {
  uint8_t keycode = 0;
  int column = 0;
};

// What must be held, besides the key itself, to type a keysym.
struct KeyPlan {
  bool shift = false;
  bool level3 = false;
};

class Keymap {
 public:
  Keymap() = default;
  // `syms`: per_code keysyms for each keycode from min_code to max_code.
  Keymap(int min_code, int max_code, int per_code, std::vector<uint32_t> syms);

  // Where `keysym` is in the first group, fewest modifiers first.
  std::optional<KeyPlace> Find(uint32_t keysym) const;
  // The keysym at a keycode's column (0: none).
  uint32_t At(uint8_t keycode, int column) const;
  // Keycodes that carry no keysym at all, free to borrow (highest first).
  std::vector<uint8_t> EmptyKeycodes() const;
  int min_code() const { return min_code_; }
  int max_code() const { return max_code_; }

 private:
  int min_code_ = 8, max_code_ = 7, per_code_ = 0;
  std::vector<uint32_t> syms_;
};

// The modifiers `place` needs. `caps_lock_on` with a key whose two levels are the lower and
// upper case of a letter (`is_letter_key`) swaps the need for Shift, as Lock does.
KeyPlan PlanFor(const KeyPlace& place, bool caps_lock_on, bool is_letter_key);

// Keysyms that type a character (as opposed to function, cursor and modifier keys), for which
// held modifiers may be lifted or added to reach the character.
bool IsCharacterKeysym(uint32_t keysym);

}  // namespace telemaint::host
