#pragma once
// A live RFB session with the host for the viewer window: libvncclient runs on a thread of its
// own over one end of a socketpair (the other end goes through the channel). The picture is
// published as packed RGB under a short lock, so the window thread never waits for the
// network; keys, pointer and quality changes are queued to the RFB thread, which alone touches
// the libvncclient client. See rfb_client.h for how the host's stream is treated.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "viewer/quality.h"

namespace telemaint::viewer {

struct ScreenRect {
  int x = 0, y = 0, w = 0, h = 0;
};

struct PointerShape {
  int width = 0, height = 0, hot_x = 0, hot_y = 0;
  std::vector<uint8_t> rgba;  // 4 bytes per pixel, alpha 0 or 255
};

inline constexpr int kMaxPointerSide = 256;

class RemoteScreen {
 public:
  // Called on the RFB thread when there is something to take with TakeChanges (coalesced:
  // once until the next TakeChanges), and once when the session is over.
  using Notify = std::function<void()>;
  static std::unique_ptr<RemoteScreen> Start(int fd, Quality quality, Notify notify);
  ~RemoteScreen();  // stops the session and joins the thread

  struct Changes {
    bool resized = false;
    int width = 0, height = 0;
    std::vector<ScreenRect> rects;              // areas of the picture that changed
    std::optional<PointerShape> pointer_shape;  // a new pointer shape
    bool ended = false;
    std::string end_reason;  // a sentence, when ended
  };
  Changes TakeChanges();
  // Calls `use` with the picture (packed RGB rows) under the lock; keep it short.
  void WithPicture(const std::function<void(const uint8_t* rgb, int width, int height)>& use);

  void SendKey(uint32_t keysym, bool down);
  void SendPointer(int x, int y, uint8_t buttons);  // RFB button mask
  void SetQuality(Quality quality);
  void Stop();  // ends the RFB stream (and so the session)

 private:
  struct Impl;
  explicit RemoteScreen(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemaint::viewer
