#pragma once
// X11 implementations of ScreenSource (XShm frames, XDamage changed regions) and InputSink
// (XTest, with keysym handling in the manner of x11vnc). Both share one X connection owned by
// X11Display; everything runs on the RFB server's thread.
#include <memory>
#include <string>

#include "common/status.h"
#include "host/desktop.h"

namespace telemaint::host {

// Whether a connection to the X display can be opened (the server answers and lets us in):
// checked before FLTK, which exits the process when it cannot. name: ":0", or empty for
// $DISPLAY.
bool CanOpenX11Display(const std::string& name, std::string* why);

class X11Display : public Desktop {
 public:
  // name: ":0", or empty for $DISPLAY.
  static Result<std::unique_ptr<X11Display>> Open(const std::string& name);
  ~X11Display() override;
  ScreenSource& screen() override;
  InputSink& input() override;

 private:
  struct Impl;
  explicit X11Display(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::host
