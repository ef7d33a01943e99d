#include "audit/counter.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace telemaint::audit {

std::string CounterPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "audit-counter").string();
}

Result<std::optional<SignedHead>> ReadCounter(const std::string& data_dir) {
  const std::string path = CounterPath(data_dir);
  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<SignedHead>();
    return Status::Io("cannot read " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  auto head = HeadFromJson(nlohmann::json::parse(text.str(), nullptr, false));
  if (!head.ok()) return Status::InvalidInput(path + " is damaged: " + head.status().message());
  return std::optional<SignedHead>(*head);
}

Status WriteCounter(const std::string& data_dir, const SignedHead& head) {
  const std::string path = CounterPath(data_dir);
  const std::string temp = path + ".new";
  const std::string text = HeadToJson(head).dump() + "\n";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Io("cannot write " + temp + ": " + std::strerror(errno));
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = fsync(fd) == 0 && ok;
  close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0)
    return Status::Io("cannot write " + path + ": " + std::strerror(errno));
  // The rename itself must survive a power cut, or the counter could go back.
  int dir = open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return Status::Ok();
}

}  // namespace telemaint::audit
