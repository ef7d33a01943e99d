#pragma once
// The relay's shared state and connection handlers. Internal: includes Asio/Beast.
// Everything here runs on the relay's single io thread except the password checks, which run
// on `workers` and return to the io thread before touching any state.
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "net/net.h"
#include "net/ws_connection.h"
#include "relay/pairing.h"
#include "relay/relay.h"
#include "relay/store/user_store.h"
#include "relay/throttle.h"

namespace telemaint::relay {

struct PeerConn;

struct Session {
  std::string id;  // random, 32 hex; CPace's sid
  std::string nameplate;
  std::string technician, ticket;
  std::weak_ptr<PeerConn> host, viewer;
  Clock::time_point started;
  uint64_t bytes_host_to_viewer = 0, bytes_viewer_to_host = 0;
  bool ended = false;
};

struct PeerConn {
  uint64_t id = 0;
  bool is_host = false;
  std::string address;  // client IP, for logs and limits
  std::shared_ptr<net::WsConnection> conn;
  std::shared_ptr<Session> session;
  std::string nameplate;  // while a host waits
  // Hosts, for the audit log: a connection id unique across relay runs, and what the hello said.
  std::string audit_id, customer, machine, version;
  bool gone_recorded = false;
  bool receipt_recorded = false;  // one receipt per side and session
  bool reserved = false;          // a host whose session is being recorded before it starts
  int permission_records = 0;     // consent messages recorded in this session
};

// An answer to a plain HTTPS request (the auditor's endpoints).
struct HttpAnswer {
  int status = 200;
  std::string body, content_type = "application/json";
  bool ask_for_credentials = false;  // 401: WWW-Authenticate
};

class RelayCore {
 public:
  RelayCore(net::asio::io_context& io, RelayOptions options, std::unique_ptr<UserStore> users,
            std::unique_ptr<audit::AuditLog> audit, std::shared_ptr<net::ssl::context> tls);
  ~RelayCore();

  Status Listen();
  uint16_t port() const { return port_; }
  void Start();     // accept loop and expiry sweeper
  void Shutdown();  // io thread only
  RelayStats& stats() { return *stats_; }
  // Closes every peer's socket now (after the shutdown grace).
  void AbortAll();
  bool stopping() const { return stopping_; }
  // The audit log's closing records and final checkpoint (after the io loop ends).
  void CloseAudit();

 private:
  net::asio::awaitable<void> AcceptLoop();
  net::asio::awaitable<void> SweepLoop();
  net::asio::awaitable<void> HandleSocket(net::tcp::socket socket);
  net::asio::awaitable<void> RunHost(std::shared_ptr<PeerConn> peer);
  net::asio::awaitable<void> RunViewer(std::shared_ptr<PeerConn> peer);
  net::asio::awaitable<void> ReadLoop(std::shared_ptr<PeerConn> peer);
  // Receives the first message, with a deadline; sends `timeout` when it passes.
  net::asio::awaitable<std::optional<net::Frame>> FirstMessage(PeerConn& peer);

  struct AuthOutcome {
    bool ok = false;
    std::optional<User> user;
    std::string_view error;
  };
  // Who may log in for what: technicians (and admins) join sessions; auditors (and admins)
  // read the audit log.
  enum class Purpose { kSession, kAudit };
  net::asio::awaitable<AuthOutcome> Authenticate(const std::string& address,
                                                 const std::string& name, std::string password,
                                                 Purpose purpose = Purpose::kSession);
  // GET /v1/audit/...: the read-only auditor endpoints (relay/audit_http.cc).
  net::asio::awaitable<HttpAnswer> ServeAudit(const std::string& address, std::string target,
                                              std::string authorization);

  // The session was recorded (session_start is durable): pair the two.
  void Pair(const std::shared_ptr<PeerConn>& host, const std::shared_ptr<PeerConn>& viewer,
            const User& technician, const std::string& ticket, const std::string& session_id);
  // Ends the session once: tells the other side why and closes both connections.
  void EndSession(const std::shared_ptr<Session>& session, std::string_view reason,
                  const PeerConn* initiator);
  void SendError(PeerConn& peer, std::string_view code);
  // Queues an audit record (written by the log's own thread; failures are logged there).
  void Audit(const std::string& kind, const std::string& session, nlohmann::json data);
  // Appends one and waits until it is durable: false if it could not be written.
  net::asio::awaitable<bool> AuditDurable(std::string kind, std::string session,
                                          nlohmann::json data);
  void AuditHostGone(PeerConn& peer, const std::string& reason);
  void Forget(PeerConn& peer);

  net::asio::io_context& io_;
  RelayOptions options_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::string run_id_;  // random per start: audit ids of connections never repeat
  std::shared_ptr<net::ssl::context> tls_;
  net::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  PairingRegistry registry_;
  RateLimiter joins_;
  RateLimiter audit_reads_;
  RateLimiter host_connects_;  // per address: new hosts (each one is audited)  // per address, apart from joins: an audit never slows technicians
  LoginThrottle failures_by_address_, failures_by_account_;
  net::asio::thread_pool workers_{2};
  // Audit pages are read here, apart from the password checks: a large read never delays a
  // technician's login.
  net::asio::thread_pool audit_readers_{1};
  std::unordered_map<uint64_t, std::weak_ptr<PeerConn>> peers_;
  uint64_t next_id_ = 1;
  size_t logins_in_flight_ = 0;
  bool stopping_ = false;
  // Shared with each connection's coroutine: a coroutine frame destroyed after the core (at
  // io_context teardown) still updates live counters, never freed memory.
  std::shared_ptr<RelayStats> stats_ = std::make_shared<RelayStats>();
  using AddressCounts = std::unordered_map<std::string, size_t>;
  std::shared_ptr<AddressCounts> per_address_ = std::make_shared<AddressCounts>();
};

}  // namespace telemaint::relay
