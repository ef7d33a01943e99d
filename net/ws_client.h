#pragma once
// Dialling the relay: TCP connect, TLS 1.3 with the pinned CA and host name check (DialTls),
// then the WebSocket upgrade (DialRelay), each with a deadline. Used by host, viewer and
// telemaint-audit (DialTls alone, for HTTPS). Network internal header.
#include <chrono>
#include <memory>
#include <string>

#include "common/address.h"
#include "common/status.h"
#include "common/wire.h"
#include "net/net.h"
#include "net/ws_connection.h"

namespace telemaint::net {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct DialOptions {
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds idle_timeout{20};  // keep-alive pings after half of this
  size_t max_message_bytes = wire::kMaxDataFrameBytes;
};

// A TLS connection to the relay, its certificate checked against the pinned CA in `tls` and
// the relay's host name (SNI set). The stream's deadline is cleared; set one per operation.
asio::awaitable<Result<std::unique_ptr<TlsStream>>> DialTls(ssl::context& tls,
                                                            const HostPort& relay,
                                                            DialOptions options);

asio::awaitable<Result<std::shared_ptr<WsConnection>>> DialRelay(ssl::context& tls,
                                                                 const HostPort& relay,
                                                                 const std::string& path,
                                                                 const DialOptions& options);

// Tells a person what went wrong when the relay could not be reached.
std::string DescribeDialError(const error_code& ec, const HostPort& relay);

}  // namespace telemaint::net
