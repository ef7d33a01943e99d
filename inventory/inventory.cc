#include "inventory/inventory.h"

#include "inventory/command.h"
#include "inventory/text.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <utmpx.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>

namespace telemaint::inventory {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kMaxEntries = 32;
constexpr std::size_t kMaxFileBytes = 8 << 20;    // /proc/cpuinfo of a 2,000-CPU machine fits
constexpr std::chrono::milliseconds kSystemctlTimeout = 5s;
constexpr std::chrono::milliseconds kAptTimeout = 30s;  // it rebuilds its cache after an update
constexpr std::chrono::milliseconds kNetworkFsBudget = 3s;

// ---- Files under the root --------------------------------------------------------------------

bool IsLiveRoot(const std::string& root) { return root.empty() || root == "/"; }

std::string UnderRoot(const std::string& root, std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string out = root.empty() ? "/" : root;
  if (out.back() != '/') out += '/';
  return out.append(path);
}

// The whole file, or "" when it is missing, unreadable or not a regular file (a FIFO planted in
// a test tree would block). /proc files report size 0, so read until EOF.
std::string ReadFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return {};
  std::string out;
  struct stat st {};
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    char buf[8192];
    while (out.size() < kMaxFileBytes) {
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) {
        out.append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        break;
      }
    }
  }
  close(fd);
  return out;
}

// os-release(5) values are shell words: "..." with backslash escapes, '...', or bare.
std::string Unquote(std::string_view v) {
  v = Trim(v);
  if (v.empty() || (v.front() != '"' && v.front() != '\'')) return std::string(v);
  const char quote = v.front();
  std::string out;
  for (std::size_t i = 1; i < v.size() && v[i] != quote; ++i) {
    if (quote == '"' && v[i] == '\\' && i + 1 < v.size()) ++i;
    out += v[i];
  }
  return out;
}

std::map<std::string, std::string> ParseOsRelease(std::string_view text) {
  std::map<std::string, std::string> fields;
  for (const auto raw : SplitLines(text)) {
    const auto line = Trim(raw);
    const auto eq = line.find('=');
    if (line.empty() || line.front() == '#' || eq == std::string_view::npos) continue;
    fields[std::string(Trim(line.substr(0, eq)))] = Unquote(line.substr(eq + 1));
  }
  return fields;
}

// The value after "key:" in /proc/cpuinfo or /proc/meminfo style text, per line.
std::optional<std::string_view> ColonValue(std::string_view line, std::string_view key) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || Trim(line.substr(0, colon)) != key) return std::nullopt;
  return Trim(line.substr(colon + 1));
}

std::string Kernel(const std::string& root) {
  if (!IsLiveRoot(root)) return FirstLine(ReadFile(UnderRoot(root, "proc/sys/kernel/osrelease")));
  utsname u{};
  return uname(&u) == 0 ? std::string(u.release) : std::string();
}

Json OsJson(const std::string& root) {
  std::string text = ReadFile(UnderRoot(root, "etc/os-release"));
  if (text.empty()) text = ReadFile(UnderRoot(root, "usr/lib/os-release"));  // os-release(5)
  auto fields = ParseOsRelease(text);
  return {{"name", Sanitize(fields["PRETTY_NAME"])},
          {"id", Sanitize(fields["ID"])},
          {"version", Sanitize(fields["VERSION_ID"])},
          {"kernel", Sanitize(Kernel(root))}};
}

std::string HostName(const std::string& root) {
  if (!IsLiveRoot(root)) return FirstLine(ReadFile(UnderRoot(root, "etc/hostname")));
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

Json CpuJson(const std::string& root) {
  std::string model;
  int cores = 0;
  const std::string text = ReadFile(UnderRoot(root, "proc/cpuinfo"));
  for (const auto line : SplitLines(text)) {
    if (ColonValue(line, "processor")) {
      ++cores;
    } else if (auto value = ColonValue(line, "model name"); value && model.empty()) {
      model = std::string(*value);
    }
  }
  return {{"model", Sanitize(model)}, {"cores", cores}};
}

Json MemoryJson(const std::string& root) {
  std::uint64_t total_kb = 0, available_kb = 0;
  const std::string text = ReadFile(UnderRoot(root, "proc/meminfo"));
  for (const auto line : SplitLines(text)) {
    if (auto v = ColonValue(line, "MemTotal")) total_kb = ParseUInt(*v);
    if (auto v = ColonValue(line, "MemAvailable")) available_kb = ParseUInt(*v);
  }
  return {{"total_bytes", total_kb * 1024}, {"available_bytes", available_kb * 1024}};
}

std::uint64_t Uptime(const std::string& root) {
  return ParseUInt(ReadFile(UnderRoot(root, "proc/uptime")));
}

std::string FindProgram(std::initializer_list<const char*> candidates) {
  for (const char* path : candidates) {
    if (access(path, X_OK) == 0) return path;
  }
  return {};
}

// ---- Disks -----------------------------------------------------------------------------------

struct Mount {
  std::string point;
  std::string fs;
};

// /proc/self/mounts writes space, tab, newline and backslash in paths as \ooo.
std::string DecodeMountField(std::string_view f) {
  std::string out;
  const auto octal = [](char c) { return c >= '0' && c <= '7'; };
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '\\' && i + 3 < f.size() && octal(f[i + 1]) && octal(f[i + 2]) && octal(f[i + 3])) {
      out +=
          static_cast<char>(((f[i + 1] - '0') << 6) | ((f[i + 2] - '0') << 3) | (f[i + 3] - '0'));
      i += 3;
    } else {
      out += f[i];
    }
  }
  return out;
}

bool IsNetworkFilesystem(std::string_view fs) { return fs.starts_with("nfs"); }

// Filesystems that hold data someone could run out of room on; an overlay only as the root of a
// container or live system, where it is the machine's disk.
bool IsRealFilesystem(std::string_view fs, std::string_view point) {
  static constexpr std::string_view kLocal[] = {"ext2",  "ext3", "ext4", "xfs",
                                                "btrfs", "vfat", "zfs",  "f2fs"};
  if (std::find(std::begin(kLocal), std::end(kLocal), fs) != std::end(kLocal)) return true;
  return IsNetworkFilesystem(fs) || (fs == "overlay" && point == "/");
}

// One entry per mount point, in mount order, with the filesystem of its last mount: a later
// mount hides the earlier one, and statvfs() sees the later.
std::vector<Mount> RealMounts(std::string_view mounts_text) {
  std::vector<Mount> all;
  std::map<std::string, std::size_t> index;
  for (const auto line : SplitLines(mounts_text)) {
    const auto f = Fields(line);
    if (f.size() < 3) continue;
    std::string point = DecodeMountField(f[1]);
    if (point.empty() || point.front() != '/') continue;
    if (auto it = index.find(point); it != index.end()) {
      all[it->second].fs = std::string(f[2]);
    } else {
      index.emplace(point, all.size());
      all.push_back({std::move(point), std::string(f[2])});
    }
  }
  std::vector<Mount> real;
  for (auto& m : all) {
    if (real.size() < kMaxEntries && IsRealFilesystem(m.fs, m.point)) real.push_back(std::move(m));
  }
  return real;
}

struct Space {
  std::uint64_t total = 0;
  std::uint64_t free = 0;  // what an unprivileged user can still write
};

Space LocalSpace(const std::string& path) {
  struct statvfs s {};
  if (statvfs(path.c_str(), &s) != 0) return {};
  return {static_cast<std::uint64_t>(s.f_blocks) * s.f_frsize,
          static_cast<std::uint64_t>(s.f_bavail) * s.f_frsize};
}

// NFS through `stat -f` in a child: statvfs() on a hard mount whose server is gone would block
// this thread for good, while a child waiting on NFS can still be killed.
Space NetworkSpace(const std::string& path, Clock::time_point deadline) {
  const std::string stat = FindProgram({"/usr/bin/stat", "/bin/stat"});
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (stat.empty() || left <= 0ms) return {};
  const auto out = RunCommand({stat, "-f", "-c", "%S %b %a", "--", path}, left);
  const auto f = out ? Fields(*out) : std::vector<std::string_view>();
  if (f.size() != 3) return {};
  const std::uint64_t block = ParseUInt(f[0]);
  return {ParseUInt(f[1]) * block, ParseUInt(f[2]) * block};
}

Json DisksJson(const InventoryOptions& options, const std::vector<Mount>& mounts) {
  const bool ask_network = options.run_commands && IsLiveRoot(options.root);
  const auto network_deadline = Clock::now() + kNetworkFsBudget;
  Json disks = Json::array();
  for (const auto& m : mounts) {
    const std::string path = UnderRoot(options.root, m.point);
    Space space;
    if (!IsNetworkFilesystem(m.fs)) {
      space = LocalSpace(path);
    } else if (ask_network) {
      space = NetworkSpace(path, network_deadline);
    }
    disks.push_back({{"mount", Sanitize(m.point)},
                     {"fs", Sanitize(m.fs)},
                     {"total_bytes", space.total},
                     {"free_bytes", space.free}});
  }
  return disks;
}

// ---- The running system ----------------------------------------------------------------------

std::optional<std::string> AddressText(const sockaddr& sa) {
  char text[INET6_ADDRSTRLEN] = {};
  if (sa.sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, &sa, sizeof in);
    const std::uint32_t host = ntohl(in.sin_addr.s_addr);
    if ((host >> 24) == 127 || (host >> 16) == 0xA9FE) return std::nullopt;  // 169.254/16
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
  } else if (sa.sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, &sa, sizeof in6);
    if (IN6_IS_ADDR_LOOPBACK(&in6.sin6_addr) || IN6_IS_ADDR_LINKLOCAL(&in6.sin6_addr)) {
      return std::nullopt;
    }
    inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
  } else {
    return std::nullopt;
  }
  return std::string(text);
}

Json AddressesJson() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return Json::array();
  std::vector<std::string> addresses;
  for (const ifaddrs* a = list; a != nullptr && addresses.size() < kMaxEntries; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || (a->ifa_flags & IFF_LOOPBACK) != 0) continue;
    auto text = AddressText(*a->ifa_addr);
    if (text && std::find(addresses.begin(), addresses.end(), *text) == addresses.end()) {
      addresses.push_back(Sanitize(*text));
    }
  }
  freeifaddrs(list);
  return addresses;
}

Json UsersJson() {
  // utmp's read position is one per process: two collections at once would skip entries.
  static std::mutex utmp_mutex;
  std::set<std::string> names;
  {
    std::lock_guard lock(utmp_mutex);
    setutxent();
    while (const utmpx* u = getutxent()) {
      if (u->ut_type != USER_PROCESS) continue;
      const std::string name(u->ut_user, strnlen(u->ut_user, sizeof u->ut_user));
      if (!name.empty()) names.insert(Sanitize(name));
    }
    endutxent();
  }
  Json users = Json::array();
  for (const auto& name : names) {
    if (users.size() == kMaxEntries) break;
    users.push_back(name);
  }
  return users;
}

// Names of failed units; empty when systemd is not running (sd_booted()'s test) or does not
// answer in time, since the machine's other checks still matter.
std::vector<std::string> FailedUnits() {
  if (access("/run/systemd/system", F_OK) != 0) return {};
  const std::string systemctl = FindProgram({"/usr/bin/systemctl", "/bin/systemctl"});
  if (systemctl.empty()) return {};
  const auto out = RunCommand(
      {systemctl, "list-units", "--state=failed", "--no-legend", "--plain", "--no-pager"},
      kSystemctlTimeout);
  std::vector<std::string> units;
  if (!out) return units;
  for (const auto line : SplitLines(*out)) {
    auto f = Fields(line);
    // Versions that ignore --plain still mark failed units with a bullet.
    if (!f.empty() && (f[0] == "\u25cf" || f[0] == "*")) f.erase(f.begin());
    if (!f.empty()) units.push_back(Sanitize(f[0]));
  }
  return units;
}

// Upgrades from a security pocket ("Debian-Security:12/stable-security",
// "Ubuntu:22.04/jammy-security"), as apt-get would install them now; nullopt without apt.
std::optional<std::int64_t> SecurityUpdates() {
  constexpr const char* kAptGet = "/usr/bin/apt-get";
  if (access(kAptGet, X_OK) != 0) return std::nullopt;
  const auto out =
      RunCommand({kAptGet, "-s", "-o", "Debug::NoLocking=1", "upgrade"}, kAptTimeout);
  if (!out) return std::nullopt;
  std::int64_t count = 0;
  for (const auto line : SplitLines(*out)) {
    if (line.starts_with("Inst ") && ContainsNoCase(line, "security")) ++count;
  }
  return count;
}

Json HealthJson(const InventoryOptions& options, const Json& disks) {
  std::vector<std::string> warnings;
  Json failed_units = Json::array();
  Json security_updates = nullptr;
  // Commands describe the running system, so a fake root gets none of their answers.
  if (options.run_commands && IsLiveRoot(options.root)) {
    const auto units = FailedUnits();
    if (!units.empty()) {
      warnings.push_back(std::to_string(units.size()) + " failed systemd unit(s)");
    }
    for (std::size_t i = 0; i < units.size() && i < kMaxEntries; ++i) {
      failed_units.push_back(units[i]);
    }
    if (const auto n = SecurityUpdates()) {
      security_updates = *n;
      if (*n > 0) warnings.push_back(std::to_string(*n) + " pending security update(s)");
    }
  }
  for (auto& w : DiskWarnings(disks)) {
    if (warnings.size() < kMaxEntries) warnings.push_back(std::move(w));
  }
  return {{"warnings", warnings},
          {"failed_units", failed_units},
          {"security_updates", security_updates}};
}

}  // namespace

void TrimInventory(nlohmann::json& inventory, std::size_t max_bytes) {
  const auto size = [](const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace).size();
  };
  static const Json::json_pointer kArrays[] = {
      Json::json_pointer("/disks"), Json::json_pointer("/addresses"), Json::json_pointer("/users"),
      Json::json_pointer("/health/failed_units"), Json::json_pointer("/health/warnings")};
  while (size(inventory) >= max_bytes) {
    Json* largest = nullptr;
    std::size_t largest_size = 0;
    for (const auto& pointer : kArrays) {
      if (!inventory.contains(pointer)) continue;
      Json& array = inventory.at(pointer);
      if (!array.is_array() || array.empty() || size(array) <= largest_size) continue;
      largest = &array;
      largest_size = size(array);
    }
    if (largest == nullptr) return;  // only capped strings left: cannot happen for our own
    largest->erase(largest->size() - 1);
  }
}

nlohmann::json CollectInventory(const InventoryOptions& options) {
  const std::string& root = options.root;
  const bool live = IsLiveRoot(root);
  Json disks = DisksJson(options, RealMounts(ReadFile(UnderRoot(root, "proc/self/mounts"))));
  Json health = HealthJson(options, disks);
  Json inventory = {{"os", OsJson(root)},
                    {"hostname", Sanitize(HostName(root))},
                    {"cpu", CpuJson(root)},
                    {"memory", MemoryJson(root)},
                    {"disks", std::move(disks)},
                    {"addresses", live ? AddressesJson() : Json::array()},
                    {"uptime_s", Uptime(root)},
                    {"users", live ? UsersJson() : Json::array()},
                    {"health", std::move(health)},
                    {"collected_at", static_cast<std::int64_t>(std::time(nullptr))}};
  TrimInventory(inventory);
  return inventory;
}

}  // namespace telemaint::inventory
