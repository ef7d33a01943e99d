#pragma once
// A virtual X display (Xvfb) for end-to-end tests, on a display number Xvfb picks itself.
#include <memory>
#include <string>

#include "tests/support/process.h"

namespace telemaint::testing {

class VirtualDisplay {
 public:
  explicit VirtualDisplay(const std::string& geometry = "800x600x24");
  const std::string& name() const { return name_; }  // ":N"
  std::map<std::string, std::string> env() const { return {{"DISPLAY", name_}}; }
  // Starts an X client on this display.
  std::unique_ptr<Process> Run(std::vector<std::string> argv) const;

 private:
  std::unique_ptr<Process> xvfb_;
  std::string name_;
};

// vncsnapshot with raw (lossless) transfer and no cursor: the resulting JPEG file differs only
// if the pixels received differ. Empty on failure.
std::string LosslessSnapshot(uint16_t port, const std::string& file);

}  // namespace telemaint::testing
