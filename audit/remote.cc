#include "audit/remote.h"

#include <nlohmann/json.hpp>

#include "common/log.h"
#include "crypto/base64.h"
#include "crypto/secret.h"
#include "net/net.h"
#include "net/tls.h"
#include "net/ws_client.h"

namespace telemaint::audit {

using namespace net;

namespace {

constexpr int64_t kPage = 10000;
constexpr auto kAnswerTime = std::chrono::seconds(60);  // a relay that stalls is given up on

std::string BasicAuthorization(const std::string& user, const std::string& password) {
  std::string plain = user + ":" + password;
  std::string out = "Basic " + crypto::Base64Encode(plain);
  crypto::Wipe(plain);
  return out;
}

Status StatusOfAnswer(const http::response<http::string_body>& res) {
  if (res.result() == http::status::unauthorized)
    return Status::AuthFailed("the relay refused the account or password");
  if (res.result() == http::status::forbidden)
    return Status::AuthFailed("this account may not read the audit log (auditor accounts only)");
  if (res.result() != http::status::ok)
    return Status::Io("the relay answered " + std::to_string(res.result_int()) + ": " +
                      log::Printable(res.body().substr(0, 200)));
  return Status::Ok();
}

// GETs over one TLS connection, kept open between pages; dialled again if the relay closed it.
// The authorization is wiped when the client goes.
class AuditClient {
 public:
  AuditClient(ssl::context& tls, const RemoteSource& source)
      : tls_(tls),
        source_(source),
        authorization_(BasicAuthorization(source.user, source.password)) {}
  ~AuditClient() { crypto::Wipe(authorization_); }

  // The body of a 200, or why not.
  asio::awaitable<Result<std::string>> Get(std::string target) {
    if (!stream_) {
      DialOptions options;  // named: see net/net.h on GCC 12
      auto dialed = co_await DialTls(tls_, source_.relay, options);
      if (!dialed.ok()) co_return dialed.status();
      stream_ = std::move(*dialed);
    }
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, source_.relay.host);
    req.set(http::field::authorization, authorization_);
    req.keep_alive(true);
    beast::get_lowest_layer(*stream_).expires_after(kAnswerTime);
    error_code ec;
    co_await http::async_write(*stream_, req, Nothrow(ec));
    if (ec) co_return Lost("cannot ask the relay: " + ec.message());
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    co_await http::async_read(*stream_, buffer_, parser, Nothrow(ec));
    if (ec) co_return Lost("no complete answer from the relay: " + ec.message());
    auto res = parser.release();
    if (!res.keep_alive()) stream_.reset();  // the relay closes: the next page dials again
    if (Status s = StatusOfAnswer(res); !s.ok()) co_return s;
    co_return std::move(res.body());
  }

 private:
  Status Lost(std::string why) {
    stream_.reset();
    return Status::Io(std::move(why));
  }

  ssl::context& tls_;
  const RemoteSource& source_;
  std::string authorization_;
  std::unique_ptr<TlsStream> stream_;
  beast::flat_buffer buffer_;
};

Result<SignedHead> ParseHead(const std::string& text) {
  auto head = HeadFromJson(nlohmann::json::parse(text, nullptr, false));
  if (!head.ok()) return Status::Protocol("the relay's signed head is malformed");
  return head;
}

// Appends the page's records; each must follow the last (a gap is left for the verifier to
// name). Returns the last seq read.
Result<int64_t> TakePage(std::string_view body, int64_t after, int64_t count,
                         std::vector<StoredRecord>& records) {
  size_t start = 0;
  while (start < body.size() && after < count) {
    size_t nl = body.find('\n', start);
    if (nl == std::string_view::npos) nl = body.size();
    auto record = ParseRecordLine(body.substr(start, nl - start));
    start = nl + 1;
    if (!record.ok())
      return Status::Protocol("the relay sent something that is not an audit record");
    if (record->seq <= after) return Status::Protocol("the relay sent records out of order");
    after = record->seq;
    records.push_back(std::move(*record));
  }
  return after;
}

asio::awaitable<Result<RemoteLog>> Fetch(AuditClient& client) {
  RemoteLog fetched;
  const std::string head_target = "/v1/audit/head";  // named: see net/net.h on GCC 12
  auto head_text = co_await client.Get(head_target);
  if (!head_text.ok()) co_return head_text.status();
  auto head = ParseHead(*head_text);
  if (!head.ok()) co_return head.status();
  fetched.head = std::move(*head);
  int64_t after = 0;
  while (after < fetched.head.count) {
    const std::string target = "/v1/audit/records?after=" + std::to_string(after) + "&limit=" +
                               std::to_string(std::min(kPage, fetched.head.count - after));
    auto page = co_await client.Get(target);
    if (!page.ok()) co_return page.status();
    auto last = TakePage(*page, after, fetched.head.count, fetched.records);
    if (!last.ok()) co_return last.status();
    if (*last == after) break;  // nothing new: the verifier reports the log as cut here
    after = *last;
  }
  co_return fetched;
}

}  // namespace

Result<RemoteLog> FetchRecords(const RemoteSource& source) {
  auto tls = MakeClientTlsContext(source.ca_file);
  if (!tls.ok()) return tls.status();
  asio::io_context io;
  AuditClient client(**tls, source);
  Result<RemoteLog> fetched = Status::Internal("the audit log was not read");
  co_spawn(io, Fetch(client), [&](std::exception_ptr e, Result<RemoteLog> r) {
    fetched = e ? Result<RemoteLog>(Status::Io("reading from the relay failed")) : std::move(r);
  });
  io.run();
  return fetched;
}

}  // namespace telemaint::audit
