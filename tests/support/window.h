#pragma once
// Driving a real window on a virtual display the way a person would, through xdotool.
#include <chrono>
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

}  // namespace telemaint::testing
