#include "audit/known_heads.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/sessions.h"
#include "common/clock.h"

namespace telemaint::audit {

namespace fs = std::filesystem;

std::string DefaultKnownHeadsPath() {
  fs::path base;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
    base = state;
  else if (const char* home = std::getenv("HOME"); home && *home)
    base = fs::path(home) / ".local" / "state";
  else
    base = ".";
  return (base / "telemaint" / "audit-known-heads.json").string();
}

namespace {

Result<nlohmann::json> ReadAll(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return nlohmann::json::object();
    return Status::Io("cannot read " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object()) return Status::InvalidInput(path + " is damaged; move it aside");
  return j;
}

}  // namespace

Result<std::optional<KnownHead>> RecallHead(const std::string& path, const Bytes& relay_key) {
  auto all = ReadAll(path);
  if (!all.ok()) return all.status();
  auto entry = all->find(ToHex(relay_key));
  if (entry == all->end() || !entry->is_object()) return std::optional<KnownHead>();
  KnownHead k;
  k.count = entry->value("count", int64_t{0});
  k.hash = FromHex(entry->value("hash", std::string()));
  k.where = "the log you verified on " + IsoTime(entry->value("seen", int64_t{0})) + " (" +
            entry->value("source", std::string("?")) + ", remembered in " + path + ")";
  if (k.count < 1 || k.hash.size() != 32) return Status::InvalidInput(path + " is damaged");
  return std::optional<KnownHead>(k);
}

Status RememberHead(const std::string& path, const Bytes& relay_key, const VerifyReport& report,
                    const std::string& source) {
  if (!report.ok() || report.signed_through < 1 || report.signed_hash.empty())
    return Status::Ok();
  auto all = ReadAll(path);
  if (!all.ok()) return all.status();
  auto& entry = (*all)[ToHex(relay_key)];
  if (entry.is_object() && entry.value("count", int64_t{0}) >= report.signed_through)
    return Status::Ok();
  entry = {{"count", report.signed_through}, {"hash", ToHex(report.signed_hash)},
           {"seen", UnixMillisNow()}, {"source", source}};
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string temp = path + ".new";
  const std::string text = all->dump(2) + "\n";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Io("cannot write " + temp);
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  fsync(fd) == 0;
  close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0)
    return Status::Io("cannot write " + path);
  return Status::Ok();
}

Result<KnownHead> KnownHeadFromFile(const std::string& file) {
  std::ifstream in(file);
  if (!in) return Status::NotFound("--known-head: cannot read " + file);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  auto as_json = nlohmann::json::parse(last, nullptr, false);
  if (auto head = HeadFromJson(as_json); head.ok())
    return KnownHead{head->count, head->head, "the signed head in " + file};
  auto record = ParseRecordLine(last);
  if (!record.ok())
    return Status::InvalidInput("--known-head: " + file +
                                " is neither an exported log nor a signed head");
  return KnownHead{record->seq, record->hash, "the export " + file};
}

}  // namespace telemaint::audit
