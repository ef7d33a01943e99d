#pragma once
// Where the remote screen sits in the window: scaled to fit (keeping its proportions,
// centred) or at actual size. Pure; tests/viewer/view_geometry_test.cc.
#include <algorithm>

namespace telemaint::viewer {

struct ViewGeometry {
  double scale = 1.0;
  int offset_x = 0, offset_y = 0;  // of the picture inside the view area
  int shown_w = 0, shown_h = 0;    // size of the picture as drawn

  // Fits a remote_w x remote_h screen in an area_w x area_h view area.
  static ViewGeometry Fit(int remote_w, int remote_h, int area_w, int area_h) {
    ViewGeometry g;
    if (remote_w <= 0 || remote_h <= 0 || area_w <= 0 || area_h <= 0) return g;
    g.scale =
        std::min(static_cast<double>(area_w) / remote_w, static_cast<double>(area_h) / remote_h);
    g.shown_w = std::max(1, static_cast<int>(remote_w * g.scale));
    g.shown_h = std::max(1, static_cast<int>(remote_h * g.scale));
    g.offset_x = (area_w - g.shown_w) / 2;
    g.offset_y = (area_h - g.shown_h) / 2;
    return g;
  }
  static ViewGeometry Actual(int remote_w, int remote_h) {
    ViewGeometry g;
    g.shown_w = remote_w;
    g.shown_h = remote_h;
    return g;
  }

  // Remote pixel under a point of the view area, clamped to the screen.
  void ToRemote(int view_x, int view_y, int remote_w, int remote_h, int* rx, int* ry) const {
    *rx = std::clamp(static_cast<int>((view_x - offset_x) / scale), 0, std::max(0, remote_w - 1));
    *ry = std::clamp(static_cast<int>((view_y - offset_y) / scale), 0, std::max(0, remote_h - 1));
  }
  // View-area rectangle covering a remote rectangle (rounded outwards).
  void ToView(int x, int y, int w, int h, int* vx, int* vy, int* vw, int* vh) const {
    int x0 = offset_x + static_cast<int>(x * scale), y0 = offset_y + static_cast<int>(y * scale);
    int x1 = offset_x + static_cast<int>((x + w) * scale + 0.999999);
    int y1 = offset_y + static_cast<int>((y + h) * scale + 0.999999);
    *vx = x0;
    *vy = y0;
    *vw = x1 - x0 + 1;
    *vh = y1 - y0 + 1;
  }
};

}  // namespace telemaint::viewer
