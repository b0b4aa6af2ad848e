#include "util/ids.h"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <gtest/gtest.h>

namespace interactiond::util {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// 62^10: the first sequence that wraps.
constexpr uint64_t kWrap = 839299365868340224ull;

TEST(RecordIdTest, Shape) {
  EXPECT_EQ(RecordId("0Mw", 0), "0Mw8c0000000000");
  EXPECT_EQ(RecordId("0Mw", 1), "0Mw8c0000000001");
  EXPECT_EQ(RecordId("0PA", 9), "0PA8c0000000009");
  EXPECT_EQ(RecordId("0PA", 10), "0PA8c000000000A");
  EXPECT_EQ(RecordId("0PA", 35), "0PA8c000000000Z");
  EXPECT_EQ(RecordId("0PA", 36), "0PA8c000000000a");
  EXPECT_EQ(RecordId("0PA", 61), "0PA8c000000000z");
  EXPECT_EQ(RecordId("0PA", 62), "0PA8c0000000010");
  EXPECT_EQ(RecordId("0PA", 62 * 62 - 1), "0PA8c00000000zz");
  EXPECT_EQ(RecordId("0PA", kWrap - 1), "0PA8czzzzzzzzzz");
}

TEST(RecordIdTest, Is15CharactersOfBase62AfterThePrefix) {
  for (uint64_t sequence :
       {uint64_t{0}, uint64_t{1}, uint64_t{123456789}, kWrap - 1, uint64_t{0xFFFFFFFFFFFFFFFF}}) {
    const std::string id = RecordId("0Mw", sequence);
    ASSERT_EQ(id.size(), 15u) << sequence;
    EXPECT_EQ(id.substr(0, 5), "0Mw8c");
    EXPECT_EQ(id.substr(5).find_first_not_of(kBase62), std::string::npos) << id;
  }
}

TEST(RecordIdTest, SortsLexicallyInSequenceOrder) {
  std::vector<uint64_t> sequences;
  for (uint64_t s = 0; s < 5000; ++s) sequences.push_back(s);
  for (uint64_t s : {uint64_t{238327}, uint64_t{238328}, uint64_t{14776335}, uint64_t{14776336},
                     uint64_t{916132831}, uint64_t{916132832}, kWrap - 2, kWrap - 1}) {
    sequences.push_back(s);
  }
  std::string previous;
  for (uint64_t s : sequences) {
    const std::string id = RecordId("0Mw", s);
    EXPECT_LT(previous, id) << "sequence " << s;
    previous = id;
  }
}

TEST(RecordIdTest, DistinctSequencesGiveDistinctIds) {
  std::unordered_set<std::string> ids;
  for (uint64_t s = 0; s < 10000; ++s) ids.insert(RecordId("0Mw", s * 7919));
  EXPECT_EQ(ids.size(), 10000u);
}

TEST(RecordIdTest, WrapsAt62ToThe10th) {
  EXPECT_EQ(RecordId("0Mw", kWrap), RecordId("0Mw", 0));
  EXPECT_EQ(RecordId("0Mw", kWrap + 5), RecordId("0Mw", 5));
}

TEST(RandomUuidTest, IsCanonicalLowerCaseVersion4) {
  for (int i = 0; i < 1000; ++i) {
    const std::string uuid = RandomUuid();
    ASSERT_EQ(uuid.size(), 36u);
    EXPECT_TRUE(IsUuid(uuid)) << uuid;
    EXPECT_EQ(uuid[8], '-');
    EXPECT_EQ(uuid[13], '-');
    EXPECT_EQ(uuid[18], '-');
    EXPECT_EQ(uuid[23], '-');
    EXPECT_EQ(uuid[14], '4') << uuid;                                                    // version
    EXPECT_NE(std::string_view("89ab").find(uuid[19]), std::string_view::npos) << uuid;  // variant
    EXPECT_EQ(uuid.find_first_not_of("0123456789abcdef-"), std::string::npos) << uuid;
  }
}

TEST(RandomUuidTest, UniqueOver10000) {
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(RandomUuid());
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(RandomUuidTest, RandomBitsVary) {
  // Every hex position outside the fixed version nibble should take several values.
  std::vector<std::set<char>> values(36);
  for (int i = 0; i < 200; ++i) {
    const std::string uuid = RandomUuid();
    for (size_t p = 0; p < uuid.size(); ++p) values[p].insert(uuid[p]);
  }
  for (size_t p = 0; p < 36; ++p) {
    if (p == 8 || p == 13 || p == 18 || p == 23 || p == 14) continue;
    EXPECT_GE(values[p].size(), p == 19 ? 4u : 8u) << "position " << p;
  }
}

TEST(IsUuidTest, AcceptsCanonicalFormsOfAnyVersionAndCase) {
  EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(IsUuid("00000000-0000-0000-0000-000000000000"));
  EXPECT_TRUE(IsUuid("FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF"));
  EXPECT_TRUE(IsUuid("6f1C2a4E-0000-4000-8000-00000000000a"));
}

TEST(IsUuidTest, RefusesEverythingElse) {
  for (const char* text : {
           "",
           "123e4567e89b12d3a456426614174000",        // no dashes
           "123e4567-e89b-12d3-a456-42661417400",     // 35
           "123e4567-e89b-12d3-a456-4266141740000",   // 37
           "{123e4567-e89b-12d3-a456-426614174000}",  // braces
           "123e4567-e89b-12d3-a456-42661417400g",    // non-hex
           "123e4567-e89b-12d3-a456_426614174000",    // wrong separator
           "123e456-7e89b-12d3-a456-426614174000",    // dashes misplaced
           "123e4567-e89b-12d3-a456-42661417400 ",    // trailing space
           " 23e4567-e89b-12d3-a456-426614174000",    // leading space
           "------------------------------------",    // 36 dashes
       }) {
    EXPECT_FALSE(IsUuid(text)) << '"' << text << '"';
  }
}

TEST(RecordId18Test, AppendsTheCaseChecksum) {
  // Salesforce's documented example: 001A0000006Vm9r → 001A0000006Vm9rIAC.
  EXPECT_EQ(RecordId18("001A0000006Vm9r"), "001A0000006Vm9rIAC");
  EXPECT_EQ(RecordId18("00D8c000000DEMO"), "00D8c000000DEMOEA4");
  EXPECT_EQ(RecordId18("short"), "short");
}

}  // namespace
}  // namespace interactiond::util
