#include "tests/support/raw_client.h"

#include "net/tls.h"
#include "net/ws_client.h"

namespace telemaint::testing {

using namespace net;

struct RawRelayClient::Impl {
  asio::io_context io;
  std::shared_ptr<ssl::context> tls;
  std::shared_ptr<WsConnection> conn;
  std::optional<tcp::acceptor> acceptor;  // a fake relay's

  template <typename T>
  std::optional<T> RunFor(asio::awaitable<T> op, std::chrono::milliseconds timeout) {
    std::optional<T> out;
    co_spawn(io, std::move(op), [&](std::exception_ptr, T v) {
      out = std::move(v);
      io.stop();  // the connection's writer keeps the context busy forever otherwise
    });
    io.restart();
    io.run_for(timeout);
    return out;
  }
};

RawRelayClient::RawRelayClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RawRelayClient::~RawRelayClient() {
  if (impl_->conn) {
    impl_->conn->Abort();
    impl_->io.restart();
    impl_->io.run_for(std::chrono::milliseconds(200));
  }
}

Result<std::unique_ptr<RawRelayClient>> RawRelayClient::Connect(const std::string& ca_file,
                                                                uint16_t port,
                                                                const std::string& path) {
  auto impl = std::make_unique<Impl>();
  auto tls = MakeClientTlsContext(ca_file);
  if (!tls.ok()) return tls.status();
  impl->tls = *tls;
  HostPort relay{"localhost", port};
  DialOptions options;
  options.max_message_bytes = 64u << 20;  // this client may receive anything
  auto dialed = impl->RunFor(DialRelay(*impl->tls, relay, path, options), std::chrono::seconds(10));
  if (!dialed) return Status::Io("timed out connecting");
  if (!dialed->ok()) return dialed->status();
  impl->conn = **dialed;
  return std::unique_ptr<RawRelayClient>(new RawRelayClient(std::move(impl)));
}

Result<std::unique_ptr<RawRelayClient>> RawRelayClient::Listen(const std::string& cert_file,
                                                               const std::string& key_file) {
  auto impl = std::make_unique<Impl>();
  auto tls = MakeServerTlsContext(cert_file, key_file);
  if (!tls.ok()) return tls.status();
  impl->tls = *tls;
  error_code ec;
  impl->acceptor.emplace(impl->io);
  const tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
  impl->acceptor->open(local.protocol(), ec);
  if (!ec) impl->acceptor->bind(local, ec);
  if (!ec) impl->acceptor->listen(8, ec);
  if (ec) return Status::Io("cannot listen: " + ec.message());
  return std::unique_ptr<RawRelayClient>(new RawRelayClient(std::move(impl)));
}

uint16_t RawRelayClient::port() const {
  error_code ec;
  return impl_->acceptor ? impl_->acceptor->local_endpoint(ec).port() : 0;
}

bool RawRelayClient::Accept(std::chrono::milliseconds timeout) {
  auto op = [](Impl* impl) -> asio::awaitable<std::shared_ptr<WsConnection>> {
    error_code ec;
    tcp::socket socket = co_await impl->acceptor->async_accept(Nothrow(ec));
    if (ec) co_return nullptr;
    WsStream ws(std::move(socket), *impl->tls);
    co_await ws.next_layer().async_handshake(ssl::stream_base::server, Nothrow(ec));
    if (ec) co_return nullptr;
    co_await ws.async_accept(Nothrow(ec));
    if (ec) co_return nullptr;
    auto conn = std::make_shared<WsConnection>(std::move(ws), QueueLimits{});
    conn->set_max_message_bytes(64u << 20);
    conn->Start();
    co_return conn;
  };
  if (impl_->conn) impl_->conn->Abort();
  auto accepted = impl_->RunFor(op(impl_.get()), timeout);
  impl_->conn = accepted.value_or(nullptr);
  return impl_->conn != nullptr;
}

bool RawRelayClient::SendText(const std::string& text) {
  impl_->conn->SendText(text);
  auto conn = impl_->conn;
  // Let the writer push it out.
  impl_->io.restart();
  impl_->io.run_for(std::chrono::milliseconds(50));
  return !conn->closed();
}

bool RawRelayClient::SendBinary(const std::string& data, std::chrono::milliseconds timeout) {
  auto conn = impl_->conn;
  auto op = [](std::shared_ptr<WsConnection> c, std::string d) -> asio::awaitable<bool> {
    Frame f{false, std::move(d)};
    co_return co_await c->Send(std::move(f));
  };
  auto ok = impl_->RunFor(op(conn, data), timeout);
  return ok.value_or(false);
}

bool RawRelayClient::EndsWithin(std::chrono::milliseconds timeout) {
  auto op = [](std::shared_ptr<WsConnection> c) -> asio::awaitable<bool> {
    while (true) {
      error_code ec;
      if (!co_await c->Receive(ec)) co_return true;
    }
  };
  return impl_->RunFor(op(impl_->conn), timeout).value_or(false);
}

std::optional<RawRelayClient::Message> RawRelayClient::Receive(std::chrono::milliseconds timeout) {
  auto op = [](std::shared_ptr<WsConnection> c) -> asio::awaitable<std::optional<Message>> {
    error_code ec;
    auto f = co_await c->Receive(ec);
    if (!f) co_return std::nullopt;
    co_return Message{f->text, std::move(f->data)};
  };
  auto got = impl_->RunFor(op(impl_->conn), timeout);
  if (!got) return std::nullopt;
  return *got;
}

}  // namespace telemaint::testing
