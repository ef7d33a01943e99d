#include "net/ws_client.h"

#include <openssl/ssl.h>

#include "common/log.h"

namespace telemaint::net {

std::string DescribeDialError(const error_code& ec, const HostPort& relay) {
  std::string where = relay.ToString();
  if (ec == asio::error::connection_refused)
    return "the relay at " + where + " refused the connection — is it running?";
  if (ec == beast::error::timeout)
    return "the relay at " + where + " did not answer in time — check the address and network";
  if (ec.category() == asio::error::get_ssl_category() ||
      ec.category() == asio::ssl::error::get_stream_category())
    return "the relay at " + where +
           " could not be verified (its certificate is not signed by the pinned CA or does not "
           "name this host) — check --ca and --relay";
  if (ec == asio::error::host_not_found)
    return "the relay host name in " + where + " could not be resolved";
  return "cannot reach the relay at " + where + ": " + ec.message();
}

asio::awaitable<Result<std::unique_ptr<TlsStream>>> DialTls(ssl::context& tls,
                                                            const HostPort& relay,
                                                            DialOptions options) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  error_code rec;
  auto endpoints =
      co_await resolver.async_resolve(relay.host, std::to_string(relay.port), Nothrow(rec));
  if (rec) co_return Status::Io(DescribeDialError(rec, relay));
  auto stream = std::make_unique<TlsStream>(ex, tls);
  auto& tcp_layer = beast::get_lowest_layer(*stream);
  tcp_layer.expires_after(options.connect_timeout);
  error_code cec;
  co_await tcp_layer.async_connect(endpoints, Nothrow(cec));
  if (cec) co_return Status::Io(DescribeDialError(cec, relay));
  error_code nodelay_ec;  // best effort; never worth failing the connection
  tcp_layer.socket().set_option(tcp::no_delay(true), nodelay_ec);
  // SNI and host name verification are not automatic with Asio.
  SSL_set_tlsext_host_name(stream->native_handle(), relay.host.c_str());
  stream->set_verify_callback(ssl::host_name_verification(relay.host));
  tcp_layer.expires_after(options.handshake_timeout);
  error_code hec;
  co_await stream->async_handshake(ssl::stream_base::client, Nothrow(hec));
  if (hec) co_return Status::Io(DescribeDialError(hec, relay));
  tcp_layer.expires_never();
  co_return stream;
}

namespace {

void SetClientOptions(WsStream& ws, const DialOptions& options) {
  SetStreamOptions(ws, options.handshake_timeout, options.idle_timeout);
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(http::field::user_agent, "telemaint/0.1");
  }));
}

}  // namespace

asio::awaitable<Result<std::shared_ptr<WsConnection>>> DialRelay(ssl::context& tls,
                                                                 const HostPort& relay,
                                                                 const std::string& path,
                                                                 const DialOptions& options) {
  auto stream = co_await DialTls(tls, relay, options);
  if (!stream.ok()) co_return stream.status();
  WsStream ws(std::move(**stream));
  SetClientOptions(ws, options);
  std::string host_header = relay.ToString();
  error_code wec;
  co_await ws.async_handshake(host_header, path, Nothrow(wec));
  if (wec == websocket::error::upgrade_declined)
    co_return Status::Io("the relay at " + relay.ToString() +
                         " declined the connection (it may be full or restarting) — try again "
                         "in a moment");
  if (wec) co_return Status::Io(DescribeDialError(wec, relay));
  auto conn = std::make_shared<WsConnection>(std::move(ws), QueueLimits{});
  conn->set_max_message_bytes(options.max_message_bytes);
  conn->Start();
  co_return conn;
}

}  // namespace telemaint::net
