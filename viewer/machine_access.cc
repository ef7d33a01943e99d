#include "viewer/machine_access.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/files.h"
#include "common/log.h"
#include "crypto/identity.h"
#include "inventory/inventory.h"

namespace telemaint::viewer {

using nlohmann::json;

namespace {

std::string Beside(const std::string& key_file, const char* name) {
  return (std::filesystem::path(key_file).parent_path() / name).string();
}

// The organisation key a certificate names, before it is checked with it.
Bytes NamedOrgKey(const std::string& certificate) {
  auto statement = org::DecodeStatement(certificate);
  if (!statement.ok()) return {};
  json body = json::parse(statement->body, nullptr, false);
  std::string hex = body.is_object() ? body.value("org_key", std::string()) : std::string();
  return org::IsPublicKeyHex(hex) ? FromHex(hex) : Bytes();
}

}  // namespace

std::string DefaultCertificateFile(const std::string& key_file) {
  return Beside(key_file, "technician.cert");
}

std::string DefaultRevocationsFile(const std::string& key_file) {
  return Beside(key_file, "revocations.json");
}

Result<TechnicianCredential> LoadCredential(const std::string& cert_file,
                                            const std::string& org_key_option, ByteView public_key,
                                            std::string& warning) {
  TechnicianCredential me;
  me.certificate = ReadTextFile(cert_file);
  while (!me.certificate.empty() && std::isspace(static_cast<unsigned char>(me.certificate.back())))
    me.certificate.pop_back();
  if (me.certificate.empty())
    return Status::NotFound("no technician certificate at " + cert_file +
                            ": give your admin the key telemaint-viewer --show-key prints, and "
                            "put the certificate they make there (or use --cert-file)");
  if (me.certificate.size() > org::kMaxStatementBytes)
    return Status::InvalidInput(cert_file + " is too large to be a technician certificate");
  if (!org_key_option.empty()) {
    auto key = org::ReadOrgKey(org_key_option);
    if (!key.ok()) return key.status();
    me.org_key = *key;
  } else {
    me.org_key = NamedOrgKey(me.certificate);
  }
  // Its signature only: an expired one still goes, with a warning (the refusal is audited).
  auto cert = org::ReadCertificate(me.org_key, me.certificate);
  if (!cert.ok()) return Status::InvalidInput(cert_file + ": " + cert.status().message());
  if (cert->key != Bytes(public_key.begin(), public_key.end()))
    return Status::InvalidInput(cert_file + " certifies another key than yours (--key-file)");
  if (cert->not_after < std::time(nullptr))
    warning = "your certificate expired; machines will refuse it — ask your admin for a new one";
  me.parsed = std::move(*cert);
  return me;
}

std::optional<org::RevocationList> KnownRevocations(const std::string& file, ByteView org_key) {
  auto list = org::CheckRevocationList(org_key, ReadTextFile(file));
  if (!list.ok()) return std::nullopt;
  return std::move(*list);
}

void KeepRevocations(const std::string& file, ByteView org_key, const std::string& text) {
  auto list = org::CheckRevocationList(org_key, text);
  if (!list.ok()) return;
  auto known = KnownRevocations(file, org_key);
  if (known && known->serial >= list->serial) return;
  (void)WriteFileAtomically(file, text, 0644);  // a list kept is an optimisation, not a must
}

Result<org::MachineRecord> CheckMachine(const TechnicianCredential& me, std::string_view record,
                                        ByteView machine_id, const std::string& wanted,
                                        const std::string& revocations_file) {
  auto revoked = KnownRevocations(revocations_file, me.org_key);
  auto r = org::CheckMachineRecord(me.org_key, record, revoked ? &*revoked : nullptr);
  if (!r.ok()) return r.status();
  if (r->machine_id != ToHex(machine_id))
    return Status::AuthFailed("the machine's record is not the machine that answered");
  if (r->machine_id != wanted && r->name != wanted)
    return Status::AuthFailed("the relay connected you to " + r->name + " (" + r->machine_id +
                              "), not to " + wanted);
  return r;
}

namespace {

std::string LastSeen(int64_t when) {
  if (when <= 0) return "never";
  const int64_t ago = std::max<int64_t>(0, std::time(nullptr) - when);
  if (ago < 120) return std::to_string(ago) + " s ago";
  if (ago < 7200) return std::to_string(ago / 60) + " min ago";
  if (ago < 172800) return std::to_string(ago / 3600) + " h ago";
  return std::to_string(ago / 86400) + " days ago";
}

// One machine as the technician sees it; `verified`: its record checks out against the
// organisation key we pin (a relay could list machines nobody approved).
json Entry(const json& m, const Bytes& org_key, const std::optional<org::RevocationList>& revoked) {
  const std::string record = m.value("record", std::string());
  auto checked = org_key.empty() ? Result<org::MachineRecord>(Status::NotFound("no key"))
                                 : org::CheckMachineRecord(org_key, record, nullptr);
  const bool verified = checked.ok() && checked->machine_id == m.value("machine_id", "");
  const json inventory =
      m.contains("inventory") && m["inventory"].is_object() ? m["inventory"] : json::object();
  const json health = inventory.contains("health") && inventory["health"].is_object()
                          ? inventory["health"]
                          : json::object();
  const json warnings = health.contains("warnings") && health["warnings"].is_array()
                            ? health["warnings"]
                            : json::array();
  const std::string id = m.value("machine_id", std::string());
  return {{"machine_id", id},
          {"name", verified ? checked->name : m.value("name", std::string())},
          {"customer", verified ? checked->customer : m.value("customer", std::string())},
          {"online", m.value("online", false)},
          {"busy", m.value("busy", false)},
          {"revoked", m.value("revoked", false) || (revoked && revoked->RevokesMachine(id))},
          {"verified", verified},
          {"last_seen", m.value("last_seen", int64_t{0})},
          {"summary", inventory::InventorySummary(inventory)},
          {"warnings", warnings},
          {"inventory", inventory}};
}

void PrintEntry(const json& e) {
  const std::string state = e["revoked"].get<bool>() ? "revoked"
                            : e["busy"].get<bool>()  ? "in a session"
                            : e["online"].get<bool>()
                                ? "online"
                                : "offline, seen " + LastSeen(e["last_seen"].get<int64_t>());
  std::cout << log::Printable(e["name"].get<std::string>()) << "  ("
            << log::Printable(e["customer"].get<std::string>()) << ")  " << state << "  id "
            << e["machine_id"].get<std::string>() << "\n";
  if (!e["verified"].get<bool>())
    std::cout << "    WARNING: its record is not signed by your organisation's key\n";
  if (const std::string summary = e["summary"]; !summary.empty())
    std::cout << "    " << log::Printable(summary) << "\n";
  for (const auto& w : e["warnings"])
    if (w.is_string()) std::cout << "    ! " << log::Printable(w.get<std::string>()) << "\n";
}

}  // namespace

int ListMachines(const MachineListOptions& o, std::string& password) {
  json request = {{"type", "machines"}};
  if (!o.customer.empty()) request["customer"] = o.customer;
  auto answers = org::AskRelay(o.account, password, {request});
  if (!answers.ok()) {
    std::cerr << "error: " << answers.status().message() << "\n";
    return answers.status().code() == Status::Code::kAuthFailed ? 3 : 1;
  }
  Bytes org_key;
  if (!o.org_key_option.empty()) {
    auto key = org::ReadOrgKey(o.org_key_option);
    if (!key.ok()) {
      std::cerr << "error: --org-key: " << key.status().message() << "\n";
      return 2;
    }
    org_key = *key;
  } else {
    org_key = NamedOrgKey(ReadTextFile(o.cert_file));
  }
  if (org_key.empty())
    std::cerr << "warning: no certificate (" << o.cert_file << ") and no --org-key: the "
              << "machines' records cannot be checked\n";
  const json& answer = answers->at(0);
  const json& lists = answer.contains("revocations") ? answer["revocations"] : json();
  if (!org_key.empty() && lists.is_string())
    KeepRevocations(o.revocations_file, org_key, lists.get<std::string>());
  auto revoked = org_key.empty() ? std::nullopt : KnownRevocations(o.revocations_file, org_key);
  json list = json::array();
  const json machines = answer.contains("machines") ? answer["machines"] : json::array();
  for (const auto& m : machines) {
    try {  // the relay's word: a field of the wrong type skips that machine, not the list
      list.push_back(Entry(m, org_key, revoked));
    } catch (const json::exception&) {
      std::cerr << "warning: the relay sent a malformed machine entry; skipped\n";
    }
  }
  if (o.json) {
    std::cout << list.dump(2) << "\n";
    return 0;
  }
  if (list.empty())
    std::cout << "No machine is enrolled" << (o.customer.empty() ? "" : " for this customer")
              << ".\n";
  for (const auto& e : list) PrintEntry(e);
  return 0;
}

}  // namespace telemaint::viewer
