#pragma once
// A relay run inside the test process, so that a test can see (forward_tap) or change
// (forward_rewrite) every binary frame it forwards; hosts and viewers stay the real programs.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "relay/relay.h"
#include "tests/support/deployment.h"

namespace telemaint::testing {

class InProcessRelay {
 public:
  // `adjust` may set more options (the organisation key, a rewrite of frames).
  InProcessRelay(Deployment& d, const std::string& log_path,
                 const std::function<void(relay::RelayOptions&)>& adjust = {});
  ~InProcessRelay();
  std::string forwarded();  // every binary frame forwarded so far, end to end

 private:
  std::unique_ptr<relay::Relay> relay_;
  std::thread thread_;
  std::mutex mu_;
  std::string forwarded_;
};

}  // namespace telemaint::testing
