#pragma once
// The web viewer's files (web/, bundled at build time into share/telemaint/web), read once when
// the relay starts and served from memory over its HTTPS listener: no disk read on the io
// thread, and a file changed on disk is served only after a restart (what a pinned loader's
// digest was computed from stays what is served). Immutable after Load, so any thread may read.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace telemaint::relay {

struct WebFile {
  std::shared_ptr<const std::string> body;  // shared by the answers being written
  std::string content_type;
  // Scripts and styles may be loaded by a page of another origin (a pinned loader, see
  // docs/operations.md#serving-the-web-viewer) and are sent with CORS headers.
  bool shared_with_loaders = false;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class WebFiles {
 public:
  // Every regular file of `dir` with a known type (not recursive). An empty `dir`: none. A
  // directory that does not exist is an error only when `required`.
  static Result<WebFiles> Load(const std::string& dir, bool required);
  // The file for a request target ("/" is index.html; the query is ignored), or null.
  const WebFile* Find(std::string_view target) const;
  size_t size() const { return files_.size(); }
  // The security headers sent with every file: a strict Content-Security-Policy (no inline
  // script, no other origin), no framing, no sniffing, no referrer.
  static HeaderList SecurityHeaders(const WebFile& file);

 private:
  std::map<std::string, WebFile, std::less<>> files_;
};

// Where the bundle is installed next to the program: EXE_DIR/../share/telemaint/web.
std::string DefaultWebRoot();

}  // namespace telemaint::relay
