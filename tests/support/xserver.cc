#include "tests/support/xserver.h"

#include <stdexcept>

namespace telemaint::testing {

VirtualDisplay::VirtualDisplay(const std::string& geometry) {
  xvfb_ = std::make_unique<Process>(std::vector<std::string>{
      "/usr/bin/Xvfb", "-displayfd", "1", "-screen", "0", geometry, "-nolisten", "tcp"});
  auto line = xvfb_->WaitForLine("", 15s);
  if (!line) throw std::runtime_error("Xvfb did not start: " + xvfb_->Output());
  name_ = ":" + *line;
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
