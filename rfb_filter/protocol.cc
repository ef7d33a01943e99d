#include "rfb_filter/protocol.h"

namespace telemaint::rfb {

const char* ClientMessageName(uint8_t type) {
  switch (type) {
    case 0: return "SetPixelFormat";
    case 2: return "SetEncodings";
    case 3: return "FramebufferUpdateRequest";
    case 4: return "KeyEvent";
    case 5: return "PointerEvent";
    case 6: return "ClientCutText";
    case 7: return "FileTransfer";
    case 8: return "SetScale";
    case 9: return "SetServerInput";
    case 10: return "SetSW";
    case 11: return "TextChat";
    case 15: return "PalmVNCSetScaleFactor";
    case 150: return "EnableContinuousUpdates";
    case 248: return "ClientFence";
    case 250: return "xvp";
    case 251: return "SetDesktopSize";
    case 255: return "QEMU";
    default: return "an unknown message";
  }
}

const char* ServerMessageName(uint8_t type) {
  switch (type) {
    case 0: return "FramebufferUpdate";
    case 1: return "SetColourMapEntries";
    case 2: return "Bell";
    case 3: return "ServerCutText";
    case 7: return "FileTransfer";
    case 11: return "TextChat";
    case 150: return "EndOfContinuousUpdates";
    case 248: return "ServerFence";
    case 250: return "xvp";
    case 252: return "ResizeFrameBuffer";
    case 255: return "QEMU";
    default: return "an unknown message";
  }
}

const char* EncodingName(int32_t e) {
  switch (e) {
    case 0: return "Raw";
    case 1: return "CopyRect";
    case 2: return "RRE";
    case 4: return "CoRRE";
    case 5: return "Hextile";
    case 6: return "Zlib";
    case 7: return "Tight";
    case 8: return "ZlibHex";
    case 9: return "Ultra";
    case 10: return "UltraZip";
    case 15: return "TRLE";
    case 16: return "ZRLE";
    case 17: return "ZYWRLE";
    case -240: return "XCursor";
    case -239: return "RichCursor";
    case -232: return "PointerPos";
    case -224: return "LastRect";
    case -223: return "NewFBSize";
    case -261: return "KeyboardLedState";
    case -307: return "DesktopName";
    case -308: return "ExtendedDesktopSize";
    case -309: return "xvp";
    case -312: return "Fence";
    case -313: return "ContinuousUpdates";
    default: return "an unknown encoding";
  }
}

}  // namespace telemaint::rfb
