#pragma once
// Reading the audit log from a running relay over HTTPS (GET /v1/audit/records) with an
// auditor account. The relay's certificate is checked against --ca and the relay's name; the
// records are then verified locally like a copy, so the connection needs no more trust.
#include <string>
#include <vector>

#include "audit/record.h"
#include "audit/verify.h"
#include "common/address.h"
#include "common/status.h"

namespace telemaint::audit {

struct RemoteSource {
  HostPort relay;
  std::string ca_file;
  std::string user, password;
};

struct RemoteLog {
  std::vector<StoredRecord> records;  // 1 .. head.count, nothing after
  SignedHead head;                    // what the relay signed for this read
};

// Asks for the signed head first, then the records up to it, page by page (each page must
// move forward; the relay cannot keep the tool reading forever).
Result<RemoteLog> FetchRecords(const RemoteSource& source);

}  // namespace telemaint::audit
