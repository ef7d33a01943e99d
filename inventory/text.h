#pragma once
// Text helpers shared by the inventory's readers and its summary. Internal to inventory/.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace telemaint::inventory {

inline constexpr std::size_t kMaxString = 200;
inline constexpr int kFullPercent = 90;

// At most `max` bytes of valid UTF-8, cut between characters; control characters and bytes that
// are not UTF-8 become '?', so a hostile file name cannot break a terminal or the JSON encoder.
std::string Sanitize(std::string_view in, std::size_t max = kMaxString);
std::string_view Trim(std::string_view s);
std::vector<std::string_view> SplitLines(std::string_view text);
std::vector<std::string_view> Fields(std::string_view line);
std::string FirstLine(std::string_view text);
// The leading digits of `s` ("12345.67" gives 12345); 0 when there are none.
std::uint64_t ParseUInt(std::string_view s);
bool ContainsNoCase(std::string_view haystack, std::string_view lower_needle);

}  // namespace telemaint::inventory
