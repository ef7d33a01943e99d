#pragma once
// InputSink for X11 through XTest, with keysym handling in the manner of x11vnc: Shift is
// added or lifted to reach the keysym's level, keysyms missing from the keymap (é, €, ß) get a
// spare keycode for the time of the session, and a key is released on the keycode it was
// pressed with. The Display must outlive this object; used from one thread.
#include "host/x11/xlib.h"

#include <map>
#include <set>
#include <vector>

#include "host/input_sink.h"

namespace telemaint::host {

class X11Input : public InputSink {
 public:
  explicit X11Input(Display* dpy);
  ~X11Input() override;
  void Key(uint32_t keysym, bool down) override;
  void Pointer(int x, int y, uint8_t buttons) override;
  void ReleaseAll() override;

 private:
  KeyCode SpareKeycodeFor(KeySym keysym);
  bool ShiftHeld() const;
  void FakeKey(KeyCode code, bool down);

  Display* dpy_;
  KeyCode shift_code_ = 0;
  std::map<uint32_t, KeyCode> pressed_;  // keysym -> keycode it went down on
  std::set<KeyCode> down_codes_;
  uint8_t buttons_ = 0;
  std::vector<KeyCode> spare_codes_;          // keycodes with no keysym, free to borrow
  std::map<KeySym, KeyCode> borrowed_;        // keysyms we mapped onto spare keycodes
  int min_code_ = 8, max_code_ = 255;
};

}  // namespace telemaint::host
