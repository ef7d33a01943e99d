#pragma once
// A Desktop is what the host shares: a screen to capture and an input to drive. X11 is one
// (host/x11/), a synthetic one serves tests and benchmarks (host/synthetic_desktop.h).
// Used from the RFB server's thread only.
#include "host/input_sink.h"
#include "host/screen_source.h"

namespace telemaint::host {

class Desktop {
 public:
  virtual ~Desktop() = default;
  virtual ScreenSource& screen() = 0;
  virtual InputSink& input() = 0;
};

}  // namespace telemaint::host
