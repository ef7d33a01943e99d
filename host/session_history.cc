#include "host/session_history.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <utility>

#include "common/log.h"
#include "host/terminal_texts.h"

namespace telemaint::host {
namespace {

std::string Now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace

std::string DefaultHistoryPath() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::string(xdg) + "/telemaint/host-sessions.log";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/share/telemaint/host-sessions.log";
}

std::string DefaultHostKeyPath() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::string(xdg) + "/telemaint/host.key";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.config/telemaint/host.key";
}

namespace {

constexpr std::pair<HistoryEvent, const char*> kEventWords[] = {
    {HistoryEvent::kAsked, "asked"},     {HistoryEvent::kAnswered, "answered"},
    {HistoryEvent::kChanged, "changed"}, {HistoryEvent::kEnded, "ended"},
    {HistoryEvent::kReceipt, "receipt"}, {HistoryEvent::kTransfer, "transfer"},
};

const char* Word(HistoryEvent event) {
  for (const auto& [e, word] : kEventWords)
    if (e == event) return word;
  return "?";
}

std::optional<HistoryEvent> EventOf(const std::string& word) {
  for (const auto& [e, w] : kEventWords)
    if (word == w) return e;
  return std::nullopt;
}

}  // namespace

void SessionHistory::Record(const std::string& session, HistoryEvent event, nlohmann::json fields) {
  if (path_.empty()) return;
  nlohmann::json line = fields.is_object() ? std::move(fields) : nlohmann::json::object();
  line["time"] = Now();
  line["session"] = session;
  line["event"] = Word(event);
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ok = fsync(fd) == 0 && ok;
  if (fd >= 0) close(fd);
  if (!ok) log::Warn("cannot write the session history ", path_);
}

Result<std::vector<std::string>> SessionHistory::Summaries(const std::string& path,
                                                           Language language) {
  const TerminalTexts& t = TerminalTextsFor(language);
  auto word = [language](const std::string& english) { return LocalWord(english, language); };
  std::ifstream in(path);
  if (!in) return Status::NotFound(Fill(t.log_none, path));
  struct Session {
    std::string start, who, allowed, changes, end;
    bool receipt = false;
  };
  std::vector<std::string> order;
  std::map<std::string, Session> sessions;
  for (std::string text; std::getline(in, text);) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) continue;  // a torn last line after a crash
    auto str = [&](const char* k) {
      auto f = j.find(k);
      return f != j.end() && f->is_string() ? f->get<std::string>() : std::string();
    };
    const std::string id = str("session");
    const auto event = EventOf(str("event"));
    if (id.empty()) continue;
    if (!sessions.count(id)) order.push_back(id);
    Session& s = sessions[id];
    if (event == HistoryEvent::kAsked) {
      s.start = str("time");
      s.who = str("name") + (str("organisation").empty() ? "" : " (" + str("organisation") + ")") +
              Fill(t.log_account_key, str("account"), str("key"));
    } else if (event == HistoryEvent::kAnswered) {
      s.allowed = word(str("permission"));
    } else if (event == HistoryEvent::kChanged) {
      s.changes += t.log_then + word(str("permission"));
    } else if (event == HistoryEvent::kEnded) {
      s.end = str("time") + ": " + word(str("how"));
    } else if (event == HistoryEvent::kReceipt) {
      s.receipt = true;
      // A session that ended before anyone was asked (the technician's identity did not check
      // out) has only its receipt.
      if (s.start.empty()) s.start = str("time");
      if (s.who.empty()) s.who = t.log_unverified;
    }
  }
  std::vector<std::string> out;
  for (const std::string& id : order) {
    const Session& s = sessions[id];
    out.push_back(s.start + "  " + t.log_session + " " + id.substr(0, 8) + "  " + s.who + "\n    " +
                  t.log_allowed + " " + (s.allowed.empty() ? word("no answer") : s.allowed) +
                  s.changes + "\n    " + t.log_ended + " " +
                  (s.end.empty() ? t.log_not_recorded : s.end) +
                  (s.receipt ? "\n    " + Fill(t.log_receipt, path) : std::string()));
  }
  return out;
}

}  // namespace telemaint::host
