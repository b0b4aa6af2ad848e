#include "domain/json_access.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace interactiond::domain {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

std::optional<int64_t> ParseAndConvert(std::string_view json_text) {
  return AsInt64(boost::json::parse(json_text));
}

TEST(AsInt64Test, AcceptsJsonIntegers) {
  EXPECT_EQ(AsInt64(value(0)), 0);
  EXPECT_EQ(AsInt64(value(42)), 42);
  EXPECT_EQ(AsInt64(value(-42)), -42);
  EXPECT_EQ(AsInt64(value(std::numeric_limits<int64_t>::max())),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(AsInt64(value(std::numeric_limits<int64_t>::min())),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ParseAndConvert("1700000000000"), 1700000000000);
}

TEST(AsInt64Test, AcceptsUnsignedWithinRange) {
  EXPECT_EQ(AsInt64(value(uint64_t{7})), 7);
  EXPECT_EQ(AsInt64(value(static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseAndConvert("9223372036854775807"), std::numeric_limits<int64_t>::max());
}

TEST(AsInt64Test, RefusesUnsignedAboveInt64Max) {
  EXPECT_EQ(AsInt64(value(static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1)),
            std::nullopt);
  EXPECT_EQ(AsInt64(value(std::numeric_limits<uint64_t>::max())), std::nullopt);
  EXPECT_EQ(ParseAndConvert("18446744073709551615"), std::nullopt);
}

TEST(AsInt64Test, AcceptsIntegralDoubles) {
  EXPECT_EQ(AsInt64(value(5.0)), 5);
  EXPECT_EQ(AsInt64(value(-5.0)), -5);
  EXPECT_EQ(AsInt64(value(-0.0)), 0);
  EXPECT_EQ(AsInt64(value(1.7e12)), 1700000000000);
  EXPECT_EQ(ParseAndConvert("1.7e12"), 1700000000000);
  EXPECT_EQ(ParseAndConvert("12.0"), 12);
  EXPECT_EQ(ParseAndConvert("1E3"), 1000);
}

TEST(AsInt64Test, RefusesFractionalAndNonFiniteDoubles) {
  EXPECT_EQ(AsInt64(value(1.5)), std::nullopt);
  EXPECT_EQ(AsInt64(value(-0.1)), std::nullopt);
  EXPECT_EQ(AsInt64(value(std::numeric_limits<double>::infinity())), std::nullopt);
  EXPECT_EQ(AsInt64(value(-std::numeric_limits<double>::infinity())), std::nullopt);
  EXPECT_EQ(AsInt64(value(std::numeric_limits<double>::quiet_NaN())), std::nullopt);
}

TEST(AsInt64Test, RefusesDoublesOutsideInt64) {
  EXPECT_EQ(AsInt64(value(1e19)), std::nullopt);
  EXPECT_EQ(AsInt64(value(-1e19)), std::nullopt);
  EXPECT_EQ(AsInt64(value(1e300)), std::nullopt);
  EXPECT_EQ(AsInt64(value(9.0e18)), int64_t{9000000000000000000});
}

TEST(AsInt64Test, AcceptsDecimalStrings) {
  EXPECT_EQ(AsInt64(value("0")), 0);
  EXPECT_EQ(AsInt64(value("123")), 123);
  EXPECT_EQ(AsInt64(value("-4")), -4);
  EXPECT_EQ(AsInt64(value("007")), 7);
  EXPECT_EQ(AsInt64(value("9223372036854775807")), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(AsInt64(value("-9223372036854775808")), std::numeric_limits<int64_t>::min());
}

TEST(AsInt64Test, RefusesStringsThatAreNotExactlyADecimalInteger) {
  for (const char* text :
       {"", " ", "abc", "12abc", "1.5", "12.0", "1e3", " 12", "12 ", "+12", "0x10", "--1", "-",
        "9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
    EXPECT_EQ(AsInt64(value(text)), std::nullopt) << '"' << text << '"';
  }
}

TEST(AsInt64Test, RefusesOtherTypes) {
  EXPECT_EQ(AsInt64(value(nullptr)), std::nullopt);
  EXPECT_EQ(AsInt64(value(true)), std::nullopt);
  EXPECT_EQ(AsInt64(value(false)), std::nullopt);
  EXPECT_EQ(AsInt64(value(array{1})), std::nullopt);
  EXPECT_EQ(AsInt64(value(object{{"value", 1}})), std::nullopt);
}

TEST(MemberTest, ReturnsPresentNonNullMembers) {
  const object o = {{"a", 1}, {"s", "text"}, {"n", nullptr}, {"f", false}, {"e", ""}};
  ASSERT_NE(Member(o, "a"), nullptr);
  EXPECT_EQ(*Member(o, "a"), value(1));
  ASSERT_NE(Member(o, "f"), nullptr);  // false is a value, not absence
  EXPECT_EQ(*Member(o, "f"), value(false));
  ASSERT_NE(Member(o, "e"), nullptr);
  EXPECT_EQ(Member(o, "n"), nullptr);
  EXPECT_EQ(Member(o, "missing"), nullptr);
  EXPECT_EQ(Member(o, "A"), nullptr);  // keys are case-sensitive
  EXPECT_EQ(Member(object{}, "a"), nullptr);
}

TEST(MemberTest, PointsIntoTheObject) {
  const object o = {{"a", 1}};
  EXPECT_EQ(Member(o, "a"), o.if_contains("a"));
}

TEST(StringMemberTest, ReturnsStringsOnly) {
  const object o = {{"s", "text"}, {"e", ""},         {"n", nullptr},
                    {"i", 5},      {"a", array{"x"}}, {"o", object{{"k", "v"}}}};
  EXPECT_EQ(StringMember(o, "s"), "text");
  ASSERT_TRUE(StringMember(o, "e").has_value());
  EXPECT_EQ(*StringMember(o, "e"), "");
  EXPECT_EQ(StringMember(o, "n"), std::nullopt);
  EXPECT_EQ(StringMember(o, "i"), std::nullopt);
  EXPECT_EQ(StringMember(o, "a"), std::nullopt);
  EXPECT_EQ(StringMember(o, "o"), std::nullopt);
  EXPECT_EQ(StringMember(o, "missing"), std::nullopt);
}

TEST(StringMemberTest, KeepsEmbeddedNulAndMultiByteText) {
  const object o = {{"s", std::string_view("a\0b\xC3\xA9", 5)}};
  ASSERT_TRUE(StringMember(o, "s").has_value());
  EXPECT_EQ(StringMember(o, "s")->size(), 5u);
  EXPECT_EQ(*StringMember(o, "s"), std::string_view("a\0b\xC3\xA9", 5));
}

TEST(ObjectMemberTest, ReturnsObjectsOnly) {
  const object o = {{"o", object{{"k", "v"}}}, {"a", array{}}, {"s", "x"}, {"n", nullptr}};
  const object* inner = ObjectMember(o, "o");
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->at("k"), value("v"));
  EXPECT_EQ(ObjectMember(o, "a"), nullptr);
  EXPECT_EQ(ObjectMember(o, "s"), nullptr);
  EXPECT_EQ(ObjectMember(o, "n"), nullptr);
  EXPECT_EQ(ObjectMember(o, "missing"), nullptr);
}

}  // namespace
}  // namespace interactiond::domain
