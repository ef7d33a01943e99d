#include "audit/remote.h"

#include <boost/beast/core/detail/base64.hpp>
#include <nlohmann/json.hpp>

#include "common/net.h"
#include "common/tls.h"
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

Result<std::vector<StoredRecord>> FetchRecords(const RemoteSource& source) {
  auto tls = MakeClientTlsContext(source.ca_file);
  if (!tls.ok()) return tls.status();
  asio::io_context io;
  std::vector<StoredRecord> records;
  std::string authorization = BasicAuthorization(source.user, source.password);
  struct WipeOnExit {
    std::string& s;
    ~WipeOnExit() { crypto::Wipe(s); }
  } wipe{authorization};
  int64_t after = 0;
  for (;;) {
    error_code ec;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(source.relay.host, std::to_string(source.relay.port), ec);
    if (ec) return Status::Io("cannot resolve " + source.relay.host + ": " + ec.message());
    beast::ssl_stream<beast::tcp_stream> stream(io, **tls);
    // SNI and host name verification are not automatic with Asio.
    SSL_set_tlsext_host_name(stream.native_handle(), source.relay.host.c_str());
    stream.set_verify_callback(ssl::host_name_verification(source.relay.host));
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(stream).connect(endpoints, ec);
    if (ec) return Status::Io("cannot reach the relay " + source.relay.ToString() + ": " + ec.message());
    stream.handshake(ssl::stream_base::client, ec);
    if (ec) return Status::Io("TLS with the relay failed: " + ec.message());
    http::request<http::empty_body> req{
        http::verb::get,
        "/v1/audit/records?after=" + std::to_string(after) + "&limit=" + std::to_string(kPage), 11};
    req.set(http::field::host, source.relay.host);
    req.set(http::field::authorization, authorization);
    http::write(stream, req, ec);
    if (ec) return Status::Io("cannot ask the relay: " + ec.message());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(512u << 20);
    http::read(stream, buffer, parser, ec);
    if (ec) return Status::Io("no answer from the relay: " + ec.message());
    auto res = parser.release();
    if (res.result() == http::status::unauthorized)
      return Status::AuthFailed("the relay refused the account or password");
    if (res.result() == http::status::forbidden)
      return Status::AuthFailed("this account may not read the audit log (auditor accounts only)");
    if (res.result() != http::status::ok)
      return Status::Io("the relay answered " + std::to_string(res.result_int()) + ": " + res.body());
    int64_t got = 0;
    std::string_view body = res.body();
    size_t start = 0;
    while (start < body.size()) {
      size_t nl = body.find('\n', start);
      if (nl == std::string_view::npos) nl = body.size();
      auto j = nlohmann::json::parse(body.substr(start, nl - start), nullptr, false);
      start = nl + 1;
      if (j.is_discarded() || !j.is_object() || !j.contains("seq") || !j["seq"].is_number_integer() ||
          !j.contains("body") || !j["body"].is_string() || !j.contains("hash") || !j["hash"].is_string())
        return Status::Protocol("the relay sent something that is not an audit record");
      records.push_back({j["seq"].get<int64_t>(), j["body"].get<std::string>(),
                         FromHex(j["hash"].get<std::string>())});
      after = records.back().seq;
      ++got;
    }
    stream.shutdown(ec);  // the relay closes; a truncated close is not an error here
    if (got < kPage) break;
  }
  return records;
}

}  // namespace telemaint::audit
