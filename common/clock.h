#pragma once
// Wall-clock time as the audit log, receipts and reports write it. Thread-safe.
#include <cstdint>

namespace telemaint {

// Unix time in milliseconds, UTC.
int64_t UnixMillisNow();
// Unix time in seconds, as the organisation's statements and the machine list write it.
int64_t UnixSecondsNow();

}  // namespace telemaint
