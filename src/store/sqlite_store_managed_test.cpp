#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "store/store_test_support.h"
#include "util/temp_dir.h"

namespace interactiond::store {
namespace {

constexpr char kOrg[] = "00D000000000001";
constexpr char kOtherOrg[] = "00D000000000002";
constexpr char kSub[] = "18x000000000001";
constexpr char kOtherSub[] = "18x000000000002";

class SqliteStoreManagedTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_ = std::make_unique<SqliteStore>(dir_.path(), config::Durability::kFull, nullptr);
  }
  void Reopen() {
    store_.reset();
    Open();
  }
  domain::Status Commit(const std::string& org, const std::string& sub, uint64_t replay_id) {
    return testing::Await<domain::Ok>([&](auto done) {
      store_->CommitManagedReplay(org, sub, replay_id, 1700000000000, std::move(done));
    });
  }
  std::optional<uint64_t> Load(const std::string& org, const std::string& sub) {
    auto loaded = store_->LoadManagedReplay(org, sub);
    EXPECT_TRUE(loaded.ok());
    return loaded.ok() ? *loaded : std::nullopt;
  }

  util::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreManagedTest, NothingCommittedIsNullopt) {
  EXPECT_EQ(Load(kOrg, kSub), std::nullopt);
}

TEST_F(SqliteStoreManagedTest, ACommitReplacesThePreviousOne) {
  ASSERT_TRUE(Commit(kOrg, kSub, 7).ok());
  EXPECT_EQ(Load(kOrg, kSub), 7u);
  ASSERT_TRUE(Commit(kOrg, kSub, 12).ok());
  EXPECT_EQ(Load(kOrg, kSub), 12u);
  // Backwards too: the subscriber decides what it has processed.
  ASSERT_TRUE(Commit(kOrg, kSub, 3).ok());
  EXPECT_EQ(Load(kOrg, kSub), 3u);
  ASSERT_TRUE(Commit(kOrg, kSub, 0).ok());
  EXPECT_EQ(Load(kOrg, kSub), 0u);
}

TEST_F(SqliteStoreManagedTest, CommitsArePerOrgAndSubscription) {
  ASSERT_TRUE(Commit(kOrg, kSub, 5).ok());
  ASSERT_TRUE(Commit(kOrg, kOtherSub, 6).ok());
  ASSERT_TRUE(Commit(kOtherOrg, kSub, 9).ok());
  EXPECT_EQ(Load(kOrg, kSub), 5u);
  EXPECT_EQ(Load(kOrg, kOtherSub), 6u);
  EXPECT_EQ(Load(kOtherOrg, kSub), 9u);
  EXPECT_EQ(Load(kOtherOrg, kOtherSub), std::nullopt);
}

TEST_F(SqliteStoreManagedTest, CommitsSurviveARestart) {
  ASSERT_TRUE(Commit(kOrg, kSub, 41).ok());
  ASSERT_TRUE(Commit(kOrg, kSub, 42).ok());
  Reopen();
  EXPECT_EQ(Load(kOrg, kSub), 42u);
}

TEST_F(SqliteStoreManagedTest, LargeReplayIdsRoundTrip) {
  const uint64_t big = (uint64_t{1} << 53) + 1;
  ASSERT_TRUE(Commit(kOrg, kSub, big).ok());
  EXPECT_EQ(Load(kOrg, kSub), big);
}

}  // namespace
}  // namespace interactiond::store
