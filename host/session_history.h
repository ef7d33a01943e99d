#pragma once
// The host's own record of its sessions, for the person at the PC (`telemaint-host log`): who
// asked, when, what was allowed, every change, how it ended. JSON lines in a file only its
// owner can read; each event is written (and synced) when it happens.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/language.h"
#include "common/status.h"

namespace telemaint::host {

// What happened, in the file's own words (this file's format, not the relay's protocol).
enum class HistoryEvent { kAsked, kAnswered, kChanged, kEnded, kReceipt, kTransfer };

class SessionHistory {
 public:
  explicit SessionHistory(std::string path) : path_(std::move(path)) {}
  // Appends {"time":..., "session":..., "event":...} plus `fields`. Failures are logged, not
  // fatal: a full disk must not stop the person from ending a session.
  void Record(const std::string& session, HistoryEvent event, nlohmann::json fields = {});
  const std::string& path() const { return path_; }

  // The file read back, one summary line per session, oldest first, in `language` (the words
  // the file keeps in English are translated where known).
  static Result<std::vector<std::string>> Summaries(const std::string& path,
                                                    Language language = Language::kEnglish);

 private:
  std::string path_;
};

// $XDG_DATA_HOME/telemaint/host-sessions.log, or ~/.local/share/telemaint/host-sessions.log.
std::string DefaultHistoryPath();
// $XDG_CONFIG_HOME/telemaint/host.key, or ~/.config/telemaint/host.key: this computer's
// signing key for session receipts.
std::string DefaultHostKeyPath();

}  // namespace telemaint::host
