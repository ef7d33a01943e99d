#pragma once
// Prepaid hour packs: the provider sells a customer a number of hours, and each intervention is
// deducted from them. A pack is an audit record (pack_added, written by the relay when its admin
// runs `telemaint-relay pack add`), so packs are as tamper-evident as the sessions they pay for.
// The report deducts, in start order, each session's billable time (the `hours` rounding rule)
// from the customer's packs, oldest first. Single-threaded.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "audit/record.h"
#include "audit/sessions.h"
#include "common/status.h"

namespace telemaint::audit {

struct Pack {
  std::string customer;
  int64_t minutes = 0;
  std::string date;  // YYYY-MM-DD: when it was bought
  std::string note;  // e.g. the invoice number
  std::string by;    // who recorded it (the local account that ran the command)
  int64_t seq = 0;   // its record
};

// Names are compared trimmed and without regard to case (ASCII letters).
std::string CustomerKey(const std::string& name);
std::string TrimmedName(const std::string& name);

// The pack_added record's data; an error sentence when a field is not acceptable.
Result<nlohmann::json> PackData(const Pack& pack);
// A pack_added record read back; nullopt for another kind or a malformed one.
std::optional<Pack> PackFromRecord(const Record& record);

// Per customer: what was bought, what each session used, and what remains.
struct PackUse {
  const SessionSummary* session;
  int64_t minutes = 0;
};
struct CustomerPacks {
  std::string customer;  // as the first pack or session wrote it
  std::vector<Pack> packs;
  std::vector<PackUse> uses;
  int64_t bought = 0, used = 0;
  int64_t remaining() const { return bought - used; }
};
// Every customer with a pack or a proven session, sorted by name; `customer` (if not empty)
// keeps only that one (by CustomerKey).
std::vector<CustomerPacks> ComputePacks(const std::vector<Pack>& packs,
                                        const SessionIndex& index, int round_minutes,
                                        const std::string& customer);

// The names the log knows (from packs and sessions), for "did you mean" messages.
std::vector<std::string> KnownCustomers(const std::vector<Pack>& packs, const SessionIndex& index);

void WritePacksText(std::ostream& out, const std::vector<CustomerPacks>& all,
                    int warn_below_minutes);
void WritePacksCsv(std::ostream& out, const std::vector<CustomerPacks>& all);
void WritePacksJson(std::ostream& out, const std::vector<CustomerPacks>& all);

}  // namespace telemaint::audit
