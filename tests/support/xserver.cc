#include "tests/support/xserver.h"

#include <sstream>
#include <stdexcept>
#include <thread>

namespace telemaint::testing {

VirtualDisplay::VirtualDisplay(const std::string& geometry) {
  xvfb_ = std::make_unique<Process>(std::vector<std::string>{
      "/usr/bin/Xvfb", "-displayfd", "1", "-screen", "0", geometry, "-nolisten", "tcp"});
  // -displayfd prints the number it settled on; before that, Xvfb may print errors about
  // numbers another Xvfb (a parallel test) took first.
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (name_.empty() && std::chrono::steady_clock::now() < deadline) {
    std::istringstream lines(xvfb_->Output());
    for (std::string line; std::getline(lines, line);)
      if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos)
        name_ = ":" + line;
    if (name_.empty()) std::this_thread::sleep_for(20ms);
  }
  if (name_.empty()) throw std::runtime_error("Xvfb did not start: " + xvfb_->Output());
}

std::unique_ptr<Process> VirtualDisplay::Run(std::vector<std::string> argv) const {
  return std::make_unique<Process>(std::move(argv), env());
}

std::string LosslessSnapshot(uint16_t port, const std::string& file) {
  Process snap({"/usr/bin/vncsnapshot", "-quiet", "-encodings", "raw", "-nocursor", "-quality",
                "100", "127.0.0.1::" + std::to_string(port), file});
  auto rc = snap.Wait(30s);
  if (!rc || *rc != 0) return {};
  return ReadFile(file);
}

}  // namespace telemaint::testing
