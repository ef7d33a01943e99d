#include "peer/file_names.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "common/files.h"
#include "common/log.h"
#include "crypto/random.h"
#include "peer/side_messages.h"

namespace telemaint::peer {
namespace {

// Cuts `text` to at most `max` bytes on a character boundary.
std::string CutUtf8(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
  return text.substr(0, cut);
}

// Every byte that is not part of a valid, printable character becomes '_'.
std::string PrintableName(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > name.size() || !IsValidUtf8(name.substr(i, n)) || c < 0x20 ||
        c == 0x7f || (c == 0xc2 && static_cast<unsigned char>(name[i + 1]) < 0xa0)) {
      out += '_';  // invalid, or a C0/C1 control character
      ++i;
      continue;
    }
    out.append(name.substr(i, n));
    i += n;
  }
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '.')) s.pop_back();
  size_t start = 0;
  while (start < s.size() && s[start] == ' ') ++start;
  return s.substr(start);
}

// The process's umask, read without changing it (umask() would, for every thread).
mode_t CurrentUmask() {
  const std::string status = ReadTextFile("/proc/self/status", 64 * 1024);
  const size_t at = status.find("Umask:");
  if (at == std::string::npos) return 077;
  return static_cast<mode_t>(std::strtoul(status.c_str() + at + 6, nullptr, 8));
}

// "name (2).ext" for the n-th try.
std::string Numbered(const std::string& name, int n) {
  if (n == 1) return name;
  const size_t dot = name.rfind('.');
  const bool has_ext = dot != std::string::npos && dot > 0 && name.size() - dot <= 16;
  const std::string stem = has_ext ? name.substr(0, dot) : name;
  return stem + " (" + std::to_string(n) + ")" + (has_ext ? name.substr(dot) : "");
}

}  // namespace

std::string SafeFileName(std::string_view offered) {
  const size_t slash = offered.find_last_of("/\\");
  // Printable also writes out what a terminal or a text view would act on (bidirectional
  // overrides: "invoice\u202Efdp.sh"), so the name shown is the name saved.
  std::string name = Trim(log::Printable(PrintableName(
      slash == std::string_view::npos ? offered : offered.substr(slash + 1))));
  if (!name.empty() && name[0] == '.') name[0] = '_';  // no hidden file, no "." or ".."
  if (name.size() > kMaxSafeName) {
    const size_t dot = name.rfind('.');
    const bool keep_ext = dot != std::string::npos && name.size() - dot <= 16;
    const std::string ext = keep_ext ? name.substr(dot) : "";
    name = CutUtf8(name.substr(0, keep_ext ? dot : name.size()), kMaxSafeName - ext.size()) + ext;
  }
  return name.empty() ? "file" : name;
}

std::string DownloadsDirectory() {
  const char* home_env = std::getenv("HOME");
  const std::string home = home_env ? home_env : "/tmp";
  const char* config_env = std::getenv("XDG_CONFIG_HOME");
  const std::string config = config_env && *config_env ? config_env : home + "/.config";
  // The file is shell syntax; xdg-user-dir reads only lines of the form VAR="$HOME/dir" or
  // VAR="/abs/dir", and so do we.
  const std::string dirs = ReadTextFile(config + "/user-dirs.dirs", 64 * 1024);
  const std::string key = "XDG_DOWNLOAD_DIR=\"";
  for (size_t at = dirs.find(key); at != std::string::npos; at = dirs.find(key, at + 1)) {
    if (at != 0 && dirs[at - 1] != '\n') continue;
    const size_t end = dirs.find('"', at + key.size());
    if (end == std::string::npos) break;
    std::string value = dirs.substr(at + key.size(), end - at - key.size());
    if (value.rfind("$HOME", 0) == 0) value = home + value.substr(5);
    if (!value.empty() && value[0] == '/' && value != home && value != home + "/") return value;
  }
  return home + "/Downloads";
}

IncomingFile::IncomingFile(int dir_fd, int fd, std::string temp_name, std::string safe_name)
    : dir_fd_(dir_fd), fd_(fd), temp_name_(std::move(temp_name)), safe_name_(std::move(safe_name)) {}

IncomingFile::IncomingFile(IncomingFile&& o) noexcept
    : dir_fd_(std::exchange(o.dir_fd_, -1)),
      fd_(std::exchange(o.fd_, -1)),
      temp_name_(std::move(o.temp_name_)),
      safe_name_(std::move(o.safe_name_)),
      dir_(std::move(o.dir_)) {}

IncomingFile::~IncomingFile() { Abandon(); }

Result<IncomingFile> IncomingFile::Create(const std::string& dir, const std::string& safe_name,
                                          uint64_t size) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd < 0) return Status::Io("cannot open the folder " + dir + " to save the file");
  struct statvfs vfs {};
  if (fstatvfs(dir_fd, &vfs) == 0 &&
      static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize < size + (16u << 20)) {
    close(dir_fd);
    return Status::Limit("not enough free space in " + dir + " for this file");
  }
  const std::string temp = ".telemaint-" + crypto::RandomHex(8) + ".part";
  const int fd =
      openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    close(dir_fd);
    return Status::Io("cannot create a file in " + dir);
  }
  IncomingFile file(dir_fd, fd, temp, safe_name);
  file.dir_ = dir;
  return file;
}

Status IncomingFile::Write(ByteView bytes) {
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Status::Io(errno == ENOSPC ? "the disk is full" : "cannot write the file");
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<std::string> IncomingFile::Finish() {
  if (fsync(fd_) != 0) return Status::Io("cannot write the file to disk");
  fchmod(fd_, 0666 & ~CurrentUmask());  // like any file this person's programs make
  for (int n = 1; n < 1000; ++n) {
    const std::string name = Numbered(safe_name_, n);
    // link() never replaces an existing name: a file that appeared meanwhile is kept.
    if (linkat(dir_fd_, temp_name_.c_str(), dir_fd_, name.c_str(), 0) == 0) {
      Abandon();  // the temporary name goes; the file stays under its final one
      return dir_ + "/" + name;
    }
    if (errno != EEXIST) return Status::Io("cannot name the received file in " + dir_);
  }
  return Status::Io("too many files named " + safe_name_ + " in " + dir_);
}

void IncomingFile::Abandon() {
  if (fd_ >= 0) close(fd_);
  if (dir_fd_ >= 0) {
    unlinkat(dir_fd_, temp_name_.c_str(), 0);
    close(dir_fd_);
  }
  fd_ = dir_fd_ = -1;
}

}  // namespace telemaint::peer
