#pragma once
// How wide UTF-8 text is on a terminal, for aligning columns of people's names: combining
// marks take no column, East Asian wide and fullwidth characters (and emoji) take two, other
// printable characters one. A small table of ranges, not the locale's wcwidth, so the result
// does not depend on the machine's locales. Pure functions; any thread.
#include <cstddef>
#include <string>
#include <string_view>

namespace telemaint {

size_t DisplayWidth(std::string_view utf8);
// `text` followed by spaces up to `width` columns (unchanged when already that wide).
std::string PadToWidth(std::string_view text, size_t width);

}  // namespace telemaint
