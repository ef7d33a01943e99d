#include "audit/audit_log.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "audit/counter.h"
#include "audit/proof.h"
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

// A record to write, or (checkpoint) a request to sign a checkpoint now.
struct Pending {
  AuditKind kind = AuditKind::kCheckpoint;
  std::string session = {};
  nlohmann::json data = {};
  int64_t time_ms = 0;
  std::function<void(Status, int64_t seq)> done = {};
  bool checkpoint = false;
  int64_t seq = 0;  // once written
  bool unauthenticated = false;  // may use only half of the queue
};

Pending CheckpointRequest() {
  Pending p;
  p.checkpoint = true;
  return p;
}

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
  int since_checkpoint = 0;  // records no checkpoint record covers yet

  mutable std::mutex mu;  // guards what follows
  std::condition_variable wake;
  std::deque<Pending> queue;
  bool stopping = false, closed = false;
  uint64_t refused = 0;
  uint64_t refused_unauthenticated = 0;
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

  // Signs the batch's head inside its transaction and commits; then moves the counter on
  // (after the commit, so the counter is never ahead of the log).
  Status CommitSigned() {
    SignedHead h{last_seq, head, options.now_ms(), {}};
    h.signature = key->Sign(HeadStatement(h.count, h.head, h.time_ms));
    if (Status s = store->SetBatchHead(h); !s.ok()) return s;
    if (Status s = store->Commit(); !s.ok()) return s;
    if (Status s = WriteCounter(options.data_dir, h); !s.ok())
      log::Error("audit log: ", s.message(), " (the next start checks an older counter)");
    std::lock_guard lock(mu);
    committed_seq = last_seq;
    committed_head = head;
    return Status::Ok();
  }

  // One item of a batch: a record (with the periodic checkpoint it may bring due), or a
  // checkpoint asked for (none when the last record is one already).
  Status WriteItem(Pending& p) {
    if (p.checkpoint) {
      Status s = since_checkpoint > 0 ? Checkpoint(false) : Status::Ok();
      p.seq = last_seq;
      return s;
    }
    Status s = Write(p.kind, p.session, std::move(p.data), p.time_ms);
    p.seq = last_seq;
    if (s.ok() && ++since_checkpoint >= options.checkpoint_every) s = Checkpoint(false);
    return s;
  }

  // One transaction for everything queued: all of it is durable and signed, or none of it
  // (the chain state goes back to where it was, so a later batch continues it correctly).
  Status WriteBatch(std::deque<Pending>& batch, bool final_checkpoint) {
    const int64_t seq_before = last_seq;
    const Bytes head_before = head;
    const int since_before = since_checkpoint;
    Status s = store->Begin();
    for (Pending& p : batch) {
      if (!s.ok()) break;
      s = WriteItem(p);
    }
    if (s.ok() && final_checkpoint) {
      s = Write(AuditKind::kRelayStopping, "", nlohmann::json::object(), options.now_ms());
      if (s.ok()) s = Checkpoint(true);
    }
    if (s.ok()) s = CommitSigned();
    if (!s.ok()) {
      store->Rollback();
      last_seq = seq_before;
      head = head_before;
      since_checkpoint = since_before;
      log::Error("audit log: ", batch.size(), " record(s) could not be written: ", s.message());
    }
    for (Pending& p : batch)
      if (p.done) p.done(s, s.ok() ? p.seq : 0);
    return s;
  }

  // Writes what is queued, batch by batch; after `quiet_checkpoint` without a record, signs a
  // checkpoint over what no checkpoint covers yet (so a small relay's log verifies).
  void RunWriter() {
    using Steady = std::chrono::steady_clock;
    auto next_due = [&] {
      return since_checkpoint > 0 && options.quiet_checkpoint.count() > 0
                 ? Steady::now() + options.quiet_checkpoint
                 : Steady::time_point::max();
    };
    Steady::time_point due = next_due();
    for (;;) {
      std::deque<Pending> batch;
      {
        std::unique_lock lock(mu);
        auto ready = [&] { return stopping || !queue.empty(); };
        if (due != Steady::time_point::max())
          wake.wait_until(lock, due, ready);
        else
          wake.wait(lock, ready);
        if (stopping && queue.empty()) return;  // everything is written
        batch.swap(queue);
      }
      if (batch.empty()) batch.push_back(CheckpointRequest());  // quiet: due
      if (options.before_batch) options.before_batch();
      WriteBatch(batch, /*final_checkpoint=*/false);
      due = next_due();
    }
  }

  // Queues `p` unless the queue is full or the log is closing (then `p.done` hears why).
  void Enqueue(Pending p) {
    {
      std::lock_guard lock(mu);
      const size_t room = p.unauthenticated ? options.max_queued / 2 : options.max_queued;
      if (!stopping && queue.size() < room) {
        queue.push_back(std::move(p));
        wake.notify_one();
        return;
      }
      if (p.unauthenticated) {
        if (++refused_unauthenticated % 1000 == 1)
          log::Warn("audit log: the queue is half full; ", refused_unauthenticated,
                    " record(s) of unauthenticated events refused so far");
      } else if (++refused % 1000 == 1) {
        log::Error("audit log: the disk cannot keep up; ", refused, " record(s) refused so far");
      }
    }
    if (p.done) p.done(Status::Limit("the audit log is not accepting records"), 0);
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
  // Only from proven records: a forged session_start must not get a session_end from us.
  Result<LeftOpen> FindLeftOpen(int64_t through) {
    auto records = store->OfKinds({AuditKind::kSessionStart, AuditKind::kSessionEnd,
                                   AuditKind::kPermission, AuditKind::kHostConnected,
                                   AuditKind::kHostGone, AuditKind::kCodeIssued,
                                   AuditKind::kCodeExpired, AuditKind::kMachineConnected,
                                   AuditKind::kTransfer},
                                  through);
    if (!records.ok()) return records.status();
    LeftOpen open;
    for (const StoredRecord& stored : *records) {
      auto r = ParseBody(stored.body);
      if (!r.ok()) continue;  // verify reports it; recovery closes what it can read
      const std::string conn = StringField(r->data, "conn");
      if (r->Is(AuditKind::kSessionStart)) open.sessions[r->session] = {r->time_ms, r->time_ms};
      if ((r->Is(AuditKind::kPermission) || r->Is(AuditKind::kTransfer)) &&
          open.sessions.count(r->session))
        open.sessions[r->session].last_seen = r->time_ms;
      if (r->Is(AuditKind::kSessionEnd)) open.sessions.erase(r->session);
      if (r->Is(AuditKind::kHostConnected) || r->Is(AuditKind::kCodeIssued) ||
          r->Is(AuditKind::kCodeExpired) || r->Is(AuditKind::kMachineConnected))
        open.hosts[conn] = r->time_ms;
      if (r->Is(AuditKind::kHostGone)) open.hosts.erase(conn);
    }
    return open;
  }

  // relay_recovered: where the last run ended, what is closed now, and the range this relay
  // cannot prove it wrote (the verifier and the reports mark it).
  static nlohmann::json RecoveredData(const OpenedLog& opened, const LeftOpen& open) {
    auto last = ParseBody(opened.last->body);
    nlohmann::json data = {{"last_seq", opened.last_seq()},
                           {"last_time", last.ok() ? last->time_ms : 0},
                           {"sessions_closed", open.sessions.size()},
                           {"hosts_closed", open.hosts.size()}};
    if (opened.restored_from) {
      // A backup put back on purpose: what the relay had signed before, now lost.
      data["restored_lost_from"] = opened.last_seq() + 1;
      data["restored_lost_to"] = opened.restored_from->count;
      data["restored_signed_at"] = opened.restored_from->time_ms;
    }
    if (opened.why == Unproven::kNone) return data;
    data["unproven_from"] = opened.proven_through + 1;
    data["unproven_to"] = opened.last_seq();
    data["unproven_head"] = ToHex(opened.last->hash);
    data["unproven_why"] = UnprovenWord(opened.why);
    return data;
  }

  // The last run did not end with its final checkpoint (a crash, a kill, a power cut), or its
  // end is not proven: relay_recovered says so, then what it had open is closed.
  Status Recover(const OpenedLog& opened) {
    auto open = FindLeftOpen(opened.proven_through);
    if (!open.ok()) return open.status();
    const int64_t now = options.now_ms();
    if (Status s = Write(AuditKind::kRelayRecovered, "", RecoveredData(opened, *open), now);
        !s.ok())
      return s;
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
    return Status::Ok();
  }

  static bool ClosedCleanly(const OpenedLog& opened) {
    if (opened.why != Unproven::kNone || opened.restored_from) return false;
    auto last = ParseBody(opened.last->body);
    if (!last.ok() || !last->Is(AuditKind::kCheckpoint)) return false;
    auto final_field = last->data.find("final");
    return final_field != last->data.end() && final_field->is_boolean() &&
           final_field->get<bool>();
  }

  // Continues the chain where the store ends, after checking the log is not older than the
  // last one this relay signed; recovers when the last run did not stop in order.
  Status ContinueChain() {
    auto counter = ReadCounter(options.data_dir);
    if (!counter.ok()) return counter.status();
    auto opened = CheckOpenedLog(*store, key->public_key(), *counter,
                                 CounterPath(options.data_dir), options.accept_restore);
    if (!opened.ok()) return opened.status();
    if (opened->last) {
      last_seq = opened->last->seq;
      head = opened->last->hash;
    }
    if (opened->why != Unproven::kNone)
      log::Error("audit log: records ", opened->proven_through + 1, " to ", last_seq,
                 " are not signed by this relay (", UnprovenWord(opened->why),
                 "); they are recorded as unproven and reports mark them");
    Status s = store->Begin();
    if (s.ok() && opened->last && !ClosedCleanly(*opened)) s = Recover(*opened);
    nlohmann::json started = {{"version", options.relay_version},
                              {"key", ToHex(key->public_key())}};
    if (s.ok()) s = Write(AuditKind::kRelayStarted, "", std::move(started), options.now_ms());
    if (s.ok()) s = CommitSigned();
    if (!s.ok()) {
      store->Rollback();
      return s;
    }
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
                      std::function<void(Status)> done, Source source) {
  Pending p{kind, std::move(session), std::move(data), impl_->options.now_ms(), {}};
  p.unauthenticated = source == Source::kUnauthenticated;
  if (done) p.done = [done = std::move(done)](Status s, int64_t) { done(s); };
  impl_->Enqueue(std::move(p));
}

void AuditLog::RequestCheckpoint(std::function<void(Result<int64_t>)> done) {
  Pending p = CheckpointRequest();
  p.done = [done = std::move(done)](Status s, int64_t seq) {
    if (s.ok()) done(seq);
    else done(s);
  };
  impl_->Enqueue(std::move(p));
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
