#include "host/x11/keymap.h"

#include <gtest/gtest.h>

namespace telemaint::host {
namespace {

// A few keycodes of X's French (AZERTY) map, as XGetKeyboardMapping gives them: 7 columns.
constexpr uint32_t kAmpersand = 0x26, kOne = 0x31, kEacute = 0xe9, kTwo = 0x32, kTilde = 0x7e;
constexpr uint32_t kAgrave = 0xe0, kZero = 0x30, kAt = 0x40, kDegree = 0xb0;
constexpr uint32_t kLowerA = 0x61, kUpperA = 0x41, kAe = 0xe6, kUpperAe = 0xc6;
constexpr uint32_t kLowerE = 0x65, kUpperE = 0x45, kEuro = 0x20ac, kCent = 0xa2;

Keymap French() {
  std::vector<uint32_t> syms;
  auto add = [&](std::vector<uint32_t> row) {
    row.resize(7, 0);
    syms.insert(syms.end(), row.begin(), row.end());
  };
  add({kAmpersand, kOne, kAmpersand, kOne, 0xb9, 0xa1, 0xb9});  // keycode 10
  add({kEacute, kTwo, kEacute, kTwo, kTilde, 0xac3, kTilde});   // 11
  add({});                                                       // 12: free
  add({kAgrave, kZero, kAgrave, kZero, kAt, kDegree, kAt});      // 13
  add({kLowerA, kUpperA, kLowerA, kUpperA, kAe, kUpperAe, kAe}); // 14
  add({kLowerE, kUpperE, kLowerE, kUpperE, kEuro, kCent, kEuro}); // 15
  return Keymap(10, 15, 7, syms);
}

TEST(KeymapTest, FindsTheColumnWithTheFewestModifiers) {
  Keymap map = French();
  auto one = map.Find(kOne);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->keycode, 10);
  EXPECT_EQ(one->column, 1);  // Shift
  auto at = map.Find(kAt);
  ASSERT_TRUE(at);
  EXPECT_EQ(at->keycode, 13);
  EXPECT_EQ(at->column, 4);  // AltGr
  auto cent = map.Find(kCent);
  ASSERT_TRUE(cent);
  EXPECT_EQ(cent->column, 5);  // AltGr+Shift
  EXPECT_FALSE(map.Find(0xdf).has_value());  // ß: not on these keys
  EXPECT_FALSE(map.Find(0).has_value());
}

TEST(KeymapTest, PlansShiftAndAltGrAndAllowsForCapsLock) {
  Keymap map = French();
  KeyPlan euro = PlanFor(*map.Find(kEuro), false, false);
  EXPECT_TRUE(euro.level3);
  EXPECT_FALSE(euro.shift);
  KeyPlan cent = PlanFor(*map.Find(kCent), false, false);
  EXPECT_TRUE(cent.level3);
  EXPECT_TRUE(cent.shift);
  // With Caps Lock on, a letter's plain level is the capital: 'a' needs Shift, 'A' does not.
  EXPECT_TRUE(PlanFor(*map.Find(kLowerA), true, true).shift);
  EXPECT_FALSE(PlanFor(*map.Find(kUpperA), true, true).shift);
  // Caps Lock does not touch keys that are not letters.
  EXPECT_TRUE(PlanFor(*map.Find(kOne), true, false).shift);
}

TEST(KeymapTest, FreeKeycodesAreThoseWithNoSymbol) {
  Keymap map = French();
  EXPECT_EQ(map.EmptyKeycodes(), std::vector<uint8_t>{12});
  EXPECT_EQ(map.At(14, 1), kUpperA);
  EXPECT_EQ(map.At(99, 0), 0u);
  EXPECT_EQ(map.At(14, 9), 0u);
}

TEST(KeymapTest, AShortTableIsTreatedAsEmpty) {
  Keymap map(8, 255, 4, std::vector<uint32_t>(10, 0x61));
  EXPECT_FALSE(map.Find(0x61).has_value());
  EXPECT_TRUE(map.EmptyKeycodes().empty());
}

TEST(KeymapTest, CharacterKeysymsAreTold) {
  EXPECT_TRUE(IsCharacterKeysym('a'));
  EXPECT_TRUE(IsCharacterKeysym(0xe9));        // eacute
  EXPECT_TRUE(IsCharacterKeysym(0x010020ac));  // U+20AC
  EXPECT_FALSE(IsCharacterKeysym(0xff0d));     // Return
  EXPECT_FALSE(IsCharacterKeysym(0xffe1));     // Shift_L
  EXPECT_FALSE(IsCharacterKeysym(0xfe03));     // ISO_Level3_Shift
  EXPECT_FALSE(IsCharacterKeysym(0x1f));
}

}  // namespace
}  // namespace telemaint::host
