#pragma once
// What every libvncclient session of the viewer shares: the host's RFB stream is untrusted
// input (a scammer can pose as a customer), so only the encodings we use are requested, the
// framebuffer size is capped, cut text is ignored, and libvncclient's chatter goes to our log.
// Internal to viewer/: only its .cc files include this (and so <rfb/rfbclient.h>).
#include <rfb/rfbclient.h>

#include <cstdint>

#include "rfb_filter/server_stream.h"
#include "viewer/quality.h"

namespace telemaint::viewer {

// The bounds the stream filter in front of libvncclient enforces (rfb_filter/server_stream.h).
inline constexpr int kMaxScreenSide = rfb::kMaxScreenSide;

// A client speaking RFB on `fd` (one end of a socketpair carried through the channel), 32-bit
// pixels with bytes R, G, B, X. The caller sets its callbacks, then calls rfbInitClient.
rfbClient* NewRfbClient(int fd, Quality quality);
// Sets the encodings and JPEG quality a quality level asks for (before rfbInitClient, or
// followed by SetFormatAndEncodings during a session).
void ApplyQuality(rfbClient* client, Quality quality);
using rfb::ScreenSizeAcceptable;
// libvncclient leaves a pointer shape's buffers to the application, for every shape sent.
void FreePointerShapeBuffers(rfbClient* client);

}  // namespace telemaint::viewer
