#include "host/x11/x11_input.h"
#include "host/x11/xlib.h"


#include "common/log.h"

namespace telemaint::host {

X11Input::X11Input(Display* dpy) : dpy_(dpy) {
  shift_code_ = XKeysymToKeycode(dpy_, XK_Shift_L);
  XDisplayKeycodes(dpy_, &min_code_, &max_code_);
  int per_code = 0;
  KeySym* map = XGetKeyboardMapping(dpy_, static_cast<KeyCode>(min_code_),
                                    max_code_ - min_code_ + 1, &per_code);
  if (map) {
    for (int c = max_code_; c >= min_code_; --c) {
      bool empty = true;
      for (int i = 0; i < per_code; ++i)
        if (map[(c - min_code_) * per_code + i] != NoSymbol) empty = false;
      if (empty) spare_codes_.push_back(static_cast<KeyCode>(c));
    }
    XFree(map);
  }
}

X11Input::~X11Input() {
  ReleaseAll();
  // Give borrowed keycodes back: the customer's keymap is as we found it.
  for (auto& [sym, code] : borrowed_) {
    KeySym none = NoSymbol;
    XChangeKeyboardMapping(dpy_, code, 1, &none, 1);
  }
  XSync(dpy_, False);
}

void X11Input::FakeKey(KeyCode code, bool down) {
  XTestFakeKeyEvent(dpy_, code, down ? True : False, CurrentTime);
  if (down)
    down_codes_.insert(code);
  else
    down_codes_.erase(code);
}

bool X11Input::ShiftHeld() const {
  return pressed_.count(XK_Shift_L) || pressed_.count(XK_Shift_R);
}

KeyCode X11Input::SpareKeycodeFor(KeySym keysym) {
  if (auto it = borrowed_.find(keysym); it != borrowed_.end()) return it->second;
  if (spare_codes_.empty()) return 0;
  KeyCode code = spare_codes_.back();
  spare_codes_.pop_back();
  KeySym syms[2] = {keysym, keysym};  // same symbol with or without Shift
  XChangeKeyboardMapping(dpy_, code, 2, syms, 1);
  XSync(dpy_, False);
  borrowed_[keysym] = code;
  return code;
}

void X11Input::Key(uint32_t keysym, bool down) {
  if (!down) {
    // Release exactly the keycode that went down for this keysym.
    auto it = pressed_.find(keysym);
    if (it == pressed_.end()) return;
    FakeKey(it->second, false);
    pressed_.erase(it);
    XFlush(dpy_);
    return;
  }
  KeyCode code = XKeysymToKeycode(dpy_, keysym);
  bool borrowed = false;
  if (code == 0) {
    code = SpareKeycodeFor(keysym);
    borrowed = true;
    if (code == 0) {
      log::Debug("no keycode for keysym 0x", std::hex, keysym);
      return;
    }
  }
  // Which shift level produces the keysym on this keycode?
  bool needs_shift = false, level0 = true;
  if (!borrowed) {
    KeySym l0 = XkbKeycodeToKeysym(dpy_, code, 0, 0);
    KeySym l1 = XkbKeycodeToKeysym(dpy_, code, 0, 1);
    level0 = l0 == keysym;
    needs_shift = !level0 && l1 == keysym;
    // Letters: the viewer sends 'A' with Shift held, or 'A' alone with CapsLock; both work
    // through level 1.
  }
  const bool shift_down = ShiftHeld();
  if (needs_shift && !shift_down && shift_code_) {
    FakeKey(shift_code_, true);
    FakeKey(code, true);
    FakeKey(shift_code_, false);
  } else if (level0 && shift_down && !borrowed && keysym >= 0x20 && keysym < 0x7f &&
             shift_code_) {
    // The viewer holds Shift but asks for the unshifted symbol (e.g. some layouts' '<'):
    // lift Shift around the key, as x11vnc does.
    for (KeySym s : {XK_Shift_L, XK_Shift_R})
      if (auto it = pressed_.find(s); it != pressed_.end()) FakeKey(it->second, false);
    FakeKey(code, true);
    for (KeySym s : {XK_Shift_L, XK_Shift_R})
      if (auto it = pressed_.find(s); it != pressed_.end()) FakeKey(it->second, true);
  } else {
    FakeKey(code, true);
  }
  pressed_[keysym] = code;
  XFlush(dpy_);
}

void X11Input::Pointer(int x, int y, uint8_t buttons) {
  XTestFakeMotionEvent(dpy_, -1, x, y, CurrentTime);
  for (int b = 0; b < 8; ++b) {
    bool was = buttons_ & (1 << b), now = buttons & (1 << b);
    if (was != now) XTestFakeButtonEvent(dpy_, b + 1, now ? True : False, CurrentTime);
  }
  buttons_ = buttons;
  XFlush(dpy_);
}

void X11Input::ReleaseAll() {
  for (KeyCode code : std::set<KeyCode>(down_codes_)) FakeKey(code, false);
  pressed_.clear();
  for (int b = 0; b < 8; ++b)
    if (buttons_ & (1 << b)) XTestFakeButtonEvent(dpy_, b + 1, False, CurrentTime);
  buttons_ = 0;
  XFlush(dpy_);
}

}  // namespace telemaint::host
