#include "store/attachment_files.h"
#include "util/temp_dir.h"

#include <stdlib.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace interactiond::store {
namespace {

using TempDir = util::TempDir;

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every regular file under `root`.
std::vector<std::filesystem::path> FilesUnder(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::exists(root)) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

constexpr char kAbcSha256[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(Sha256HexTest, KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), kAbcSha256);
  EXPECT_EQ(Sha256Hex(""), kEmptySha256);
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256HexTest, HandlesBinaryBytes) {
  const std::string bytes("\x00\xFF\x00", 3);
  const std::string digest = Sha256Hex(bytes);
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_NE(digest, Sha256Hex(std::string("\x00\xFF", 2)));  // the trailing NUL counts
  EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(AttachmentFilesTest, PutStoresContentAddressedAndFindReturnsIt) {
  TempDir dir;
  AttachmentFiles files(dir.path());
  const domain::Result<std::string> sha = files.Put("abc");
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(*sha, kAbcSha256);

  const std::optional<std::filesystem::path> found = files.Find(kAbcSha256);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, dir.path() / "attachments" / "ba" / kAbcSha256);
  EXPECT_EQ(ReadAll(*found), "abc");
}

TEST(AttachmentFilesTest, StoresBinaryContentExactly) {
  TempDir dir;
  AttachmentFiles files(dir.path());
  std::string bytes;
  for (int i = 0; i < 70000; ++i) bytes.push_back(static_cast<char>(i % 256));
  const domain::Result<std::string> sha = files.Put(bytes);
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(*sha, Sha256Hex(bytes));
  const auto found = files.Find(*sha);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(ReadAll(*found), bytes);
}

TEST(AttachmentFilesTest, SameBytesAreStoredOnce) {
  TempDir dir;
  AttachmentFiles files(dir.path());
  const auto first = files.Put("same bytes");
  const auto second = files.Put("same bytes");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  const auto stored = FilesUnder(dir.path());
  ASSERT_EQ(stored.size(), 1u);  // no second copy, no temporary left behind
  EXPECT_EQ(stored[0].filename(), *first);
}

TEST(AttachmentFilesTest, DifferentBytesAreStoredSeparately) {
  TempDir dir;
  AttachmentFiles files(dir.path());
  const auto a = files.Put("one");
  const auto b = files.Put("two");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(FilesUnder(dir.path()).size(), 2u);
  EXPECT_EQ(ReadAll(*files.Find(*a)), "one");
  EXPECT_EQ(ReadAll(*files.Find(*b)), "two");
}

TEST(AttachmentFilesTest, AnotherInstanceOnTheSameDirFindsTheFiles) {
  TempDir dir;
  const auto sha = AttachmentFiles(dir.path()).Put("persisted");
  ASSERT_TRUE(sha.ok());
  EXPECT_TRUE(AttachmentFiles(dir.path()).Find(*sha).has_value());
}

TEST(AttachmentFilesTest, FindOfUnknownDigestIsEmpty) {
  TempDir dir;
  AttachmentFiles files(dir.path());
  EXPECT_FALSE(files.Find(kAbcSha256).has_value());  // nothing stored yet (no directory)
  ASSERT_TRUE(files.Put("something else").ok());
  EXPECT_FALSE(files.Find(kAbcSha256).has_value());
}

TEST(AttachmentFilesTest, FindRejectsNonHex) {
  TempDir dir;
  AttachmentFiles files(dir.path());
  ASSERT_TRUE(files.Put("abc").ok());
  std::string bad = kAbcSha256;
  bad[10] = 'g';
  EXPECT_FALSE(files.Find(bad).has_value());
  bad[10] = ' ';
  EXPECT_FALSE(files.Find(bad).has_value());
  bad[10] = '\0';
  EXPECT_FALSE(files.Find(bad).has_value());
  EXPECT_FALSE(files.Find(std::string(64, 'z')).has_value());
}

TEST(AttachmentFilesTest, FindRejectsWrongLength) {
  TempDir dir;
  AttachmentFiles files(dir.path());
  ASSERT_TRUE(files.Put("abc").ok());
  const std::string sha = kAbcSha256;
  EXPECT_FALSE(files.Find("").has_value());
  EXPECT_FALSE(files.Find("ba").has_value());
  EXPECT_FALSE(files.Find(sha.substr(0, 63)).has_value());
  EXPECT_FALSE(files.Find(sha + "0").has_value());
  EXPECT_FALSE(files.Find(sha + "/").has_value());
  EXPECT_TRUE(files.Find(sha).has_value());
}

TEST(AttachmentFilesTest, FindRejectsUpperCase) {
  TempDir dir;
  AttachmentFiles files(dir.path());
  ASSERT_TRUE(files.Put("abc").ok());
  std::string upper = kAbcSha256;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_FALSE(files.Find(upper).has_value());
  std::string one_upper = kAbcSha256;
  one_upper[1] = 'A';  // "bA…"
  EXPECT_FALSE(files.Find(one_upper).has_value());
}

TEST(AttachmentFilesTest, FindRejectsPathTraversal) {
  TempDir dir;
  // A regular file outside the attachments root that a traversal could reach.
  {
    std::ofstream secret(dir.path() / "secret", std::ios::binary);
    secret << "secret";
  }
  AttachmentFiles files(dir.path());
  ASSERT_TRUE(files.Put("abc").ok());
  const std::string up = "../../secret";
  // Padded to 64 characters so only the content check can refuse them.
  for (const std::string& attempt :
       {std::string(64 - up.size(), '/') + up, up + std::string(64 - up.size(), '/'),
        "../" + std::string(kAbcSha256).substr(3), "ba/" + std::string(kAbcSha256).substr(3),
        "/etc/passwd" + std::string(64 - 11, '/')}) {
    ASSERT_EQ(attempt.size(), 64u);
    EXPECT_FALSE(files.Find(attempt).has_value()) << attempt;
  }
}

TEST(AttachmentFilesTest, PutIntoAnUnwritableLocationIs500) {
  TempDir dir;
  // The data "dir" is a regular file, so attachments/ cannot be created under it.
  const std::filesystem::path not_a_dir = dir.path() / "file";
  {
    std::ofstream out(not_a_dir);
    out << "x";
  }
  AttachmentFiles files(not_a_dir);
  const auto result = files.Put("abc");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, 500);
}

}  // namespace
}  // namespace interactiond::store
