#pragma once
// The X11 clipboard for the host: a thread with its own X connection and a hidden window that
// watches who owns CLIPBOARD (and PRIMARY, when asked) through XFixes, fetches new text as
// UTF8_STRING (or STRING), and serves the technician's text to any program that pastes
// (TARGETS, UTF8_STRING, TEXT, STRING). Text is bounded by peer::kMaxClipboardBytes; larger
// selections (and INCR transfers) are not taken.
#include <memory>
#include <string>

#include "common/status.h"
#include "host/clipboard.h"

namespace telemaint::host {

// `display`: ":0", or empty for $DISPLAY. `primary`: PRIMARY too (the selection of text
// merely highlighted), not only CLIPBOARD.
Result<std::unique_ptr<Clipboard>> OpenX11Clipboard(const std::string& display, bool primary);

}  // namespace telemaint::host
