#include "relay/web_loader.h"

#include <openssl/evp.h>

#include <cstdio>

#include "common/address.h"
#include "common/files.h"
#include "crypto/base64.h"
#include "relay/web_files.h"

namespace telemaint::relay {
namespace {

std::string Sha384Integrity(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha384(), nullptr);
  return "sha384-" +
         crypto::Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

// Replaces the one occurrence of `from` in `page`; an error when it is not there (a bundle
// that does not come from this version's web/static/index.html).
Status ReplaceOnce(std::string& page, const std::string& from, const std::string& to) {
  const size_t at = page.find(from);
  if (at == std::string::npos || page.find(from, at + 1) != std::string::npos)
    return Status::InvalidInput("the web viewer's index.html does not have " + from);
  page.replace(at, from.size(), to);
  return Status::Ok();
}

// The host goes into a Content-Security-Policy and HTML attributes: only a DNS name, an IPv4
// address or a bracketed IPv6 address may, so nothing can add a source or end the attribute.
bool IsPlainHost(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<std::string> MakeWebLoader(const std::string& relay_url, const std::string& web_root) {
  auto relay = ParseRelayUrl(relay_url);
  if (!relay.ok()) return Status::InvalidInput("--relay: " + relay.status().message());
  if (!IsPlainHost(relay->ToString()))
    return Status::InvalidInput("--relay: the host must be a DNS name or an IP address");
  const std::string origin = "https://" + relay->ToString();
  const std::string socket = "wss://" + relay->ToString();
  // The files exactly as the relay would serve them from this directory.
  auto files = WebFiles::Load(web_root, /*required=*/true);
  if (!files.ok()) return files.status();
  const WebFile* page = files->Find("/index.html");
  const WebFile* script = files->Find("/app.js");
  const WebFile* style = files->Find("/app.css");
  if (!page || !script || !style)
    return Status::Io(web_root + " lacks the web viewer's index.html, app.js or app.css");
  const std::string policy =
      "default-src 'none'; script-src " + origin + "/app.js 'wasm-unsafe-eval'; style-src " +
      origin + "/app.css; img-src data: blob:; connect-src " + socket +
      "; base-uri 'none'; form-action 'none'";
  std::string out = *page->body;
  Status s = ReplaceOnce(out, "<meta charset=\"utf-8\">",
                         "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" "
                         "content=\"" + policy + "\">\n<meta name=\"telemaint-relay\" content=\"" +
                             socket + "\">");
  if (s.ok())
    s = ReplaceOnce(out, "href=\"app.css\"",
                    "href=\"" + origin + "/app.css\" integrity=\"" + Sha384Integrity(*style->body) +
                        "\" crossorigin=\"anonymous\"");
  if (s.ok())
    s = ReplaceOnce(out, "src=\"app.js\"",
                    "src=\"" + origin + "/app.js\" integrity=\"" + Sha384Integrity(*script->body) +
                        "\" crossorigin=\"anonymous\"");
  if (!s.ok()) return s;
  return out;
}

int RunWebLoader(const std::string& relay_url, const std::string& web_root,
                 const std::string& output) {
  auto loader = MakeWebLoader(relay_url, web_root.empty() ? DefaultWebRoot() : web_root);
  if (!loader.ok()) {
    std::fprintf(stderr, "error: %s\n", loader.status().message().c_str());
    return loader.status().code() == Status::Code::kInvalidInput ? 2 : 1;
  }
  if (Status s = WriteFileAtomically(output, *loader, 0644); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.message().c_str());
    return 1;
  }
  std::printf("Wrote %s: it loads the web viewer from %s only while the relay serves the files "
              "reviewed now.\nGive it to your technicians; make a new one after each upgrade "
              "of the relay.\n",
              output.c_str(), relay_url.c_str());
  return 0;
}

}  // namespace telemaint::relay
