#include "crypto/password.h"

#include <gtest/gtest.h>

#include "common/bytes.h"

namespace telemaint::crypto {
namespace {

TEST(PasswordTest, HashVerifiesOnlyTheRightPassword) {
  std::string pw = "correct horse battery staple";
  auto secret = SecretBytes::TakeString(pw);
  EXPECT_TRUE(pw.empty());
  auto hash = HashPassword(secret);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, secret));
  std::string wrong = "correct horse battery stapler";
  EXPECT_FALSE(VerifyPassword(*hash, SecretBytes::TakeString(wrong)));
}

TEST(PasswordTest, SaltMakesHashesDiffer) {
  std::string a = "same", b = "same";
  EXPECT_NE(*HashPassword(SecretBytes::TakeString(a)), *HashPassword(SecretBytes::TakeString(b)));
}

TEST(PasswordTest, DummyHashRejectsEverything) {
  std::string pw = "";
  EXPECT_FALSE(VerifyPassword(DummyPasswordHash(), SecretBytes::TakeString(pw)));
  EXPECT_FALSE(VerifyPassword("not a hash", SecretBytes(AsBytes("x"))));
}

}  // namespace
}  // namespace telemaint::crypto
