#pragma once
// Running a system program for the inventory (systemctl, apt-get, stat) or the host (loginctl):
// bounded in time and output, without our environment. Blocks the calling thread.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace telemaint::inventory {

// The standard output of `argv` (argv[0] an absolute path, no PATH search) when it exits with
// status 0 within `timeout`; otherwise it is killed with its process group and reaped, and the
// answer is nullopt. It runs with LC_ALL=C, a fixed PATH, stdin and stderr on /dev/null.
std::optional<std::string> RunCommand(const std::vector<std::string>& argv,
                                      std::chrono::milliseconds timeout);

}  // namespace telemaint::inventory
