// Accepting connections: TLS, the HTTP request (health check, auditor endpoints or WebSocket
// upgrade), limits on connection count and handshake time, the expiry sweeper and shutdown.
#include "common/address.h"
#include "common/log.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "net/local_socket.h"
#include "relay/core.h"
#include "common/sentences.h"
#include "relay/throttle.h"

namespace telemaint::relay {

using namespace net;
using wire::ErrorCode;

namespace {
constexpr size_t kHandshakeSlack = 64;  // connections over the limit still told "busy"
// How long a session whose one side closed waits for the other side's abort (see EndWhenLeft).
constexpr auto kAbortGrace = std::chrono::milliseconds(500);
// The TLS deadline covers the request; an auditor's login and page of records get this.
constexpr auto kAuditRequestTime = std::chrono::seconds(120);
// An auditor's tool reads every page over one connection; it is closed after this many.
constexpr int kMaxAuditRequests = 1000;
// A browser loads the web viewer's page, script and style over one connection: a few
// requests, each soon after the last, then the connection goes (it holds a handshake slot).
constexpr int kMaxWebRequests = 8;
constexpr auto kWebIdleTime = std::chrono::seconds(3);
// A new connection's first byte (its TLS hello) must come this soon: a silent socket must not
// hold a connection slot for the whole TLS timeout.
constexpr auto kFirstByteTime = std::chrono::seconds(3);
// Connections of one address that have not yet reached the WebSocket upgrade (or an audit
// answer): an address cannot fill the relay with handshakes.
constexpr size_t kHandshakingPerAddress = 32;

// Waits until the socket has something to read; false after `limit` or on an error.
asio::awaitable<bool> FirstByteWithin(tcp::socket& socket, std::chrono::seconds limit) {
  asio::steady_timer timer(socket.get_executor(), limit);
  auto waiting = std::make_shared<bool>(true);  // the handler may run after we return
  timer.async_wait([waiting, &socket](error_code ec) {
    error_code ignored;
    if (!ec && *waiting) socket.cancel(ignored);
  });
  error_code ec;
  co_await socket.async_wait(tcp::socket::wait_read, Nothrow(ec));
  *waiting = false;
  timer.cancel();
  co_return !ec;
}

// Counts one connection of an address as handshaking while it lives.
// Shared, like the connection counts: a coroutine frame destroyed after the core (at io_context
// teardown) must not touch freed memory.
struct Handshaking {
  std::shared_ptr<std::unordered_map<std::string, size_t>> counts_owner;
  std::string address;
  bool counted = false;
  bool Enter(size_t limit) {
    auto& counts = *counts_owner;
    if (counts[address] >= limit) return false;
    ++counts[address];
    counted = true;
    return true;
  }
  void Leave() {
    if (!counted) return;
    counted = false;
    auto& counts = *counts_owner;
    if (--counts[address] == 0) counts.erase(address);
  }
  ~Handshaking() { Leave(); }
};

uint32_t RandomBelow(uint32_t n) { return crypto::RandomUniform(n); }

PairingRegistry::Options RegistryOptions(const RelayOptions& o) {
  PairingRegistry::Options r;
  r.max_waiting = o.max_waiting_hosts;
  r.ttl = o.code_ttl;
  return r;
}

// One connection counted, overall and for its address, while its handler runs.
class ConnectionSlot {
 public:
  ConnectionSlot(std::shared_ptr<RelayStats> stats,
                 std::shared_ptr<std::unordered_map<std::string, size_t>> per_address,
                 std::weak_ptr<AsyncEvent> changed, std::string address)
      : stats_(std::move(stats)),
        per_address_(std::move(per_address)),
        changed_(std::move(changed)),
        address_(std::move(address)) {
    ++stats_->connections;
    ++(*per_address_)[address_];
  }
  ~ConnectionSlot() {
    --stats_->connections;
    if (--(*per_address_)[address_] == 0) per_address_->erase(address_);
    if (auto changed = changed_.lock()) changed->Notify();
  }

 private:
  std::shared_ptr<RelayStats> stats_;
  std::shared_ptr<std::unordered_map<std::string, size_t>> per_address_;
  std::weak_ptr<AsyncEvent> changed_;
  std::string address_;
};

template <class Body>
void SetHeaders(http::response<Body>& res, const HttpAnswer& answer, bool again) {
  res.set(http::field::server, "telemaint-relay");
  res.set(http::field::content_type, answer.content_type);
  if (answer.ask_for_credentials)
    res.set(http::field::www_authenticate, "Basic realm=\"telemaint audit\"");
  if (answer.retry_after_s > 0)
    res.set(http::field::retry_after, std::to_string(answer.retry_after_s));
  for (const auto& [name, value] : answer.headers) res.set(name, value);
  res.keep_alive(again);
}

// Writes the answer; unless `again` (another request may follow), closes the connection.
// false: the connection failed.
asio::awaitable<bool> Respond(TlsStream& stream, unsigned version, HttpAnswer answer, bool again) {
  const auto status = static_cast<http::status>(answer.status);
  error_code ec;
  if (answer.shared_body) {
    http::response<http::span_body<const char>> res{status, version};
    SetHeaders(res, answer, again);
    res.body() = {answer.shared_body->data(), answer.shared_body->size()};
    res.prepare_payload();
    co_await http::async_write(stream, res, Nothrow(ec));
  } else {
    http::response<http::string_body> res{status, version};
    SetHeaders(res, answer, again);
    res.body() = std::move(answer.body);
    res.prepare_payload();
    co_await http::async_write(stream, res, Nothrow(ec));
  }
  if (again && !ec) co_return true;
  error_code ignored;
  co_await stream.async_shutdown(Nothrow(ignored));
  co_return false;
}

bool IsAuditRequest(const Request& req) {
  return req.target().starts_with("/v1/audit/") && req.method() == http::verb::get;
}

HttpAnswer JsonAnswer(int status, nlohmann::json body) {
  HttpAnswer a;
  a.status = status;
  a.body = body.dump();
  return a;
}

void SetWebSocketOptions(WsStream& ws, const RelayOptions& options) {
  net::SetStreamOptions(ws, options.tls_timeout, options.idle_timeout);
  beast::get_lowest_layer(ws).expires_never();
}

}  // namespace

RelayCore::RelayCore(asio::io_context& io, RelayOptions options, std::unique_ptr<UserStore> users,
                     std::unique_ptr<audit::AuditLog> audit, std::shared_ptr<ssl::context> tls)
    : io_(io),
      options_(std::move(options)),
      users_(std::move(users)),
      audit_(std::move(audit)),
      run_id_(crypto::RandomHex(4)),
      tls_(std::move(tls)),
      acceptor_(io),
      control_(io),
      registry_(RegistryOptions(options_), options_.now, RandomBelow),
      joins_(options_.joins_per_minute, options_.join_burst, options_.now),
      audit_reads_(600, 200, options_.now),
      host_connects_(options_.hosts_per_minute, options_.host_burst, options_.now),
      failures_by_address_({}, options_.now),
      failures_by_account_({}, options_.now),
      refused_joins_(options_.now),
      dropped_logs_(options_.now),
      flood_logs_(options_.now),
      stopping_event_(io.get_executor()),
      connections_changed_(std::make_shared<AsyncEvent>(io.get_executor())) {}

RelayCore::~RelayCore() {
  workers_.join();
  audit_readers_.join();
}

Status RelayCore::Listen() {
  auto hp = ParseHostPort(options_.listen, /*allow_zero=*/true);
  if (!hp.ok()) return hp.status();
  auto listening = ListenOn(acceptor_, *hp, asio::socket_base::max_listen_connections);
  if (!listening.ok() && listening.status().code() == Status::Code::kInvalidInput)
    return Status::InvalidInput("--listen " + listening.status().message());
  if (!listening.ok()) return listening.status();
  port_ = *listening;
  return ListenControl();
}

void RelayCore::Start() {
  // Warm the dummy hash so the first unknown-account login costs what a real one does.
  asio::post(workers_, [] { (void)crypto::DummyPasswordHash(); });
  co_spawn(io_, AcceptLoop(), asio::detached);
  co_spawn(io_, SweepLoop(), asio::detached);
  co_spawn(io_, ControlLoop(), asio::detached);
}

asio::awaitable<void> RelayCore::AcceptLoop() {
  while (!stopping_) {
    error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(Nothrow(ec));
    if (ec) {
      if (stopping_) break;
      log::Warn("accept failed: ", ec.message());
      if (ec == asio::error::no_descriptors) co_await SleepFor(std::chrono::milliseconds(100));
      continue;
    }
    if (stats_->connections >= options_.max_connections + kHandshakeSlack) {
      LogDropped(socket.remote_endpoint(ec).address().to_string(), "hard connection limit");
      continue;  // socket closes as it goes out of scope
    }
    std::string address = socket.remote_endpoint(ec).address().to_string();
    // find, not []: a flood of new addresses must leave no zero counts behind.
    const auto held = per_address_->find(AddressGroup(address));
    if (held != per_address_->end() && held->second >= options_.max_connections_per_address) {
      LogDropped(address, "too many connections from this address");
      continue;
    }
    co_spawn(io_, HandleSocket(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> RelayCore::SweepLoop() {
  const Clock::duration every = std::chrono::milliseconds(250);
  bool slept = true;
  while (!stopping_ && slept) {
    slept = co_await SleepFor(every);
    if (!slept) continue;
    ExpireNameplates();
    FlushRefusedJoins(/*all=*/false);
    for (auto& summary : dropped_logs_.TakeFinished())
      FloodLog(
          log::Level::kWarn, "summary of dropped connections", summary.address, "connections from ",
          summary.address, ": ", summary.suppressed,
          " more dropped within a minute (suppressed): ", nlohmann::json(summary.results).dump());
    FlushFloodLogs(/*all=*/false);
    stats_->waiting_hosts = registry_.waiting();
  }
}

void RelayCore::ExpireNameplates() {
  for (uint64_t host_id : registry_.ExpireDue()) {
    auto it = peers_.find(host_id);
    if (it == peers_.end()) continue;
    auto peer = it->second.lock();
    if (!peer) continue;
    log::Info("nameplate ", peer->nameplate, " expired (host ", peer->address, ")");
    Audit(wire::AuditKind::kCodeExpired, "",
          {{"conn", peer->host.audit_id}, {"nameplate", peer->nameplate}},
          AuditSource::kUnauthenticated);
    peer->nameplate.clear();
    SendError(*peer, ErrorCode::kCodeExpired);
  }
}

void RelayCore::SendError(PeerConn& peer, ErrorCode code, std::string detail) {
  std::string sentence = msg::Sentence(code);
  if (!detail.empty()) sentence += " " + detail;
  peer.conn->SendText(wire::Encode(wire::Error{code, std::move(sentence)}));
  peer.conn->CloseAfterFlush(websocket::close_code::policy_error, std::string(wire::ToWire(code)));
}

void RelayCore::FlushFloodLogs(bool all) {
  for (const auto& s : flood_logs_.TakeFinished(all))
    log::Warn(s.suppressed, " more '", s.kind, "' line(s) from ", s.addresses,
              " address(es) within a minute (suppressed)");
}

// A side that closes after the other side ended the session (its final message went through
// the channel, its abort is a moment behind): the other side's word is the session's ending if
// it comes within kAbortGrace; otherwise this side left.
void RelayCore::EndWhenLeft(PeerConn& peer) {
  const auto reason = peer.is_host() ? wire::EndReason::kHostLeft : wire::EndReason::kViewerLeft;
  auto session = peer.session;
  auto self = (peer.is_host() ? session->host : session->viewer).lock();
  if (stopping_ || !self) {
    EndSession(session, reason, &peer);
    return;
  }
  // The first side to leave is the one recorded.
  ends_in_grace_.try_emplace(session->id, [this, session, self, reason] {
    if (!session->ended) EndSession(session, reason, self.get());
  });
  auto grace = std::make_shared<asio::steady_timer>(io_, kAbortGrace);
  grace->async_wait([this, grace, id = session->id](error_code) { EndInGrace(id); });
}

void RelayCore::EndInGrace(const std::string& session_id) {
  auto it = ends_in_grace_.find(session_id);
  if (it == ends_in_grace_.end()) return;
  auto end = std::move(it->second);
  ends_in_grace_.erase(it);
  end();
}

void RelayCore::MakeRoom() {
  if (auto closed = unproven_.CloseOldest()) {
    ++stats_->closed_for_room;
    LogDropped(*closed, "closed to make room for a newer connection (the relay is full)");
  }
}

// A flood's log lines: the first of each address in its minute, then a summary.
void RelayCore::LogDropped(const std::string& address, const std::string& why) {
  if (dropped_logs_.First(AddressGroup(address), why))
    FloodLog(log::Level::kWarn, "dropped connection", address, "connection from ", address,
             " dropped: ", why);
}

asio::awaitable<void> RelayCore::HandleSocket(tcp::socket socket) {
  error_code ec;
  std::string address = socket.remote_endpoint(ec).address().to_string();
  ConnectionSlot slot(stats_, per_address_, connections_changed_, AddressGroup(address));
  Handshaking handshaking{handshaking_, AddressGroup(address)};
  if (!handshaking.Enter(kHandshakingPerAddress)) {
    LogDropped(address, "too many handshakes from this address");
    co_return;
  }
  const auto first_byte_time = std::min(kFirstByteTime, options_.tls_timeout);
  const bool spoke = co_await FirstByteWithin(socket, first_byte_time);
  if (!spoke) {
    LogDropped(address, "nothing sent within " + std::to_string(first_byte_time.count()) + " s");
    co_return;
  }
  // Only a newcomer that passed the per-address limits and spoke makes room (a bare connect
  // closes nobody), and then joins the list of those that may be closed for room.
  if (stats_->connections > options_.max_connections) MakeRoom();
  UnprovenEntry unproven = unproven_.Add(address, [&socket] {
    error_code ignored;
    socket.close(ignored);
  });
  socket.set_option(tcp::no_delay(true), ec);
  TlsStream stream(std::move(socket), *tls_);
  unproven.SetClose([&stream] { beast::get_lowest_layer(stream).close(); });
  beast::get_lowest_layer(stream).expires_after(options_.tls_timeout);
  error_code hec;
  co_await stream.async_handshake(ssl::stream_base::server, Nothrow(hec));
  if (hec) {
    FloodLog(log::Level::kInfo, "TLS handshake failed", address, "TLS handshake with ", address,
             " failed: ", hec.message());
    co_return;
  }
  beast::flat_buffer buffer;
  bool kept_alive = false;  // a request was answered: an idle end is no fault
  for (int served = 1;; ++served) {
    auto req = co_await ReadRequest(stream, buffer, address, kept_alive);
    if (!req) co_return;
    if (IsAuditRequest(*req)) beast::get_lowest_layer(stream).expires_after(kAuditRequestTime);
    auto answer = co_await AnswerHttp(address, *req);
    if (!answer) {
      handshaking.Leave();  // a WebSocket now: its own limits (hello, login, pairing) apply
      co_await UpgradeToWebSocket(std::move(stream), std::move(*req), std::move(address),
                                  std::move(unproven));
      co_return;
    }
    if (IsAuditRequest(*req) && answer->status == 200) unproven.Proven();  // an auditor
    const bool web = answer->may_keep_alive;
    const bool again =
        req->keep_alive() &&
        (web ? served < kMaxWebRequests : IsAuditRequest(*req) && served < kMaxAuditRequests);
    const bool open = co_await Respond(stream, req->version(), std::move(*answer), again);
    if (!open) co_return;
    // The next request of an auditor's tool (or a browser) must come soon, as the first had to.
    beast::get_lowest_layer(stream).expires_after(
        web ? std::min<std::chrono::seconds>(kWebIdleTime, options_.tls_timeout)
            : options_.tls_timeout);
    kept_alive = true;
  }
}

asio::awaitable<std::optional<Request>> RelayCore::ReadRequest(TlsStream& stream,
                                                               beast::flat_buffer& buffer,
                                                               const std::string& address,
                                                               bool kept_alive) {
  http::request_parser<http::empty_body> parser;
  parser.header_limit(8192);
  parser.body_limit(0);
  error_code ec;
  co_await http::async_read(stream, buffer, parser, Nothrow(ec));
  if (ec == http::error::end_of_stream) co_return std::nullopt;  // a kept connection ended
  // A kept connection that went idle or was dropped between requests: no fault to log.
  if (ec && kept_alive && !parser.got_some()) co_return std::nullopt;
  if (ec) {
    FloodLog(log::Level::kInfo, "no valid HTTP request", address, "no valid HTTP request from ",
             address, ": ", ec.message());
    co_return std::nullopt;
  }
  co_return parser.release();
}

asio::awaitable<void> RelayCore::UpgradeToWebSocket(TlsStream stream, Request req,
                                                    std::string address, UnprovenEntry unproven) {
  WsStream ws(std::move(stream));
  unproven.SetClose([&ws] { beast::get_lowest_layer(ws).close(); });
  SetWebSocketOptions(ws, options_);
  error_code aec;
  co_await ws.async_accept(req, Nothrow(aec));
  if (aec) {
    FloodLog(log::Level::kInfo, "WebSocket upgrade failed", address, "WebSocket upgrade from ",
             address, " failed: ", aec.message());
    co_return;
  }
  const Endpoint endpoint = req.target() == "/v1/host"      ? Endpoint::kHost
                            : req.target() == "/v1/machine" ? Endpoint::kMachine
                            : req.target() == "/v1/org"     ? Endpoint::kOrg
                                                            : Endpoint::kViewer;
  co_await ServeWebSocket(std::move(ws), endpoint, std::move(address), std::move(unproven));
}

asio::awaitable<std::optional<HttpAnswer>> RelayCore::AnswerHttp(const std::string& address,
                                                                 Request& req) {
  const std::string target(req.target());
  if (target == "/healthz" && req.method() == http::verb::get)
    co_return JsonAnswer(200, {{"status", "ok"}});
  if (target.rfind("/v1/audit/", 0) == 0 && req.method() == http::verb::get) {
    std::string authorization(req[http::field::authorization]);
    req.erase(http::field::authorization);  // the password is not kept in the request
    co_return co_await ServeAudit(address, target, std::move(authorization));
  }
  if (const WebFile* file = web_.Find(target); file && req.method() == http::verb::get) {
    HttpAnswer a;
    a.shared_body = file->body;
    a.content_type = file->content_type;
    a.headers = WebFiles::SecurityHeaders(*file);
    a.may_keep_alive = true;  // the page, its script and its style over one connection
    co_return a;
  }
  const bool endpoint = target == "/v1/host" || target == "/v1/viewer" || target == "/v1/machine" ||
                        target == "/v1/org";
  if (!endpoint || !websocket::is_upgrade(req))
    co_return JsonAnswer(404, {{"error", "unknown endpoint"}});
  if (stopping_ || stats_->connections > options_.max_connections) {
    FloodLog(log::Level::kWarn, "refused: relay full", address, "refused ", address, ": ",
             stopping_ ? "shutting down" : "connection limit reached");
    const ErrorCode code = stopping_ ? ErrorCode::kShuttingDown : ErrorCode::kServerBusy;
    co_return JsonAnswer(503, {{"error", wire::ToWire(code)}, {"message", msg::Sentence(code)}});
  }
  co_return std::nullopt;
}

asio::awaitable<void> RelayCore::ServeWebSocket(WsStream ws, Endpoint endpoint, std::string address,
                                                UnprovenEntry unproven) {
  auto peer = std::make_shared<PeerConn>();
  peer->id = next_id_++;
  peer->endpoint = endpoint;
  // A machine is the host of its sessions; an admin's or technician's requests are a viewer's.
  peer->role = endpoint == Endpoint::kHost || endpoint == Endpoint::kMachine ? wire::Party::kHost
                                                                             : wire::Party::kViewer;
  peer->address = std::move(address);
  peer->conn = std::make_shared<WsConnection>(
      std::move(ws), QueueLimits{options_.queue_frames, options_.queue_bytes});
  // Control messages only until paired (see Pair): nobody unauthenticated gets 1 MiB buffers.
  peer->conn->set_max_message_bytes(options_.max_control_bytes);
  peer->conn->Start();
  peer->unproven = std::move(unproven);
  peer->unproven.SetClose([conn = std::weak_ptr<WsConnection>(peer->conn)] {
    if (auto c = conn.lock()) c->Abort();
  });
  peers_[peer->id] = peer;
  switch (endpoint) {
    case Endpoint::kHost:
      co_await RunHost(peer);
      break;
    case Endpoint::kViewer:
      co_await RunViewer(peer);
      break;
    case Endpoint::kMachine:
      co_await RunMachine(peer);
      break;
    case Endpoint::kOrg:
      co_await RunOrg(peer);
      break;
  }
  Forget(*peer);
  co_await peer->conn->WaitClosed();
}

void RelayCore::Audit(wire::AuditKind kind, const std::string& session, nlohmann::json data,
                      AuditSource source) {
  if (audit_) audit_->Append(kind, session, std::move(data), {}, source);
}

asio::awaitable<bool> RelayCore::AuditDurable(wire::AuditKind kind, std::string session,
                                              nlohmann::json data) {
  if (!audit_) co_return false;
  // The writer thread calls back; the answer comes to this (io) thread through the event.
  struct Wait {
    explicit Wait(asio::any_io_executor ex) : done(ex) {}
    AsyncEvent done;
    bool ok = false;
  };
  auto wait = std::make_shared<Wait>(io_.get_executor());
  audit_->Append(kind, std::move(session), std::move(data), [wait, &io = io_](Status s) {
    asio::post(io, [wait, ok = s.ok()] {
      wait->ok = ok;
      wait->done.Set();
    });
  });
  co_await wait->done.Wait();
  co_return wait->ok;
}

void RelayCore::CloseHost(PeerConn& peer, wire::EndReason reason) {
  if (peer.state == ConnState::kClosed) return;
  peer.state = ConnState::kClosed;
  if (!peer.is_host() || peer.host.audit_id.empty()) return;
  Audit(wire::AuditKind::kHostGone, "",
        {{"conn", peer.host.audit_id}, {"reason", wire::ToWire(reason)}},
        peer.session ? AuditSource::kSession : AuditSource::kUnauthenticated);
}

void RelayCore::CloseAudit() {
  if (!audit_) return;
  FlushRefusedJoins(/*all=*/true);
  FlushFloodLogs(/*all=*/true);
  while (!ends_in_grace_.empty()) EndInGrace(ends_in_grace_.begin()->first);
  // Hosts still connected when the loop stopped (they did not leave within the grace).
  for (auto& [id, weak] : peers_)
    if (auto peer = weak.lock()) CloseHost(*peer, wire::EndReason::kRelayShutdown);
  if (Status s = audit_->Close(); !s.ok())
    log::Error("audit log: cannot write the closing checkpoint: ", s.message());
  audit_.reset();
}

void RelayCore::Forget(PeerConn& peer) {
  if (peer.session && !peer.session->ended) EndWhenLeft(peer);
  if (!peer.machine_id.empty()) MachineGone(peer);
  CloseHost(peer, stopping_ ? wire::EndReason::kRelayShutdown : wire::EndReason::kDisconnected);
  if (!peer.nameplate.empty()) {
    auto found = registry_.Find(peer.nameplate);
    if (found.state == PairingRegistry::Lookup::kWaiting && found.host == peer.id)
      registry_.Release(peer.nameplate);
    peer.nameplate.clear();
  }
  peer.conn->CloseAfterFlush(websocket::close_code::normal);
  peers_.erase(peer.id);
  stats_->waiting_hosts = registry_.waiting();
}

void RelayCore::AbortAll() {
  for (auto& [id, weak] : peers_)
    if (auto peer = weak.lock()) peer->conn->Abort();
}

asio::awaitable<void> RelayCore::WaitStopping() { co_await stopping_event_.Wait(); }

asio::awaitable<bool> RelayCore::WaitConnectionsClosed(Clock::duration limit) {
  auto timed_out = std::make_shared<bool>(false);
  asio::steady_timer timer(io_, limit);
  timer.async_wait([timed_out, changed = connections_changed_](error_code ec) {
    if (ec) return;
    *timed_out = true;
    changed->Notify();
  });
  while (stats_->connections > 0 && !*timed_out) co_await connections_changed_->WaitNotified();
  timer.cancel();
  co_return stats_->connections == 0;
}

void RelayCore::Shutdown() {
  if (stopping_) return;
  stopping_ = true;
  stopping_event_.Set();
  log::Info("shutting down: telling ", peers_.size(), " connected peers");
  error_code ec;
  acceptor_.close(ec);
  control_.close(ec);
  ::unlink(ControlSocketPath(options_.data_dir).c_str());
  auto peers = peers_;  // EndSession may modify the map
  for (auto& [id, weak] : peers) {
    auto peer = weak.lock();
    if (!peer) continue;
    if (peer->session) {
      // Both sides are told by peer_gone (ending the session with the first of them); the
      // receipt grace then closes each connection.
      if (!peer->session->ended)
        EndSession(peer->session, wire::EndReason::kRelayShutdown, nullptr);
      continue;
    }
    SendError(*peer, ErrorCode::kShuttingDown);
  }
}

}  // namespace telemaint::relay
