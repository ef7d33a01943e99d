#include "host/x11/x11_input.h"
#include "host/x11/xlib.h"

#include <X11/XKBlib.h>

#include <algorithm>

#include "common/log.h"

namespace telemaint::host {

X11Input::X11Input(Display* dpy) : dpy_(dpy) { RefreshKeymap(); }

X11Input::~X11Input() {
  ReleaseAll();
  // Give borrowed keycodes back: the customer's keymap is as we found it.
  for (auto& [sym, code] : borrowed_) {
    KeySym none = NoSymbol;
    XChangeKeyboardMapping(dpy_, code, 1, &none, 1);
  }
  XSync(dpy_, False);
}

void X11Input::RefreshKeymap() {
  // XGetKeyboardMapping asks the server; Xlib's own lookups can lag behind a layout switch.
  int min_code = 8, max_code = 255, per_code = 0;
  XDisplayKeycodes(dpy_, &min_code, &max_code);
  KeySym* map = XGetKeyboardMapping(dpy_, static_cast<KeyCode>(min_code),
                                    max_code - min_code + 1, &per_code);
  std::vector<uint32_t> syms;
  if (map) {
    syms.assign(map, map + static_cast<size_t>(max_code - min_code + 1) * per_code);
    XFree(map);
  }
  keymap_ = Keymap(min_code, max_code, per_code, std::move(syms));
  // A layout switch may have taken a keycode we borrowed: forget it (borrow again if needed)
  // rather than type whatever the new layout put there.
  for (auto it = borrowed_.begin(); it != borrowed_.end();) {
    if (keymap_.At(it->second, 0) != it->first)
      it = borrowed_.erase(it);
    else
      ++it;
  }
  auto code_of = [&](uint32_t sym) -> KeyCode {
    auto place = keymap_.Find(sym);
    return place && place->column == 0 ? place->keycode : 0;
  };
  shift_code_ = code_of(XK_Shift_L);
  level3_code_ = code_of(XK_ISO_Level3_Shift);
  if (!level3_code_) level3_code_ = code_of(XK_Mode_switch);
}

void X11Input::FakeKey(KeyCode code, bool down) {
  XTestFakeKeyEvent(dpy_, code, down ? True : False, CurrentTime);
  if (down)
    down_codes_.insert(code);
  else
    down_codes_.erase(code);
}

bool X11Input::CapsLockOn() const {
  XkbStateRec state;
  if (XkbGetState(dpy_, XkbUseCoreKbd, &state) != Success) return false;
  return state.locked_mods & LockMask;
}

bool X11Input::IsLetterKey(KeyCode code) const {
  KeySym lower = 0, upper = 0;
  XConvertCase(keymap_.At(code, 0), &lower, &upper);
  return lower != upper && keymap_.At(code, 1) == upper;
}

std::vector<KeyCode> X11Input::HeldCodes(std::initializer_list<KeySym> syms) const {
  std::vector<KeyCode> out;
  for (KeySym s : syms)
    if (auto it = pressed_.find(static_cast<uint32_t>(s)); it != pressed_.end())
      out.push_back(it->second);
  return out;
}

KeyCode X11Input::SpareKeycodeFor(KeySym keysym) {
  if (auto it = borrowed_.find(keysym); it != borrowed_.end()) return it->second;
  for (uint8_t code : keymap_.EmptyKeycodes()) {
    bool taken = false;
    for (auto& [sym, c] : borrowed_) taken = taken || c == code;
    if (taken) continue;
    KeySym syms[2] = {keysym, keysym};  // same symbol with or without Shift
    XChangeKeyboardMapping(dpy_, code, 2, syms, 1);
    XSync(dpy_, False);
    borrowed_[keysym] = code;
    return code;
  }
  return 0;
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
  auto place = keymap_.Find(keysym);
  KeyCode code = place ? place->keycode : 0;
  // Only characters get a borrowed keycode: a viewer cannot make the customer's keyboard
  // carry arbitrary function or action keysyms.
  if (!place && IsCharacterKeysym(keysym)) code = SpareKeycodeFor(keysym);
  if (code == 0) {
    log::Debug("no keycode for keysym 0x", std::hex, keysym);
    return;
  }
  if (!place || !IsCharacterKeysym(keysym)) {
    // Borrowed keycodes type their symbol plain; function keys keep the technician's
    // modifiers (Shift+Tab, Ctrl+Alt+F2) unless their level needs Shift.
    const bool add_shift =
        place && place->column == 1 && HeldCodes({XK_Shift_L, XK_Shift_R}).empty();
    if (add_shift && shift_code_) FakeKey(shift_code_, true);
    FakeKey(code, true);
    if (add_shift && shift_code_) FakeKey(shift_code_, false);
    pressed_[keysym] = code;
    XFlush(dpy_);
    return;
  }
  // A character: hold exactly the Shift and AltGr its column needs, for the time of the key.
  // With Ctrl or Alt held a letter is a shortcut (Ctrl+C): Caps Lock must not add Shift.
  const bool shortcut = !HeldCodes({XK_Control_L, XK_Control_R, XK_Alt_L, XK_Alt_R, XK_Meta_L,
                                    XK_Meta_R, XK_Super_L, XK_Super_R}).empty();
  KeyPlan plan = PlanFor(*place, CapsLockOn() && !shortcut, IsLetterKey(code));
  std::vector<KeyCode> shifts = HeldCodes({XK_Shift_L, XK_Shift_R});
  std::vector<KeyCode> level3s = HeldCodes({XK_ISO_Level3_Shift, XK_Mode_switch});
  std::vector<std::pair<KeyCode, bool>> around;  // temporary changes, undone afterwards
  if (plan.shift && shifts.empty() && shift_code_) around.push_back({shift_code_, true});
  if (!plan.shift)
    for (KeyCode c : shifts) around.push_back({c, false});
  if (plan.level3 && level3s.empty() && level3_code_) around.push_back({level3_code_, true});
  if (!plan.level3)
    for (KeyCode c : level3s) around.push_back({c, false});
  for (auto [c, press] : around) FakeKey(c, press);
  FakeKey(code, true);
  for (auto it = around.rbegin(); it != around.rend(); ++it) FakeKey(it->first, !it->second);
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
