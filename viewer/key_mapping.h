#pragma once
// The technician's keyboard to RFB: FLTK's key numbers for special keys are X keysyms, and
// the text a key typed tells the character whatever the technician's layout (AZERTY, AltGr…).
// Pure functions; tests/viewer/key_mapping_test.cc.
#include <cstdint>
#include <string_view>

namespace telemaint::viewer {

// The keysym to send for a key going down: `fltk_key` is Fl::event_key(), `text` is
// Fl::event_text(), `shift` whether Shift is held. 0: nothing to send.
uint32_t KeysymForKey(int fltk_key, std::string_view text, bool shift);

// The Unicode code point of `text` when it is exactly one UTF-8 character, else -1.
int32_t SingleCodePoint(std::string_view text);

// The RFB keysym of a Unicode character (Latin-1 directly, the rest as 0x01000000 + U).
uint32_t KeysymForCodePoint(int32_t cp);

}  // namespace telemaint::viewer
