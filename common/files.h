#pragma once
// Small files a program keeps (state, keys' companions, policies): written whole through a
// temporary file, fsync and rename, so a crash leaves the old or the new content, never half;
// never through a planted symlink. Blocking; any thread.
#include <string>

#include "common/status.h"

namespace telemaint {

Status WriteFileAtomically(const std::string& path, const std::string& text, unsigned mode);
// The whole file ("" when it cannot be read); at most `limit` bytes are read.
std::string ReadTextFile(const std::string& path, size_t limit = 1 << 20);

// Where a person's programs keep state (last used settings, log files):
// $XDG_STATE_HOME/telemaint, or ~/.local/state/telemaint.
std::string UserStateDirectory();

}  // namespace telemaint
