#include "http/query_params.h"

#include <gtest/gtest.h>

namespace interactiond::http {
namespace {

HttpRequest WithQuery(std::string query) {
  HttpRequest request;
  request.query = std::move(query);
  return request;
}

TEST(QueryParamTest, ValuesArePercentDecoded) {
  EXPECT_EQ(QueryParam(WithQuery("topic=%2Fevent%2FP__e&x=1"), "topic"), "/event/P__e");
  EXPECT_EQ(QueryParam(WithQuery("a=1&b=2"), "b"), "2");
  EXPECT_EQ(QueryParam(WithQuery("a=1"), "b"), std::nullopt);
}

TEST(QueryParamTest, APlusIsASpaceAndAnEncodedPlusIsAPlus) {
  EXPECT_EQ(QueryParam(WithQuery("q=SELECT+Id+FROM+X"), "q"), "SELECT Id FROM X");
  EXPECT_EQ(QueryParam(WithQuery("q=a%2Bb"), "q"), "a+b");
  EXPECT_EQ(QueryParam(WithQuery("q=a%20b"), "q"), "a b");
}

TEST(QueryParamTest, ParseUnsignedTakesOnlyDigits) {
  EXPECT_EQ(ParseUnsigned("42"), 42u);
  EXPECT_EQ(ParseUnsigned(""), std::nullopt);
  EXPECT_EQ(ParseUnsigned("4x"), std::nullopt);
  EXPECT_EQ(ParseUnsigned("-1"), std::nullopt);
}

}  // namespace
}  // namespace interactiond::http
