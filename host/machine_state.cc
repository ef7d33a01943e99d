#include "host/machine_state.h"

#include "common/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace telemaint::host {

namespace fs = std::filesystem;
using nlohmann::json;

std::string DefaultStateDir() { return "/var/lib/telemaint-host"; }

Status MachineState::Prepare() const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::Io("cannot create " + dir_ + ": " + ec.message());
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
  return Status::Ok();
}

Result<Enrolment> MachineState::LoadEnrolment() const {
  const std::string path = dir_ + "/enrolment.json";
  json j = json::parse(ReadTextFile(path), nullptr, false);
  Enrolment e;
  std::string key;
  try {
    e.machine_id = j.at("machine_id").get<std::string>();
    e.name = j.at("name").get<std::string>();
    e.customer = j.at("customer").get<std::string>();
    e.relay = j.at("relay").get<std::string>();
    e.org_name = j.at("org").get<std::string>();
    key = j.at("org_key").get<std::string>();
  } catch (const json::exception&) {
    return Status::NotFound("this machine is not enrolled (no valid " + path +
                            "); run telemaint-host enroll --token FILE --ca FILE first");
  }
  if (!org::IsMachineId(e.machine_id) || !org::IsPublicKeyHex(key))
    return Status::InvalidInput(path + " is damaged");
  e.org_key = FromHex(key);
  return e;
}

Status MachineState::SaveEnrolment(const Enrolment& e) const {
  json j = {{"machine_id", e.machine_id}, {"name", e.name},        {"customer", e.customer},
            {"relay", e.relay},           {"org", e.org_name},     {"org_key", ToHex(e.org_key)}};
  return WriteFileAtomically(dir_ + "/enrolment.json", j.dump(2) + "\n", 0644);
}

std::string MachineState::Record() const { return ReadTextFile(dir_ + "/record.json"); }

Status MachineState::SaveRecord(const std::string& text) const {
  if (Record() == text) return Status::Ok();
  return WriteFileAtomically(dir_ + "/record.json", text, 0644);
}

std::optional<org::RevocationList> MachineState::Revocations(ByteView org_key) const {
  auto list = org::CheckRevocationList(org_key, ReadTextFile(dir_ + "/revocations.json"));
  if (!list.ok()) return std::nullopt;
  return std::move(*list);
}

// A relay cannot take a revocation back: an older list than the one kept is ignored.
Status MachineState::KeepRevocations(ByteView org_key, const std::string& text) const {
  if (text.empty()) return Status::Ok();
  auto list = org::CheckRevocationList(org_key, text);
  if (!list.ok()) return list.status();
  auto kept = Revocations(org_key);
  if (kept && kept->serial >= list->serial) return Status::Ok();
  return WriteFileAtomically(dir_ + "/revocations.json", text, 0644);
}

}  // namespace telemaint::host
