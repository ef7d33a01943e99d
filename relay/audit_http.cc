// The auditor's read-only endpoints over HTTPS, on the relay's one port:
//   GET /v1/audit/records?after=N&limit=M   records after seq N (JSON lines: seq, body, hash)
//   GET /v1/audit/head                      the committed count and chain head, signed now
//   GET /v1/audit/key                       the relay's audit public key (pin it out of band)
// HTTP Basic authentication with an auditor (or admin) account; technicians are refused. The
// records are the relay's own, unchanged: telemaint-audit verifies them against the pinned key,
// so this endpoint needs no trust. Each head read (one per audit run) is itself recorded.
#include "audit/record.h"
#include "audit/store.h"
#include "common/log.h"
#include "crypto/base64.h"
#include "crypto/secret.h"
#include "relay/core.h"
#include "relay/http_fields.h"

namespace telemaint::relay {

using namespace net;
using wire::ErrorCode;

namespace {

constexpr int64_t kDefaultLimit = 10000, kMaxLimit = 100000;
constexpr size_t kMaxPageBytes = 8u << 20;  // a page stops after the record that passes this

HttpAnswer Json(int status, std::string_view error) {
  HttpAnswer a;
  a.status = status;
  a.body = nlohmann::json{{"error", error}}.dump();
  return a;
}

HttpAnswer AskForCredentials(std::string_view error) {
  HttpAnswer a = Json(401, error);
  a.ask_for_credentials = true;
  return a;
}

HttpAnswer RefusedLogin(ErrorCode error, std::chrono::seconds retry_after) {
  if (error == ErrorCode::kForbidden) return Json(403, "this account may not read the audit log");
  if (error == ErrorCode::kAuthFailed) return AskForCredentials("wrong account or password");
  HttpAnswer a = Json(error == ErrorCode::kRateLimited ? 429 : 503, wire::ToWire(error));
  a.retry_after_s = retry_after.count();
  return a;
}

}  // namespace

asio::awaitable<HttpAnswer> RelayCore::ServeAudit(std::string address, std::string target,
                                                  std::string authorization) {
  std::string user, password;
  if (!DecodeBasic(authorization, user, password))
    co_return AskForCredentials("an auditor account is required");
  if (!audit_reads_.Allow(address)) co_return Json(429, wire::ToWire(ErrorCode::kRateLimited));
  auto auth = co_await Authenticate(address, user, std::move(password), Purpose::kAudit);
  if (!auth.ok) {
    FloodLog(log::Level::kWarn, "refused audit login", address, "audit read by '",
             AccountNameForLog(user), "' from ", address, " refused: ", wire::ToWire(auth.error));
    Audit(wire::AuditKind::kLoginFailed, "",
          {{"technician", AccountNameForLog(user)}, {"address", address},
           {"reason", wire::ToWire(auth.error)}, {"for", wire::kLoginForAudit}},
          AuditSource::kUnauthenticated);
    co_return RefusedLogin(auth.error, auth.retry_after);
  }
  const size_t question = target.find('?');
  const std::string path = target.substr(0, question);
  const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
  if (path == "/v1/audit/key") {
    HttpAnswer a;
    a.body = nlohmann::json{{"key", audit_ ? ToHex(audit_->public_key()) : ""}}.dump();
    co_return a;
  }
  if (path == "/v1/audit/head") co_return AnswerHead(user, address);
  if (path != "/v1/audit/records") co_return Json(404, "unknown endpoint");
  co_return co_await ReadAuditPage(query);
}

// Signed now: the records an auditor then fetches must end exactly here.
HttpAnswer RelayCore::AnswerHead(const std::string& auditor, const std::string& address) {
  if (!audit_) return Json(503, "the audit log is closed");
  const audit::SignedHead head = audit_->Head();
  HttpAnswer a;
  a.body = audit::HeadToJson(head).dump();
  Audit(wire::AuditKind::kAuditorRead, "",
        {{"auditor", auditor}, {"address", address}, {"head", head.count}});
  return a;
}

// Read on a pool of its own with a connection of its own: the io thread keeps serving.
asio::awaitable<HttpAnswer> RelayCore::ReadAuditPage(std::string query) {
  const int64_t after = QueryNumber(query, "after").value_or(0);
  const int64_t limit = std::min(QueryNumber(query, "limit").value_or(kDefaultLimit), kMaxLimit);
  const std::string db = audit::AuditDbPath(options_.data_dir);
  co_return co_await co_spawn(
      audit_readers_,
      [&db, after, limit]() -> asio::awaitable<HttpAnswer> {
        HttpAnswer a;
        a.content_type = "application/x-ndjson";
        auto store = audit::AuditStore::Open(db, /*read_only=*/true);
        if (!store.ok()) co_return Json(500, "the audit log cannot be read");
        Status s = (*store)->ForEachAfter(after, limit, [&](audit::StoredRecord r) {
          a.body += audit::EncodeRecordLine(r);
          return a.body.size() <= kMaxPageBytes;  // past it, the client asks for the rest
        });
        if (!s.ok()) co_return Json(500, "the audit log cannot be read");
        co_return a;
      },
      asio::use_awaitable);
}

}  // namespace telemaint::relay
