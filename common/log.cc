#include "common/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>

#include "common/files.h"

namespace telemaint::log {
namespace {
std::mutex g_mutex;
Level g_level = Level::kInfo;
std::string g_program = "telemaint";
FILE* g_file = nullptr;
bool g_terminal = true;

const char* Name(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "?";
}
}  // namespace

void SetLevel(Level level) {
  std::lock_guard lock(g_mutex);
  g_level = level;
}

void SetProgram(std::string_view name) {
  std::lock_guard lock(g_mutex);
  g_program = name;
}

bool SetFile(const std::string& path) {
  std::lock_guard lock(g_mutex);
  if (g_file) fclose(g_file);
  g_file = nullptr;
  if (!path.empty()) {
    // Private from the start: logs name technicians, customers and addresses.
    // Never through a planted symlink.
    int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    struct stat st {};
    // A file this user kept from before is made private too.
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
        (st.st_mode & 077) != 0)
      fchmod(fd, 0600);
    if (fd >= 0) g_file = fdopen(fd, "a");
  }
  return path.empty() || g_file != nullptr;
}

void SetTerminal(bool on) {
  std::lock_guard lock(g_mutex);
  g_terminal = on;
}

namespace {

// The person's own private directory: made 0700 if missing; refused if it is a symlink or
// someone else's (a program run as root with a user's HOME must not write where they point).
bool PrivateDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) return false;
  if ((st.st_mode & 077) != 0) chmod(dir.c_str(), 0700);
  return true;
}

}  // namespace

bool SetFileInStateDirectory(std::string_view name) {
  const std::string dir = UserStateDirectory();
  if (PrivateDirectory(dir) && SetFile(dir + "/" + std::string(name) + ".log")) return true;
  SetTerminal(true);  // the lines must go somewhere
  return false;
}

namespace {

// The length of the well-formed UTF-8 sequence at `text[i]` and its code point; 0 if none
// (a stray byte, an overlong form, a surrogate, or beyond U+10FFFF).
size_t DecodeUtf8(std::string_view text, size_t i, char32_t& cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char b = byte(0);
  size_t n = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
  if (n == 0 || b >= 0xf8 || i + n > text.size()) return 0;
  cp = b & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(k) & 0x3f);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

// Code points a terminal or a text view acts on rather than shows: C1 controls (U+009B is a
// CSI), bidirectional overrides and isolates that reorder what follows, and line separators.
bool IsInvisibleControl(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
         cp == 0x2029;
}

}  // namespace

std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char hex[16];
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    char32_t cp = 0;
    const size_t n = c >= 0x80 ? DecodeUtf8(text, i, cp) : 0;
    if (n > 0 && !IsInvisibleControl(cp)) {
      out.append(text.substr(i, n));
    } else if (n > 0) {
      std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned>(cp));
      out += hex;
    } else {
      std::snprintf(hex, sizeof hex, "\\x%02x", c);  // a control byte, or not UTF-8
      out += hex;
    }
    i += n > 0 ? n : 1;
  }
  return out;
}

std::string PrintableLabel(std::string_view text) {
  std::string out;
  for (char c : Printable(text)) {
    out += c;
    if (c == '@') out += '@';
  }
  return out;
}

void WriteFormatted(Level level, std::string_view prefix, const char* format, va_list args) {
  char line[512];
  std::vsnprintf(line, sizeof line, format, args);
  std::string text(prefix);
  text += line;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  Write(level, text);
}

void Write(Level level, std::string_view raw) {
  std::string message = Printable(raw);
  std::lock_guard lock(g_mutex);
  if (level < g_level) return;
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  for (FILE* f : {g_terminal || !g_file ? stderr : nullptr, g_file}) {
    if (!f) continue;
    std::fprintf(f, "%s.%03dZ %s %s: %.*s\n", stamp, static_cast<int>(ms.count()),
                 g_program.c_str(), Name(level), static_cast<int>(message.size()), message.data());
    std::fflush(f);
  }
}

}  // namespace telemaint::log
