#pragma once
// InputSink for X11 through XTest, with keysym handling in the manner of x11vnc: the key and
// column for a keysym come from the current keymap (re-read when it changes); Shift and AltGr
// are added or lifted around the key to reach its level; Caps Lock is allowed for; keysyms
// missing from the keymap (é, €, ß on a US layout) get a spare keycode for the session; a
// key is released on the keycode it went down on. The Display must outlive this object; used
// from one thread.
#include "host/x11/xlib.h"

#include <map>
#include <set>
#include <vector>

#include "host/input_sink.h"
#include "host/x11/keymap.h"

namespace telemaint::host {

class X11Input : public InputSink {
 public:
  explicit X11Input(Display* dpy);
  ~X11Input() override;
  void Key(uint32_t keysym, bool down) override;
  void Pointer(int x, int y, uint8_t buttons) override;
  void ReleaseAll() override;
  // The keyboard mapping changed (layout switch): read it again.
  void RefreshKeymap();

 private:
  KeyCode SpareKeycodeFor(KeySym keysym);
  bool CapsLockOn() const;
  bool IsLetterKey(KeyCode code) const;
  void FakeKey(KeyCode code, bool down);
  std::vector<KeyCode> HeldCodes(std::initializer_list<KeySym> syms) const;

  Display* dpy_;
  Keymap keymap_;
  KeyCode shift_code_ = 0, level3_code_ = 0;
  std::map<uint32_t, KeyCode> pressed_;  // keysym -> keycode it went down on
  std::set<KeyCode> down_codes_;
  uint8_t buttons_ = 0;
  std::map<KeySym, KeyCode> borrowed_;  // keysyms we mapped onto spare keycodes
};

}  // namespace telemaint::host
