#include "crypto/secret.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace telemaint::crypto {

void Init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      std::fprintf(stderr, "fatal: libsodium could not be initialised\n");
      std::abort();
    }
  });
}

SecretBytes::SecretBytes(size_t size) : size_(size) {
  Init();
  if (size == 0) return;
  data_ = static_cast<uint8_t*>(sodium_malloc(size));
  if (!data_) {
    std::fprintf(stderr, "fatal: cannot allocate locked memory for a secret\n");
    std::abort();
  }
  sodium_memzero(data_, size);
}

SecretBytes::SecretBytes(std::span<const uint8_t> bytes) : SecretBytes(bytes.size()) {
  if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
}

SecretBytes::~SecretBytes() {
  if (data_) sodium_free(data_);  // wipes before freeing
}

SecretBytes::SecretBytes(SecretBytes&& o) noexcept : data_(o.data_), size_(o.size_) {
  o.data_ = nullptr;
  o.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& o) noexcept {
  if (this != &o) {
    if (data_) sodium_free(data_);
    data_ = o.data_;
    size_ = o.size_;
    o.data_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

SecretBytes SecretBytes::TakeString(std::string& s) {
  SecretBytes out(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  Wipe(s);
  return out;
}

void Wipe(char* data, size_t size) {
  if (size > 0) sodium_memzero(data, size);
}

void Wipe(std::string& s) {
  // The whole capacity: a short string moved from keeps its characters in its inline buffer
  // with size() 0.
  s.resize(s.capacity());
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

}  // namespace telemaint::crypto
