#include "admin/org_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace telemaint::admin {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr std::string_view kKeyRole = "organisation";
}  // namespace

Result<std::string> ReadWholeFile(const std::string& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read " + path);
  std::string text(limit + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > limit) return Status::InvalidInput(path + " is too large");
  return text;
}

Result<OrgDir> OrgDir::Create(const std::string& dir, const std::string& name) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create " + dir + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  const std::string key_file = dir + "/org.key";
  if (fs::exists(key_file))
    return Status::InvalidInput(dir + " already holds an organisation key; it is kept as it is");
  auto key = crypto::SigningKey::Create(key_file, kKeyRole);
  if (!key.ok()) return key.status();
  if (Status s = WriteFileAtomically(dir + "/org.pub", ToHex(key->public_key()) + "\n", 0644);
      !s.ok())
    return s;
  if (Status s = WriteFileAtomically(dir + "/org.json", json{{"name", name}}.dump(2) + "\n", 0644);
      !s.ok())
    return s;
  for (const char* sub : {"/tokens", "/machines"}) {
    fs::create_directories(dir + sub, ec);
    fs::permissions(dir + sub, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  return OrgDir(dir, name, std::move(*key));
}

Result<OrgDir> OrgDir::Open(const std::string& dir) {
  auto key = crypto::SigningKey::Load(dir + "/org.key", kKeyRole);
  if (!key.ok())
    return Status::InvalidInput("no organisation in " + dir + " (" + key.status().message() +
                                "); make one with telemaint-admin init");
  auto text = ReadWholeFile(dir + "/org.json");
  json about = text.ok() ? json::parse(*text, nullptr, false) : json();
  if (!about.is_object() || !about.contains("name") || !about["name"].is_string())
    return Status::InvalidInput(dir + "/org.json is missing or damaged");
  return OrgDir(dir, about["name"].get<std::string>(), std::move(*key));
}

Status OrgDir::SaveToken(const org::EnrolmentToken& token) {
  return WriteFileAtomically(dir_ + "/tokens/" + token.token_id + ".json",
                             org::EncodeToken(token), 0600);
}

Result<org::EnrolmentToken> OrgDir::Token(const std::string& token_id) const {
  if (!org::IsMachineId(token_id)) return Status::InvalidInput("not a token id");
  auto text = ReadWholeFile(dir_ + "/tokens/" + token_id + ".json");
  if (!text.ok())
    return Status::NotFound("token " + token_id + " was not made by this organisation");
  return org::DecodeToken(*text);
}

Status OrgDir::SaveMachine(const std::string& machine_id, const std::string& record) const {
  std::error_code ec;
  fs::create_directories(dir_ + "/machines", ec);
  return WriteFileAtomically(dir_ + "/machines/" + machine_id + ".json", record + "\n", 0644);
}

Result<org::RevocationList> OrgDir::Revocations() const {
  const std::string path = dir_ + "/revocations.json";
  if (!fs::exists(path)) return org::RevocationList{};
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  json j = json::parse(*text, nullptr, false);
  org::RevocationList list;
  try {
    list.serial = j.at("serial").get<uint64_t>();
    list.issued_at = j.at("issued_at").get<int64_t>();
    list.technicians = j.at("technicians").get<std::vector<std::string>>();
    list.machines = j.at("machines").get<std::vector<std::string>>();
  } catch (const json::exception&) {
    return Status::InvalidInput(path + " is damaged");
  }
  return list;
}

Status OrgDir::SaveRevocations(const org::RevocationList& list) const {
  return WriteFileAtomically(dir_ + "/revocations.json", list.ToJson().dump(2) + "\n", 0644);
}

}  // namespace telemaint::admin
