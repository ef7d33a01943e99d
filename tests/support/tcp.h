#pragma once
// Plain loopback TCP for end-to-end tests: a one-connection server standing in for a VNC
// server, and a client standing in for a VNC viewer. Blocking sockets on their own threads.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace telemaint::testing {

// Accepts one connection on 127.0.0.1 (any free port) and runs `handler(fd)` on a thread.
class OneShotServer {
 public:
  explicit OneShotServer(std::function<void(int fd)> handler);
  ~OneShotServer();
  uint16_t port() const { return port_; }
  bool accepted() const { return accepted_; }

 private:
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> accepted_{false};
  std::thread thread_;
};

int ConnectLoopback(uint16_t port);  // -1 on failure
bool WriteAll(int fd, const std::string& data);
// Reads exactly n bytes unless the peer closes or `timeout` passes.
std::string ReadExactly(int fd, size_t n, std::chrono::milliseconds timeout);
void SetReceiveTimeout(int fd, std::chrono::milliseconds timeout);
std::string RandomBytes(size_t n, uint32_t seed);

// Handlers for OneShotServer standing in for a VNC server.
void HoldOpen(int fd);  // reads until the host closes (or 30 s of silence)
void Echo(int fd);      // sends back what it reads
// A loopback port where nothing listens (it was bound, then released).
uint16_t ClosedLoopbackPort();

}  // namespace telemaint::testing
