#pragma once
// Dialling the relay: TCP connect, TLS 1.3 with the pinned CA and host name check, WebSocket
// upgrade, each with a deadline. Network internal header.
#include <chrono>
#include <memory>
#include <string>

#include "common/address.h"
#include "net/net.h"
#include "common/status.h"
#include "net/ws_connection.h"

namespace telemaint::net {

struct DialOptions {
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds handshake_timeout{10};
  std::chrono::seconds idle_timeout{20};  // keep-alive pings after half of this
  size_t max_message_bytes = 1u << 20;
};

asio::awaitable<Result<std::shared_ptr<WsConnection>>> DialRelay(ssl::context& tls,
                                                                 const HostPort& relay,
                                                                 const std::string& path,
                                                                 const DialOptions& options);

// Tells a person what went wrong when the relay could not be reached.
std::string DescribeDialError(const error_code& ec, const HostPort& relay);

}  // namespace telemaint::net
