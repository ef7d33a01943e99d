#include "relay/web_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace telemaint::relay {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxTotalBytes = 32u << 20;  // the bundle is under 1 MiB; room to grow

std::optional<std::string> ContentType(const fs::path& name) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},        {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},      {".svg", "image/svg+xml"},
      {".png", "image/png"},                      {".ico", "image/x-icon"}};
  auto it = kTypes.find(name.extension().string());
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

// connect-src 'self' covers wss: to this same host and port (CSP Level 3); 'wasm-unsafe-eval'
// lets libsodium compile its WebAssembly and allows no JavaScript eval.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

Result<std::string> ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read " + path.string());
  std::ostringstream body;
  body << in.rdbuf();
  if (in.bad()) return Status::Io("cannot read " + path.string());
  return body.str();
}

}  // namespace

Result<WebFiles> WebFiles::Load(const std::string& dir, bool required) {
  WebFiles out;
  if (dir.empty()) return out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    if (required) return Status::InvalidInput("--web-root " + dir + " is not a directory");
    return out;
  }
  size_t total = 0;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    auto type = ContentType(entry.path());
    if (!type) continue;
    auto body = ReadWhole(entry.path());
    if (!body.ok()) return Status::Io("web viewer: " + body.status().message());
    total += body->size();
    if (total > kMaxTotalBytes) return Status::InvalidInput("web viewer: " + dir + " is too big");
    const std::string ext = entry.path().extension().string();
    out.files_["/" + entry.path().filename().string()] =
        WebFile{std::make_shared<const std::string>(std::move(*body)), *type,
                ext == ".js" || ext == ".css"};
  }
  if (ec) return Status::Io("web viewer: cannot list " + dir + ": " + ec.message());
  return out;
}

const WebFile* WebFiles::Find(std::string_view target) const {
  target = target.substr(0, target.find('?'));
  if (target == "/") target = "/index.html";
  auto it = files_.find(target);
  return it == files_.end() ? nullptr : &it->second;
}

HeaderList WebFiles::SecurityHeaders(const WebFile& file) {
  HeaderList h = {{"Content-Security-Policy", kContentSecurityPolicy},
                  {"X-Content-Type-Options", "nosniff"},
                  {"X-Frame-Options", "DENY"},
                  {"Referrer-Policy", "no-referrer"},
                  {"Cross-Origin-Opener-Policy", "same-origin"},
                  {"Strict-Transport-Security", "max-age=31536000"},
                  {"Cache-Control", "no-cache"}};
  if (file.shared_with_loaders) {
    h.emplace_back("Access-Control-Allow-Origin", "*");
    h.emplace_back("Cross-Origin-Resource-Policy", "cross-origin");
  } else {
    h.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  }
  return h;
}

std::string DefaultWebRoot() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return (exe.parent_path().parent_path() / "share/telemaint/web").lexically_normal().string();
}

}  // namespace telemaint::relay
