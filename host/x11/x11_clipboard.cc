#include "host/x11/x11_clipboard.h"

#include <X11/Xatom.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "common/log.h"
#include "host/x11/xlib.h"

namespace telemaint::host {
namespace {

class X11Clipboard : public Clipboard {
 public:
  X11Clipboard(Display* dpy, bool primary) : dpy_(dpy), primary_(primary) {}
  ~X11Clipboard() override;
  Status Start();
  void OnCopy(OnCopied handler) override {
    std::lock_guard lock(mu_);
    on_copied_ = std::move(handler);
  }
  void Set(peer::Selection selection, std::string utf8) override;

 private:
  void Loop();
  void TakePending();
  void OnOwnerChanged(Atom selection, Window owner);
  void OnConverted(const XSelectionEvent& e);
  void OnRequest(const XSelectionRequestEvent& e);
  Atom SelectionAtom(peer::Selection s) const { return s == peer::Selection::kPrimary ? XA_PRIMARY : clipboard_; }
  int Index(Atom selection) const { return selection == XA_PRIMARY ? 1 : 0; }

  Display* dpy_;
  const bool primary_;
  Window window_ = 0;
  Atom clipboard_ = 0, utf8_ = 0, targets_ = 0, text_ = 0, incr_ = 0;
  Atom property_[2] = {0, 0};  // where each selection's text is converted to, apart
  size_t max_property_ = 0;    // the largest property one request can set
  int fixes_event_ = 0;
  int wake_[2] = {-1, -1};
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::string served_[2];  // what we own, per selection (thread only)
  bool asked_string_[2] = {false, false};  // a UTF8_STRING conversion failed: STRING next

  std::mutex mu_;  // guards the two below
  OnCopied on_copied_;
  std::optional<std::pair<peer::Selection, std::string>> pending_[2];
};

X11Clipboard::~X11Clipboard() {
  stop_ = true;
  if (wake_[1] >= 0) (void)!write(wake_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  if (wake_[0] >= 0) close(wake_[0]);
  if (wake_[1] >= 0) close(wake_[1]);
  XCloseDisplay(dpy_);
}

Status X11Clipboard::Start() {
  int error_base = 0;
  if (!XFixesQueryExtension(dpy_, &fixes_event_, &error_base))
    return Status::InvalidInput("the X server has no XFIXES extension (needed for the clipboard)");
  clipboard_ = XInternAtom(dpy_, "CLIPBOARD", False);
  utf8_ = XInternAtom(dpy_, "UTF8_STRING", False);
  targets_ = XInternAtom(dpy_, "TARGETS", False);
  text_ = XInternAtom(dpy_, "TEXT", False);
  incr_ = XInternAtom(dpy_, "INCR", False);
  property_[0] = XInternAtom(dpy_, "TELEMAINT_CLIPBOARD", False);
  property_[1] = XInternAtom(dpy_, "TELEMAINT_PRIMARY", False);
  const long max_request = XExtendedMaxRequestSize(dpy_) ? XExtendedMaxRequestSize(dpy_)
                                                         : XMaxRequestSize(dpy_);
  max_property_ = static_cast<size_t>(max_request) * 4 - 1024;
  window_ = XCreateSimpleWindow(dpy_, DefaultRootWindow(dpy_), 0, 0, 1, 1, 0, 0, 0);
  XFixesSelectSelectionInput(dpy_, window_, clipboard_, XFixesSetSelectionOwnerNotifyMask);
  if (primary_)
    XFixesSelectSelectionInput(dpy_, window_, XA_PRIMARY, XFixesSetSelectionOwnerNotifyMask);
  XFlush(dpy_);
  if (pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) return Status::Io("cannot make a pipe");
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void X11Clipboard::Set(peer::Selection selection, std::string utf8) {
  if (selection == peer::Selection::kPrimary && !primary_) return;
  {
    std::lock_guard lock(mu_);
    pending_[static_cast<int>(selection)] = std::make_pair(selection, std::move(utf8));
  }
  (void)!write(wake_[1], "x", 1);
}

void X11Clipboard::Loop() {
  const int xfd = ConnectionNumber(dpy_);
  while (!stop_) {
    TakePending();
    while (XPending(dpy_) > 0) {
      XEvent e;
      XNextEvent(dpy_, &e);
      if (e.type == fixes_event_ + XFixesSelectionNotify) {
        auto* n = reinterpret_cast<XFixesSelectionNotifyEvent*>(&e);
        OnOwnerChanged(n->selection, n->owner);
      } else if (e.type == SelectionNotify) {
        OnConverted(e.xselection);
      } else if (e.type == SelectionRequest) {
        OnRequest(e.xselectionrequest);
      } else if (e.type == SelectionClear) {
        served_[Index(e.xselectionclear.selection)].clear();
      }
    }
    pollfd fds[2] = {{xfd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    poll(fds, 2, 1000);
    char drain[64];
    while (read(wake_[0], drain, sizeof drain) > 0) {
    }
  }
}

// The technician's text becomes ours to serve.
void X11Clipboard::TakePending() {
  for (int i = 0; i < 2; ++i) {
    std::optional<std::pair<peer::Selection, std::string>> next;
    {
      std::lock_guard lock(mu_);
      next.swap(pending_[i]);
    }
    if (!next) continue;
    served_[i] = std::move(next->second);
    XSetSelectionOwner(dpy_, SelectionAtom(next->first), window_, CurrentTime);
    XFlush(dpy_);
  }
}

void X11Clipboard::OnOwnerChanged(Atom selection, Window owner) {
  if (owner == window_ || owner == None) return;  // our own Set, or nothing to read
  asked_string_[Index(selection)] = false;
  XConvertSelection(dpy_, selection, utf8_, property_[Index(selection)], window_, CurrentTime);
  XFlush(dpy_);
}

void X11Clipboard::OnConverted(const XSelectionEvent& e) {
  const int i = Index(e.selection);
  if (e.property == None) {
    if (e.target == utf8_ && !asked_string_[i]) {  // an older program: Latin-1 STRING
      asked_string_[i] = true;
      XConvertSelection(dpy_, e.selection, XA_STRING, property_[i], window_, CurrentTime);
      XFlush(dpy_);
    }
    return;
  }
  Atom type = 0;
  int format = 0;
  unsigned long items = 0, after = 0;
  unsigned char* data = nullptr;
  const long max_words = static_cast<long>(peer::kMaxClipboardBytes / 4 + 1);
  XGetWindowProperty(dpy_, window_, property_[i], 0, max_words, True, AnyPropertyType, &type,
                     &format, &items, &after, &data);
  std::string text;
  const bool usable = data && format == 8 && after == 0 && type != incr_;
  if (usable) text.assign(reinterpret_cast<char*>(data), items);
  if (data) XFree(data);
  if (!usable) {
    log::Info("the customer's clipboard holds something too large or not text; not sent");
    return;
  }
  if (type == XA_STRING) text = Latin1ToUtf8(text);
  if (text.empty() || !peer::IsValidUtf8(text)) return;
  OnCopied handler;
  {
    std::lock_guard lock(mu_);
    handler = on_copied_;
  }
  if (handler)
    handler(e.selection == XA_PRIMARY ? peer::Selection::kPrimary : peer::Selection::kClipboard,
            std::move(text));
}

// Another program pastes what the technician sent.
void X11Clipboard::OnRequest(const XSelectionRequestEvent& e) {
  XSelectionEvent reply{};
  reply.type = SelectionNotify;
  reply.requestor = e.requestor;
  reply.selection = e.selection;
  reply.target = e.target;
  reply.time = e.time;
  reply.property = e.property == None ? e.target : e.property;  // obsolete clients
  const std::string& text = served_[Index(e.selection)];
  if (text.size() > max_property_) {
    reply.property = None;  // more than one request can carry, and we do not speak INCR
  } else if (e.target == targets_) {
    Atom list[] = {targets_, utf8_, text_, XA_STRING};
    XChangeProperty(dpy_, e.requestor, reply.property, XA_ATOM, 32, PropModeReplace,
                    reinterpret_cast<unsigned char*>(list), 4);
  } else if (e.target == utf8_ || e.target == text_) {
    XChangeProperty(dpy_, e.requestor, reply.property, utf8_, 8, PropModeReplace,
                    reinterpret_cast<const unsigned char*>(text.data()),
                    static_cast<int>(text.size()));
  } else if (e.target == XA_STRING) {
    const std::string latin1 = Utf8ToLatin1(text);
    XChangeProperty(dpy_, e.requestor, reply.property, XA_STRING, 8, PropModeReplace,
                    reinterpret_cast<const unsigned char*>(latin1.data()),
                    static_cast<int>(latin1.size()));
  } else {
    reply.property = None;  // a format we do not offer
  }
  XSendEvent(dpy_, e.requestor, False, NoEventMask, reinterpret_cast<XEvent*>(&reply));
  XFlush(dpy_);
}

}  // namespace

Result<std::unique_ptr<Clipboard>> OpenX11Clipboard(const std::string& display, bool primary) {
  Display* dpy = XOpenDisplay(display.empty() ? nullptr : display.c_str());
  if (!dpy) return Status::Io("cannot open the X display for the clipboard");
  auto clipboard = std::make_unique<X11Clipboard>(dpy, primary);  // closes dpy from now on
  if (Status s = clipboard->Start(); !s.ok()) return s;
  return std::unique_ptr<Clipboard>(std::move(clipboard));
}

}  // namespace telemaint::host
