#pragma once
// Local sockets: listening on an address a person typed (the relay's --listen, the viewer's
// local port), and stream descriptors (socketpairs) shared with the RFB libraries, which speak
// on one end while the tunnel carries the other. Network internal header.
#include <cstdint>
#include <optional>

#include "common/address.h"
#include "common/status.h"
#include "net/net.h"

namespace telemaint::net {

// Opens, binds (address reuse on) and listens on `at` (an IP address; port 0: any free one).
// Returns the port bound, or a sentence saying why not.
Result<uint16_t> ListenOn(tcp::acceptor& acceptor, const HostPort& at, int backlog);

// A stream descriptor as a socket (Asio's stream socket reads and writes any stream
// descriptor). Takes `fd`: it is closed if it cannot be adopted.
std::optional<tcp::socket> AdoptStreamFd(asio::any_io_executor ex, int fd);

// A socketpair: our end as a socket, and the other end's descriptor, owned by the caller.
struct LocalPair {
  tcp::socket ours;
  int theirs = -1;
};
std::optional<LocalPair> MakeLocalPair(asio::any_io_executor ex);

}  // namespace telemaint::net
