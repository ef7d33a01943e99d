#pragma once
// Where messages beside the screen go: the session's Tunnel (peer/channel_link.h), or a unit
// test's stand-in. io thread only.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "net/net.h"

namespace telemaint::peer {

// Where the transfers' messages go: the session's Tunnel, or a test's stand-in.
class TransferChannel {
 public:
  virtual ~TransferChannel() = default;
  virtual bool SendSessionMessage(const nlohmann::json& message) = 0;
  // Waits for room (back-pressure); false when the session is ending.
  virtual net::asio::awaitable<bool> SendInner(uint8_t type, ByteView payload) = 0;
};

}  // namespace telemaint::peer
