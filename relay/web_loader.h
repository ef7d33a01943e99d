#pragma once
// `telemaint-relay web-loader`: a standalone page, kept by the provider outside the relay's
// reach (a local file on each workstation, or a separately controlled intranet server), that
// loads the relay's web viewer only if its script and style are byte for byte the ones
// reviewed now: each is named with its SHA-384 (Subresource Integrity), which the browser
// checks before running it. See docs/operations.md#a-pinned-loader. Any thread.
#include <string>

#include "common/status.h"

namespace telemaint::relay {

// The loader for the relay at `relay_url` (wss://HOST[:PORT]) and the bundle in `web_root`.
Result<std::string> MakeWebLoader(const std::string& relay_url, const std::string& web_root);

// The subcommand: writes the loader to `output`; exit status 0, 1 (files) or 2 (usage).
int RunWebLoader(const std::string& relay_url, const std::string& web_root,
                 const std::string& output);

}  // namespace telemaint::relay
