#pragma once
// A raw relay client for tests that need to misbehave on purpose (oversized or malformed
// messages), or the other way round a fake relay that misbehaves towards a real host or viewer
// (Listen, then Accept one connection at a time). Each call runs the io_context until that
// step is done; not thread-safe.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"

namespace telemaint::testing {

class RawRelayClient {
 public:
  // Connects to wss://localhost:PORT/PATH trusting `ca_file`.
  static Result<std::unique_ptr<RawRelayClient>> Connect(const std::string& ca_file,
                                                         uint16_t port, const std::string& path);
  // A relay on 127.0.0.1 (any free port) with this certificate; it speaks through the
  // connection Accept takes.
  static Result<std::unique_ptr<RawRelayClient>> Listen(const std::string& cert_file,
                                                        const std::string& key_file);
  uint16_t port() const;
  // Waits for the next connection (TLS and WebSocket upgrade), which replaces the current one.
  bool Accept(std::chrono::milliseconds timeout);
  ~RawRelayClient();

  bool SendText(const std::string& text);
  // false when the frame could not be queued within `timeout` (back-pressure) or closed.
  bool SendBinary(const std::string& data,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5));
  struct Message {
    bool text;
    std::string data;
  };
  // nullopt when the connection ended or nothing came within the timeout; after a timeout
  // the client must not be used again.
  std::optional<Message> Receive(std::chrono::milliseconds timeout);
  // true if the relay ends the connection within the timeout (messages before that are
  // skipped), false if it stays open.
  bool EndsWithin(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  explicit RawRelayClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::testing
