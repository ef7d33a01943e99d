// Accepting connections: TLS, the HTTP request (health check or WebSocket upgrade), limits on
// connection count and handshake time, the expiry sweeper and shutdown.
#include "common/address.h"
#include "common/log.h"
#include "common/wire.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "relay/core.h"
#include "relay/messages.h"

namespace telemaint::relay {

using namespace net;

namespace {
constexpr size_t kHandshakeSlack = 64;  // connections over the limit still told "busy"

uint32_t RandomBelow(uint32_t n) { return crypto::RandomUniform(n); }

PairingRegistry::Options RegistryOptions(const RelayOptions& o) {
  PairingRegistry::Options r;
  r.max_waiting = o.max_waiting_hosts;
  r.ttl = o.code_ttl;
  return r;
}
}  // namespace

RelayCore::RelayCore(asio::io_context& io, RelayOptions options,
                     std::unique_ptr<UserStore> users, std::unique_ptr<audit::AuditLog> audit,
                     std::shared_ptr<ssl::context> tls)
    : io_(io),
      options_(std::move(options)),
      users_(std::move(users)),
      audit_(std::move(audit)),
      run_id_(crypto::RandomHex(4)),
      tls_(std::move(tls)),
      acceptor_(io),
      registry_(RegistryOptions(options_), options_.now, RandomBelow),
      joins_(options_.joins_per_minute, options_.join_burst, options_.now),
      audit_reads_(600, 200, options_.now),
      host_connects_(options_.hosts_per_minute, options_.host_burst, options_.now),
      failures_by_address_({}, options_.now),
      failures_by_account_({}, options_.now) {}

RelayCore::~RelayCore() {
  workers_.join();
  audit_readers_.join();
}

Status RelayCore::Listen() {
  auto hp = ParseHostPort(options_.listen, /*allow_zero=*/true);
  if (!hp.ok()) return hp.status();
  error_code ec;
  auto addr = asio::ip::make_address(hp->host, ec);
  if (ec) return Status::InvalidInput("--listen needs an IP address, got '" + hp->host + "'");
  tcp::endpoint ep(addr, hp->port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Io("cannot listen on " + options_.listen + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  return Status::Ok();
}

void RelayCore::Start() {
  // Warm the dummy hash so the first unknown-account login costs what a real one does.
  asio::post(workers_, [] { (void)crypto::DummyPasswordHash(); });
  co_spawn(io_, AcceptLoop(), asio::detached);
  co_spawn(io_, SweepLoop(), asio::detached);
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
      log::Warn("connection from ", socket.remote_endpoint(ec).address().to_string(),
                " dropped: hard connection limit reached");
      continue;  // socket closes as it goes out of scope
    }
    std::string address = socket.remote_endpoint(ec).address().to_string();
    if ((*per_address_)[address] >= options_.max_connections_per_address) {
      log::Warn("connection from ", address, " dropped: too many connections from this address");
      continue;
    }
    co_spawn(io_, HandleSocket(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> RelayCore::SweepLoop() {
  while (!stopping_) {
    if (!co_await SleepFor(std::chrono::milliseconds(250))) break;
    for (uint64_t host_id : registry_.ExpireDue()) {
      auto it = peers_.find(host_id);
      if (it == peers_.end()) continue;
      if (auto peer = it->second.lock()) {
        log::Info("nameplate ", peer->nameplate, " expired (host ", peer->address, ")");
        Audit("code_expired", "", {{"conn", peer->audit_id}, {"nameplate", peer->nameplate}});
        peer->nameplate.clear();
        SendError(*peer, msg::kCodeExpired);
      }
    }
    stats_->waiting_hosts = registry_.waiting();
  }
}

void RelayCore::SendError(PeerConn& peer, std::string_view code) {
  peer.conn->SendText(wire::Encode(wire::Error{std::string(code), msg::Sentence(code)}));
  peer.conn->CloseAfterFlush(websocket::close_code::policy_error, std::string(code));
}

asio::awaitable<void> RelayCore::HandleSocket(tcp::socket socket) {
  error_code ec;
  std::string address = socket.remote_endpoint(ec).address().to_string();
  ++stats_->connections;
  ++(*per_address_)[address];
  struct Count {
    std::shared_ptr<RelayStats> stats;
    std::shared_ptr<AddressCounts> per_address;
    std::string address;
    ~Count() {
      --stats->connections;
      if (--(*per_address)[address] == 0) per_address->erase(address);
    }
  } count{stats_, per_address_, address};
  socket.set_option(tcp::no_delay(true), ec);
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls_);
  beast::get_lowest_layer(stream).expires_after(options_.tls_timeout);
  error_code hec;
  co_await stream.async_handshake(ssl::stream_base::server, Nothrow(hec));
  if (hec) {
    log::Info("TLS handshake with ", address, " failed: ", hec.message());
    co_return;
  }

  beast::flat_buffer buffer;
  http::request_parser<http::empty_body> parser;
  parser.header_limit(8192);
  parser.body_limit(0);
  error_code rec;
  co_await http::async_read(stream, buffer, parser, Nothrow(rec));
  if (rec) {
    log::Info("no valid HTTP request from ", address, ": ", rec.message());
    co_return;
  }
  auto req = parser.release();
  std::string target(req.target());

  // Called with named arguments: GCC 12 mishandles temporaries passed to coroutines.
  auto respond = [&](http::status status, const std::string& body,
                     const char* content_type = "application/json",
                     bool ask_for_credentials = false) -> asio::awaitable<void> {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::server, "telemaint-relay");
    res.set(http::field::content_type, content_type);
    if (ask_for_credentials) res.set(http::field::www_authenticate, "Basic realm=\"telemaint audit\"");
    res.keep_alive(false);
    res.body() = body;
    res.prepare_payload();
    error_code ignored;
    co_await http::async_write(stream, res, Nothrow(ignored));
    co_await stream.async_shutdown(Nothrow(ignored));
  };

  if (target == "/healthz" && req.method() == http::verb::get) {
    const std::string body = R"({"status":"ok"})";
    co_await respond(http::status::ok, body);
    co_return;
  }
  if (target.rfind("/v1/audit/", 0) == 0 && req.method() == http::verb::get) {
    std::string authorization(req[http::field::authorization]);
    req.erase(http::field::authorization);  // the password is not kept in the request
    // The TLS deadline covered the request; a login and a page of records get their own.
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(120));
    auto answer = co_await ServeAudit(address, target, std::move(authorization));
    const auto status = static_cast<http::status>(answer.status);
    co_await respond(status, answer.body, answer.content_type.c_str(), answer.ask_for_credentials);
    co_return;
  }
  bool is_host = target == "/v1/host";
  if ((!is_host && target != "/v1/viewer") || !websocket::is_upgrade(req)) {
    const std::string body = R"({"error":"unknown endpoint"})";
    co_await respond(http::status::not_found, body);
    co_return;
  }
  if (stopping_ || stats_->connections > options_.max_connections) {
    log::Warn("refused ", address, ": ", stopping_ ? "shutting down" : "connection limit reached");
    std::string_view code = stopping_ ? msg::kShuttingDown : msg::kServerBusy;
    const std::string body = R"({"error":")" + std::string(code) + R"(","message":")" +
                             msg::Sentence(code) + "\"}";
    co_await respond(http::status::service_unavailable, body);
    co_return;
  }

  WsStream ws(std::move(stream));
  websocket::stream_base::timeout t{};
  t.handshake_timeout = options_.tls_timeout;
  t.idle_timeout = options_.idle_timeout;
  t.keep_alive_pings = true;
  ws.set_option(t);
  websocket::permessage_deflate pmd;  // ciphertext does not compress
  pmd.server_enable = false;
  ws.set_option(pmd);
  ws.read_message_max(0);  // WsConnection enforces max_data_frame itself
  ws.write_buffer_bytes(65536);
  beast::get_lowest_layer(ws).expires_never();
  error_code aec;
  co_await ws.async_accept(req, Nothrow(aec));
  if (aec) {
    log::Info("WebSocket upgrade from ", address, " failed: ", aec.message());
    co_return;
  }

  auto peer = std::make_shared<PeerConn>();
  peer->id = next_id_++;
  peer->is_host = is_host;
  peer->address = address;
  peer->conn = std::make_shared<WsConnection>(
      std::move(ws), QueueLimits{options_.queue_frames, options_.queue_bytes});
  // Control messages only until paired (see Pair): nobody unauthenticated gets 1 MiB buffers.
  peer->conn->set_max_message_bytes(options_.max_control_bytes);
  peer->conn->Start();
  peers_[peer->id] = peer;
  if (is_host)
    co_await RunHost(peer);
  else
    co_await RunViewer(peer);
  Forget(*peer);
  co_await peer->conn->WaitClosed();
}

void RelayCore::Audit(const std::string& kind, const std::string& session, nlohmann::json data) {
  if (audit_) audit_->Append(kind, session, std::move(data));
}

asio::awaitable<bool> RelayCore::AuditDurable(std::string kind, std::string session,
                                              nlohmann::json data) {
  if (!audit_) co_return false;
  // The writer thread calls back; the answer comes to this (io) thread through the event.
  struct Wait {
    explicit Wait(asio::any_io_executor ex) : done(ex) {}
    AsyncEvent done;
    bool ok = false;
  };
  auto wait = std::make_shared<Wait>(io_.get_executor());
  audit_->Append(std::move(kind), std::move(session), std::move(data),
                 [wait, &io = io_](Status s) {
                   asio::post(io, [wait, ok = s.ok()] {
                     wait->ok = ok;
                     wait->done.Set();
                   });
                 });
  co_await wait->done.Wait();
  co_return wait->ok;
}

void RelayCore::AuditHostGone(PeerConn& peer, const std::string& reason) {
  if (!peer.is_host || peer.audit_id.empty() || peer.gone_recorded) return;
  peer.gone_recorded = true;
  Audit("host_gone", "", {{"conn", peer.audit_id}, {"reason", reason}});
}

void RelayCore::CloseAudit() {
  if (!audit_) return;
  // Hosts still connected when the loop stopped (they did not leave within the grace).
  for (auto& [id, weak] : peers_)
    if (auto peer = weak.lock()) AuditHostGone(*peer, "relay_shutdown");
  if (Status s = audit_->Close(); !s.ok())
    log::Error("audit log: cannot write the closing checkpoint: ", s.message());
  audit_.reset();
}

void RelayCore::Forget(PeerConn& peer) {
  if (peer.session && !peer.session->ended)
    EndSession(peer.session, peer.is_host ? "host_left" : "viewer_left", &peer);
  AuditHostGone(peer, stopping_ ? "relay_shutdown" : "disconnected");
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

void RelayCore::Shutdown() {
  if (stopping_) return;
  stopping_ = true;
  log::Info("shutting down: telling ", peers_.size(), " connected peers");
  error_code ec;
  acceptor_.close(ec);
  auto peers = peers_;  // EndSession may modify the map
  for (auto& [id, weak] : peers) {
    auto peer = weak.lock();
    if (!peer) continue;
    if (peer->session) {
      // Both sides are told by peer_gone (ending the session with the first of them); the
      // receipt grace then closes each connection.
      if (!peer->session->ended) EndSession(peer->session, "relay_shutdown", nullptr);
      continue;
    }
    SendError(*peer, msg::kShuttingDown);
  }
}

}  // namespace telemaint::relay
