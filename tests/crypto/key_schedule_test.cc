// The key schedule after CPace for one fixed ISK: the same values web/test/cpace.test.mjs
// expects from the web viewer's JavaScript, so both implementations are held to one vector.
#include <gtest/gtest.h>

#include "common/bytes.h"
#include "crypto/handshake.h"
#include "crypto/identity.h"

namespace telemaint::crypto {
namespace {

std::string Hex(const SecretBytes& s) { return ToHex(s.view()); }

TEST(KeyScheduleTest, MatchesTheWebViewersVector) {
  SecretBytes isk(64);
  for (size_t i = 0; i < 64; ++i) isk.data()[i] = static_cast<uint8_t>(i);
  ChannelKeys keys = DeriveChannelKeys(isk);
  EXPECT_EQ(Hex(keys.confirm_host),
            "85813401ff8ed9af3219e0940c890236b249cbbcdebedacb9a02d0de7a19d75c");
  EXPECT_EQ(Hex(keys.confirm_viewer),
            "805d2ee01de7bcea3076436cfe98233dd3a0092b15f7a3fc147cc2c573ca4c45");
  EXPECT_EQ(Hex(keys.host_to_viewer),
            "a949b6106d678a9083bed404b11c51ac05aeff7fb5fa5e15d7153bbeb4a15df4");
  EXPECT_EQ(Hex(keys.viewer_to_host),
            "28d6308340c18f1f79aa91336b532efdb416ec03585aa3aeaf78c7b766e56067");
  EXPECT_EQ(Hex(keys.binding), "2e8034ac350180e720843f0fe4a149a0f4b047c110c1ce2446fcda46ce566df3");
  EXPECT_EQ(ToHex(ConfirmationTag(keys, /*from_host=*/true)),
            "b0340675725849fea42ddda8aab0fea9511c389edfd0bc8ae959b20ccb723c91");
  EXPECT_EQ(ToHex(ConfirmationTag(keys, /*from_host=*/false)),
            "ff9e6548c62d39c26eb76ba63d4c0e359a383e9b8dca590eb472072352b4bfdd");
  EXPECT_EQ(ToHex(TranscriptHash(keys.binding.view())),
            "6e095f2bf866cb5fd46a2ef25576b9b58dbfcd8777ece05b411e674d2a8a257c");
}

}  // namespace
}  // namespace telemaint::crypto
