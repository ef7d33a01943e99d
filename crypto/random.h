#pragma once
// Randomness from libsodium's CSPRNG. Thread-safe.
#include <cstdint>
#include <span>
#include <string>

namespace telemaint::crypto {

void RandomBytes(std::span<uint8_t> out);
// Uniform in [0, upper_bound), without modulo bias.
uint32_t RandomUniform(uint32_t upper_bound);
// n random bytes as 2n lowercase hex characters (session ids, not secrets).
std::string RandomHex(size_t n);

}  // namespace telemaint::crypto
