#pragma once
// Status and Result<T>: how fallible operations report failure without throwing across the
// data path. Messages are sentences a person can act on.
#include <optional>
#include <string>
#include <utility>

namespace telemaint {

class Status {
 public:
  enum class Code {
    kOk,
    kInvalidInput,  // malformed or out-of-range data from a peer or a user
    kAuthFailed,    // wrong code, wrong password, failed key confirmation
    kNotFound,
    kExpired,
    kLimit,       // a size, rate or count limit was hit
    kIo,          // file, socket or database trouble
    kProtocol,    // the peer broke the protocol
    kInternal,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string m) { return Status(Code::kInvalidInput, std::move(m)); }
  static Status AuthFailed(std::string m) { return Status(Code::kAuthFailed, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status Expired(std::string m) { return Status(Code::kExpired, std::move(m)); }
  static Status Limit(std::string m) { return Status(Code::kLimit, std::move(m)); }
  static Status Io(std::string m) { return Status(Code::kIo, std::move(m)); }
  static Status Protocol(std::string m) { return Status(Code::kProtocol, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <typename T>
class Result {
 public:
  // Default: an error (Asio needs it to report an exception from a coroutine).
  Result() : status_(Status::Internal("no result")) {}
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& value() const& { return *value_; }
  T* operator->() { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace telemaint
