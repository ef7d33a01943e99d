#pragma once
// Driving a real window on a virtual display the way a person would, through xdotool.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/xserver.h"

namespace telemaint::testing {

struct WindowPlace {
  std::string id;
  int x = 0, y = 0, width = 0, height = 0;  // on the root window
};

// The first visible window whose title contains `title`, once it is mapped.
std::optional<WindowPlace> FindWindow(const VirtualDisplay& display, const std::string& title,
                                      std::chrono::seconds timeout);
std::optional<WindowPlace> WindowGeometry(const VirtualDisplay& display, const std::string& id);
// Runs xdotool with these arguments on the display; true when it succeeded.
bool Xdotool(const VirtualDisplay& display, std::vector<std::string> args);
// Waits until the window's title contains none of `absent` (e.g. "view only").
bool WaitForTitleWithout(const VirtualDisplay& display, const std::string& id,
                         const std::vector<std::string>& absent, std::chrono::seconds timeout);
RgbImage Crop(const RgbImage& image, int x, int y, int width, int height);
void WritePpm(const RgbImage& image, const std::string& file);
// A window's picture, kept with the build (test-artifacts/NAME.ppm) for a person to look at
// and for scripts/screenshots.sh to put in the docs; `scratch` is a file name for the capture.
// Returns the picture's file ("" when the capture failed).
std::string SaveWindow(const VirtualDisplay& display, const WindowPlace& window,
                       const std::string& scratch, const std::string& name);
// The text a person reads in the window now, by OCR (tesseract, `language` "eng" or "fra"),
// the picture enlarged three times for the recogniser; lines joined by spaces. Pictures go in
// `scratch_dir`. Empty when a tool failed.
std::string ReadWindowText(const VirtualDisplay& display, const WindowPlace& window,
                           const std::string& scratch_dir, const std::string& language = "eng");

// An xterm on `display` at `geometry` (e.g. "80x4+0+0") that writes the first line typed into
// it to `out`; returns once it is ready (nullptr if it never was).
std::unique_ptr<Process> StartLineReader(const VirtualDisplay& display, const std::string& out,
                                         const std::string& geometry);
// A VNC client on `port` that sends keys whatever the host allowed (Net::VNC): "abc" and
// Return at (x, y) now, "xyz" and Return three seconds later.
std::unique_ptr<Process> TypeTwiceThroughVnc(uint16_t port, int x, int y);

}  // namespace telemaint::testing
