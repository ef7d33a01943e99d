#pragma once
// What crosses a host session beside the screen: the clipboard (both ways, under control and
// while the person's switch is on; to RFB clients as Latin-1 cut text too), files (the person
// is asked for each one from the technician, and chooses each one they send), chat, and on an
// unattended machine with policy allow, a file the technician fetches by path. Each step is
// reported to the relay as facts for the audit log (sizes, names, SHA-256; never content) and
// kept in this computer's session list. Owned by HostSession; io thread only.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/vocabulary.h"
#include "host/consent.h"
#include "host/host_agent.h"
#include "net/net.h"
#include "net/ws_connection.h"
#include "peer/channel_link.h"
#include "peer/file_transfers.h"
#include "peer/side_messages.h"

namespace telemaint::host {

class Clipboard;
class RfbServer;
class SessionHistory;

struct ExtrasContext {
  const HostOptions& options;
  ConsentUi& ui;
  SessionHistory& history;
  Clipboard* clipboard;  // nullptr: none on this platform
  RfbServer* builtin;    // for RFB cut text; nullptr when sharing --vnc-server
  bool fetch_allowed;    // an unattended machine whose policy is allow
};

class SessionExtras {
 public:
  SessionExtras(ExtrasContext context, std::shared_ptr<net::WsConnection> ws,
                peer::Tunnel& tunnel, std::string session_id);
  // The technician is known and let in: the person's tools are shown.
  void Start(const Technician& who);
  // Control, view only or denied: the clipboard crosses only under control.
  void SetPermission(Permission permission);
  // A session message; true when it was one of ours.
  bool OnSessionMessage(const nlohmann::json& message);
  void OnInner(uint8_t type, ByteView payload);
  // The person copied text (posted from the clipboard's thread).
  void OnLocalCopy(peer::Selection selection, std::string text);
  // An RFB client (a VNC viewer behind --listen) sent cut text (Latin-1).
  void OnRfbCutText(const std::string& latin1);
  // The session ends: unfinished transfers fail (no half file stays), senders stop.
  net::asio::awaitable<void> Finish();

 private:
  void UpdateClipboard();
  void Decide(const peer::TransferView& offer, std::function<void(bool)> answer);
  void OnTransferEvent(const peer::TransferView& t, wire::TransferEvent event);
  void SendChat(const std::string& text);
  void Fetch(const std::string& path);
  void Report(wire::TransferKind what, wire::TransferEvent event, wire::Party from,
              const std::string& name, uint64_t size, const std::string& sha256,
              const std::string& detail);

  ExtrasContext context_;
  std::shared_ptr<net::WsConnection> ws_;
  peer::Tunnel& tunnel_;
  const std::string id_;
  Technician who_;
  peer::FileTransfers files_;
  bool started_ = false;
  bool control_ = false;
  bool switched_on_;
  std::optional<bool> told_;  // what the viewer was last told about the clipboard
  std::string last_from_viewer_[2];  // not sent back when the clipboard echoes it
  // The open file questions' answers, by transfer id (emptied when they may no longer run).
  std::map<uint32_t, std::shared_ptr<std::function<void(bool)>>> questions_;
};

// Whether a technician may fetch `path` from an unattended machine (policy allow): a regular
// file, readable by every user when the service runs as root, and not in its state directory.
Status FetchableByAnyone(const std::string& path, const std::string& state_dir);

}  // namespace telemaint::host
