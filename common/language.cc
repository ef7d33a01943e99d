#include "common/language.h"

#include <cstdio>
#include <cstdlib>

namespace telemaint {

Language LanguageFromLocale() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"}) {
    const char* value = std::getenv(name);
    if (!value || !*value) continue;
    std::string v = value;
    if (v == "C" || v == "POSIX" || v.rfind("C.", 0) == 0) return Language::kEnglish;
    return v.rfind("fr", 0) == 0 ? Language::kFrench : Language::kEnglish;
  }
  return Language::kEnglish;
}

std::string Fill(const char* text, const std::string& value) {
  return Fill(text, value, std::string());
}

std::string Fill(const char* text, const std::string& first, const std::string& second) {
  return Fill(text, first, second, std::string());
}

std::string Fill(const char* text, const std::string& first, const std::string& second,
                 const std::string& third) {
  // Values come from the relay or the peer: a "%s" inside one is text, never a place to fill.
  std::string out = text;
  size_t at = 0;
  for (const std::string* value : {&first, &second, &third}) {
    at = out.find("%s", at);
    if (at == std::string::npos) break;
    out.replace(at, 2, *value);
    at += value->size();
  }
  return out;
}

std::string TimeLeft(long seconds) {
  if (seconds < 0) seconds = 0;
  char out[32];
  if (seconds < 60)
    std::snprintf(out, sizeof out, "%ld s", seconds);
  else if (seconds % 60 == 0)
    std::snprintf(out, sizeof out, "%ld min", seconds / 60);
  else
    std::snprintf(out, sizeof out, "%ld min %ld s", seconds / 60, seconds % 60);
  return out;
}

}  // namespace telemaint
