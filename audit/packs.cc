#include "audit/packs.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "common/log.h"

namespace telemaint::audit {

std::string TrimmedName(const std::string& name) {
  const auto first = name.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return name.substr(first, name.find_last_not_of(" \t") - first + 1);
}

std::string CustomerKey(const std::string& name) {
  std::string key = TrimmedName(name);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

Result<nlohmann::json> PackData(const Pack& p) {
  const std::string customer = TrimmedName(p.customer);
  if (customer.empty() || customer.size() > 200)
    return Status::InvalidInput("the customer name must be 1 to 200 characters");
  for (unsigned char c : customer)
    if (c < 0x20 || c == 0x7f)
      return Status::InvalidInput("the customer name has a control character");
  if (p.minutes < 1 || p.minutes > 100000 * 60)
    return Status::InvalidInput("a pack holds from one minute to 100000 hours");
  if (!ParseTime(p.date)) return Status::InvalidInput("the date must be YYYY-MM-DD (a real date)");
  if (p.note.size() > 500) return Status::InvalidInput("the note is at most 500 characters");
  return nlohmann::json{{"customer", customer}, {"minutes", p.minutes}, {"date", p.date},
                        {"note", p.note}, {"by", p.by}};
}

std::optional<Pack> PackFromRecord(const Record& r) {
  if (!r.Is(wire::AuditKind::kPackAdded)) return std::nullopt;
  const auto& d = r.data;
  if (!d.value("minutes", nlohmann::json()).is_number_integer()) return std::nullopt;
  Pack p{StringField(d, "customer"), d["minutes"].get<int64_t>(), StringField(d, "date"),
         StringField(d, "note"), StringField(d, "by"), r.seq};
  if (p.customer.empty() || p.minutes < 1) return std::nullopt;
  return p;
}

std::vector<CustomerPacks> ComputePacks(const std::vector<Pack>& packs,
                                        const SessionIndex& index, int round_minutes,
                                        const std::string& customer) {
  std::map<std::string, CustomerPacks> by_key;
  auto entry = [&](const std::string& name) -> CustomerPacks& {
    CustomerPacks& c = by_key[CustomerKey(name)];
    if (c.customer.empty()) c.customer = TrimmedName(name);
    return c;
  };
  for (const Pack& p : packs) {
    CustomerPacks& c = entry(p.customer);
    c.packs.push_back(p);
    c.bought += p.minutes;
  }
  for (const SessionSummary* s : index.All()) {
    if (s->unproven || CustomerKey(s->customer).empty()) continue;
    const int64_t minutes = BillableMinutes(*s, round_minutes);
    if (minutes == 0) continue;
    CustomerPacks& c = entry(s->customer);
    c.uses.push_back({s, minutes});
    c.used += minutes;
  }
  std::vector<CustomerPacks> out;
  for (auto& [key, c] : by_key)
    if (customer.empty() || key == CustomerKey(customer)) out.push_back(std::move(c));
  return out;
}

std::vector<std::string> KnownCustomers(const std::vector<Pack>& packs,
                                        const SessionIndex& index) {
  std::map<std::string, std::string> names;
  for (const Pack& p : packs) names.emplace(CustomerKey(p.customer), TrimmedName(p.customer));
  for (const SessionSummary* s : index.All())
    if (!CustomerKey(s->customer).empty())
      names.emplace(CustomerKey(s->customer), TrimmedName(s->customer));
  std::vector<std::string> out;
  for (auto& [key, name] : names) out.push_back(name);
  return out;
}

namespace {

std::string HoursText(int64_t minutes) {
  char out[48];
  const int64_t m = minutes < 0 ? -minutes : minutes;
  std::snprintf(out, sizeof out, "%s%lld h %02lld", minutes < 0 ? "-" : "",
                static_cast<long long>(m / 60), static_cast<long long>(m % 60));
  return out;
}

}  // namespace

void WritePacksText(std::ostream& out, const std::vector<CustomerPacks>& all,
                    int warn_below_minutes) {
  using log::Printable;
  for (const CustomerPacks& c : all) {
    out << Printable(c.customer) << ": bought " << HoursText(c.bought) << ", used "
        << HoursText(c.used) << ", remaining " << HoursText(c.remaining()) << "\n";
    for (const Pack& p : c.packs)
      out << "  pack  " << p.date << "  +" << HoursText(p.minutes)
          << (p.note.empty() ? "" : "  " + Printable(p.note)) << "  (record " << p.seq << ")\n";
    for (const PackUse& u : c.uses)
      out << "  used  " << IsoTime(u.session->start_ms).substr(0, 10) << "  -"
          << HoursText(u.minutes) << "  " << u.session->id.substr(0, 8) << "  ticket "
          << (u.session->ticket.empty() ? "-" : Printable(u.session->ticket)) << "  "
          << Printable(u.session->technician) << "\n";
    if (c.remaining() < 0)
      out << "  WARNING: " << Printable(c.customer) << " has used " << HoursText(-c.remaining())
          << " more than bought: sell a new pack\n";
    else if (c.bought > 0 && c.remaining() < std::max<int64_t>(warn_below_minutes, c.bought / 5))
      out << "  WARNING: nearly used up: " << HoursText(c.remaining()) << " left\n";
  }
  if (all.empty()) out << "no pack and no billable session\n";
}

void WritePacksCsv(std::ostream& out, const std::vector<CustomerPacks>& all) {
  out << "customer,bought_min,used_min,remaining_min\n";
  for (const CustomerPacks& c : all) {
    std::string name = c.customer;
    if (!name.empty() && std::string("=+-@\t\r").find(name[0]) != std::string::npos)
      name = "'" + name;  // spreadsheets run such cells as formulas
    std::string quoted = "\"";
    for (char ch : name) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    out << quoted << "\"," << c.bought << ',' << c.used << ',' << c.remaining() << '\n';
  }
}

void WritePacksJson(std::ostream& out, const std::vector<CustomerPacks>& all) {
  nlohmann::json list = nlohmann::json::array();
  for (const CustomerPacks& c : all) {
    nlohmann::json packs = nlohmann::json::array(), uses = nlohmann::json::array();
    for (const Pack& p : c.packs)
      packs.push_back({{"date", p.date}, {"minutes", p.minutes}, {"note", p.note},
                       {"by", p.by}, {"record", p.seq}});
    for (const PackUse& u : c.uses)
      uses.push_back({{"session", u.session->id}, {"start", IsoTime(u.session->start_ms)},
                      {"minutes", u.minutes}, {"ticket", u.session->ticket},
                      {"technician", u.session->technician}});
    list.push_back({{"customer", c.customer}, {"bought_min", c.bought}, {"used_min", c.used},
                    {"remaining_min", c.remaining()}, {"packs", packs}, {"sessions", uses}});
  }
  out << list.dump(2) << "\n";
}

}  // namespace telemaint::audit
