#pragma once
// SecretBytes: a fixed-size buffer for key material in guarded, locked (mlock) memory that is
// wiped when freed (libsodium's sodium_malloc / sodium_free). Move-only. Not thread-safe.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace telemaint::crypto {

// Initialises libsodium once; aborts the program if that is impossible (no safe fallback).
void Init();

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size);
  SecretBytes(std::span<const uint8_t> bytes);  // copies
  ~SecretBytes();
  SecretBytes(SecretBytes&& o) noexcept;
  SecretBytes& operator=(SecretBytes&& o) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  // Copies a string secret (a typed password, code digits) and wipes the source string.
  static SecretBytes TakeString(std::string& s);

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> view() const { return {data_, size_}; }
  std::span<uint8_t> span() { return {data_, size_}; }
  std::string_view chars() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Overwrites a std::string's characters before it is freed.
void Wipe(std::string& s);
// Overwrites `size` bytes in place: a buffer another library owns (a text field's).
void Wipe(char* data, size_t size);

}  // namespace telemaint::crypto
