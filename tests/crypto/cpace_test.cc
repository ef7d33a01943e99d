// CPace over ristretto255/SHA-512 against the test vectors of draft-irtf-cfrg-cpace-21
// (appendix "Test vector for CPace using group ristretto255 and hash SHA-512").
#include "crypto/cpace.h"

#include <gtest/gtest.h>

#include "common/bytes.h"

namespace telemaint::crypto {
namespace {

Bytes H(std::string_view hex) {
  Bytes b = FromHex(hex);
  EXPECT_EQ(b.size() * 2, hex.size()) << "bad hex in test";
  return b;
}

const Bytes kPrs = Bytes{'P', 'a', 's', 's', 'w', 'o', 'r', 'd'};
const Bytes kCi = H("0b415f696e69746961746f720b425f726573706f6e646572");
const Bytes kSid = H("7e4b4791d6a8ef019b936c79fb7f2c57");
const Bytes kAda = {'A', 'D', 'a'};
const Bytes kAdb = {'A', 'D', 'b'};
const Bytes kYa = H("da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08");
const Bytes kYb = H("d2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d");

TEST(CPaceTest, EncodingsMatchDraftVectors) {
  EXPECT_EQ(ToHex(CPacePrependLen({})), "00");
  EXPECT_EQ(ToHex(CPacePrependLen(AsBytes("1234"))), "0431323334");
  Bytes r128(128);
  for (int i = 0; i < 128; ++i) r128[i] = static_cast<uint8_t>(i);
  Bytes p = CPacePrependLen(r128);
  ASSERT_EQ(p.size(), 130u);
  EXPECT_EQ(p[0], 0x80);
  EXPECT_EQ(p[1], 0x01);
  EXPECT_EQ(ToHex(CPaceLvCat({AsBytes("1234"), AsBytes("5"), AsBytes(""), AsBytes("678")})),
            "043132333401350003363738");
}

TEST(CPaceTest, GeneratorMatchesDraftVector) {
  EXPECT_EQ(ToHex(CPaceGeneratorString(kPrs, kCi, kSid)),
            "11435061636552697374726574746f3235350850617373776f726464" + std::string(200, '0') +
                "180b415f696e69746961746f720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f"
                "2c57");
  auto g = CPaceGenerator(kPrs, kCi, kSid);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(ToHex(*g), "222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5698c7e56");
}

TEST(CPaceTest, SharesAndIskMatchDraftVectors) {
  auto a = CPace::StartWithScalar(CPace::Role::kInitiator, kPrs, kCi, kSid, kAda, kYa);
  auto b = CPace::StartWithScalar(CPace::Role::kResponder, kPrs, kCi, kSid, kAdb, kYb);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(ToHex(a->share()), "d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157");
  EXPECT_EQ(ToHex(b->share()), "3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258");
  const std::string isk_ir =
      "b69effbf61b51d56401c0f65601abe428de8206feaaf0e32198896dcae7b35cd2b38950a39dfd5d4a7916461"
      "4c2984f7daa460b588c1e80c3fa2068af7900447";
  auto isk_a = a->Finish(b->share(), kAdb);
  auto isk_b = b->Finish(a->share(), kAda);
  ASSERT_TRUE(isk_a.ok());
  ASSERT_TRUE(isk_b.ok());
  EXPECT_EQ(ToHex(isk_a->view()), isk_ir);
  EXPECT_EQ(ToHex(isk_b->view()), isk_ir);
}

TEST(CPaceTest, InvalidAndIdentityPointsAbort) {
  auto a = CPace::StartWithScalar(CPace::Role::kInitiator, kPrs, kCi, kSid, kAda, kYa);
  ASSERT_TRUE(a.ok());
  // The draft's invalid encoding and the identity element: both must abort.
  auto bad = a->Finish(H("2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c"), {});
  EXPECT_FALSE(bad.ok());
  auto identity = a->Finish(Bytes(32, 0), {});
  EXPECT_FALSE(identity.ok());
  EXPECT_FALSE(a->Finish(Bytes(31, 1), {}).ok());
  // The valid point of the draft's scalar_mult test is accepted.
  EXPECT_TRUE(
      a->Finish(H("2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c"), {}).ok());
}

TEST(CPaceTest, SecretPointKMatchesDraftVector) {
  const Bytes ya_share = H("d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157");
  const Bytes yb_share = H("3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258");
  const std::string k = "80b69a8a76457ab6a4d7f887a4bf6b55a2f80ac19c333f917a05fc9887c8b40f";
  auto ka = CPaceScalarMultVfy(kYa, yb_share);
  auto kb = CPaceScalarMultVfy(kYb, ya_share);
  ASSERT_TRUE(ka.ok() && kb.ok());
  EXPECT_EQ(ToHex(ka->view()), k);
  EXPECT_EQ(ToHex(kb->view()), k);
}

TEST(CPaceTest, ScalarMultiplicationMatchesTheDraftsValidCase) {
  const Bytes s = H("7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88cf538a05");
  const Bytes x = H("2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c");
  auto r = CPaceScalarMultVfy(s, x);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(r->view()), "7c13645fe790a468f62c39beb7388e541d8405d1ade69d1778c5fe3e7f6b600e");
  // The draft's invalid inputs: an encoding off the group, and the neutral element.
  EXPECT_FALSE(
      CPaceScalarMultVfy(s, H("2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c"))
          .ok());
  EXPECT_FALSE(CPaceScalarMultVfy(s, Bytes(32, 0)).ok());
}

// Non-canonical encodings (ristretto255's own list: field elements not reduced, the sign bit
// set, negative field elements), including the valid point above with its top bit set: a
// share in any of them makes the handshake abort rather than be read as some other point.
TEST(CPaceTest, NonCanonicalEncodingsAreRefused) {
  auto a = CPace::StartWithScalar(CPace::Role::kInitiator, kPrs, kCi, kSid, kAda, kYa);
  ASSERT_TRUE(a.ok());
  for (const char* hex : {
           "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
           "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
           "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
           "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
           "0100000000000000000000000000000000000000000000000000000000000080",
           "0100000000000000000000000000000000000000000000000000000000000000",
           "2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a59c",
       }) {
    EXPECT_FALSE(a->Finish(H(hex), kAdb).ok()) << hex;
    EXPECT_FALSE(CPaceScalarMultVfy(kYa, H(hex)).ok()) << hex;
  }
}

TEST(CPaceTest, DifferentPasswordsGiveDifferentKeys) {
  auto a = CPace::Start(CPace::Role::kInitiator, AsBytes("123456"), kCi, kSid, {});
  auto b = CPace::Start(CPace::Role::kResponder, AsBytes("123457"), kCi, kSid, {});
  ASSERT_TRUE(a.ok() && b.ok());
  auto ka = a->Finish(b->share(), {});
  auto kb = b->Finish(a->share(), {});
  ASSERT_TRUE(ka.ok() && kb.ok());
  EXPECT_NE(ToHex(ka->view()), ToHex(kb->view()));
}

}  // namespace
}  // namespace telemaint::crypto
