#include "net/local_socket.h"

#include <sys/socket.h>
#include <unistd.h>

namespace telemaint::net {

Result<uint16_t> ListenOn(tcp::acceptor& acceptor, const HostPort& at, int backlog) {
  error_code ec;
  auto address = asio::ip::make_address(at.host, ec);
  if (ec) return Status::InvalidInput("needs an IP address, got '" + at.host + "'");
  tcp::endpoint endpoint(address, at.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(backlog, ec);
  if (ec) return Status::Io("cannot listen on " + at.ToString() + ": " + ec.message());
  return acceptor.local_endpoint().port();
}

std::optional<tcp::socket> AdoptStreamFd(asio::any_io_executor ex, int fd) {
  tcp::socket s(ex);
  error_code ec;
  s.assign(tcp::v4(), fd, ec);
  if (ec) {
    close(fd);
    return std::nullopt;
  }
  return s;
}

std::optional<LocalPair> MakeLocalPair(asio::any_io_executor ex) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return std::nullopt;
  auto ours = AdoptStreamFd(ex, fds[0]);
  if (!ours) {
    close(fds[1]);
    return std::nullopt;
  }
  return LocalPair{std::move(*ours), fds[1]};
}

}  // namespace telemaint::net
