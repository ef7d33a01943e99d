#pragma once
// The relay, CA and account of the technician's last session that got past the login, kept in
// $XDG_STATE_HOME/telemaint/viewer-last.json (~/.local/state/...), so that the next run needs
// none of them. Flags and viewer.conf win over it. Main thread only.
#include <string>

namespace telemaint::viewer {

struct LastUsed {
  std::string relay, ca, user;
};

std::string LastUsedFile();
// Fills what is still empty in `relay`, `ca` and `user` from the file; true if it filled any.
bool FillFromLastUsed(std::string& relay, std::string& ca, std::string& user);
// Remembers them (the CA as an absolute path); a failure to write is not an error.
void RememberLastUsed(const LastUsed& used);

}  // namespace telemaint::viewer
