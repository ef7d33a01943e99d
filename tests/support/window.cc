#include "tests/support/window.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/process.h"

namespace telemaint::testing {

bool Xdotool(const VirtualDisplay& display, std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/xdotool");
  auto env = display.env();
  env["LC_ALL"] = "C.UTF-8";  // `type` reads its text as UTF-8
  Process p(args, env);
  return p.Wait(20s) == 0;
}

std::optional<WindowPlace> WindowGeometry(const VirtualDisplay& display, const std::string& id) {
  Process p({"/usr/bin/xdotool", "getwindowgeometry", "--shell", id}, display.env());
  if (p.Wait(10s) != 0) return std::nullopt;
  WindowPlace w;
  w.id = id;
  std::istringstream lines(p.Output());
  for (std::string line; std::getline(lines, line);) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "X") w.x = std::stoi(value);
    if (key == "Y") w.y = std::stoi(value);
    if (key == "WIDTH") w.width = std::stoi(value);
    if (key == "HEIGHT") w.height = std::stoi(value);
  }
  if (w.width == 0) return std::nullopt;
  return w;
}

std::optional<WindowPlace> FindWindow(const VirtualDisplay& display, const std::string& title,
                                      std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    Process p({"/usr/bin/xdotool", "search", "--onlyvisible", "--name", title}, display.env());
    if (p.Wait(10s) == 0) {
      std::istringstream lines(p.Output());
      std::string id;
      if (std::getline(lines, id) && !id.empty()) return WindowGeometry(display, id);
    }
    std::this_thread::sleep_for(100ms);  // polling for a window to appear
  }
  return std::nullopt;
}

bool WaitForTitleWithout(const VirtualDisplay& display, const std::string& id,
                         const std::vector<std::string>& absent, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    Process p({"/usr/bin/xdotool", "getwindowname", id}, display.env());
    if (p.Wait(10s) == 0) {
      std::string title = p.Output();
      bool clean = true;
      for (const auto& a : absent) clean = clean && title.find(a) == std::string::npos;
      if (clean) return true;
    }
    std::this_thread::sleep_for(50ms);  // polling the title the window sets
  }
  return false;
}

RgbImage Crop(const RgbImage& image, int x, int y, int width, int height) {
  RgbImage out;
  out.width = width;
  out.height = height;
  out.rgb.assign(static_cast<size_t>(width) * height * 3, 0);
  for (int row = 0; row < height; ++row)
    for (int col = 0; col < width; ++col) {
      int sx = x + col, sy = y + row;
      if (sx < 0 || sy < 0 || sx >= image.width || sy >= image.height) continue;
      for (int c = 0; c < 3; ++c)
        out.rgb[(static_cast<size_t>(row) * width + col) * 3 + c] =
            image.rgb[(static_cast<size_t>(sy) * image.width + sx) * 3 + c];
    }
  return out;
}

void WritePpm(const RgbImage& image, const std::string& file) {
  std::ofstream out(file, std::ios::binary);
  out << "P6\n" << image.width << " " << image.height << "\n255\n";
  out.write(reinterpret_cast<const char*>(image.rgb.data()),
            static_cast<std::streamsize>(image.rgb.size()));
}

std::string SaveWindow(const VirtualDisplay& display, const WindowPlace& window,
                       const std::string& scratch, const std::string& name) {
  auto root = CaptureRoot(display, scratch);
  if (!root) return {};
  std::filesystem::create_directories(BinPath("../test-artifacts"));
  const std::string file = BinPath("../test-artifacts/" + name + ".ppm");
  WritePpm(Crop(*root, window.x, window.y, window.width, window.height), file);
  return file;
}

std::string ReadWindowText(const VirtualDisplay& display, const WindowPlace& window,
                           const std::string& scratch_dir, const std::string& language) {
  auto root = CaptureRoot(display, scratch_dir + "/ocr-root.xwd");
  if (!root) return {};
  const std::string small = scratch_dir + "/ocr.ppm", big = scratch_dir + "/ocr-3x.ppm";
  const RgbImage picture = Crop(*root, window.x, window.y, window.width, window.height);
  WritePpm(picture, small);
  // The last picture read, kept with the build for a person to compare with what OCR read.
  std::filesystem::create_directories(BinPath("../test-artifacts"));
  WritePpm(picture, BinPath("../test-artifacts/last-ocr.ppm"));
  Process scale({"/bin/sh", "-c", "pnmscale 3 '" + small + "' > '" + big + "'"});
  if (scale.Wait(20s) != 0) return {};
  Process ocr({"/usr/bin/tesseract", big, "stdout", "-l", language});
  if (ocr.Wait(60s) != 0) return {};
  std::string text = ocr.Output();
  for (char& c : text)
    if (c == '\n') c = ' ';
  return text;
}

std::unique_ptr<Process> StartLineReader(const VirtualDisplay& display, const std::string& out,
                                         const std::string& geometry) {
  const std::string ready = out + ".ready";
  auto xterm = std::make_unique<Process>(
      std::vector<std::string>{
          "/usr/bin/xterm", "-geometry", geometry, "-u8", "-e", "/bin/sh", "-c",
          "touch " + ready + "; IFS= read -r line; printf '%s' \"$line\" > " + out},
      std::map<std::string, std::string>{
          {"DISPLAY", display.name()}, {"LANG", "C.UTF-8"}, {"LC_ALL", "C.UTF-8"}});
  if (!WaitForFile(ready, 15s)) return nullptr;
  return xterm;
}

std::unique_ptr<Process> TypeTwiceThroughVnc(uint16_t port, int x, int y) {
  return std::make_unique<Process>(std::vector<std::string>{
      "/usr/bin/perl", SourcePath("tests/support/vnc_input.pl"), std::to_string(port), "move",
      std::to_string(x), std::to_string(y), "text", "abc", "key", "ff0d", "pause", "3000", "move",
      std::to_string(x + 1), std::to_string(y + 1), "text", "xyz", "key", "ff0d"});
}

}  // namespace telemaint::testing
