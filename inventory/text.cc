#include "inventory/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace telemaint::inventory {
namespace {

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

}  // namespace

// At most `max` bytes of valid UTF-8, cut between characters; control characters and bytes that
// are not UTF-8 become '?', so a hostile file name cannot break a terminal or the JSON encoder.
std::string Sanitize(std::string_view in, std::size_t max) {
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

}  // namespace telemaint::inventory
