#include "crypto/identity.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace telemaint::crypto {
namespace {

std::string TempPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("tm-identity-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  return (dir / "technician.key").string();
}

TEST(IdentityTest, AKeyIsMadeOnceOwnerOnlyAndReadBackTheSame) {
  std::string path = TempPath("make");
  auto made = SigningKey::LoadOrCreate(path);
  ASSERT_TRUE(made.ok()) << made.status().message();
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = SigningKey::LoadOrCreate(path);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(made->public_key(), again->public_key());
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(IdentityTest, AKeyFileOthersCanReadIsRefused) {
  std::string path = TempPath("perm");
  ASSERT_TRUE(SigningKey::LoadOrCreate(path).ok());
  chmod(path.c_str(), 0644);
  auto loaded = SigningKey::LoadOrCreate(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("chmod 600"), std::string::npos);
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(IdentityTest, AFileThatIsNotAKeyIsRefused) {
  std::string path = TempPath("junk");
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  { std::ofstream(path) << "not a key\n"; }
  chmod(path.c_str(), 0600);
  EXPECT_FALSE(SigningKey::LoadOrCreate(path).ok());
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(IdentityTest, TheHelloSignatureBindsKeyAndSession) {
  SigningKey key = SigningKey::Generate();
  Bytes sid(16, 7), other_sid(16, 8);
  Bytes sig = key.Sign(TechnicianHelloStatement(sid));
  EXPECT_TRUE(VerifySignature(key.public_key(), TechnicianHelloStatement(sid), sig));
  // Replayed into another session, or under another key, it fails.
  EXPECT_FALSE(VerifySignature(key.public_key(), TechnicianHelloStatement(other_sid), sig));
  EXPECT_FALSE(
      VerifySignature(SigningKey::Generate().public_key(), TechnicianHelloStatement(sid), sig));
  sig[5] ^= 1;
  EXPECT_FALSE(VerifySignature(key.public_key(), TechnicianHelloStatement(sid), sig));
  EXPECT_FALSE(VerifySignature(Bytes(31, 0), TechnicianHelloStatement(sid), sig));
}

TEST(IdentityTest, FingerprintsAreGroupedAndDiffer) {
  SigningKey a = SigningKey::Generate(), b = SigningKey::Generate();
  std::string fa = KeyFingerprint(a.public_key());
  EXPECT_EQ(fa.size(), 39u);  // 8 groups of 4 hex digits
  EXPECT_EQ(fa[4], ' ');
  EXPECT_EQ(fa, KeyFingerprint(a.public_key()));
  EXPECT_NE(fa, KeyFingerprint(b.public_key()));
}

}  // namespace
}  // namespace telemaint::crypto

namespace telemaint::crypto {
namespace {

TEST(SigningKeyRoleTest, EachRoleNamesItselfAndOlderFilesStillLoad) {
  char dir_template[] = "/tmp/telemaint-key-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  auto host = SigningKey::LoadOrCreate(dir + "/host.key", "host");
  ASSERT_TRUE(host.ok());
  std::ifstream in(dir + "/host.key");
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "telemaint host key v1");
  auto again = SigningKey::LoadOrCreate(dir + "/host.key", "host");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), host->public_key());
  // A key file from before roles had their own header (it says "technician") still loads.
  auto old = SigningKey::LoadOrCreate(dir + "/old.key");
  ASSERT_TRUE(old.ok());
  auto as_host = SigningKey::LoadOrCreate(dir + "/old.key", "host");
  ASSERT_TRUE(as_host.ok());
  EXPECT_EQ(as_host->public_key(), old->public_key());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace telemaint::crypto
