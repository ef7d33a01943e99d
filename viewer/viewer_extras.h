#pragma once
// What crosses a viewer session beside the screen: chat with the customer, files both ways
// (the technician's are offered and the customer is asked; the customer's land in the
// technician's downloads folder), --send and --fetch, and the clipboard in the window (only
// while the customer allows it: control and their switch). Terminal modes read chat lines
// and "/send PATH" from standard input. Owned by ViewerSession; io thread only, but for the
// window's calls, which it makes thread-safe.
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "net/net.h"
#include "peer/channel_link.h"
#include "peer/file_transfers.h"
#include "peer/side_messages.h"
#include "viewer/viewer_app.h"

namespace telemaint::viewer {

class ViewerWindow;

class ViewerExtras {
 public:
  using Say = std::function<void(const std::string&)>;
  ViewerExtras(const ViewerOptions& options, const Say& say, peer::Tunnel& tunnel,
               net::asio::any_io_executor ex);
  void SetWindow(ViewerWindow* window) { window_ = window; }
  // The customer let us in (control or view only): --send and --fetch go now, once.
  void OnLetIn();
  bool OnSessionMessage(const nlohmann::json& message);
  void OnInner(uint8_t type, ByteView payload);
  // The technician's actions (window, terminal).
  void SendChat(const std::string& text);
  void SendFile(const std::string& path);
  void CancelTransfers() { files_.Cancel(0); }
  void SendClipboard(peer::Selection selection, const std::string& text);
  // Terminal modes: standard input's lines are chat, "/send PATH" offers a file.
  void ReadTerminal();
  net::asio::awaitable<void> Finish();

 private:
  void OnChanged(const peer::TransferView& t);
  void OnLine(const std::string& line);

  const ViewerOptions& options_;
  const Say& say_;
  peer::Tunnel& tunnel_;
  net::asio::any_io_executor ex_;
  peer::FileTransfers files_;
  ViewerWindow* window_ = nullptr;
  bool let_in_ = false;
  bool clipboard_allowed_ = false;
  std::map<uint32_t, int> quarters_;  // progress said on the terminal, per transfer
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for the stdin reader
};

}  // namespace telemaint::viewer
