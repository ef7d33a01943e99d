#pragma once
// The host's windows (FLTK): the small window with the session code, time left, a button for
// a new code and the state; the question when a technician asks; and the banner that stays on
// top during a session with Stop and View only. Built and run on the main thread; the
// Show/Ask/Hide calls may come from any thread (they take FLTK's lock).
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/consent.h"
#include "host/gui/texts.h"

class Fl_Window;

namespace telemaint::host::gui {

class SessionPanel;

class HostWindows {
 public:
  // `keep_above` keeps a shown window above the others (the banner must stay in sight).
  HostWindows(const Texts& texts, std::function<void(Fl_Window*)> keep_above);
  ~HostWindows();
  HostWindows(const HostWindows&) = delete;
  HostWindows& operator=(const HostWindows&) = delete;

  // Any thread. An empty code hides it.
  void ShowCode(const std::string& code, std::chrono::seconds valid_for);
  void ShowState(HostState state);
  // Opens the question; `answer` runs once, on the main thread, with the person's choice.
  void Ask(const Technician& who, bool from_view_only, bool view_only_possible, AnswerTime time,
           std::function<void(Permission)> answer);
  void CloseQuestion();
  // The banner; `choice` runs on the main thread for Stop (kDenied) and the switch button.
  void ShowBanner(const Technician& who, Permission now, bool view_only_possible,
                  std::function<void(Permission)> choice);
  // The session with `who` ended after `lasted`: the banner goes, and the code window says so
  // ("The session with Alice Martin (Acme IT) has ended — 12 min.") for a few seconds before
  // the next code.
  void SessionEnded(const Technician& who, std::chrono::seconds lasted);

  // Any thread: the labels that do not fit their widget in the windows' current state, each
  // with its measured and available size (the tests check both languages).
  std::vector<std::string> LabelsThatDoNotFit() const;

  // The chat, files and clipboard under the banner (its two buttons open it).
  SessionPanel& panel();

  // Main thread, before Run: the New code button.
  void OnNewCode(std::function<void()> handler);
  // Main thread: shows the code window and runs until `done` or the person closes it
  // (then `on_close` runs once and the loop goes on until `done`). An enrolled machine's
  // service has no code to show (`code_window` false): only its questions and banner appear.
  void Run(const std::function<bool()>& done, const std::function<void()>& on_close,
           bool code_window = true);

  struct Impl;  // public for the FLTK timer's trampoline

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::host::gui
