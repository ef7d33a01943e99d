#include "tests/support/xserver.h"

#include <filesystem>

#include "host/x11/x11_display.h"

#include <sstream>
#include <stdexcept>
#include <thread>

namespace telemaint::testing {

VirtualDisplay::VirtualDisplay(const std::string& geometry, const std::string& auth_file) {
  // Parallel tests start Xvfbs at the same time and may race for a display number: take the
  // number -displayfd prints, then make sure an X client can really use it, else start again.
  for (int attempt = 0; attempt < 5 && name_.empty(); ++attempt) {
    std::vector<std::string> argv = {
        "/usr/bin/Xvfb", "-displayfd", "1", "-screen", "0", geometry, "-nolisten", "tcp",
        "-noreset"};  // a layout set with setxkbmap must survive its last client leaving
    if (!auth_file.empty()) argv.insert(argv.end(), {"-auth", auth_file});
    xvfb_ = std::make_unique<Process>(argv);
    std::string candidate;
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (candidate.empty() && xvfb_->Running() && std::chrono::steady_clock::now() < deadline) {
      std::istringstream lines(xvfb_->Output());
      for (std::string line; std::getline(lines, line);)
        if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos)
          candidate = ":" + line;
      if (candidate.empty()) std::this_thread::sleep_for(20ms);
    }
    if (candidate.empty()) continue;
    if (!auth_file.empty()) {  // nobody may connect: its socket is the sign it is up
      if (std::filesystem::exists("/tmp/.X11-unix/X" + candidate.substr(1)) && xvfb_->Running())
        name_ = candidate;
      continue;
    }
    Process probe({"/usr/bin/xdpyinfo", "-display", candidate});
    if (probe.Wait(10s) == 0 && xvfb_->Running()) name_ = candidate;
  }
  if (name_.empty()) throw std::runtime_error("Xvfb did not start: " + xvfb_->Output());
}

std::unique_ptr<Process> VirtualDisplay::Run(std::vector<std::string> argv) const {
  return std::make_unique<Process>(std::move(argv), env());
}

namespace {
uint32_t Be32(const std::string& s, size_t at) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(s[at + i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}
int ShiftOf(uint32_t mask) {
  int shift = 0;
  while (mask && !(mask & 1)) mask >>= 1, ++shift;
  return shift;
}
}  // namespace

std::optional<RgbImage> CaptureRoot(const VirtualDisplay& display, const std::string& file) {
  Process xwd({"/usr/bin/xwd", "-root", "-silent", "-out", file}, display.env());
  if (xwd.Wait(30s) != 0) return std::nullopt;
  std::string d = ReadFile(file);
  if (d.size() < 100) return std::nullopt;
  // XWD file format version 7: 25 big-endian 32-bit header fields, the window name, colours.
  uint32_t header_size = Be32(d, 0), width = Be32(d, 16), height = Be32(d, 20);
  uint32_t byte_order = Be32(d, 28), bits_per_pixel = Be32(d, 44), bytes_per_line = Be32(d, 48);
  uint32_t red = Be32(d, 56), green = Be32(d, 60), blue = Be32(d, 64), ncolors = Be32(d, 76);
  size_t pixels = header_size + static_cast<size_t>(ncolors) * 12;
  if (bits_per_pixel != 32 || d.size() < pixels + static_cast<size_t>(bytes_per_line) * height)
    return std::nullopt;
  RgbImage img{static_cast<int>(width), static_cast<int>(height), {}};
  img.rgb.reserve(static_cast<size_t>(width) * height * 3);
  for (uint32_t y = 0; y < height; ++y)
    for (uint32_t x = 0; x < width; ++x) {
      size_t at = pixels + static_cast<size_t>(y) * bytes_per_line + x * 4;
      auto b = [&](int i) { return static_cast<uint32_t>(static_cast<uint8_t>(d[at + i])); };
      uint32_t v = byte_order == 0 ? (b(3) << 24 | b(2) << 16 | b(1) << 8 | b(0))
                                   : (b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3));
      img.rgb.push_back(static_cast<uint8_t>((v & red) >> ShiftOf(red)));
      img.rgb.push_back(static_cast<uint8_t>((v & green) >> ShiftOf(green)));
      img.rgb.push_back(static_cast<uint8_t>((v & blue) >> ShiftOf(blue)));
    }
  return img;
}

std::optional<RgbImage> ReadPpm(const std::string& file) {
  std::string d = ReadFile(file);
  std::istringstream in(d);
  std::string magic;
  int w = 0, h = 0, max = 0;
  in >> magic >> w >> h >> max;
  if (magic != "P6" || w <= 0 || h <= 0 || max != 255) return std::nullopt;
  size_t start = static_cast<size_t>(in.tellg()) + 1;
  size_t n = static_cast<size_t>(w) * h * 3;
  if (d.size() < start + n) return std::nullopt;
  return RgbImage{w, h, std::vector<uint8_t>(d.begin() + start, d.begin() + start + n)};
}

size_t CountDifferingPixels(const RgbImage& a, const RgbImage& b) {
  if (a.width != b.width || a.height != b.height || a.rgb.size() != b.rgb.size()) return SIZE_MAX;
  size_t differing = 0;
  for (size_t p = 0; p < a.rgb.size(); p += 3)
    differing +=
        a.rgb[p] != b.rgb[p] || a.rgb[p + 1] != b.rgb[p + 1] || a.rgb[p + 2] != b.rgb[p + 2];
  return differing;
}

std::string LosslessSnapshot(uint16_t port, const std::string& file) {
  Process snap({"/usr/bin/vncsnapshot", "-quiet", "-encodings", "raw", "-nocursor", "-quality",
                "100", "127.0.0.1::" + std::to_string(port), file});
  auto rc = snap.Wait(30s);
  if (!rc || *rc != 0) return {};
  return ReadFile(file);
}

std::string CheckXevButtons(const std::string& events, const std::string& press,
                            const std::string& release) {
  auto at = events.find("ButtonPress event");
  if (at == std::string::npos) return "no button press:\n" + events;
  if (events.substr(at, 200).find("root:(" + press + ")") == std::string::npos)
    return "the click landed elsewhere:\n" + events.substr(at, 300);
  at = events.rfind("ButtonRelease event");
  if (at == std::string::npos) return "no button release:\n" + events;
  if (events.substr(at, 200).find("root:(" + release + ")") == std::string::npos)
    return "the drag ended elsewhere:\n" + events.substr(at, 300);
  return {};
}

std::optional<PointerPicture> CurrentPointer(const VirtualDisplay& display) {
  // The host's own X11 code reads it (XFixes), so tests need no Xlib of their own.
  auto x11 = host::X11Display::Open(display.name());
  if (!x11.ok()) return std::nullopt;
  auto image = (*x11)->screen().TakePointerImage();  // the first call gives the current one
  if (!image) return std::nullopt;
  return PointerPicture{image->width, image->height, image->hot_x, image->hot_y, image->argb};
}

}  // namespace telemaint::testing
