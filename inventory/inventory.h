#pragma once
// What a managed Linux machine is and whether it needs attention, for the technician's machine
// list: OS, kernel, hostname, CPU, memory, real filesystems, addresses, uptime, logged-in users,
// and health warnings (full disks, failed systemd units, pending security updates).
//
// Reads etc/os-release, etc/hostname, proc/{cpuinfo,meminfo,uptime,self/mounts} and
// proc/sys/kernel/osrelease under `root`, and statvfs() of each mount point under it. Only with
// root "/" does it also ask the running system: uname, gethostname, getifaddrs, utmp, and, with
// run_commands, `systemctl` and `apt-get` (and `stat -f` for NFS mounts, whose statvfs() would
// hang on a dead server) as child processes.
//
// Runs on whatever thread calls it, and blocks: the file reads take a few ms; each child process
// is killed at its timeout (systemctl 5 s, apt-get 30 s, NFS sizes 3 s in all), so one call
// takes at most about 40 s. Calls may run concurrently (utmp is read under this module's lock).
// Missing or unreadable sources give empty strings, zeros and empty arrays, never an exception.
#include <chrono>
#include <cstddef>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace telemaint::inventory {

// The dumped inventory (compact dump()) stays below this, so it fits one relay message.
inline constexpr std::size_t kMaxInventoryBytes = 16 * 1024;

struct InventoryOptions {
  // Prefix for the /proc, /sys and /etc files; tests point it at a fake tree.
  std::string root = "/";
  // false: no child processes (failed_units stays empty, security_updates null).
  bool run_commands = true;
};

// {"os": {"name","id","version","kernel"}, "hostname", "cpu": {"model","cores"},
//  "memory": {"total_bytes","available_bytes"}, "disks": [{"mount","fs","total_bytes",
//  "free_bytes"}], "addresses": [...], "uptime_s", "users": [...],
//  "health": {"warnings": [...], "failed_units": [...], "security_updates": n or null},
//  "collected_at": Unix seconds}.
// Strings are at most 200 bytes of valid UTF-8 without control characters; arrays hold at most
// 32 entries; the whole dump is below kMaxInventoryBytes.
nlohmann::json CollectInventory(const InventoryOptions& options = {});

// "disk /X is 93% full" for each entry of `disks` (CollectInventory's "disks") at or above 90%
// used, where used is what an unprivileged user can no longer write (total - free).
std::vector<std::string> DiskWarnings(const nlohmann::json& disks);

// One line for a technician's machine list, e.g. "Debian GNU/Linux 12 (bookworm) · 4 cores ·
// 7.6 GiB RAM · / 45% used · up 3 d 4 h · 1 warning". Parts that are missing or malformed in
// `inventory` (it may come from another machine) are left out; never throws.
std::string InventorySummary(const nlohmann::json& inventory);

// Drops trailing entries from the largest array (disks, addresses, users, failed units,
// warnings) until the compact dump is below `max_bytes`, or no array has entries left.
void TrimInventory(nlohmann::json& inventory, std::size_t max_bytes = kMaxInventoryBytes);

}  // namespace telemaint::inventory
