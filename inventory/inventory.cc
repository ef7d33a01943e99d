#include "inventory/inventory.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utmpx.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
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
#include <thread>

namespace telemaint::inventory {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kMaxString = 200;
constexpr std::size_t kMaxEntries = 32;
constexpr std::size_t kMaxFileBytes = 8 << 20;    // /proc/cpuinfo of a 2,000-CPU machine fits
constexpr std::size_t kMaxOutputBytes = 8 << 20;  // apt-get's plan for thousands of packages
constexpr std::chrono::milliseconds kSystemctlTimeout = 5s;
constexpr std::chrono::milliseconds kAptTimeout = 30s;  // it rebuilds its cache after an update
constexpr std::chrono::milliseconds kNetworkFsBudget = 3s;
constexpr int kFullPercent = 90;
constexpr char kSeparator[] = " \u00b7 ";

// ---- Text ------------------------------------------------------------------------------------

// Length of the valid UTF-8 sequence starting at s[i], or 0. Strict (RFC 3629: no overlong
// forms, surrogates or code points past U+10FFFF) because nlohmann's dump() throws on those.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    lo = c == 0xE0 ? 0xA0 : 0x80;
    hi = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;
  }
  if (len == 0 || i + len > s.size()) return 0;
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  if (c1 < lo || c1 > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return len;
}

// At most `max` bytes of valid UTF-8, cut between characters; control characters and bytes that
// are not UTF-8 become '?', so a hostile file name cannot break a terminal or the JSON encoder.
std::string Sanitize(std::string_view in, std::size_t max = kMaxString) {
  std::string out;
  std::size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    const std::size_t len = c < 0x80 ? 1 : Utf8SequenceLength(in, i);
    if (out.size() + std::max<std::size_t>(len, 1) > max) break;
    if (len == 0 || c < 0x20 || c == 0x7F) {
      out += '?';
      i += 1;
    } else {
      out.append(in.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    const auto start = line.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return fields;
    line.remove_prefix(start);
    const auto end = line.find_first_of(" \t\r\n");
    fields.push_back(line.substr(0, end));
    if (end == std::string_view::npos) return fields;
    line.remove_prefix(end);
  }
}

std::string FirstLine(std::string_view text) {
  return std::string(Trim(text.substr(0, text.find('\n'))));
}

// The leading digits of `s` ("12345.67" gives 12345); 0 when there are none.
std::uint64_t ParseUInt(std::string_view s) {
  std::uint64_t value = 0;
  s = Trim(s);
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

bool ContainsNoCase(std::string_view haystack, std::string_view lower_needle) {
  std::string lower(haystack);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find(lower_needle) != std::string::npos;
}

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

// ---- Child processes -------------------------------------------------------------------------

struct Child {
  pid_t pid;
  int out;
};

// The child runs in its own process group (a timeout then kills what it started too), with
// stdin and stderr on /dev/null, none of our descriptors but its stdout, default SIGPIPE even if
// we ignore it, and an environment of its own: English messages for us to parse, and none of
// our variables (proxies, credentials) passed on.
std::optional<Child> Spawn(const std::vector<std::string>& argv) {
  int fds[2];
  if (argv.empty() || pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  posix_spawn_file_actions_addclosefrom_np(&files, STDERR_FILENO + 1);
#endif
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t no_signals, default_signals;
  sigemptyset(&no_signals);
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &no_signals);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  char lc_all[] = "LC_ALL=C";
  char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char* env[] = {lc_all, path, nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &files, &attr, args.data(), env);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return std::nullopt;
  }
  return Child{pid, fds[0]};
}

// Everything the child writes until it closes its output; nullopt at the deadline, on a read
// error, or when the output grows past kMaxOutputBytes.
std::optional<std::string> ReadUntilEof(int fd, Clock::time_point deadline) {
  std::string out;
  char buf[16384];
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left <= 0ms) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), INT_MAX)));
    if (ready < 0 && errno != EINTR) return std::nullopt;
    if (ready <= 0) continue;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return out;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return std::nullopt;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxOutputBytes) return std::nullopt;
  }
}

// The wait status once the child has closed its output. It is exiting by then, so short sleeps
// find it within a few ms and still honour the deadline, which a blocking waitpid() would not.
// nullopt: still running at the deadline.
std::optional<int> WaitForExit(pid_t pid, Clock::time_point deadline) {
  auto pause = 1ms;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    // Reaped elsewhere (SIGCHLD ignored, or another thread's waitpid(-1)): the output was
    // complete, and its pid may already be reused, so it must not be killed.
    if (r < 0 && errno == ECHILD) return 0;
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) return std::nullopt;
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, left));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

void KillAndReap(pid_t pid) {
  if (kill(-pid, SIGKILL) != 0) kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// The standard output of `argv` (argv[0] an absolute path, no PATH search), when it exits with
// status 0 before `timeout`; otherwise it is killed and reaped, and the answer is nullopt.
std::optional<std::string> RunForOutput(const std::vector<std::string>& argv,
                                        std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const auto child = Spawn(argv);
  if (!child) return std::nullopt;
  auto out = ReadUntilEof(child->out, deadline);
  close(child->out);
  const auto status = out ? WaitForExit(child->pid, deadline) : std::nullopt;
  if (!status) {
    KillAndReap(child->pid);
    return std::nullopt;
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) return std::nullopt;
  return out;
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
  const auto out = RunForOutput({stat, "-f", "-c", "%S %b %a", "--", path}, left);
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
  const auto out = RunForOutput(
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
      RunForOutput({kAptGet, "-s", "-o", "Debug::NoLocking=1", "upgrade"}, kAptTimeout);
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

// ---- Reading an inventory, possibly from another machine -------------------------------------

const Json& Member(const Json& j, const char* key) {
  static const Json kMissing;
  if (!j.is_object()) return kMissing;
  const auto it = j.find(key);
  return it == j.end() ? kMissing : *it;
}

std::string StringAt(const Json& j, const char* key) {
  const Json& m = Member(j, key);
  return m.is_string() ? m.get<std::string>() : std::string();
}

std::uint64_t UIntAt(const Json& j, const char* key) {
  const Json& m = Member(j, key);
  if (m.is_number_unsigned()) return m.get<std::uint64_t>();
  if (m.is_number_integer() && m.get<std::int64_t>() > 0) return m.get<std::uint64_t>();
  return 0;
}

std::optional<int> UsedPercent(const Json& disk) {
  const std::uint64_t total = UIntAt(disk, "total_bytes");
  if (total == 0) return std::nullopt;
  const std::uint64_t free = std::min(UIntAt(disk, "free_bytes"), total);
  return static_cast<int>(static_cast<unsigned __int128>(total - free) * 100 / total);
}

std::string Gib(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(bytes) / (1ULL << 30));
  return text;
}

std::string Duration(std::uint64_t s) {
  const std::uint64_t days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60;
  if (days > 0) return std::to_string(days) + " d " + std::to_string(hours) + " h";
  if (hours > 0) return std::to_string(hours) + " h " + std::to_string(minutes) + " min";
  return std::to_string(minutes) + " min";
}

std::optional<int> RootUsedPercent(const Json& disks) {
  if (!disks.is_array()) return std::nullopt;
  for (const Json& d : disks) {
    if (StringAt(d, "mount") == "/") return UsedPercent(d);
  }
  return std::nullopt;
}

std::string OsName(const Json& os) {
  std::string name = StringAt(os, "name");
  if (name.empty()) {
    const std::string id_and_version = StringAt(os, "id") + " " + StringAt(os, "version");
    name = std::string(Trim(id_and_version));
  }
  return Sanitize(name);
}

}  // namespace

std::optional<std::string> RunCommand(const std::vector<std::string>& argv,
                                      std::chrono::milliseconds timeout) {
  return RunForOutput(argv, timeout);
}

std::vector<std::string> DiskWarnings(const nlohmann::json& disks) {
  std::vector<std::string> warnings;
  if (!disks.is_array()) return warnings;
  for (const Json& disk : disks) {
    const auto percent = UsedPercent(disk);
    if (!percent || *percent < kFullPercent) continue;
    // Room for the words around the mount point within kMaxString.
    warnings.push_back("disk " + Sanitize(StringAt(disk, "mount"), kMaxString - 20) + " is " +
                       std::to_string(*percent) + "% full");
  }
  return warnings;
}

std::string InventorySummary(const nlohmann::json& inventory) {
  std::vector<std::string> parts;
  if (auto name = OsName(Member(inventory, "os")); !name.empty()) parts.push_back(name);
  if (const auto cores = UIntAt(Member(inventory, "cpu"), "cores"); cores > 0) {
    parts.push_back(std::to_string(cores) + (cores == 1 ? " core" : " cores"));
  }
  if (const auto ram = UIntAt(Member(inventory, "memory"), "total_bytes"); ram > 0) {
    parts.push_back(Gib(ram) + " GiB RAM");
  }
  if (const auto percent = RootUsedPercent(Member(inventory, "disks"))) {
    parts.push_back("/ " + std::to_string(*percent) + "% used");
  }
  if (const auto up = UIntAt(inventory, "uptime_s"); up > 0) parts.push_back("up " + Duration(up));
  const Json& warnings = Member(Member(inventory, "health"), "warnings");
  if (warnings.is_array() && !warnings.empty()) {
    parts.push_back(std::to_string(warnings.size()) +
                    (warnings.size() == 1 ? " warning" : " warnings"));
  }
  std::string line;
  for (const auto& part : parts) line += (line.empty() ? "" : kSeparator) + part;
  return line;
}

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
