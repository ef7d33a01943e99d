#pragma once
#include <chrono>
#include <functional>

namespace telemaint::relay {

using Clock = std::chrono::steady_clock;
// Injectable time source; tests pass a fake, the relay passes Clock::now.
using NowFn = std::function<Clock::time_point()>;

}  // namespace telemaint::relay
