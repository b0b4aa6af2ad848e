#include "domain/error_catalog.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include <gtest/gtest.h>

namespace interactiond::domain {
namespace {

// Reads `| code | description |` rows of the published catalogue; placeholders are escaped as
// `\<name\>` in the Markdown.
std::map<int, std::string> ReadReferenceCatalog(const std::filesystem::path& path) {
  std::map<int, std::string> rows;
  std::ifstream in(path);
  const std::regex row(R"(^\|\s*(\d+)\s*\|\s*(.*?)\s*\|\s*$)");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    std::string text = m[2];
    text = std::regex_replace(text, std::regex(R"(\\([<>]))"), "$1");
    rows[std::stoi(m[1])] = text;
  }
  return rows;
}

TEST(ErrorCatalogTest, MatchesPublishedCatalogueExactly) {
  const std::filesystem::path reference =
      std::filesystem::path(INTERACTIOND_SHARED_REFERENCE_DIR) / "error-codes.md";
  if (!std::filesystem::exists(reference)) GTEST_SKIP() << "no ../shared/reference here";
  const auto published = ReadReferenceCatalog(reference);
  ASSERT_GT(published.size(), 100u);
  for (const auto& [code, text] : published) {
    const CatalogEntry* entry = FindCatalogEntry(code);
    ASSERT_NE(entry, nullptr) << "missing code " << code;
    EXPECT_EQ(entry->message, text) << "code " << code;
  }
  EXPECT_EQ(ErrorCatalog().size(), published.size()) << "the project has codes the catalogue lacks";
}

TEST(ErrorCatalogTest, IsSortedAndUnique) {
  auto catalog = ErrorCatalog();
  for (size_t i = 1; i < catalog.size(); ++i) EXPECT_LT(catalog[i - 1].code, catalog[i].code);
}

TEST(ErrorCatalogTest, StatusTable) {
  EXPECT_EQ(HttpStatusOf(10004), 401);
  EXPECT_EQ(HttpStatusOf(10003), 403);
  EXPECT_EQ(HttpStatusOf(10005), 403);
  EXPECT_EQ(HttpStatusOf(10017), 404);
  EXPECT_EQ(HttpStatusOf(15109), 409);
  EXPECT_EQ(HttpStatusOf(10055), 412);
  EXPECT_EQ(HttpStatusOf(10019), 503);
  EXPECT_EQ(HttpStatusOf(10094), 504);
  EXPECT_EQ(HttpStatusOf(20002), 500);
  EXPECT_EQ(HttpStatusOf(10016), 400);
  EXPECT_EQ(HttpStatusOf(20003), 400);
  EXPECT_EQ(HttpStatusOf(424242), 500);
}

TEST(ErrorCatalogTest, SubstitutesPlaceholders) {
  Error error = Error::Of(15107);
  error.substitutions = {{"workItemId", "0MwXX0000000001"}, {"conversationId", "abc"}};
  EXPECT_EQ(MessageOf(error),
            "Enter a conversationId that matches a conversation linked to workItemId "
            "0MwXX0000000001. conversationId abc doesn't match.");
}

TEST(ErrorCatalogTest, UnknownCodeRendersAs500) {
  EXPECT_EQ(
      ErrorBodyJson(Error::Of(99999)),
      R"({"code":500,"message":"An internal server error occurred. Please contact Salesforce Support."})");
  EXPECT_EQ(ErrorBodyJson(Error::Of(10016)), R"({"code":10016,"message":"Enter a valid header."})");
}

}  // namespace
}  // namespace interactiond::domain
