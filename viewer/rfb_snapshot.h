#pragma once
// The viewer's own RFB client (libvncclient) taking one complete picture of the host's screen,
// for `telemaint-viewer --snapshot` and scripts (see rfb_client.h for how the host's stream is
// treated). Blocking; call it from a thread of its own.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "viewer/quality.h"

namespace telemaint::viewer {

struct Picture {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // 3 bytes per pixel, rows packed
};

// Speaks RFB on `fd` (one end of a socketpair carried through the channel) until every pixel of
// the screen has arrived once, then closes it.
Result<Picture> TakeSnapshot(int fd, Quality quality, std::chrono::seconds timeout);

bool IsPictureFileName(const std::string& path);  // .png or .ppm
// Writes FILE.png (libpng) or FILE.ppm (binary PPM), chosen by the extension, readable by the
// technician only (it shows a customer's screen).
Status WritePicture(const Picture& picture, const std::string& path);

}  // namespace telemaint::viewer
