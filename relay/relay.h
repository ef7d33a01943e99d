#pragma once
// telemaint-relay as a library: accepts hosts and viewers over TLS WebSockets, pairs them by
// nameplate, authenticates technicians, and forwards end-to-end encrypted frames it cannot read.
// See docs/protocol.md. Run() drives the connections on the calling thread; password checks,
// audit page reads and the audit log's writer have threads of their own. Shutdown() and
// stats() may be called from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/wire.h"
#include "relay/clock.h"

namespace telemaint::relay {

struct RelayOptions {
  std::string listen = "127.0.0.1:8443";
  std::string cert_file, key_file, data_dir;
  // The organisation's public key (64 hex digits, or a file holding them): unattended access
  // (enrolled machines) is served only with it. See docs/operations.md#unattended-access.
  std::string org_key;
  // The web viewer's bundle (docs/operations.md#serving-the-web-viewer): "" means the default,
  // EXE_DIR/../share/telemaint/web if it exists; "none" serves no web viewer.
  std::string web_root;

  size_t max_connections = 2000;
  size_t max_connections_per_address = 200;  // one office behind NAT is one address
  size_t max_waiting_hosts = 10000;
  size_t max_concurrent_logins = 16;  // Argon2id checks queued or running
  std::chrono::seconds tls_timeout{10};    // TLS handshake and HTTP upgrade
  std::chrono::seconds hello_timeout{10};  // first message after the upgrade
  std::chrono::seconds idle_timeout{30};   // keep-alive: silent peers are dropped
  std::chrono::seconds code_ttl{600};      // a waiting nameplate expires (docs: 10 minutes)
  double joins_per_minute = 30;            // per client address
  double join_burst = 10;
  // New hosts per client address: hosts need no account, and each one is recorded in the audit
  // log, so a loop of connections must not fill the disk.
  double hosts_per_minute = 120;
  double host_burst = 60;
  size_t max_control_bytes = wire::kMaxControlBytes;  // a text frame
  size_t max_data_frame = wire::kMaxDataFrameBytes;   // a binary frame
  size_t queue_frames = 16;             // per connection, outbound
  size_t queue_bytes = 2u << 20;
  int audit_checkpoint_every = 100;     // records between signed checkpoints of the audit log
  std::chrono::seconds audit_checkpoint_quiet{60};  // a checkpoint after this long without one
  bool audit_accept_restore = false;    // start on an audit log older than the counter

  // Tests only: sees every binary frame the relay forwards (to prove it is ciphertext).
  std::function<void(std::string_view)> forward_tap;
  // Tests only: may change a binary frame before it is forwarded (a tampering relay).
  std::function<void(std::string&)> forward_rewrite;
  NowFn now;  // defaults to the steady clock
};

// DATA_DIR/control.sock: where the relay's administration commands reach the running relay
// (relay/control.cc, relay/admin_cli.h).
std::string ControlSocketPath(const std::string& data_dir);
// Fails when a relay already serves `data_dir` (its control socket answers). Called before
// the relay opens anything there: two writers of one audit log would break its chain.
Status CheckNoOtherRelay(const std::string& data_dir);

struct RelayStats {
  std::atomic<uint64_t> connections{0};
  std::atomic<uint64_t> waiting_hosts{0};
  std::atomic<uint64_t> sessions_active{0};
  std::atomic<uint64_t> sessions_total{0};
  std::atomic<uint64_t> bytes_forwarded{0};
  std::atomic<uint64_t> max_queued_bytes{0};  // largest outbound queue seen on one connection
  std::atomic<uint64_t> closed_for_room{0};   // unproven connections closed when the relay was full
};

class Relay {
 public:
  static Result<std::unique_ptr<Relay>> Create(RelayOptions options);
  ~Relay();

  uint16_t port() const;
  // Serves until Shutdown(); with handle_signals, SIGINT and SIGTERM also shut down.
  // `on_ready` runs once the signals are handled and just before serving (a signal sent after
  // it is a clean shutdown, never a kill).
  void Run(bool handle_signals, const std::function<void()>& on_ready = {});
  void Shutdown();
  const RelayStats& stats() const;

 private:
  struct Impl;
  explicit Relay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::relay
