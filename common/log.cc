#include "common/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <fcntl.h>

namespace telemaint::log {
namespace {
std::mutex g_mutex;
Level g_level = Level::kInfo;
std::string g_program = "telemaint";
FILE* g_file = nullptr;

const char* Name(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
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
    int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) g_file = fdopen(fd, "a");
  }
  return path.empty() || g_file != nullptr;
}

std::string Printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out.push_back(static_cast<char>(c));
    }
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
  for (FILE* f : {stderr, g_file}) {
    if (!f) continue;
    std::fprintf(f, "%s.%03dZ %s %s: %.*s\n", stamp, static_cast<int>(ms.count()),
                 g_program.c_str(), Name(level), static_cast<int>(message.size()),
                 message.data());
    std::fflush(f);
  }
}

}  // namespace telemaint::log
