#include "http/router.h"

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace interactiond::http {
namespace {

using boost::beast::http::verb;

// A handler that records its name in `calls` when invoked.
Handler Named(std::string name, std::string* calls) {
  return [name = std::move(name), calls](HttpRequest&, Respond) { *calls += name; };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(verb::get, "/health", BodyKind::kNone, Named("health", &calls_));
    router_.Add(verb::post, "/api/v1/interactions", BodyKind::kMultipart,
                Named("interactions", &calls_));
    router_.Add(verb::get, "/admin/v1/conversations", BodyKind::kNone, Named("list", &calls_));
    router_.Add(verb::get, "/admin/v1/conversations/{conversationIdentifier}", BodyKind::kNone,
                Named("get", &calls_));
    router_.Add(verb::get, "/admin/v1/faults", BodyKind::kNone, Named("faults-get", &calls_));
    router_.Add(verb::post, "/admin/v1/faults", BodyKind::kJson, Named("faults-post", &calls_));
    router_.Add(verb::get, "/orgs/{orgId}/channels/{address}", BodyKind::kNone,
                Named("channel", &calls_));
  }

  // The name of the handler `Match` selected, "" when none.
  std::string Dispatch(verb method, std::string_view path) {
    calls_.clear();
    const RouteMatch match = router_.Match(method, path);
    if (match.route == nullptr) return "";
    HttpRequest request;
    match.route->handler(request, [](HttpResponse) {});
    return calls_;
  }

  Router router_;
  std::string calls_;
};

TEST_F(RouterTest, MatchesLiteralPaths) {
  const RouteMatch match = router_.Match(verb::get, "/health");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route, &router_.routes()[0]);
  EXPECT_TRUE(match.path_matched);
  EXPECT_TRUE(match.params.empty());
  EXPECT_EQ(match.route->pattern, "/health");
  EXPECT_EQ(match.route->body_kind, BodyKind::kNone);
  EXPECT_EQ(Dispatch(verb::get, "/health"), "health");
  EXPECT_EQ(Dispatch(verb::post, "/api/v1/interactions"), "interactions");
  EXPECT_EQ(router_.Match(verb::post, "/api/v1/interactions").route->body_kind,
            BodyKind::kMultipart);
  EXPECT_EQ(Dispatch(verb::get, "/admin/v1/conversations"), "list");
}

TEST_F(RouterTest, CapturesParameters) {
  const RouteMatch match =
      router_.Match(verb::get, "/admin/v1/conversations/6f1c2a4e-0000-4000-8000-000000000001");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/admin/v1/conversations/{conversationIdentifier}");
  EXPECT_EQ(match.params, (std::map<std::string, std::string>{
                              {"conversationIdentifier", "6f1c2a4e-0000-4000-8000-000000000001"}}));
  EXPECT_EQ(Dispatch(verb::get, "/admin/v1/conversations/x"), "get");
}

TEST_F(RouterTest, CapturesSeveralParameters) {
  const RouteMatch match = router_.Match(verb::get, "/orgs/00D000000000001/channels/addr-1");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params, (std::map<std::string, std::string>{{"orgId", "00D000000000001"},
                                                              {"address", "addr-1"}}));
}

TEST_F(RouterTest, ParameterCapturesExactlyOneSegment) {
  EXPECT_EQ(router_.Match(verb::get, "/admin/v1/conversations/a/b").route, nullptr);
  EXPECT_FALSE(router_.Match(verb::get, "/admin/v1/conversations/a/b").path_matched);
  EXPECT_EQ(router_.Match(verb::get, "/orgs/x/channels").route, nullptr);
  EXPECT_EQ(router_.Match(verb::get, "/orgs/x/other/y").route, nullptr);
}

TEST_F(RouterTest, ParameterValuesAreTakenVerbatim) {
  const RouteMatch match = router_.Match(verb::get, "/admin/v1/conversations/a%2Fb%20c");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.at("conversationIdentifier"), "a%2Fb%20c");
}

TEST_F(RouterTest, SelectsTheRouteOfTheMethod) {
  EXPECT_EQ(Dispatch(verb::get, "/admin/v1/faults"), "faults-get");
  EXPECT_EQ(Dispatch(verb::post, "/admin/v1/faults"), "faults-post");
  EXPECT_EQ(router_.Match(verb::post, "/admin/v1/faults").route->body_kind, BodyKind::kJson);
}

TEST_F(RouterTest, KnownPathUnderAnotherMethodIs405) {
  for (const auto& [method, path] :
       std::vector<std::pair<verb, std::string>>{{verb::post, "/health"},
                                                 {verb::get, "/api/v1/interactions"},
                                                 {verb::delete_, "/admin/v1/conversations/abc"},
                                                 {verb::put, "/admin/v1/faults"},
                                                 {verb::patch, "/orgs/a/channels/b"}}) {
    const RouteMatch match = router_.Match(method, path);
    EXPECT_EQ(match.route, nullptr) << path;
    EXPECT_TRUE(match.path_matched) << path;
    EXPECT_TRUE(match.params.empty()) << path;  // no captures from a route that did not match
  }
}

TEST_F(RouterTest, UnknownPathIsNoMatch) {
  for (const char* path :
       {"/nope", "/", "", "/heal", "/healthz", "/health/extra", "/HEALTH", "/api/v1",
        "/api/v1/interactions/x", "/admin/v1/conversations/a/b/c", "health/x"}) {
    const RouteMatch match = router_.Match(verb::get, path);
    EXPECT_EQ(match.route, nullptr) << path;
    EXPECT_FALSE(match.path_matched) << path;
    EXPECT_TRUE(match.params.empty()) << path;
  }
}

TEST_F(RouterTest, TrailingSlashIsTolerated) {
  EXPECT_EQ(Dispatch(verb::get, "/health/"), "health");
  EXPECT_EQ(Dispatch(verb::get, "/admin/v1/conversations/"), "list");
  const RouteMatch match = router_.Match(verb::get, "/admin/v1/conversations/abc/");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.at("conversationIdentifier"), "abc");
  EXPECT_TRUE(router_.Match(verb::post, "/health/").path_matched);
}

TEST(RouterOrderTest, FirstRouteAddedWinsForTheSameMethod) {
  std::string calls;
  Router router;
  router.Add(verb::get, "/items/special", BodyKind::kNone, Named("special", &calls));
  router.Add(verb::get, "/items/{id}", BodyKind::kNone, Named("item", &calls));
  const RouteMatch special = router.Match(verb::get, "/items/special");
  ASSERT_NE(special.route, nullptr);
  EXPECT_EQ(special.route->pattern, "/items/special");
  EXPECT_TRUE(special.params.empty());
  const RouteMatch item = router.Match(verb::get, "/items/other");
  ASSERT_NE(item.route, nullptr);
  EXPECT_EQ(item.route->pattern, "/items/{id}");
  EXPECT_EQ(item.params.at("id"), "other");
}

TEST(RouterOrderTest, LaterRouteOfTheRightMethodIsFoundAfterAnotherMethod) {
  std::string calls;
  Router router;
  router.Add(verb::post, "/things/{id}", BodyKind::kJson, Named("post", &calls));
  router.Add(verb::get, "/things/{thingId}", BodyKind::kNone, Named("get", &calls));
  const RouteMatch match = router.Match(verb::get, "/things/7");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method, verb::get);
  EXPECT_EQ(match.params, (std::map<std::string, std::string>{{"thingId", "7"}}));
}

TEST(RouterEdgeTest, EmptyRouterMatchesNothing) {
  const Router router;
  const RouteMatch match = router.Match(verb::get, "/health");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_FALSE(match.path_matched);
  EXPECT_TRUE(router.routes().empty());
}

TEST(RouterEdgeTest, BracesThatAreNotAWholeSegmentAreLiteral) {
  std::string calls;
  Router router;
  router.Add(verb::get, "/a/{x", BodyKind::kNone, Named("open", &calls));
  router.Add(verb::get, "/b/{}", BodyKind::kNone, Named("empty", &calls));
  EXPECT_EQ(router.Match(verb::get, "/a/value").route, nullptr);
  EXPECT_NE(router.Match(verb::get, "/a/{x").route, nullptr);
  EXPECT_EQ(router.Match(verb::get, "/b/value").route, nullptr);
  EXPECT_NE(router.Match(verb::get, "/b/{}").route, nullptr);
}

TEST(RouterEdgeTest, RootRoute) {
  std::string calls;
  Router router;
  router.Add(verb::get, "/", BodyKind::kNone, Named("root", &calls));
  EXPECT_NE(router.Match(verb::get, "/").route, nullptr);
  EXPECT_EQ(router.Match(verb::get, "/x").route, nullptr);
}

}  // namespace
}  // namespace interactiond::http
