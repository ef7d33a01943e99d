#include "relay/store/user_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace telemaint::relay {
namespace {

class UserStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tm-users-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(UserStoreTest, AddGetListDisableAndPasswordSurviveReopen) {
  {
    auto store = UserStore::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    User u{"alice", Role::kTechnician, "$argon2id$hash", false, "Alice Martin", "Acme IT", 0};
    ASSERT_TRUE((*store)->Add(u).ok());
    EXPECT_FALSE((*store)->Add(u).ok()) << "duplicate names are refused";
    ASSERT_TRUE((*store)->SetDisabled("alice", true).ok());
    ASSERT_TRUE((*store)->SetPasswordHash("alice", "$argon2id$other").ok());
    EXPECT_EQ((*store)->SetDisabled("nobody", true).code(), Status::Code::kNotFound);
  }
  auto store = UserStore::Open(dir_.string());
  ASSERT_TRUE(store.ok());
  auto got = (*store)->Get("alice");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->display_name, "Alice Martin");
  EXPECT_EQ((*got)->organisation, "Acme IT");
  EXPECT_TRUE((*got)->disabled);
  EXPECT_EQ((*got)->password_hash, "$argon2id$other");
  EXPECT_GT((*got)->created_at, 0);
  auto none = (*store)->Get("bob");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto list = (*store)->List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 1u);
}

TEST(UserNameTest, ValidNames) {
  EXPECT_TRUE(IsValidUserName("alice.martin@acme-it"));
  EXPECT_FALSE(IsValidUserName(""));
  EXPECT_FALSE(IsValidUserName("alice martin"));
  EXPECT_FALSE(IsValidUserName("a'; DROP TABLE users;--"));
  EXPECT_FALSE(IsValidUserName(std::string(65, 'a')));
}

}  // namespace
}  // namespace telemaint::relay
