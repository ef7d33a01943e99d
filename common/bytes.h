#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace telemaint {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline void Append(Bytes& out, ByteView b) { out.insert(out.end(), b.begin(), b.end()); }

std::string ToHex(ByteView b);
// Empty result for odd length or a non-hex character.
Bytes FromHex(std::string_view hex);

}  // namespace telemaint
