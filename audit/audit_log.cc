#include "audit/audit_log.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "audit/record.h"
#include "audit/store.h"
#include "common/clock.h"
#include "common/log.h"
#include "crypto/identity.h"

namespace telemaint::audit {

using wire::AuditKind;

namespace {

std::string KeyPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "audit-signing.key").string();
}

// A string field of a record's data, or "" (a record of an old or damaged log may lack it).
std::string StringField(const nlohmann::json& data, const char* name) {
  auto field = data.find(name);
  return field != data.end() && field->is_string() ? field->get<std::string>() : std::string();
}

struct Pending {
  AuditKind kind;
  std::string session;
  nlohmann::json data;
  int64_t time_ms = 0;
  std::function<void(Status)> done;
};

}  // namespace

Result<std::string> AuditPublicKeyHex(const std::string& data_dir) {
  // Only read: a mistyped directory must not get a fresh key that an auditor would then pin.
  std::error_code ec;
  if (!std::filesystem::exists(KeyPath(data_dir), ec))
    return Status::NotFound("no audit key in " + data_dir +
                            " (the relay makes it when it first starts with this --data-dir)");
  auto key = crypto::SigningKey::LoadOrCreate(KeyPath(data_dir), "relay audit");
  if (!key.ok()) return key.status();
  return ToHex(key->public_key());
}

struct AuditLog::Impl {
  AuditLogOptions options;
  std::unique_ptr<AuditStore> store;
  std::optional<crypto::SigningKey> key;
  // The chain as written; the writer thread's (or Open's and Close's, before and after it).
  int64_t last_seq = 0;
  Bytes head = GenesisHash();
  int since_checkpoint = 0;

  mutable std::mutex mu;  // guards what follows
  std::condition_variable wake;
  std::deque<Pending> queue;
  bool stopping = false, closed = false;
  uint64_t refused = 0;
  int64_t committed_seq = 0;
  Bytes committed_head = GenesisHash();
  std::thread writer;

  ~Impl() { StopWriter(); }

  Status Write(AuditKind kind, const std::string& session, nlohmann::json data,
               int64_t time_ms) {
    Record r;
    r.seq = last_seq + 1;
    r.time_ms = time_ms;
    r.kind = wire::ToWire(kind);
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
    Bytes signature = key->Sign(CheckpointStatement(last_seq, head, time, final));
    nlohmann::json data = {{"count", last_seq}, {"head", ToHex(head)},
                           {"key", ToHex(key->public_key())}, {"signature", ToHex(signature)},
                           {"final", final}};
    if (Status s = Write(AuditKind::kCheckpoint, "", std::move(data), time); !s.ok()) return s;
    since_checkpoint = 0;
    return Status::Ok();
  }

  // One transaction for everything queued: all of it is durable, or none of it (the chain
  // state goes back to where it was, so a later batch continues it correctly).
  Status WriteBatch(std::deque<Pending>& batch, bool final_checkpoint) {
    const int64_t seq_before = last_seq;
    const Bytes head_before = head;
    const int since_before = since_checkpoint;
    Status s = store->Begin();
    for (Pending& p : batch) {
      if (!s.ok()) break;
      s = Write(p.kind, p.session, std::move(p.data), p.time_ms);
      if (s.ok() && ++since_checkpoint >= options.checkpoint_every) s = Checkpoint(false);
    }
    if (s.ok() && final_checkpoint) {
      s = Write(AuditKind::kRelayStopping, "", nlohmann::json::object(), options.now_ms());
      if (s.ok()) s = Checkpoint(true);
    }
    if (s.ok()) s = store->Commit();
    if (!s.ok()) {
      store->Rollback();
      last_seq = seq_before;
      head = head_before;
      since_checkpoint = since_before;
      log::Error("audit log: ", batch.size(), " record(s) could not be written: ", s.message());
    } else {
      std::lock_guard lock(mu);
      committed_seq = last_seq;
      committed_head = head;
    }
    for (Pending& p : batch)
      if (p.done) p.done(s);
    return s;
  }

  void RunWriter() {
    for (;;) {
      std::deque<Pending> batch;
      {
        std::unique_lock lock(mu);
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping, and everything is written
        batch.swap(queue);
      }
      WriteBatch(batch, /*final_checkpoint=*/false);
    }
  }

  void StopWriter() {
    {
      std::lock_guard lock(mu);
      stopping = true;
    }
    wake.notify_all();
    if (writer.joinable()) writer.join();
  }

  // What the last run left open: sessions (start and last record) and host connections.
  struct LeftOpen {
    struct Session {
      int64_t started = 0, last_seen = 0;
    };
    std::map<std::string, Session> sessions;
    std::map<std::string, int64_t> hosts;  // connection -> last seen
  };
  Result<LeftOpen> FindLeftOpen() {
    auto records = store->OfKinds({AuditKind::kSessionStart, AuditKind::kSessionEnd,
                                   AuditKind::kPermission, AuditKind::kHostConnected,
                                   AuditKind::kHostGone, AuditKind::kCodeIssued,
                                   AuditKind::kCodeExpired});
    if (!records.ok()) return records.status();
    LeftOpen open;
    for (const StoredRecord& stored : *records) {
      auto r = ParseBody(stored.body);
      if (!r.ok()) continue;  // verify reports it; recovery closes what it can read
      const std::string conn = StringField(r->data, "conn");
      if (r->Is(AuditKind::kSessionStart)) open.sessions[r->session] = {r->time_ms, r->time_ms};
      if (r->Is(AuditKind::kPermission) && open.sessions.count(r->session))
        open.sessions[r->session].last_seen = r->time_ms;
      if (r->Is(AuditKind::kSessionEnd)) open.sessions.erase(r->session);
      if (r->Is(AuditKind::kHostConnected) || r->Is(AuditKind::kCodeIssued) ||
          r->Is(AuditKind::kCodeExpired))
        open.hosts[conn] = r->time_ms;
      if (r->Is(AuditKind::kHostGone)) open.hosts.erase(conn);
    }
    return open;
  }

  // The last run did not end with its final checkpoint: the relay crashed, was killed or lost
  // power. Sessions and host connections it had open are closed with records saying so.
  Status Recover(const Record& last) {
    auto open = FindLeftOpen();
    if (!open.ok()) return open.status();
    const int64_t now = options.now_ms();
    for (const auto& [id, s] : open->sessions) {
      SessionEnd end{wire::EndReason::kRelayStopped};
      end.duration_ms = s.last_seen - s.started;
      end.after_crash = true;
      if (Status st = Write(AuditKind::kSessionEnd, id, SessionEndData(end), now); !st.ok())
        return st;
    }
    for (const auto& [conn, seen] : open->hosts) {
      nlohmann::json data = {{"conn", conn},
                             {"reason", wire::ToWire(wire::EndReason::kRelayStopped)}};
      if (Status st = Write(AuditKind::kHostGone, "", std::move(data), now); !st.ok()) return st;
    }
    nlohmann::json data = {{"last_seq", last.seq},
                           {"last_time", last.time_ms},
                           {"sessions_closed", open->sessions.size()},
                           {"hosts_closed", open->hosts.size()}};
    return Write(AuditKind::kRelayRecovered, "", std::move(data), now);
  }

  // Continues the chain where the store ends; recovers when the last run did not stop in order.
  Status ContinueChain() {
    auto last = store->Last();
    if (!last.ok()) return last.status();
    if (*last) {
      auto parsed = ParseBody((*last)->body);
      if (!parsed.ok())
        return Status::InvalidInput(
            "the audit log's last record is unreadable; run telemaint-audit verify");
      last_seq = (*last)->seq;
      head = (*last)->hash;
      auto final_field = parsed->data.find("final");
      const bool clean = parsed->Is(AuditKind::kCheckpoint) && final_field != parsed->data.end() &&
                         final_field->is_boolean() && final_field->get<bool>();
      if (!clean) {
        if (Status s = Recover(*parsed); !s.ok()) return s;
      }
    }
    nlohmann::json started = {{"version", options.relay_version},
                              {"key", ToHex(key->public_key())}};
    if (Status s = Write(AuditKind::kRelayStarted, "", std::move(started), options.now_ms());
        !s.ok())
      return s;
    committed_seq = last_seq;
    committed_head = head;
    since_checkpoint = 1;
    return Status::Ok();
  }
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() = default;

Result<std::unique_ptr<AuditLog>> AuditLog::Open(AuditLogOptions options) {
  auto impl = std::make_unique<Impl>();
  if (!options.now_ms) options.now_ms = UnixMillisNow;
  if (options.checkpoint_every < 1) options.checkpoint_every = 1;
  impl->options = options;
  const std::string db_path = AuditDbPath(options.data_dir);
  std::error_code ec;
  // A log without its key could only be continued under a new key, which every later check
  // would reject as "another key": refuse rather than make one silently.
  if (std::filesystem::exists(db_path, ec) &&
      !std::filesystem::exists(KeyPath(options.data_dir), ec))
    return Status::NotFound("the audit log " + db_path + " exists but its signing key " +
                            KeyPath(options.data_dir) + " does not; restore the key from backup");
  auto key = crypto::SigningKey::LoadOrCreate(KeyPath(options.data_dir), "relay audit");
  if (!key.ok()) return key.status();
  impl->key = std::move(*key);
  auto store = AuditStore::Open(db_path, /*read_only=*/false);
  if (!store.ok()) return store.status();
  impl->store = std::move(*store);
  if (Status s = impl->ContinueChain(); !s.ok()) return s;
  Impl* raw = impl.get();
  impl->writer = std::thread([raw] { raw->RunWriter(); });
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

void AuditLog::Append(AuditKind kind, std::string session, nlohmann::json data,
                      std::function<void(Status)> done) {
  Impl& i = *impl_;
  Pending p{kind, std::move(session), std::move(data), i.options.now_ms(), std::move(done)};
  {
    std::lock_guard lock(i.mu);
    if (!i.stopping && i.queue.size() < i.options.max_queued) {
      i.queue.push_back(std::move(p));
      i.wake.notify_one();
      return;
    }
    ++i.refused;
    if (i.refused % 1000 == 1)
      log::Error("audit log: the disk cannot keep up; ", i.refused, " record(s) refused so far");
  }
  if (p.done) p.done(Status::Limit("the audit log is not accepting records"));
}

Status AuditLog::Close() {
  Impl& i = *impl_;
  {
    std::lock_guard lock(i.mu);
    if (i.closed) return Status::Ok();
    i.closed = true;
  }
  i.StopWriter();  // writes everything queued first
  std::deque<Pending> none;
  return i.WriteBatch(none, /*final_checkpoint=*/true);
}

const Bytes& AuditLog::public_key() const { return impl_->key->public_key(); }

SignedHead AuditLog::Head() const {
  SignedHead h;
  {
    std::lock_guard lock(impl_->mu);
    h.count = impl_->committed_seq;
    h.head = impl_->committed_head;
  }
  h.time_ms = impl_->options.now_ms();
  h.signature = impl_->key->Sign(HeadStatement(h.count, h.head, h.time_ms));
  return h;
}

}  // namespace telemaint::audit
