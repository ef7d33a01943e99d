#pragma once
// Where a received file lands and under which name: in the person's downloads folder, under a
// name made safe (no folder, no "..", no control character, bounded), written to a hidden
// temporary file first and linked under its final name only once whole and checked, never
// over an existing file. Blocking file calls; io thread (a piece is at most 60 KiB).
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace telemaint::peer {

// The offered name as a plain file name: the last path component (after '/' or '\'), control
// characters and invalid UTF-8 replaced by '_', a leading dot replaced (no hidden file, no
// ".."), at most kMaxSafeName bytes keeping the extension; "file" when nothing is left.
inline constexpr size_t kMaxSafeName = 200;
std::string SafeFileName(std::string_view offered);

// The downloads folder as xdg-user-dir DOWNLOAD names it (XDG_DOWNLOAD_DIR in
// $XDG_CONFIG_HOME/user-dirs.dirs, e.g. ~/Téléchargements), or ~/Downloads.
std::string DownloadsDirectory();

// One file being received. Not copyable; Abandon (or the destructor) removes the temporary.
class IncomingFile {
 public:
  // Creates the hidden temporary in `dir` (made if missing, never through a symlink).
  static Result<IncomingFile> Create(const std::string& dir, const std::string& safe_name,
                                     uint64_t size);
  IncomingFile(IncomingFile&& other) noexcept;
  IncomingFile& operator=(IncomingFile&&) = delete;
  ~IncomingFile();

  Status Write(ByteView bytes);
  // Whole and checked: linked as `safe_name`, or "name (2).ext" and on if taken. The path.
  Result<std::string> Finish();
  void Abandon();

 private:
  IncomingFile(int dir_fd, int fd, std::string temp_name, std::string safe_name);
  int dir_fd_ = -1, fd_ = -1;
  std::string temp_name_, safe_name_, dir_;
};

}  // namespace telemaint::peer
