#include "viewer/key_mapping.h"

namespace telemaint::viewer {

int32_t SingleCodePoint(std::string_view text) {
  if (text.empty()) return -1;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  int len = 0;
  int32_t cp = 0;
  if (s[0] < 0x80) {
    len = 1;
    cp = s[0];
  } else if ((s[0] & 0xe0) == 0xc0) {
    len = 2;
    cp = s[0] & 0x1f;
  } else if ((s[0] & 0xf0) == 0xe0) {
    len = 3;
    cp = s[0] & 0x0f;
  } else if ((s[0] & 0xf8) == 0xf0) {
    len = 4;
    cp = s[0] & 0x07;
  } else {
    return -1;
  }
  if (static_cast<int>(text.size()) != len) return -1;
  for (int i = 1; i < len; ++i) {
    if ((s[i] & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  static constexpr int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  return cp;
}

uint32_t KeysymForCodePoint(int32_t cp) {
  if (cp < 0) return 0;
  if (cp < 0x100) return static_cast<uint32_t>(cp);
  return 0x01000000u | static_cast<uint32_t>(cp);
}

uint32_t KeysymForKey(int fltk_key, std::string_view text, bool shift) {
  // A printable character is sent as itself, so the host types what the technician's layout
  // typed (AltGr and dead keys included).
  int32_t cp = SingleCodePoint(text);
  if (cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0)) return KeysymForCodePoint(cp);
  // FLTK numbers special keys (arrows, F-keys, keypad, modifiers, Return…) by their X keysym.
  if (fltk_key >= 0xfd00 && fltk_key <= 0xffff) return static_cast<uint32_t>(fltk_key);
  if (fltk_key >= 0xef00 && fltk_key < 0xf000) return 0;  // FLTK's media keys: not keysyms
  // With Ctrl or Alt the text is a control character or empty: the key's own symbol, shifted
  // when Shift is held so Ctrl+Shift+T stays that.
  if (fltk_key >= 'a' && fltk_key <= 'z') return shift ? fltk_key - 'a' + 'A' : fltk_key;
  if (fltk_key >= 0x20 && fltk_key < 0x7f) return static_cast<uint32_t>(fltk_key);
  if (fltk_key >= 0xa0 && fltk_key < 0x100) return static_cast<uint32_t>(fltk_key);
  return 0;
}

}  // namespace telemaint::viewer
