#include "audit/audit_log.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "audit/record.h"
#include "audit/store.h"
#include "crypto/identity.h"

namespace telemaint::audit {

namespace {

std::string KeyPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "audit-signing.key").string();
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::string> AuditPublicKeyHex(const std::string& data_dir) {
  auto key = crypto::SigningKey::LoadOrCreate(KeyPath(data_dir));
  if (!key.ok()) return key.status();
  return ToHex(key->public_key());
}

struct AuditLog::Impl {
  AuditLogOptions options;
  std::unique_ptr<AuditStore> store;
  std::optional<crypto::SigningKey> key;
  int64_t last_seq = 0;
  Bytes head = GenesisHash();
  int since_checkpoint = 0;
  bool closed = false;

  Status Write(const std::string& kind, const std::string& session, nlohmann::json data,
               int64_t time_ms) {
    Record r;
    r.seq = last_seq + 1;
    r.time_ms = time_ms;
    r.kind = kind;
    r.session = session;
    r.data = std::move(data);
    StoredRecord stored;
    stored.seq = r.seq;
    stored.body = EncodeBody(r);
    stored.hash = ChainHash(head, stored.body);
    if (Status s = store->Append(stored); !s.ok()) return s;
    last_seq = stored.seq;
    head = stored.hash;
    return Status::Ok();
  }

  Status Checkpoint(bool final) {
    const int64_t time = options.now_ms();
    Bytes signature = key->Sign(CheckpointStatement(last_seq, head, time));
    nlohmann::json data = {{"count", last_seq}, {"head", ToHex(head)},
                           {"key", ToHex(key->public_key())}, {"signature", ToHex(signature)},
                           {"final", final}};
    if (Status s = Write(kCheckpoint, "", std::move(data), time); !s.ok()) return s;
    since_checkpoint = 0;
    return Status::Ok();
  }

  Status Append(const std::string& kind, const std::string& session, nlohmann::json data) {
    if (closed) return Status::Internal("the audit log is closed");
    if (Status s = Write(kind, session, std::move(data), options.now_ms()); !s.ok()) return s;
    if (++since_checkpoint >= options.checkpoint_every) return Checkpoint(false);
    return Status::Ok();
  }

  // The last run did not end with its final checkpoint: the relay crashed, was killed or lost
  // power. Sessions and host connections it had open are closed with records saying so.
  Status Recover(const Record& last) {
    auto open = store->OfKinds({"session_start", "session_end", "permission", "host_connected",
                                "host_gone", "code_issued", "code_expired"});
    if (!open.ok()) return open.status();
    struct OpenSession {
      int64_t started = 0, last_seen = 0;
    };
    std::map<std::string, OpenSession> sessions;
    std::map<std::string, int64_t> hosts;  // connection -> last seen
    for (const StoredRecord& stored : *open) {
      auto r = ParseBody(stored.body);
      if (!r.ok()) continue;  // verify reports it; recovery closes what it can read
      const std::string conn = r->data.value("conn", "");
      if (r->kind == "session_start") sessions[r->session] = {r->time_ms, r->time_ms};
      if (r->kind == "permission" && sessions.count(r->session))
        sessions[r->session].last_seen = r->time_ms;
      if (r->kind == "session_end") sessions.erase(r->session);
      if (r->kind == "host_connected" || r->kind == "code_issued" || r->kind == "code_expired")
        hosts[conn] = r->time_ms;
      if (r->kind == "host_gone") hosts.erase(conn);
    }
    const int64_t now = options.now_ms();
    for (const auto& [id, s] : sessions) {
      nlohmann::json data = {{"reason", "relay_stopped"},
                             {"message", "the relay stopped unexpectedly during the session"},
                             {"duration_ms", s.last_seen - s.started},
                             {"duration_known", false}};
      if (Status st = Write("session_end", id, std::move(data), now); !st.ok()) return st;
    }
    for (const auto& [conn, seen] : hosts) {
      nlohmann::json data = {{"conn", conn}, {"reason", "relay_stopped"}};
      if (Status st = Write("host_gone", "", std::move(data), now); !st.ok()) return st;
    }
    nlohmann::json data = {{"last_seq", last.seq},
                           {"last_time", last.time_ms},
                           {"sessions_closed", sessions.size()},
                           {"hosts_closed", hosts.size()}};
    return Write("relay_recovered", "", std::move(data), now);
  }
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() = default;

Result<std::unique_ptr<AuditLog>> AuditLog::Open(AuditLogOptions options) {
  auto impl = std::make_unique<Impl>();
  if (!options.now_ms) options.now_ms = SystemNowMs;
  if (options.checkpoint_every < 1) options.checkpoint_every = 1;
  impl->options = options;
  auto key = crypto::SigningKey::LoadOrCreate(KeyPath(options.data_dir));
  if (!key.ok()) return key.status();
  impl->key = std::move(*key);
  auto store = AuditStore::Open(AuditDbPath(options.data_dir), /*read_only=*/false);
  if (!store.ok()) return store.status();
  impl->store = std::move(*store);
  auto last = impl->store->Last();
  if (!last.ok()) return last.status();
  if (*last) {
    auto parsed = ParseBody((*last)->body);
    if (!parsed.ok())
      return Status::InvalidInput("the audit log's last record is unreadable; run telemaint-audit verify");
    impl->last_seq = (*last)->seq;
    impl->head = (*last)->hash;
    const bool clean = parsed->kind == kCheckpoint && parsed->data.value("final", false);
    if (!clean) {
      if (Status s = impl->Recover(*parsed); !s.ok()) return s;
    }
  }
  nlohmann::json started = {{"version", options.relay_version},
                            {"key", ToHex(impl->key->public_key())}};
  if (Status s = impl->Append("relay_started", "", std::move(started)); !s.ok()) return s;
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

Status AuditLog::Append(const std::string& kind, const std::string& session, nlohmann::json data) {
  return impl_->Append(kind, session, std::move(data));
}

Status AuditLog::Close() {
  if (impl_->closed) return Status::Ok();
  Status s = impl_->Write("relay_stopping", "", nlohmann::json::object(), impl_->options.now_ms());
  if (s.ok()) s = impl_->Checkpoint(/*final=*/true);
  impl_->closed = true;
  return s;
}

const Bytes& AuditLog::public_key() const { return impl_->key->public_key(); }
int64_t AuditLog::count() const { return impl_->last_seq; }

}  // namespace telemaint::audit
