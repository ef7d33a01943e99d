#pragma once
// The relay's shared state and connection handlers. Internal: includes Asio/Beast.
// Everything here runs on the relay's single io thread except the password checks and audit
// page reads, which run on their own pools and return to the io thread before touching any
// state.
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "common/log.h"
#include "common/vocabulary.h"
#include "common/machine_wire.h"
#include "common/wire.h"
#include "crypto/secret.h"
#include "net/net.h"
#include "net/ws_connection.h"
#include "relay/pairing.h"
#include "relay/relay.h"
#include "relay/store/org_store.h"
#include "relay/store/user_store.h"
#include "relay/flood.h"
#include "relay/throttle.h"
#include "relay/unproven.h"
#include "relay/web_files.h"

namespace telemaint::relay {

struct PeerConn;

// One session: two connections paired on a nameplate. Shared by both connections; the relay
// ends it once (RelayCore::EndSession).
struct Session {
  std::string id;  // random, 32 hex; CPace's sid
  std::string nameplate;   // attended
  std::string machine_id;  // unattended
  std::string technician, ticket;
  std::weak_ptr<PeerConn> host, viewer;
  Clock::time_point started;
  uint64_t bytes_host_to_viewer = 0, bytes_viewer_to_host = 0;
  bool ended = false;
};

// A connection's state, as docs/protocol.md#state-diagrams draws it (the TLS and HTTP steps
// before the WebSocket upgrade have no PeerConn yet).
enum class ConnState {
  kAwaitFirst,      // AwaitHello / AwaitJoin: the first message is awaited
  kAuthenticating,  // viewer: the technician's password is being checked
  kWaiting,         // host: holds `nameplate`, waits for a technician
  kRecording,       // the session's start is being written to the audit log; for a host, a
                    // join on its nameplate is refused meanwhile
  kPaired,          // frames are forwarded
  kEnded,           // the session ended; the relay waits a moment for this side's receipt
  kClosed,          // done (for a host, its host_gone record is written)
};

// Which WebSocket endpoint a connection came to.
enum class Endpoint {
  kHost,     // /v1/host: a customer's host with a code
  kViewer,   // /v1/viewer: a technician joining
  kMachine,  // /v1/machine: an enrolled machine (enrolment, or online for unattended sessions)
  kOrg,      // /v1/org: an admin's or a technician's requests about machines
};

// What a host said in its hello, for the audit log.
struct HostFacts {
  std::string audit_id;  // unique across relay runs: the run's prefix and the connection id
  std::string customer, machine, version;
};

// One connection, owned by its handler coroutine (HandleSocket); the relay's map and the
// session hold weak references.
struct PeerConn {
  uint64_t id = 0;
  wire::Party role = wire::Party::kHost;
  std::string address;  // client IP, for logs and limits
  std::shared_ptr<net::WsConnection> conn;
  ConnState state = ConnState::kAwaitFirst;
  std::string nameplate;  // while kWaiting (and kRecording)
  std::shared_ptr<Session> session;  // from kPaired on
  HostFacts host;                    // hosts only
  Endpoint endpoint = Endpoint::kHost;
  std::string machine_id;  // an enrolled machine's, once it proved its key
  bool receipt_recorded = false;     // one receipt per side and session
  int permission_records = 0;        // consent messages recorded in this session
  int transfer_records = 0;          // clipboard and chat reports recorded in this session
  int file_records = 0;              // file reports recorded in this session
  UnprovenEntry unproven;            // until the technician logged in or the host got a code

  bool is_host() const { return role == wire::Party::kHost; }
  std::string_view role_name() const { return wire::ToWire(role); }
};

using TlsStream = net::beast::ssl_stream<net::beast::tcp_stream>;
using Request = net::http::request<net::http::empty_body>;

// An answer to a plain HTTPS request (the health check, the auditor's endpoints).
struct HttpAnswer {
  int status = 200;
  std::string body, content_type = "application/json";
  bool ask_for_credentials = false;  // 401: WWW-Authenticate
  int64_t retry_after_s = 0;         // 429: Retry-After
  HeaderList headers;                // more headers (the web viewer's security headers)
  // Sent instead of `body` when set: a web viewer file, shared by every answer, not copied.
  std::shared_ptr<const std::string> shared_body;
  bool may_keep_alive = false;       // the next request may come on this connection
};

class RelayCore {
 public:
  RelayCore(net::asio::io_context& io, RelayOptions options, std::unique_ptr<UserStore> users,
            std::unique_ptr<audit::AuditLog> audit, std::shared_ptr<net::ssl::context> tls);
  // Unattended access: the organisation's public key and what the relay keeps for it. Without
  // it, /v1/machine and /v1/org refuse with not_configured.
  Status SetOrganisation(Bytes org_key, std::unique_ptr<OrgStore> store);
  // The web viewer's files, served at / (before Start; none: / answers 404).
  void SetWebFiles(WebFiles files) { web_ = std::move(files); }
  ~RelayCore();

  Status Listen();
  uint16_t port() const { return port_; }
  void Start();     // accept loop and expiry sweeper
  void Shutdown();  // io thread only
  RelayStats& stats() { return *stats_; }
  bool stopping() const { return stopping_; }
  // Returns once Shutdown was called.
  net::asio::awaitable<void> WaitStopping();
  // Returns once no connection is left (true), or after `limit` (false).
  net::asio::awaitable<bool> WaitConnectionsClosed(Clock::duration limit);
  // Closes every peer's socket now (after the shutdown grace).
  void AbortAll();
  // The audit log's closing records and final checkpoint (after the io loop ends).
  void CloseAudit();

 private:
  // Accepting (server.cc).
  net::asio::awaitable<void> AcceptLoop();
  net::asio::awaitable<void> SweepLoop();
  void ExpireNameplates();
  net::asio::awaitable<void> HandleSocket(net::tcp::socket socket);
  net::asio::awaitable<std::optional<Request>> ReadRequest(TlsStream& stream,
                                                           net::beast::flat_buffer& buffer,
                                                           const std::string& address,
                                                           bool kept_alive);
  // The answer to an HTTP request that is not a WebSocket upgrade; nullopt: upgrade it.
  net::asio::awaitable<std::optional<HttpAnswer>> AnswerHttp(const std::string& address,
                                                             Request& req);
  net::asio::awaitable<void> UpgradeToWebSocket(TlsStream stream, Request req,
                                                std::string address, UnprovenEntry unproven);
  net::asio::awaitable<void> ServeWebSocket(net::WsStream ws, Endpoint endpoint,
                                            std::string address, UnprovenEntry unproven);
  // The relay is full: closes the oldest connection that has proven nothing yet.
  void MakeRoom();

  // Hosts (hosts.cc) and viewers (viewers.cc).
  net::asio::awaitable<void> RunHost(std::shared_ptr<PeerConn> peer);
  bool StartWaiting(PeerConn& peer, const wire::Hello& hello);
  net::asio::awaitable<void> RunViewer(std::shared_ptr<PeerConn> peer);
  net::asio::awaitable<std::optional<wire::Join>> ReadJoin(PeerConn& peer);
  net::asio::awaitable<std::optional<User>> LogIn(PeerConn& peer, wire::Join& join);
  std::shared_ptr<PeerConn> WaitingHost(PeerConn& viewer, const std::string& user,
                                        const std::string& nameplate);
  net::asio::awaitable<bool> RecordSessionStart(PeerConn& host, PeerConn& viewer,
                                                const User& technician,
                                                const std::string& ticket,
                                                const std::string& session_id);
  // Receives the first message, with a deadline; sends `timeout` when it passes.
  net::asio::awaitable<std::optional<net::Frame>> FirstMessage(PeerConn& peer);

  // Enrolled machines (machines.cc): enrolment, proof of the machine key, presence.
  struct KnownMachine {
    std::string record, name, customer;  // the org-signed record and what it says
    Bytes key;
    int64_t last_seen = 0;  // Unix seconds
    nlohmann::json inventory = nlohmann::json::object();  // the machine's word, parsed once
    std::weak_ptr<PeerConn> online;
  };
  net::asio::awaitable<void> RunMachine(std::shared_ptr<PeerConn> peer);
  net::asio::awaitable<void> Enrol(PeerConn& peer, const wire::Enrol& enrol);
  net::asio::awaitable<bool> ComeOnline(std::shared_ptr<PeerConn> peer,
                                        const wire::Present& present);
  net::asio::awaitable<std::optional<std::string>> ReceiveProof(PeerConn& peer);
  void OnInventory(PeerConn& peer, const nlohmann::json& inventory);
  bool RevokedMachine(const std::string& machine_id) const;
  // The machine a viewer asked for, online and free, or nullptr after telling it why.
  std::shared_ptr<PeerConn> WaitingMachine(PeerConn& viewer, const std::string& user,
                                           const std::string& wanted);
  const KnownMachine* FindMachine(const std::string& id_or_name, std::string& id,
                                  bool& ambiguous) const;
  void MachineGone(PeerConn& peer);
  // /v1/org (org_endpoint.cc): pending enrolments, approvals, revocations, the machine list.
  net::asio::awaitable<void> RunOrg(std::shared_ptr<PeerConn> peer);
  net::asio::awaitable<nlohmann::json> AnswerOrg(const User& user, PeerConn& peer,
                                                 const nlohmann::json& request);
  nlohmann::json ListPending();
  nlohmann::json Approve(const User& admin, const nlohmann::json& request);
  nlohmann::json Reject(const User& admin, const nlohmann::json& request);
  nlohmann::json PublishRevocations(const User& admin, const nlohmann::json& request);
  nlohmann::json ListMachines(const nlohmann::json& request);

  // Logins (login.cc). Who may log in for what: technicians (and admins) join sessions;
  // auditors (and admins) read the audit log.
  struct AuthOutcome {
    bool ok = false;
    std::optional<User> user;
    wire::ErrorCode error = wire::ErrorCode::kInternal;
    std::chrono::seconds retry_after{0};  // kRateLimited: when to try again (0: unknown)
  };
  enum class Purpose { kSession, kAudit, kOrg };
  net::asio::awaitable<AuthOutcome> Authenticate(std::string address, std::string name,
                                                 std::string password, Purpose purpose);
  std::optional<wire::ErrorCode> RefuseBeforeChecking(const std::string& address,
                                                      const std::string& name,
                                                      std::chrono::seconds& retry_after);
  AuthOutcome CheckPassword(const std::string& name, const crypto::SecretBytes& password,
                            Purpose purpose);
  void CountOutcome(const std::string& address_key, const std::string& account_key,
                    const AuthOutcome& outcome);

  // The local control socket (control.cc).
  Status ListenControl();
  net::asio::awaitable<void> ControlLoop();
  net::asio::awaitable<void> ServeControl(net::asio::local::stream_protocol::socket socket);
  net::asio::awaitable<nlohmann::json> AnswerControl(nlohmann::json request, std::string by);
  net::asio::awaitable<nlohmann::json> CheckpointNow();

  // GET /v1/audit/...: the read-only auditor endpoints (audit_http.cc).
  net::asio::awaitable<HttpAnswer> ServeAudit(std::string address, std::string target,
                                              std::string authorization);
  net::asio::awaitable<HttpAnswer> ReadAuditPage(std::string query);
  HttpAnswer AnswerHead(const std::string& auditor, const std::string& address);

  // Sessions (sessions.cc): pairing, forwarding, the messages of a paired peer, the end.
  void Pair(const std::shared_ptr<PeerConn>& host, const std::shared_ptr<PeerConn>& viewer,
            const User& technician, const std::string& ticket, const std::string& session_id);
  net::asio::awaitable<void> ReadLoop(std::shared_ptr<PeerConn> peer);
  void OnReceiveError(PeerConn& peer, const net::error_code& ec);
  // A text frame from a peer after its first message; false: the connection ends.
  bool OnControl(const std::shared_ptr<PeerConn>& peer, const std::string& text);
  void OnConsent(PeerConn& peer, const wire::Consent& consent);
  void OnTransfer(PeerConn& peer, const wire::Transfer& transfer);
  void OnReceipt(PeerConn& peer, const wire::Receipt& receipt);
  void OnAbort(PeerConn& peer, const wire::Abort& abort);
  // A binary frame: forwarded to the other side, waiting while its queue is full.
  net::asio::awaitable<void> Forward(PeerConn& peer, std::string data);
  // Ends the session once: tells the other side why and closes both connections.
  void EndSession(const std::shared_ptr<Session>& session, wire::EndReason reason,
                  const PeerConn* initiator);
  void CloseAfterReceipt(PeerConn& peer);

  void SendError(PeerConn& peer, wire::ErrorCode code, std::string detail = {});
  void RefuseJoin(PeerConn& viewer, const std::string& user, const std::string& nameplate,
                  wire::ErrorCode code);
  // Records the refused joins counted in windows that are over (all: every window, at stop).
  void FlushRefusedJoins(bool all);
  void LogDropped(const std::string& address, const std::string& why);
  // A log line of a kind floods produce: written unless `kind` had its share of the minute
  // (LogLimiter); the sweep summarises the rest.
  template <typename... Args>
  void FloodLog(log::Level level, std::string_view kind, const std::string& address,
                Args&&... args) {
    if (flood_logs_.Allow(kind, AddressGroup(address)))
      log::Write(level, log::Concat(std::forward<Args>(args)...));
  }
  void FlushFloodLogs(bool all);
  // Queues an audit record (written by the log's own thread; failures are logged there).
  // Records anyone can cause without an account (failed logins, refused joins, new hosts and
  // their codes) are kUnauthenticated: they may fill only half of the writer's queue.
  using AuditSource = audit::AuditLog::Source;
  void Audit(wire::AuditKind kind, const std::string& session, nlohmann::json data,
             AuditSource source = AuditSource::kSession);
  // Appends one and waits until it is durable: false if it could not be written.
  net::asio::awaitable<bool> AuditDurable(wire::AuditKind kind, std::string session,
                                          nlohmann::json data);
  // A host connection is done: host_gone is recorded once, and the state becomes kClosed.
  void CloseHost(PeerConn& peer, wire::EndReason reason);
  void Forget(PeerConn& peer);
  void EndWhenLeft(PeerConn& peer);
  void EndInGrace(const std::string& session_id);

  net::asio::io_context& io_;
  RelayOptions options_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::string run_id_;  // random per start: audit ids of connections never repeat
  std::shared_ptr<net::ssl::context> tls_;
  net::tcp::acceptor acceptor_;
  net::asio::local::stream_protocol::acceptor control_;
  uint16_t port_ = 0;
  PairingRegistry registry_;
  RateLimiter joins_;
  RateLimiter audit_reads_;     // per address, apart from joins: an audit never slows technicians
  RateLimiter host_connects_;   // per address: new hosts (each one is audited)
  LoginThrottle failures_by_address_, failures_by_account_;
  RefusalCounter refused_joins_;
  RefusalCounter dropped_logs_;  // log lines of dropped connections, per address and minute
  LogLimiter flood_logs_;        // log lines of floods, per kind and minute
  net::asio::thread_pool workers_{2};  // password checks (Argon2id)
  // Audit pages are read here, apart from the password checks: a large read never delays a
  // technician's login.
  net::asio::thread_pool audit_readers_{1};
  std::unordered_map<uint64_t, std::weak_ptr<PeerConn>> peers_;
  uint64_t next_id_ = 1;
  size_t logins_in_flight_ = 0;
  // Password checks in flight per address group (a few) and per account (one).
  std::unordered_multiset<std::string> logins_by_address_;
  std::unordered_set<std::string> logins_by_account_;
  bool stopping_ = false;
  net::AsyncEvent stopping_event_;
  // Shared with each connection's coroutine: a coroutine frame destroyed after the core (at
  // io_context teardown) still updates live counters, never freed memory; it wakes
  // WaitConnectionsClosed only while the core exists (a weak reference).
  std::shared_ptr<RelayStats> stats_ = std::make_shared<RelayStats>();
  using AddressCounts = std::unordered_map<std::string, size_t>;
  std::shared_ptr<AddressCounts> per_address_ = std::make_shared<AddressCounts>();
  UnprovenConnections unproven_;
  // Sessions one side left, waiting kAbortGrace for the other side's word (EndWhenLeft).
  std::unordered_map<std::string, std::function<void()>> ends_in_grace_;
  // Per address group: connections before the WebSocket upgrade.
  std::shared_ptr<AddressCounts> handshaking_ = std::make_shared<AddressCounts>();
  std::shared_ptr<net::AsyncEvent> connections_changed_;
  WebFiles web_;  // immutable once serving
  // Unattended access (SetOrganisation); io thread, except the store (thread-safe).
  Bytes org_key_;
  std::unique_ptr<OrgStore> org_store_;
  std::unordered_map<std::string, KnownMachine> machines_;  // by machine id
  std::string revocations_;  // the latest signed list's text ("" when none)
  std::unordered_set<std::string> revoked_machines_;
  // Pending requests by machine id (at most kMaxPendingEnrolments, kMaxPendingPerAddress of one
  // address group): enough to judge an approval without reading the store.
  struct PendingMachine {
    std::string address_group;
    std::string machine_key;  // hex, as the request gave it
  };
  std::unordered_map<std::string, PendingMachine> pending_enrolments_;
};

// An enrolled machine's messages after its proof: its inventory, at most this large.
inline constexpr size_t kMachineMessageLimit = 17 * 1024;
// Pending enrolment requests kept at once (anyone may send one: they must not fill the disk).
inline constexpr size_t kMaxPendingEnrolments = 1000;
inline constexpr size_t kMaxPendingPerAddress = 50;  // a customer's site enrols in batches

}  // namespace telemaint::relay
