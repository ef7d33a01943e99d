#pragma once
// The customer's tools beside the screen during a session, under the banner: the chat (with
// Save), the files in transfer (progress and Cancel), the clipboard switch, and the question
// when the technician offers a file (its name, size and sender; Accept or Refuse). Built and
// run on the main thread with the other host windows; the Show/Ask calls may come from any
// thread (they take FLTK's lock). The handlers run on the main thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "host/consent.h"
#include "host/extras_texts.h"

namespace telemaint::host::gui {

class SessionPanel {
 public:
  explicit SessionPanel(Language language);
  ~SessionPanel();

  struct Handlers {
    std::function<void(const std::string& text)> chat;
    std::function<void(const std::string& path)> send_file;
    std::function<void()> cancel_transfers;
    std::function<void(bool on)> switch_clipboard;
  };
  void SetHandlers(Handlers handlers);  // any thread

  // The banner's buttons: the panel opens; Send a file… opens a file chooser first.
  void Open();
  void ChooseFileToSend();
  // Any thread.
  void AddChat(const std::string& who, const std::string& text);
  void ShowTransfer(const peer::TransferView& transfer);
  void ShowClipboard(bool shared, bool switched_on);
  void AskFile(const std::string& who, const peer::TransferView& offer,
               std::function<void(bool)> answer);
  void WithdrawFile(uint32_t id);
  // The session ended: everything closes and the chat is forgotten.
  void Reset();

  struct Impl;  // public for FLTK's callbacks

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::host::gui
