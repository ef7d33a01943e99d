#include "viewer/rfb_snapshot.h"

#include <rfb/rfbclient.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/log.h"
#include "viewer/rfb_client.h"

namespace telemaint::viewer {
namespace {

char kStateTag;  // address used as libvncclient's client-data key

struct State {
  std::vector<uint8_t> covered;  // one byte per pixel: has it arrived?
  size_t covered_count = 0;
  bool too_large = false;
};

State* StateOf(rfbClient* c) { return static_cast<State*>(rfbClientGetClientData(c, &kStateTag)); }

rfbBool AllocateFramebuffer(rfbClient* c) {
  State* s = StateOf(c);
  if (!ScreenSizeAcceptable(c->width, c->height)) {
    s->too_large = true;
    return FALSE;
  }
  std::free(c->frameBuffer);
  c->frameBuffer = static_cast<uint8_t*>(std::calloc(static_cast<size_t>(c->width) * c->height, 4));
  s->covered.assign(static_cast<size_t>(c->width) * c->height, 0);
  s->covered_count = 0;
  return c->frameBuffer != nullptr;
}

void OnUpdate(rfbClient* c, int x, int y, int w, int h) {
  State* s = StateOf(c);
  // Count area received rather than trusting FinishedFrameBufferUpdate (pseudo-rectangles fire
  // it too): the picture is complete once every pixel came at least once.
  for (int row = std::max(0, y); row < std::min(c->height, y + h); ++row)
    for (int col = std::max(0, x); col < std::min(c->width, x + w); ++col) {
      uint8_t& seen = s->covered[static_cast<size_t>(row) * c->width + col];
      if (!seen) {
        seen = 1;
        ++s->covered_count;
      }
    }
}

}  // namespace

Result<Picture> TakeSnapshot(int fd, Quality quality, std::chrono::seconds timeout) {
  State state;
  rfbClient* c = NewRfbClient(fd, quality);
  if (!c) {
    close(fd);
    return Status::Internal("libvncclient could not create a client");
  }
  rfbClientSetClientData(c, &kStateTag, &state);
  c->MallocFrameBuffer = AllocateFramebuffer;
  c->GotFrameBufferUpdate = OnUpdate;
  c->appData.useRemoteCursor = TRUE;  // the picture shows the screen, not the pointer
  c->GotCursorShape = [](rfbClient* client, int, int, int, int, int) {
    FreePointerShapeBuffers(client);  // not needed for a picture; never let them pile up
  };
  if (!rfbInitClient(c, nullptr, nullptr)) {
    // rfbInitClient freed the client and closed the socket.
    return Status::Protocol(state.too_large
                                ? "the customer's screen is larger than the viewer accepts"
                                : "the customer's VNC server did not answer like a VNC server");
  }
  Status failure = Status::Ok();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (state.covered.empty() || state.covered_count < state.covered.size()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      failure = Status::Expired("the customer's screen did not arrive in time");
      break;
    }
    int n = WaitForMessage(c, 100000);
    if (n < 0 || (n > 0 && !HandleRFBServerMessage(c))) {
      failure = Status::Protocol(state.too_large
                                     ? "the customer's screen is larger than the viewer accepts"
                                     : "the customer's VNC server closed or sent invalid data");
      break;
    }
  }
  Picture picture;
  if (failure.ok()) {
    picture.width = c->width;
    picture.height = c->height;
    picture.rgb.resize(static_cast<size_t>(c->width) * c->height * 3);
    // rfbGetClient(8, 3, 4): bytes R, G, B, X per pixel.
    for (size_t i = 0, n = static_cast<size_t>(c->width) * c->height; i < n; ++i)
      std::memcpy(&picture.rgb[i * 3], c->frameBuffer + i * 4, 3);
  }
  std::free(c->frameBuffer);  // rfbClientCleanup leaves it to us
  c->frameBuffer = nullptr;
  FreePointerShapeBuffers(c);
  rfbClientCleanup(c);  // closes the socket
  if (!failure.ok()) return failure;
  return picture;
}

}  // namespace telemaint::viewer
