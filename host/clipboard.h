#pragma once
// The customer's clipboard as the host core sees it: text the person copies comes out, text
// from the technician goes in. X11 is one (host/x11/x11_clipboard.h: CLIPBOARD, and PRIMARY
// when asked); the core links without it. Its own thread watches the selections; the handler
// runs there, Set may be called from any thread.
#include <functional>
#include <string>

#include "peer/side_messages.h"

namespace telemaint::host {

class Clipboard {
 public:
  virtual ~Clipboard() = default;
  // The person copied text (never called for our own Set). Set before anything is copied;
  // runs on the clipboard's thread.
  using OnCopied = std::function<void(peer::Selection selection, std::string utf8)>;
  virtual void OnCopy(OnCopied handler) = 0;
  // Makes `utf8` what a paste gives in this selection (thread-safe).
  virtual void Set(peer::Selection selection, std::string utf8) = 0;
};

// UTF-8 to ISO 8859-1 for RFB cut text: characters outside Latin-1 become '?'.
std::string Utf8ToLatin1(const std::string& utf8);
std::string Latin1ToUtf8(const std::string& latin1);

}  // namespace telemaint::host
