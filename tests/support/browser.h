#pragma once
// Debian's chromium, headless, driven by web/test/drive.mjs (playwright-core): the technician's
// browser for the web viewer's end-to-end tests. Each call sends one command and waits for its
// answer; a command that fails in the browser throws BrowserError with the driver's sentence.
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace telemaint::testing {

struct BrowserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Browser {
 public:
  // Trusts exactly the key of `relay_cert` (PEM) for TLS; pages see `locale`.
  explicit Browser(const std::string& relay_cert, const std::string& locale = "en-US");
  ~Browser();
  nlohmann::json Do(nlohmann::json command, std::chrono::milliseconds timeout = 60s);
  // What the page printed on its console (for failure messages).
  std::string ConsoleLog();
  std::string DriverOutput() { return driver_->Output(); }

 private:
  std::unique_ptr<Process> driver_;
  int next_id_ = 1;
};

// Whether this machine can run the browser tests; empty if so, else why not (printed when a
// test is skipped for it).
std::string BrowserUnavailable();

}  // namespace telemaint::testing
