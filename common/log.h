#pragma once
// Minimal leveled logger writing one line per event to stderr (and optionally a file).
// Thread-safe. Never pass secrets, keys, passwords or session codes' secret digits to it:
// callers log nameplates and session ids only.
#include <cstdarg>
#include <sstream>
#include <string>
#include <string_view>

namespace telemaint::log {

enum class Level { kDebug, kInfo, kWarn, kError };

void SetLevel(Level level);
void SetProgram(std::string_view name);
// Also append every line to this file (created if missing). Empty path: stderr only.
bool SetFile(const std::string& path);
// Whether lines also go to standard error (the default). Programs a person runs turn it off:
// their terminal is for the sentences meant for them, the lines go to the file (-v: both).
void SetTerminal(bool on);
// For a program a person runs without --log-file: lines to NAME.log in the person's state
// directory (made private if missing; refused if it is a symlink or someone else's). False, and
// the lines on standard error instead, when that file cannot be used.
bool SetFileInStateDirectory(std::string_view name);
void Write(Level level, std::string_view message);
// Text from the network made safe for a log line, a terminal, a window or a report: control
// bytes and bytes that are not UTF-8 become \xNN, and the code points a terminal or text view
// acts on (C1 controls U+0080-U+009F, the bidirectional marks, embeddings, overrides and
// isolates U+200E/F, U+202A-E, U+2066-9, U+061C, line and paragraph separators) become \uNNNN.
// It cannot forge log lines, drive a terminal, or reorder what an auditor reads.
std::string Printable(std::string_view text);
// Printable, for a window's label (FLTK): "@", FLTK's symbol marker, doubled so that names such
// as "alice@acme" show as typed and no text from the network draws a symbol.
std::string PrintableLabel(std::string_view text);
// For C libraries' printf-style log callbacks (libvncserver, libvncclient): formats one line
// (trailing newlines dropped) and writes it after `prefix`.
void WriteFormatted(Level level, std::string_view prefix, const char* format, va_list args);

template <typename... Args>
std::string Concat(Args&&... args) {
  std::ostringstream s;
  (s << ... << args);
  return s.str();
}

template <typename... Args>
void Debug(Args&&... a) {
  Write(Level::kDebug, Concat(std::forward<Args>(a)...));
}
template <typename... Args>
void Info(Args&&... a) {
  Write(Level::kInfo, Concat(std::forward<Args>(a)...));
}
template <typename... Args>
void Warn(Args&&... a) {
  Write(Level::kWarn, Concat(std::forward<Args>(a)...));
}
template <typename... Args>
void Error(Args&&... a) {
  Write(Level::kError, Concat(std::forward<Args>(a)...));
}

}  // namespace telemaint::log
