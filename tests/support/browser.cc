#include "tests/support/browser.h"

#include <unistd.h>

#include <filesystem>

namespace telemaint::testing {

Browser::Browser(const std::string& relay_cert, const std::string& locale) {
  driver_ = std::make_unique<Process>(
      std::vector<std::string>{"/usr/bin/env", "node", SourcePath("web/test/drive.mjs")},
      std::map<std::string, std::string>{}, std::string(), /*keep_stdin_open=*/true);
  Do({{"cmd", "launch"}, {"cert", relay_cert}, {"locale", locale}}, 60s);
}

Browser::~Browser() {
  try {
    Do({{"cmd", "quit"}}, 10s);
  } catch (...) {
  }
  driver_->Wait(10s);
}

nlohmann::json Browser::Do(nlohmann::json command, std::chrono::milliseconds timeout) {
  const int id = next_id_++;
  command["id"] = id;
  driver_->Write(command.dump() + "\n");
  const std::string tag = "#" + std::to_string(id) + " ";
  auto line = driver_->WaitForLine(tag, timeout);
  if (!line) throw BrowserError("no answer to " + command.dump() + "\n" + driver_->Output());
  const std::string rest = line->substr(line->find(tag) + tag.size());
  if (rest.rfind("ok ", 0) != 0)
    throw BrowserError(command["cmd"].get<std::string>() + ": " + rest);
  return nlohmann::json::parse(rest.substr(3));
}

std::string Browser::ConsoleLog() {
  try {
    std::string out;
    for (const auto& l : Do({{"cmd", "log"}}, 10s)["lines"]) out += l.get<std::string>() + "\n";
    return out;
  } catch (const BrowserError& e) {
    return e.what();
  }
}

std::string BrowserUnavailable() {
  if (access("/usr/bin/chromium", X_OK) != 0) return "/usr/bin/chromium is not installed";
  if (!std::filesystem::exists(SourcePath("web/node_modules/playwright-core")))
    return "web/node_modules has no playwright-core (run npm ci in web/)";
  if (!std::filesystem::exists(BinPath("../share/telemaint/web/app.js")))
    return "the web viewer is not bundled (build target web_viewer)";
  return {};
}

}  // namespace telemaint::testing
