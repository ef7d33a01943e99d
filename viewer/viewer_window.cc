#include "viewer/viewer_window.h"

#include <FL/Fl.H>
#include <FL/Fl_Box.H>
#include <FL/Fl_Double_Window.H>
#include <FL/Fl_Menu_Bar.H>
#include <FL/Fl_RGB_Image.H>
#include <FL/Fl_Scroll.H>
#include <FL/Fl_Widget.H>
#include <FL/fl_draw.H>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>

#include "common/log.h"
#include "viewer/key_mapping.h"
#include "viewer/remote_screen.h"
#include "viewer/view_geometry.h"
#include "viewer/window_status.h"

namespace telemaint::viewer {

namespace {

constexpr int kMenuHeight = 25;
// The status shares the menu's row, right of the menu titles: the picture does not move.
constexpr int kStatusX = 330;
constexpr uint32_t kControlL = 0xffe3, kAltL = 0xffe9, kDelete = 0xffff;

// One line of the picture scaled into `out`: box-averaged when shrinking (text stays
// legible), nearest pixel when enlarging.
struct ScaleSource {
  const uint8_t* rgb;
  int width, height;
  double scale;
};

void ScaleLine(void* data, int x, int y, int w, uchar* out) {
  auto* s = static_cast<ScaleSource*>(data);
  const double inv = 1.0 / s->scale;
  const int sy0 = std::min(s->height - 1, static_cast<int>(y * inv));
  const int sy1 = s->scale < 1.0
                      ? std::min(s->height, std::max(sy0 + 1, static_cast<int>((y + 1) * inv)))
                      : sy0 + 1;
  for (int i = 0; i < w; ++i) {
    const int sx0 = std::min(s->width - 1, static_cast<int>((x + i) * inv));
    const int sx1 = s->scale < 1.0
                        ? std::min(s->width, std::max(sx0 + 1, static_cast<int>((x + i + 1) * inv)))
                        : sx0 + 1;
    unsigned sum[3] = {0, 0, 0}, n = 0;
    for (int sy = sy0; sy < sy1; ++sy) {
      const uint8_t* p = s->rgb + (static_cast<size_t>(sy) * s->width + sx0) * 3;
      for (int sx = sx0; sx < sx1; ++sx, p += 3, ++n) {
        sum[0] += p[0];
        sum[1] += p[1];
        sum[2] += p[2];
      }
    }
    out[i * 3] = static_cast<uchar>(sum[0] / n);
    out[i * 3 + 1] = static_cast<uchar>(sum[1] / n);
    out[i * 3 + 2] = static_cast<uchar>(sum[2] / n);
  }
}

}  // namespace

class ScreenView;

struct ViewerWindow::Impl {
  Quality quality;

  std::mutex mu;  // guards the pending_* fields, set from other threads
  int pending_fd = -1;
  std::string pending_title;
  bool pending_monitors_set = false;
  std::vector<Monitor> pending_monitors;
  bool finish_requested = false;
  // In order: "asking" then "view only" after a request is a refusal, not a fresh choice.
  std::vector<peer::ConsentState> pending_permissions;
  std::vector<std::string> pending_lines;
  std::vector<std::function<void(SidePanel&)>> pending_side;  // run on the main thread
  // The customer's latest copy only: a flood of copies cannot pile up here.
  std::optional<std::pair<peer::Selection, std::string>> pending_clipboard;
  bool share_clipboard = true, share_primary = false;
  // Work for the side panel from any thread, run by Run's loop on the main thread.
  void PostToSide(std::function<void(SidePanel&)> work) {
    {
      std::lock_guard lock(mu);
      pending_side.push_back(std::move(work));
    }
    Fl::awake();
  }
  SidePanel::Handlers side_handlers;
  std::unique_ptr<SidePanel> side;
  std::chrono::seconds linger{0};  // the ending stays in sight this long before the window goes
  std::atomic<bool> screen_changed{false};

  std::unique_ptr<RemoteScreen> screen;
  std::unique_ptr<Fl_Double_Window> window;
  Fl_Menu_Bar* menu = nullptr;
  Fl_Box* status_box = nullptr;
  WindowStatus status;
  std::string status_text;  // the box's label
  Fl_Scroll* scroll = nullptr;
  ScreenView* view = nullptr;
  std::vector<uint8_t> cursor_pixels;  // Fl_RGB_Image borrows them
  std::unique_ptr<Fl_RGB_Image> cursor_image;
  int cursor_hot_x = 0, cursor_hot_y = 0;
  std::string title;
  bool fit = true, view_only = false, full_screen = false, ended = false, closed = false;
  std::vector<Monitor> monitors;
  int chosen_monitor = -1;
  std::function<void(int)> choose_monitor;
  std::function<void()> request_control, closed_early;
  peer::ConsentState customer = peer::ConsentState::kAsking;
  bool InputBlocked() const { return view_only || customer != peer::ConsentState::kControl; }

  void BuildWindow();
  void AttachScreen(int fd, std::string title);
  void ShowStatus();
  void TakeScreenChanges();
  void Layout();
  void RebuildMenu();
  void AddMonitorItems();
  void ToggleFullScreen();
  static void OnMenu(Fl_Widget* w, void* action);
  static void OnMonitorMenu(Fl_Widget* w, void* index);
  void UpdateTitle();
  void Disconnect();
  void SendCtrlAltDel();
};

// The remote screen: draws the picture and sends keyboard and mouse to the host.
class ScreenView : public Fl_Widget {
 public:
  ScreenView(ViewerWindow::Impl* owner, int x, int y, int w, int h)
      : Fl_Widget(x, y, w, h), owner_(owner) {}
  ViewGeometry geometry;
  int remote_w = 0, remote_h = 0;

  void draw() override {
    fl_push_clip(x(), y(), w(), h());
    fl_rectf(x(), y(), w(), h(), 48, 48, 48);
    if (owner_->screen) {
      owner_->screen->WithPicture([&](const uint8_t* rgb, int rw, int rh) {
        const int px = x() + geometry.offset_x, py = y() + geometry.offset_y;
        if (geometry.scale == 1.0) {
          fl_draw_image(rgb, px, py, rw, rh, 3, rw * 3);
        } else {
          ScaleSource source{rgb, rw, rh, geometry.scale};
          fl_draw_image(ScaleLine, &source, px, py, geometry.shown_w, geometry.shown_h, 3);
        }
      });
    }
    fl_pop_clip();
  }

  void Damage(const ScreenRect& r) {
    int vx, vy, vw, vh;
    geometry.ToView(r.x, r.y, r.w, r.h, &vx, &vy, &vw, &vh);
    damage(FL_DAMAGE_USER1, x() + vx, y() + vy, vw, vh);
  }

  void ReleaseKeys() {
    for (auto& [key, keysym] : held_) owner_->screen->SendKey(keysym, false);
    held_.clear();
  }
  // Input stops (view only): nothing may stay pressed on the customer's side, mouse included.
  void ReleaseKeysAndButtons() {
    ReleaseKeys();
    if (buttons_) {
      buttons_ = 0;
      int rx, ry;
      geometry.ToRemote(Fl::event_x() - x(), Fl::event_y() - y(), remote_w, remote_h, &rx, &ry);
      owner_->screen->SendPointer(rx, ry, 0);
    }
  }

  int handle(int event) override {
    RemoteScreen* screen = owner_->screen.get();
    if (!screen) {
      // The window opens before the picture comes: take the pointer and the focus already, so
      // the moves and keys after it are ours without a new enter.
      const bool ours = event == FL_ENTER || event == FL_LEAVE || event == FL_MOVE ||
                        event == FL_FOCUS || event == FL_UNFOCUS;
      return ours ? 1 : Fl_Widget::handle(event);
    }
    switch (event) {
      case FL_FOCUS:
        if (owner_->side) owner_->side->OnWindowFocus();
        return 1;
      case FL_UNFOCUS:
        ReleaseKeys();  // keys held while the technician switches windows must not stick
        return 1;
      case FL_ENTER:
        // The customer's pointer shape only over their picture: the menu keeps ours, so a
        // host cannot disguise the technician's own controls.
        if (owner_->cursor_image)
          window()->cursor(owner_->cursor_image.get(), owner_->cursor_hot_x, owner_->cursor_hot_y);
        return 1;
      case FL_LEAVE:
        window()->cursor(FL_CURSOR_DEFAULT);
        return 1;
      case FL_PUSH:
        take_focus();
        [[fallthrough]];
      case FL_RELEASE:
      case FL_DRAG:
      case FL_MOVE:
        return OnMouse(event);
      case FL_MOUSEWHEEL:
        return OnWheel();
      case FL_DND_ENTER:
      case FL_DND_DRAG:
      case FL_DND_RELEASE:
        return 1;  // files dropped on the picture are sent to the customer
      case FL_PASTE:
        if (owner_->side) owner_->side->SendDropped(std::string(Fl::event_text(), Fl::event_length()));
        return 1;
      case FL_KEYDOWN:
        return OnKeyDown(*screen);
      case FL_KEYUP:
        return OnKeyUp(*screen);
      case FL_SHORTCUT:
        return 0;
    }
    return Fl_Widget::handle(event);
  }

 private:
  int OnMouse(int event) {
    if (event == FL_PUSH || event == FL_RELEASE) {
      int b = Fl::event_button();
      uint8_t bit = b == FL_LEFT_MOUSE ? 1 : b == FL_MIDDLE_MOUSE ? 2 : b == FL_RIGHT_MOUSE ? 4 : 0;
      buttons_ = event == FL_PUSH ? (buttons_ | bit) : (buttons_ & ~bit);
    }
    if (!owner_->InputBlocked()) SendPointer(buttons_);
    return 1;
  }

  // RFB buttons 4/5 scroll up/down, 6/7 left/right: one press and release per notch.
  int OnWheel() {
    if (owner_->InputBlocked()) return 1;
    auto notches = [&](int delta, uint8_t negative, uint8_t positive) {
      for (int i = 0; i < std::abs(delta); ++i) {
        uint8_t bit = delta < 0 ? negative : positive;
        SendPointer(buttons_ | bit);
        SendPointer(buttons_);
      }
    };
    notches(Fl::event_dy(), 1 << 3, 1 << 4);
    notches(Fl::event_dx(), 1 << 5, 1 << 6);
    return 1;
  }

  int OnKeyDown(RemoteScreen& screen) {
    if (owner_->InputBlocked()) return 1;
    const int key = Fl::event_key();
    uint32_t keysym = KeysymForKey(key, std::string_view(Fl::event_text(), Fl::event_length()),
                                   Fl::event_state(FL_SHIFT) != 0);
    if (!keysym) return 1;
    if (auto it = held_.find(key); it != held_.end() && it->second != keysym)
      screen.SendKey(it->second, false);  // auto-repeat with another symbol
    held_[key] = keysym;
    screen.SendKey(keysym, true);
    return 1;
  }

  // Releases what went down for this key, whatever the modifiers are now.
  int OnKeyUp(RemoteScreen& screen) {
    if (auto it = held_.find(Fl::event_key()); it != held_.end()) {
      screen.SendKey(it->second, false);
      held_.erase(it);
    }
    return 1;
  }

  void SendPointer(uint8_t buttons) {
    int rx, ry;
    geometry.ToRemote(Fl::event_x() - x(), Fl::event_y() - y(), remote_w, remote_h, &rx, &ry);
    owner_->screen->SendPointer(rx, ry, buttons);
  }

  ViewerWindow::Impl* owner_;
  uint8_t buttons_ = 0;
  std::map<int, uint32_t> held_;  // FLTK key -> keysym sent down for it
};

namespace {

class MainWindow : public Fl_Double_Window {
 public:
  MainWindow(ViewerWindow::Impl* owner, int w, int h) : Fl_Double_Window(w, h), owner_(owner) {}
  void resize(int x, int y, int w, int h) override {
    Fl_Double_Window::resize(x, y, w, h);
    owner_->Layout();
  }

 private:
  ViewerWindow::Impl* owner_;
};

ViewerWindow::Impl* OwnerOf(Fl_Widget* w) {
  return static_cast<ViewerWindow::Impl*>(w->window()->user_data());
}

}  // namespace

void ViewerWindow::Impl::Layout() {
  if (!view) return;
  menu->resize(0, 0, window->w(), kMenuHeight);
  status_box->resize(kStatusX, 0, std::max(0, window->w() - kStatusX), kMenuHeight);
  scroll->resize(0, kMenuHeight, window->w(), window->h() - kMenuHeight);
  if (fit || view->remote_w == 0) {
    view->geometry = ViewGeometry::Fit(view->remote_w, view->remote_h, scroll->w(), scroll->h());
    view->resize(scroll->x(), scroll->y(), scroll->w(), scroll->h());
  } else {
    view->geometry = ViewGeometry::Actual(view->remote_w, view->remote_h);
    view->resize(scroll->x() - scroll->xposition(), scroll->y() - scroll->yposition(),
                 view->remote_w, view->remote_h);
  }
  scroll->redraw();
}

void ViewerWindow::Impl::UpdateTitle() {
  if (!window) return;
  std::string t = title;
  if (customer == peer::ConsentState::kAsking) t += " — waiting for the customer's answer";
  if (customer == peer::ConsentState::kViewOnly) t += " — view only (the customer's choice)";
  if (view_only) t += " — view only";
  if (ended) t += " — ended";
  window->copy_label(t.c_str());
}

void ViewerWindow::Impl::Disconnect() {
  if (screen) screen->Stop();  // the session ends; Finish() follows
}

void ViewerWindow::Impl::SendCtrlAltDel() {
  if (!screen || InputBlocked()) return;
  for (uint32_t k : {kControlL, kAltL, kDelete}) screen->SendKey(k, true);
  for (uint32_t k : {kDelete, kAltL, kControlL}) screen->SendKey(k, false);
}

void ViewerWindow::Impl::OnMenu(Fl_Widget* w, void* action) {
  Impl* self = OwnerOf(w);
  const std::string what = static_cast<const char*>(action);
  if (what == "cad") self->SendCtrlAltDel();
  if (what == "viewonly") {
    self->view_only = !self->view_only;
    if (self->view_only) self->view->ReleaseKeysAndButtons();
    self->UpdateTitle();
  }
  if (what == "disconnect") self->Disconnect();
  if (what == "askcontrol" && self->request_control) {
    self->status.AskedForControl();
    self->ShowStatus();
    self->request_control();
  }
  if (what == "fit" || what == "actual") {
    self->fit = what == "fit";
    self->Layout();
  }
  if (what == "full") self->ToggleFullScreen();
  if (what == "chat") self->side->Open();
  if (what == "sendfile") self->side->ChooseFileToSend();
  if (what == "sendclip") self->side->SendClipboardNow();
  if (what == "canceltransfers") self->side->CancelTransfers();
  if (auto quality = ParseQuality(what); quality.ok()) {
    self->quality = *quality;
    if (self->screen) self->screen->SetQuality(self->quality);
  }
}

void ViewerWindow::Impl::ToggleFullScreen() {
  full_screen = !full_screen;
  if (full_screen)
    window->fullscreen();
  else
    window->fullscreen_off();
  // Without a window manager FLTK makes a new X window for this; give it its title again.
  window->label(nullptr);
  UpdateTitle();
}

void ViewerWindow::Impl::OnMonitorMenu(Fl_Widget* w, void* index) {
  Impl* self = OwnerOf(w);
  self->chosen_monitor = static_cast<int>(reinterpret_cast<intptr_t>(index));
  if (self->choose_monitor) self->choose_monitor(self->chosen_monitor);
}

void ViewerWindow::Impl::RebuildMenu() {
  menu->clear();
  menu->add("Session/Send Ctrl+Alt+Del", 0, OnMenu, (void*)"cad");
  menu->add("Session/View only", 0, OnMenu, (void*)"viewonly",
            FL_MENU_TOGGLE | (view_only ? FL_MENU_VALUE : 0));
  menu->add("Session/Ask the customer for control", 0, OnMenu, (void*)"askcontrol",
            customer == peer::ConsentState::kViewOnly ? 0 : FL_MENU_INACTIVE);
  menu->add("Session/Chat…", 0, OnMenu, (void*)"chat");
  menu->add("Session/Send file…", 0, OnMenu, (void*)"sendfile");
  menu->add("Session/Send clipboard", 0, OnMenu, (void*)"sendclip");
  menu->add("Session/Cancel transfers", 0, OnMenu, (void*)"canceltransfers", FL_MENU_DIVIDER);
  menu->add("Session/Disconnect", 0, OnMenu, (void*)"disconnect");
  menu->add("View/Fit to window", 0, OnMenu, (void*)"fit",
            FL_MENU_RADIO | (fit ? FL_MENU_VALUE : 0));
  menu->add("View/Actual size", 0, OnMenu, (void*)"actual",
            FL_MENU_RADIO | (fit ? 0 : FL_MENU_VALUE));
  menu->add("View/Full screen", 0, OnMenu, (void*)"full",
            FL_MENU_TOGGLE | (full_screen ? FL_MENU_VALUE : 0));
  for (Quality q : {Quality::kLossless, Quality::kHigh, Quality::kLow}) {
    static const char* kLabels[] = {"Quality/Lossless", "Quality/High (JPEG)",
                                    "Quality/Low bandwidth"};
    menu->add(kLabels[static_cast<int>(q)], 0, OnMenu, (void*)QualityName(q),
              FL_MENU_RADIO | (quality == q ? FL_MENU_VALUE : 0));
  }
  AddMonitorItems();
}

void ViewerWindow::Impl::AddMonitorItems() {
  menu->add("Monitor/All monitors", 0, OnMonitorMenu, reinterpret_cast<void*>(intptr_t{-1}),
            FL_MENU_RADIO | (chosen_monitor < 0 ? FL_MENU_VALUE : 0));
  for (size_t i = 0; i < monitors.size(); ++i) {
    const Monitor& m = monitors[i];
    // '/' and '&' are menu syntax in FLTK labels.
    std::string name;
    for (char c : m.name) name += (c == '/' || c == '&' || c == '_' || c == '\\') ? ' ' : c;
    std::string label = "Monitor/" + std::to_string(i + 1) + ": " + name + " (" +
                        std::to_string(m.width) + "x" + std::to_string(m.height) + ")";
    menu->add(label.c_str(), 0, OnMonitorMenu, reinterpret_cast<void*>(static_cast<intptr_t>(i)),
              FL_MENU_RADIO | (chosen_monitor == static_cast<int>(i) ? FL_MENU_VALUE : 0));
  }
}

// The window opens at once, so the technician sees each step; the picture comes with Attach.
void ViewerWindow::Impl::BuildWindow() {
  title = "telemaint — connecting";
  window = std::make_unique<MainWindow>(this, 1024, 768 + kMenuHeight);
  window->user_data(this);
  window->callback([](Fl_Widget* w, void*) {
    // Closing the window ends the session; Escape is a key for the customer's screen.
    if (Fl::event() == FL_SHORTCUT && Fl::event_key() == FL_Escape) return;
    auto* self = static_cast<Impl*>(w->user_data());
    self->closed = true;
    if (self->screen)
      self->Disconnect();
    else if (self->closed_early)
      self->closed_early();
  });
  menu = new Fl_Menu_Bar(0, 0, window->w(), kMenuHeight);
  status_box = new Fl_Box(kStatusX, 0, window->w() - kStatusX, kMenuHeight);
  status_box->box(FL_FLAT_BOX);
  status_box->labelsize(13);
  status_box->align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT | FL_ALIGN_CLIP);
  scroll = new Fl_Scroll(0, kMenuHeight, window->w(), window->h() - kMenuHeight);
  scroll->box(FL_FLAT_BOX);
  scroll->color(fl_rgb_color(48, 48, 48));
  view = new ScreenView(this, scroll->x(), scroll->y(), scroll->w(), scroll->h());
  scroll->end();
  window->end();
  window->resizable(scroll);
  RebuildMenu();
  side = std::make_unique<SidePanel>(side_handlers, share_clipboard, share_primary);
  UpdateTitle();
  ShowStatus();
  window->show();
  view->take_focus();
}

void ViewerWindow::Impl::AttachScreen(int fd, std::string window_title) {
  title = std::move(window_title);
  screen = RemoteScreen::Start(fd, quality, [this] {
    screen_changed = true;
    Fl::awake();
  });
  UpdateTitle();
  view->take_focus();
}

namespace {

// The status's colour says the state at a glance: yellow waiting, blue view only, green
// control, red ended.
Fl_Color ToneColour(StatusTone tone) {
  switch (tone) {
    case StatusTone::kWaiting:
      return fl_rgb_color(255, 214, 10);
    case StatusTone::kViewOnly:
      return fl_rgb_color(150, 200, 255);
    case StatusTone::kControl:
      return fl_rgb_color(140, 220, 140);
    case StatusTone::kEnded:
      return fl_rgb_color(255, 150, 140);
    case StatusTone::kProgress:
      break;
  }
  return FL_BACKGROUND_COLOR;
}

}  // namespace

void ViewerWindow::Impl::ShowStatus() {
  if (!status_box) return;
  StatusLine now = status.Now(std::chrono::steady_clock::now());
  std::string label = log::PrintableLabel(now.text);  // lines may quote the relay or the host
  if (label == status_text && status_box->label()) return;
  status_text = std::move(label);
  status_box->label(status_text.c_str());
  status_box->color(ToneColour(now.tone));
  status_box->copy_tooltip(now.text.c_str());  // its own copy: status_text changes
  status_box->redraw();
}

void ViewerWindow::Impl::TakeScreenChanges() {
  if (!screen || !screen_changed.exchange(false)) return;
  RemoteScreen::Changes changes = screen->TakeChanges();
  if (changes.resized || changes.width != view->remote_w || changes.height != view->remote_h) {
    view->remote_w = changes.width;
    view->remote_h = changes.height;
    if (!fit && !full_screen && window->w() < changes.width)
      window->size(std::min(changes.width, Fl::w()),
                   std::min(changes.height + kMenuHeight, Fl::h()));
    Layout();
    view->redraw();
  } else {
    for (const ScreenRect& r : changes.rects) view->Damage(r);
  }
  if (changes.pointer_shape) {
    const PointerShape& c = *changes.pointer_shape;
    cursor_pixels = c.rgba;
    cursor_image = std::make_unique<Fl_RGB_Image>(cursor_pixels.data(), c.width, c.height, 4);
    cursor_hot_x = c.hot_x;
    cursor_hot_y = c.hot_y;
    if (Fl::belowmouse() == view) window->cursor(cursor_image.get(), c.hot_x, c.hot_y);
  }
  if (changes.ended && !ended) {
    ended = true;
    log::Info("window: ", changes.end_reason);
    UpdateTitle();
  }
}

ViewerWindow::ViewerWindow(Quality quality, std::chrono::seconds linger, bool share_clipboard,
                           bool share_primary)
    : impl_(std::make_unique<Impl>()) {
  impl_->share_primary = share_primary;
  impl_->quality = quality;
  impl_->linger = linger;
  impl_->share_clipboard = share_clipboard;
  Fl::lock();  // lets other threads wake the loop with Fl::awake()
}

ViewerWindow::~ViewerWindow() {
  if (impl_->window) impl_->window->hide();
  impl_->screen.reset();  // joins the RFB thread before the window it notifies goes
  impl_->window.reset();
  if (impl_->pending_fd >= 0) close(impl_->pending_fd);
}

void ViewerWindow::Attach(int fd, std::string title) {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->pending_fd >= 0) close(impl_->pending_fd);
    impl_->pending_fd = fd;
    impl_->pending_title = std::move(title);
  }
  Fl::awake();
}

void ViewerWindow::Say(const std::string& line) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->pending_lines.push_back(line);
  }
  Fl::awake();
}

void ViewerWindow::SetMonitors(std::vector<Monitor> monitors) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->pending_monitors = std::move(monitors);
    impl_->pending_monitors_set = true;
  }
  Fl::awake();
}

void ViewerWindow::OnMonitorChosen(std::function<void(int)> choose) {
  impl_->choose_monitor = std::move(choose);
}

void ViewerWindow::SetCustomerPermission(peer::ConsentState state) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->pending_permissions.push_back(state);
  }
  Fl::awake();
}

void ViewerWindow::OnControlRequested(std::function<void()> request) {
  impl_->request_control = std::move(request);
}

void ViewerWindow::OnClosedEarly(std::function<void()> cancel) {
  impl_->closed_early = std::move(cancel);
}

void ViewerWindow::ShowChat(const std::string& who, const std::string& text) {
  impl_->PostToSide([who, text](SidePanel& p) { p.AddChat(who, text); });
}

void ViewerWindow::ShowTransfer(const peer::TransferView& transfer) {
  impl_->PostToSide([transfer](SidePanel& p) { p.ShowTransfer(transfer); });
}

void ViewerWindow::SetClipboardAllowed(bool allowed) {
  impl_->PostToSide([allowed](SidePanel& p) { p.SetClipboardAllowed(allowed); });
}

void ViewerWindow::SetLocalClipboard(peer::Selection selection, std::string text) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->pending_clipboard = std::make_pair(selection, std::move(text));
  }
  Fl::awake();
}

void ViewerWindow::OnSideActions(SidePanel::Handlers handlers) {
  impl_->side_handlers = std::move(handlers);
}

void ViewerWindow::Finish() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->finish_requested = true;
  }
  Fl::awake();
}

void ViewerWindow::Run() {
  Impl& i = *impl_;
  i.BuildWindow();
  std::optional<std::chrono::steady_clock::time_point> close_at;
  while (!i.closed && !(close_at && std::chrono::steady_clock::now() >= *close_at)) {
    int fd = -1;
    std::string title;
    bool monitors_set = false, finish = false;
    std::vector<Monitor> monitors;
    std::vector<std::string> lines;
    std::vector<peer::ConsentState> permissions;
    std::vector<std::function<void(SidePanel&)>> side_work;
    std::optional<std::pair<peer::Selection, std::string>> clipboard;
    {
      std::lock_guard lock(i.mu);
      std::swap(side_work, i.pending_side);
      std::swap(clipboard, i.pending_clipboard);
      finish = i.finish_requested;
      std::swap(fd, i.pending_fd);
      title = std::move(i.pending_title);
      monitors_set = std::exchange(i.pending_monitors_set, false);
      monitors = std::move(i.pending_monitors);
      std::swap(permissions, i.pending_permissions);
      std::swap(lines, i.pending_lines);
    }
    for (const auto& line : lines) i.status.Said(line);
    for (auto& work : side_work) work(*i.side);
    if (clipboard) i.side->SetLocalClipboard(clipboard->first, clipboard->second);
    if (fd >= 0 && !i.screen) i.AttachScreen(fd, std::move(title));
    if (monitors_set) {
      i.monitors = std::move(monitors);
      if (i.chosen_monitor >= static_cast<int>(i.monitors.size())) i.chosen_monitor = -1;
      i.RebuildMenu();
    }
    for (peer::ConsentState permission : permissions)
      i.status.Customer(permission, std::chrono::steady_clock::now());
    if (!permissions.empty()) {
      i.customer = permissions.back();
      if (i.InputBlocked() && i.screen) i.view->ReleaseKeysAndButtons();
      i.RebuildMenu();
      i.UpdateTitle();
    }
    i.TakeScreenChanges();
    if (finish && !close_at) {
      // The ending stays in sight a moment (the terminal, if any, says it too).
      i.status.Ended();
      i.ended = true;
      i.UpdateTitle();
      close_at = std::chrono::steady_clock::now() + i.linger;
    }
    i.ShowStatus();
    Fl::wait(close_at ? 0.25 : 1.0);
  }
  if (i.window) i.window->hide();
  i.side.reset();  // its window too
  Fl::check();
}

}  // namespace telemaint::viewer
