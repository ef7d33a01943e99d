#pragma once
// Bounds-checked reader over untrusted bytes: every read can fail and none reads past the end.
// Does not own the bytes; they must outlive the reader.
#include <cstdint>
#include <optional>

#include "common/bytes.h"

namespace telemaint {

class ByteReader {
 public:
  explicit ByteReader(ByteView data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }

  bool ReadU8(uint8_t& out) {
    if (remaining() < 1) return false;
    out = data_[pos_++];
    return true;
  }
  // A view of the next n bytes.
  bool ReadView(size_t n, ByteView& out) {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  ByteView Rest() {
    ByteView r = data_.subspan(pos_);
    pos_ = data_.size();
    return r;
  }

 private:
  ByteView data_;
  size_t pos_ = 0;
};

}  // namespace telemaint
