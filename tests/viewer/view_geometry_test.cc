#include "viewer/view_geometry.h"

#include <gtest/gtest.h>

namespace telemaint::viewer {
namespace {

TEST(ViewGeometryTest, FitKeepsProportionsAndCentres) {
  auto g = ViewGeometry::Fit(1920, 1080, 960, 800);
  EXPECT_DOUBLE_EQ(g.scale, 0.5);
  EXPECT_EQ(g.shown_w, 960);
  EXPECT_EQ(g.shown_h, 540);
  EXPECT_EQ(g.offset_x, 0);
  EXPECT_EQ(g.offset_y, 130);
}

TEST(ViewGeometryTest, PointsMapBackToRemotePixelsAndClamp) {
  auto g = ViewGeometry::Fit(1920, 1080, 960, 800);
  int x, y;
  g.ToRemote(480, 130 + 270, 1920, 1080, &x, &y);
  EXPECT_EQ(x, 960);
  EXPECT_EQ(y, 540);
  g.ToRemote(-50, 5, 1920, 1080, &x, &y);  // in the letterbox band: the nearest edge
  EXPECT_EQ(x, 0);
  EXPECT_EQ(y, 0);
  g.ToRemote(5000, 5000, 1920, 1080, &x, &y);
  EXPECT_EQ(x, 1919);
  EXPECT_EQ(y, 1079);
}

TEST(ViewGeometryTest, ChangedRectanglesCoverTheirScaledArea) {
  auto g = ViewGeometry::Fit(1000, 1000, 300, 300);  // scale 0.3
  int vx, vy, vw, vh;
  g.ToView(10, 10, 1, 1, &vx, &vy, &vw, &vh);
  EXPECT_EQ(vx, 3);
  EXPECT_EQ(vy, 3);
  EXPECT_GE(vw, 1);  // a one-pixel change is never lost when shrinking
  EXPECT_GE(vh, 1);
  auto actual = ViewGeometry::Actual(800, 600);
  actual.ToView(5, 6, 7, 8, &vx, &vy, &vw, &vh);
  EXPECT_EQ(vx, 5);
  EXPECT_EQ(vy, 6);
  EXPECT_GE(vw, 7);
  EXPECT_GE(vh, 8);
}

TEST(ViewGeometryTest, EmptyScreenOrAreaIsHarmless) {
  auto g = ViewGeometry::Fit(0, 0, 100, 100);
  int x, y;
  g.ToRemote(10, 10, 0, 0, &x, &y);
  EXPECT_EQ(x, 0);
  EXPECT_EQ(y, 0);
}

}  // namespace
}  // namespace telemaint::viewer
