#pragma once
// The audit records in SQLite (DATA_DIR/audit.db): one table, append-only (triggers refuse
// UPDATE and DELETE), WAL with synchronous=FULL so an acknowledged append survives a crash;
// beside it, the relay's signature over the head of its last committed batch.
// The relay appends; telemaint-audit opens a copy read-only.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/record.h"
#include "common/vocabulary.h"
#include "common/status.h"

namespace telemaint::audit {

std::string AuditDbPath(const std::string& data_dir);

class AuditStore {
 public:
  static Result<std::unique_ptr<AuditStore>> Open(const std::string& path, bool read_only);
  ~AuditStore();

  Status Append(const StoredRecord& record);
  // A batch of appends is one transaction, one sync: Begin, then Commit or Rollback.
  Status Begin();
  Status Commit();
  void Rollback();
  Result<std::optional<StoredRecord>> Last();
  // Every record in sequence order, one at a time.
  Status ForEach(const std::function<void(StoredRecord)>& visit);
  // Records with seq > `after`, in order, at most `limit`, until `visit` returns false (the
  // auditor endpoint's pages).
  Status ForEachAfter(int64_t after, int64_t limit,
                      const std::function<bool(StoredRecord)>& visit);
  // Records whose kind is one of `kinds`, up to seq `through` (recovery after a crash).
  Result<std::vector<StoredRecord>> OfKinds(const std::vector<wire::AuditKind>& kinds,
                                            int64_t through);
  Result<std::optional<StoredRecord>> At(int64_t seq);
  // The relay's signed head of its last committed batch (written inside that batch's
  // transaction); nullopt for a log from before batch heads.
  Status SetBatchHead(const SignedHead& head);
  Result<std::optional<SignedHead>> BatchHead();

 private:
  struct Impl;
  explicit AuditStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::audit
