#include "viewer/key_mapping.h"

#include <gtest/gtest.h>

namespace telemaint::viewer {
namespace {

TEST(KeyMappingTest, PrintableTextIsSentAsItsCharacter) {
  EXPECT_EQ(KeysymForKey('a', "a", false), 'a');
  EXPECT_EQ(KeysymForKey('a', "A", true), 'A');
  EXPECT_EQ(KeysymForKey('2', "@", false), '@');  // an AZERTY technician's AltGr+à
  EXPECT_EQ(KeysymForKey('e', "\xc3\xa9", false), 0xe9u);                 // é: Latin-1
  EXPECT_EQ(KeysymForKey('e', "\xe2\x82\xac", false), 0x010020acu);       // €: Unicode keysym
  EXPECT_EQ(KeysymForKey(' ', " ", false), 0x20u);
}

TEST(KeyMappingTest, SpecialKeysAreTheirKeysyms) {
  EXPECT_EQ(KeysymForKey(0xff0d, "\r", false), 0xff0du);  // Return, despite its text
  EXPECT_EQ(KeysymForKey(0xff09, "\t", false), 0xff09u);  // Tab
  EXPECT_EQ(KeysymForKey(0xff1b, "\x1b", false), 0xff1bu);  // Escape
  EXPECT_EQ(KeysymForKey(0xff08, "\b", false), 0xff08u);  // BackSpace
  EXPECT_EQ(KeysymForKey(0xffe3, "", false), 0xffe3u);    // Control_L
  EXPECT_EQ(KeysymForKey(0xfe03, "", false), 0xfe03u);    // ISO_Level3_Shift (AltGr)
  EXPECT_EQ(KeysymForKey(0xffbe, "", false), 0xffbeu);    // F1
  EXPECT_EQ(KeysymForKey(0xef11, "", false), 0u);         // FLTK's volume key: not a keysym
}

TEST(KeyMappingTest, ControlCharactersFallBackToTheKeyKeepingShift) {
  EXPECT_EQ(KeysymForKey('c', "\x03", false), 'c');  // Ctrl+c
  EXPECT_EQ(KeysymForKey('t', "\x14", true), 'T');   // Ctrl+Shift+t stays Ctrl+Shift+T
  EXPECT_EQ(KeysymForKey('1', "", false), '1');      // Alt+1 with no text
}

TEST(KeyMappingTest, SingleCodePointRejectsMalformedUtf8) {
  EXPECT_EQ(SingleCodePoint("\xc3\xa9"), 0xe9);
  EXPECT_EQ(SingleCodePoint("ab"), -1);            // two characters
  EXPECT_EQ(SingleCodePoint("\xc3"), -1);          // truncated
  EXPECT_EQ(SingleCodePoint("\xc0\xaf"), -1);      // overlong '/'
  EXPECT_EQ(SingleCodePoint("\xed\xa0\x80"), -1);  // a surrogate
  EXPECT_EQ(SingleCodePoint(""), -1);
  EXPECT_EQ(KeysymForKey('x', "\xc3", false), 'x');
}

}  // namespace
}  // namespace telemaint::viewer
