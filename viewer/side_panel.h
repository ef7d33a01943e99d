#pragma once
// The technician's tools beside the customer's screen: a chat pane (opened from the menu, or by
// itself when the customer writes), the files in transfer with progress and Cancel, Send
// file…, and the clipboard: what the technician copies crosses by itself while the customer
// allows it, or on Send clipboard; what the customer copies lands in the technician's
// clipboard. Main thread only (ViewerWindow hands it work from other threads).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "peer/file_transfers.h"
#include "peer/side_messages.h"

namespace telemaint::viewer {

class SidePanel {
 public:
  struct Handlers {
    std::function<void(const std::string& text)> chat;
    std::function<void(const std::string& path)> send_file;
    std::function<void()> cancel_transfers;
    std::function<void(peer::Selection, const std::string& text)> clipboard;
  };
  // `share`: the technician's own switch (--no-clipboard turns it off).
  SidePanel(Handlers handlers, bool share, bool primary = false);
  ~SidePanel();

  void Open();
  void ChooseFileToSend();
  void SendClipboardNow();
  // The window got the keyboard focus: a copy made meanwhile in another program goes now.
  void OnWindowFocus();
  void AddChat(const std::string& who, const std::string& text);
  void ShowTransfer(const peer::TransferView& transfer);
  // The customer lets the clipboard cross now (control and their switch), or not.
  void SetClipboardAllowed(bool allowed);
  // The customer copied: it becomes the technician's clipboard (or selection).
  void SetLocalClipboard(peer::Selection selection, const std::string& text);
  void CancelTransfers();
  // Files dropped on the window (text/uri-list or plain paths) are offered to the customer.
  void SendDropped(const std::string& text);
  // "file:///…" lines (text/uri-list) or plain paths.
  static std::vector<std::string> DroppedPaths(const std::string& text);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::viewer
