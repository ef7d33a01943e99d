#pragma once
// A libvncclient session that exchanges only RFB cut text with a VNC server on 127.0.0.1: what a
// third-party VNC client behind `telemaint-viewer --listen` does with its clipboard. For the
// end-to-end tests and diagnostics; keeps <rfb/rfbclient.h> inside viewer/. One thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"

namespace telemaint::viewer {

class CutTextClient {
 public:
  static Result<std::unique_ptr<CutTextClient>> Connect(uint16_t port);
  ~CutTextClient();
  // ClientCutText, ISO 8859-1 as RFB wants it.
  bool Send(const std::string& latin1);
  // Handles the server's messages for `wait`, or until a ServerCutText comes: its text.
  std::optional<std::string> WaitForCutText(std::chrono::milliseconds wait);

 private:
  struct Impl;
  explicit CutTextClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::viewer
