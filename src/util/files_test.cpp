#include "util/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "util/temp_dir.h"

namespace interactiond::util {
namespace {

namespace fs = std::filesystem;

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

long EntriesIn(const fs::path& dir) {
  return static_cast<long>(std::distance(fs::directory_iterator(dir), {}));
}

TEST(ReadFileIfExistsTest, MissingIsNulloptOtherFailuresThrow) {
  TempDir dir;
  EXPECT_FALSE(ReadFileIfExists(dir.path() / "missing").has_value());
  fs::create_directory(dir.path() / "a-directory");
  EXPECT_THROW(ReadFileIfExists(dir.path() / "a-directory"), std::runtime_error);
}

TEST(ReadFileIfExistsTest, ReadsBinaryContentLargerThanOneBuffer) {
  TempDir dir;
  std::string content(10000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7);
  {
    std::ofstream out(dir.path() / "f", std::ios::binary);
    out << content;
  }
  EXPECT_EQ(ReadFileIfExists(dir.path() / "f"), content);
}

TEST(WriteFileAtomicallyTest, ReplaceWritesExactModeAndLeavesNoTemporary) {
  TempDir dir;
  const fs::path target = dir.path() / "key";
  const mode_t old_umask = ::umask(077);  // the mode must not depend on the umask
  EXPECT_TRUE(WriteFileAtomically(target, "first", 0644, Install::kReplace));
  ::umask(old_umask);
  EXPECT_EQ(Slurp(target), "first");
  EXPECT_EQ(ModeOf(target), 0644u);
  EXPECT_TRUE(WriteFileAtomically(target, "second", 0600, Install::kReplace));
  EXPECT_EQ(Slurp(target), "second");
  EXPECT_EQ(ModeOf(target), 0600u);
  EXPECT_EQ(EntriesIn(dir.path()), 1);
}

TEST(WriteFileAtomicallyTest, KeepExistingNeverReplacesAndReportsIt) {
  TempDir dir;
  const fs::path target = dir.path() / "secret";
  EXPECT_TRUE(WriteFileAtomically(target, "winner", 0600, Install::kKeepExisting));
  EXPECT_FALSE(WriteFileAtomically(target, "loser", 0600, Install::kKeepExisting));
  EXPECT_EQ(Slurp(target), "winner");
  EXPECT_EQ(ModeOf(target), 0600u);
  EXPECT_EQ(EntriesIn(dir.path()), 1);
}

TEST(WriteFileAtomicallyTest, MissingDirectoryThrows) {
  TempDir dir;
  EXPECT_THROW(WriteFileAtomically(dir.path() / "no" / "file", "x", 0600, Install::kReplace),
               std::runtime_error);
}

TEST(EnsureDirectoryTest, OnlyANewDirectoryGetsTheMode) {
  TempDir dir;
  const fs::path created = dir.path() / "a" / "b";
  EnsureDirectory(created, fs::perms::owner_all);
  EXPECT_EQ(ModeOf(created), 0700u);
  fs::permissions(created, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  EnsureDirectory(created, fs::perms::owner_all);
  EXPECT_EQ(ModeOf(created), 0750u);
}

TEST(EnsureDirectoryTest, AFileInTheWayThrows) {
  TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  EXPECT_THROW(EnsureDirectory(dir.path() / "file" / "sub", fs::perms::owner_all),
               std::runtime_error);
}

}  // namespace
}  // namespace interactiond::util
