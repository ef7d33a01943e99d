#include "viewer/rfb_client.h"

#include <cstdarg>
#include <cstdlib>

#include "common/log.h"

namespace telemaint::viewer {
namespace {

void IgnoreCutText(rfbClient*, const char*, int) {}

// libvncclient prints to stderr by default; its chatter belongs in our debug log.
void ClientLogToOurs(const char* format, ...) {
  va_list args;
  va_start(args, format);
  log::WriteFormatted(log::Level::kDebug, "libvncclient: ", format, args);
  va_end(args);
}

}  // namespace

Result<Quality> ParseQuality(const std::string& name) {
  if (name == "lossless") return Quality::kLossless;
  if (name == "high") return Quality::kHigh;
  if (name == "low") return Quality::kLow;
  return Status::InvalidInput("--quality is lossless, high or low");
}

const char* QualityName(Quality quality) {
  switch (quality) {
    case Quality::kLossless:
      return "lossless";
    case Quality::kHigh:
      return "high";
    case Quality::kLow:
      return "low";
  }
  return "?";
}

void FreePointerShapeBuffers(rfbClient* c) {
  std::free(c->rcSource);
  std::free(c->rcMask);
  c->rcSource = nullptr;
  c->rcMask = nullptr;
}

void ApplyQuality(rfbClient* c, Quality quality) {
  // Only what we decode and need; Tight with JPEG for poor lines, none of the rarely used
  // decoders with a history of overflows.
  switch (quality) {
    case Quality::kLossless:
      c->appData.encodingsString = "zrle copyrect raw";
      c->appData.enableJPEG = FALSE;
      c->appData.compressLevel = 3;
      break;
    case Quality::kHigh:
      c->appData.encodingsString = "tight zrle copyrect raw";
      c->appData.qualityLevel = 8;
      c->appData.compressLevel = 3;
      c->appData.enableJPEG = TRUE;
      break;
    case Quality::kLow:
      c->appData.encodingsString = "tight zrle copyrect raw";
      c->appData.qualityLevel = 3;
      c->appData.compressLevel = 9;
      c->appData.enableJPEG = TRUE;
      break;
  }
}

rfbClient* NewRfbClient(int fd, Quality quality) {
  rfbClientLog = ClientLogToOurs;
  rfbClientErr = ClientLogToOurs;
  rfbClient* c = rfbGetClient(8, 3, 4);
  if (!c) return nullptr;
  c->sock = fd;
  c->listenSpecified = TRUE;  // use this socket; do not dial anything
  c->GotXCutText = IgnoreCutText;
  c->canHandleNewFBSize = TRUE;
  ApplyQuality(c, quality);
  return c;
}

}  // namespace telemaint::viewer
