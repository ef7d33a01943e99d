#pragma once
// The RFB (RFC 6143) words our stream filters know: message types each way, encodings and
// pseudo-encodings, security types. The values are the protocol's; names are for messages.
#include <cstdint>

namespace telemaint::rfb {

enum class ServerMessage : uint8_t {
  kFramebufferUpdate = 0,
  kSetColourMapEntries = 1,
  kBell = 2,
  kServerCutText = 3,
};

enum class ClientMessage : uint8_t {
  kSetPixelFormat = 0,
  kSetEncodings = 2,
  kFramebufferUpdateRequest = 3,
  kKeyEvent = 4,
  kPointerEvent = 5,
  kClientCutText = 6,
  kSetDesktopSize = 251,
};

enum class Encoding : int32_t {
  kRaw = 0,
  kCopyRect = 1,
  kRre = 2,
  kCoRre = 4,
  kHextile = 5,
  kZlib = 6,
  kTight = 7,
  kZrle = 16,
  kZywrle = 17,
  // Pseudo-encodings: rectangles that carry something other than pixels, or requests only.
  kCompressLevel0 = -256,
  kCompressLevel9 = -247,
  kXCursor = -240,
  kRichCursor = -239,
  kPointerPos = -232,
  kLastRect = -224,
  kNewFbSize = -223,
  kExtendedDesktopSize = -308,
  kQualityLevel0 = -32,
  kQualityLevel9 = -23,
};

enum class SecurityType : uint8_t {
  kInvalid = 0,
  kNone = 1,
  kVncAuth = 2,
};

// For messages and logs: the name of a message type or an encoding, including extensions we
// refuse ("SetScale", "TextChat", "Hextile"...); "type N" for one nobody named.
const char* ClientMessageName(uint8_t type);
const char* ServerMessageName(uint8_t type);
const char* EncodingName(int32_t encoding);

}  // namespace telemaint::rfb
