#include "audit/remote.h"

#include <boost/beast/core/detail/base64.hpp>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include "common/log.h"
#include "net/net.h"
#include "net/tls.h"
#include "crypto/secret.h"

namespace telemaint::audit {

using namespace net;

namespace {

constexpr int64_t kPage = 10000;

std::string BasicAuthorization(const std::string& user, const std::string& password) {
  std::string plain = user + ":" + password;
  std::string out(beast::detail::base64::encoded_size(plain.size()), '\0');
  out.resize(beast::detail::base64::encode(out.data(), plain.data(), plain.size()));
  crypto::Wipe(plain);
  return "Basic " + out;
}

}  // namespace

namespace {

// One GET on a fresh TLS connection; the body of a 200, or why not.
Result<std::string> Get(asio::io_context& io, ssl::context& tls, const RemoteSource& source,
                        const std::string& authorization, const std::string& target) {
  error_code ec;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(source.relay.host, std::to_string(source.relay.port), ec);
  if (ec) return Status::Io("cannot resolve " + source.relay.host + ": " + ec.message());
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  // SNI and host name verification are not automatic with Asio.
  SSL_set_tlsext_host_name(stream.native_handle(), source.relay.host.c_str());
  stream.set_verify_callback(ssl::host_name_verification(source.relay.host));
  beast::get_lowest_layer(stream).connect(endpoints, ec);
  if (ec) return Status::Io("cannot reach the relay " + source.relay.ToString() + ": " + ec.message());
  // The calls below are synchronous: the socket's own timeouts bound a relay that stalls.
  timeval limit{60, 0};
  int fd = beast::get_lowest_layer(stream).socket().native_handle();
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) return Status::Io("TLS with the relay failed: " + ec.message());
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, source.relay.host);
  req.set(http::field::authorization, authorization);
  http::write(stream, req, ec);
  if (ec) return Status::Io("cannot ask the relay: " + ec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  http::read(stream, buffer, parser, ec);
  if (ec) return Status::Io("no complete answer from the relay: " + ec.message());
  auto res = parser.release();
  stream.shutdown(ec);  // the relay closes; a truncated close is not an error here
  if (res.result() == http::status::unauthorized)
    return Status::AuthFailed("the relay refused the account or password");
  if (res.result() == http::status::forbidden)
    return Status::AuthFailed("this account may not read the audit log (auditor accounts only)");
  if (res.result() != http::status::ok)
    return Status::Io("the relay answered " + std::to_string(res.result_int()) + ": " +
                      log::Printable(res.body().substr(0, 200)));
  return std::move(res.body());
}

}  // namespace

Result<RemoteLog> FetchRecords(const RemoteSource& source) {
  auto tls = MakeClientTlsContext(source.ca_file);
  if (!tls.ok()) return tls.status();
  asio::io_context io;
  std::string authorization = BasicAuthorization(source.user, source.password);
  struct WipeOnExit {
    std::string& s;
    ~WipeOnExit() { crypto::Wipe(s); }
  } wipe{authorization};

  RemoteLog fetched;
  auto head_text = Get(io, **tls, source, authorization, "/v1/audit/head");
  if (!head_text.ok()) return head_text.status();
  auto h = nlohmann::json::parse(*head_text, nullptr, false);
  if (!h.is_object() || !h.contains("count") || !h["count"].is_number_integer() ||
      !h.contains("head") || !h["head"].is_string() || !h.contains("time") ||
      !h["time"].is_number_integer() || !h.contains("signature") || !h["signature"].is_string())
    return Status::Protocol("the relay's signed head is malformed");
  fetched.head = {h["count"].get<int64_t>(), FromHex(h["head"].get<std::string>()),
              h["time"].get<int64_t>(), FromHex(h["signature"].get<std::string>())};

  int64_t after = 0;
  while (after < fetched.head.count) {
    auto page = Get(io, **tls, source, authorization,
                    "/v1/audit/records?after=" + std::to_string(after) + "&limit=" +
                        std::to_string(std::min(kPage, fetched.head.count - after)));
    if (!page.ok()) return page.status();
    std::string_view body = *page;
    const int64_t before = after;
    size_t start = 0;
    while (start < body.size() && after < fetched.head.count) {
      size_t nl = body.find('\n', start);
      if (nl == std::string_view::npos) nl = body.size();
      auto record = ParseRecordLine(body.substr(start, nl - start));
      start = nl + 1;
      if (!record.ok()) return Status::Protocol("the relay sent something that is not an audit record");
      // Each record after the last; a gap is left for the verifier to name.
      if (record->seq <= after) return Status::Protocol("the relay sent records out of order");
      after = record->seq;
      fetched.records.push_back(std::move(*record));
    }
    if (after == before) break;  // nothing new: the verifier reports the log as cut here
  }
  return fetched;
}

}  // namespace telemaint::audit
