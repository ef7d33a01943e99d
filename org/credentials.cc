// The three kinds of statement as values, and the checks hosts and viewers make on them.
#include <algorithm>

#include "org/fields.h"
#include "org/statements.h"

namespace telemaint::org {
namespace {

using nlohmann::json;

bool HexKey(const json& j, const char* key, Bytes& out) {
  std::string hex;
  if (!TextField(j, key, hex) || !IsPublicKeyHex(hex)) return false;
  out = FromHex(hex);
  return true;
}

bool Strings(const json& j, const char* key, std::vector<std::string>& out,
             bool (*valid)(std::string_view)) {
  auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_array() || it->size() > kMaxRevokedEntries) return false;
  for (const auto& item : *it) {
    if (!item.is_string()) return false;
    const auto& s = item.get_ref<const std::string&>();
    if (!valid(s)) return false;
    out.push_back(s);
  }
  return true;
}

bool ShortText(std::string_view s) { return !s.empty() && s.size() <= 256; }

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

Status Malformed(std::string_view what) {
  return Status::AuthFailed("the " + std::string(what) + " is malformed");
}

}  // namespace

bool RevocationList::RevokesTechnician(std::string_view key_hex) const {
  return Contains(technicians, key_hex);
}
bool RevocationList::RevokesMachine(std::string_view machine_id) const {
  return Contains(machines, machine_id);
}

json RevocationList::ToJson() const {
  return {{"serial", serial}, {"issued_at", issued_at}, {"technicians", technicians},
          {"machines", machines}};
}

bool TechnicianCertificate::Covers(std::string_view customer) const {
  return customers.empty() || Contains(customers, customer);
}

json TechnicianCertificate::ToJson(ByteView org_key) const {
  return {{"org", org_name},         {"org_key", ToHex(org_key)}, {"account", account},
          {"key", ToHex(key)},       {"issued_at", issued_at},    {"not_after", not_after},
          {"customers", customers},  {"serial", serial}};
}

json MachineRecord::ToJson(ByteView org_key) const {
  return {{"org", org_name},       {"org_key", ToHex(org_key)}, {"machine_id", machine_id},
          {"key", ToHex(key)},     {"customer", customer},      {"name", name},
          {"enrolled_at", enrolled_at}, {"approved_at", approved_at}};
}

Result<TechnicianCertificate> ReadCertificate(ByteView org_key, std::string_view text) {
  auto body = VerifyStatement(org_key, text, StatementKind::kTechnicianCertificate);
  if (!body.ok()) return body.status();
  TechnicianCertificate c;
  if (!TextField(*body, "org", c.org_name) || !TextField(*body, "account", c.account) ||
      !HexKey(*body, "key", c.key) || !TimeField(*body, "issued_at", c.issued_at) ||
      !TimeField(*body, "not_after", c.not_after) || !TextField(*body, "serial", c.serial) ||
      !Strings(*body, "customers", c.customers, ShortText))
    return Malformed("technician certificate");
  return c;
}

Result<TechnicianCertificate> CheckCertificate(ByteView org_key, std::string_view text,
                                               int64_t now, const RevocationList* revoked) {
  auto read = ReadCertificate(org_key, text);
  if (!read.ok()) return read.status();
  TechnicianCertificate& c = *read;
  if (now > c.not_after)
    return Status::AuthFailed("the technician certificate of " + c.account +
                              " has expired — ask your admin for a new one");
  if (now + 300 < c.issued_at)  // five minutes of clock difference are forgiven
    return Status::AuthFailed("the technician certificate of " + c.account +
                              " is not valid yet (check the clocks)");
  if (revoked && revoked->RevokesTechnician(ToHex(c.key)))
    return Status::AuthFailed("the technician certificate of " + c.account +
                              " was revoked by the organisation");
  return read;
}

Result<MachineRecord> CheckMachineRecord(ByteView org_key, std::string_view text,
                                         const RevocationList* revoked) {
  auto body = VerifyStatement(org_key, text, StatementKind::kMachineRecord);
  if (!body.ok()) return body.status();
  MachineRecord r;
  if (!TextField(*body, "org", r.org_name) || !TextField(*body, "machine_id", r.machine_id) ||
      !IsMachineId(r.machine_id) || !HexKey(*body, "key", r.key) ||
      !TextField(*body, "customer", r.customer) || !TextField(*body, "name", r.name) ||
      !TimeField(*body, "enrolled_at", r.enrolled_at) || !TimeField(*body, "approved_at", r.approved_at))
    return Malformed("machine record");
  if (r.machine_id != MachineIdForKey(r.key))
    return Status::AuthFailed("the machine record of " + r.name + " names an id that is not its "
                              "key's");
  if (revoked && revoked->RevokesMachine(r.machine_id))
    return Status::AuthFailed("the machine " + r.name + " was revoked by the organisation");
  return r;
}

Result<RevocationList> CheckRevocationList(ByteView org_key, std::string_view text) {
  if (text.size() > kMaxRevocationListBytes)
    return Status::AuthFailed("the revocation list is too large");
  auto body = VerifyStatement(org_key, text, StatementKind::kRevocationList);
  if (!body.ok()) return body.status();
  RevocationList list;
  auto serial = body->find("serial");
  if (serial == body->end() || !serial->is_number_unsigned() ||
      !TimeField(*body, "issued_at", list.issued_at) ||
      !Strings(*body, "technicians", list.technicians, IsPublicKeyHex) ||
      !Strings(*body, "machines", list.machines, IsMachineId))
    return Malformed("revocation list");
  list.serial = serial->get<uint64_t>();
  return list;
}

}  // namespace telemaint::org
