#pragma once
// The language a person reads, English or French, from the locale as gettext picks it: the
// host's windows and terminal, and its session list, speak it.
#include <string>

namespace telemaint {

enum class Language { kEnglish, kFrench };

// From the first of LC_ALL, LC_MESSAGES, LANG and LANGUAGE that is set: "fr…" is French,
// anything else English.
Language LanguageFromLocale();

// "%s" replaced by `value` (first occurrence each call). Values often come from the relay: a
// "%s" inside one is text, never a place to fill.
std::string Fill(const char* text, const std::string& value);
std::string Fill(const char* text, const std::string& first, const std::string& second);
std::string Fill(const char* text, const std::string& first, const std::string& second,
                 const std::string& third);

// "1 min 58 s", "58 s": a time left, never read as a clock time (as "1:58" would be).
std::string TimeLeft(long seconds);

}  // namespace telemaint
