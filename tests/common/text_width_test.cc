// Display widths for aligning people's names in columns (telemaint-relay user list).
#include "common/text_width.h"

#include <gtest/gtest.h>

namespace telemaint {
namespace {

TEST(TextWidthTest, CountsColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth("Alice Martin"), 12u);
  EXPECT_EQ(DisplayWidth("Zo\xc3\xa9 M\xc3\xbcller"), 10u);                 // Zoé Müller
  EXPECT_EQ(DisplayWidth("Zoe\xcc\x81"), 3u);                               // e + combining acute
  EXPECT_EQ(DisplayWidth("\xce\x95\xce\xbb\xce\xad\xce\xbd\xce\xb7"), 5u);  // Ελένη
  EXPECT_EQ(DisplayWidth("\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e"), 8u);  // 山田太郎
  EXPECT_EQ(DisplayWidth("\xf0\x9f\x98\x80"), 2u);                                  // an emoji
  EXPECT_EQ(DisplayWidth("a\tb"), 2u) << "control characters take no column";
  EXPECT_EQ(DisplayWidth("\xff\xc3"), 2u) << "invalid bytes count one each, never crash";
}

TEST(TextWidthTest, PadsToAWidthInColumns) {
  EXPECT_EQ(PadToWidth("Zo\xc3\xa9", 5), "Zo\xc3\xa9  ");
  EXPECT_EQ(PadToWidth("\xe5\xb1\xb1\xe7\x94\xb0", 5), "\xe5\xb1\xb1\xe7\x94\xb0 ");
  EXPECT_EQ(PadToWidth("long enough", 4), "long enough");
}

}  // namespace
}  // namespace telemaint
