#include "crypto/random.h"

#include <sodium.h>

#include <vector>

#include "common/bytes.h"
#include "crypto/secret.h"

namespace telemaint::crypto {

void RandomBytes(std::span<uint8_t> out) {
  Init();
  randombytes_buf(out.data(), out.size());
}

uint32_t RandomUniform(uint32_t upper_bound) {
  Init();
  return randombytes_uniform(upper_bound);
}

std::string RandomHex(size_t n) {
  std::vector<uint8_t> b(n);
  RandomBytes(b);
  return ToHex(b);
}

}  // namespace telemaint::crypto
