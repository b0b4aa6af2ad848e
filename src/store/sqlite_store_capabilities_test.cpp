#include <chrono>
#include <future>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "store/sqlite_store.h"
#include "util/fault_injector.h"
#include "util/temp_dir.h"

namespace interactiond::store {
namespace {

using domain::CapabilitiesRegistration;
using domain::IntegrationKind;

constexpr char kOrg[] = "00D000000000001";
constexpr char kOtherOrg[] = "00D000000000002";

// A channelCapabilities entry listing one message type with one format type.
boost::json::object EntryWith(const char* message_type, const char* format_type) {
  return {{"messageTypeCapabilities",
           boost::json::array{
               {{"messageType", message_type},
                {"formatTypeCapabilities", boost::json::array{{{"formatType", format_type}}}}}}}};
}

CapabilitiesRegistration Registration(IntegrationKind kind, std::string name,
                                      boost::json::array entries, std::string app_type = "custom") {
  return {kind, std::move(name), std::move(app_type), std::move(entries)};
}

class SqliteStoreCapabilitiesTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_ = std::make_unique<SqliteStore>(dir_.path(), config::Durability::kFull, &faults_);
  }
  void Reopen() {
    store_.reset();
    Open();
  }

  domain::Status Write(std::string org, std::vector<CapabilitiesRegistration> registrations,
                       int64_t at_ms = 1700000000000, std::string request_id = "req-1") {
    auto promise = std::make_shared<std::promise<domain::Status>>();
    auto future = promise->get_future();
    CapabilitiesWrite write;
    write.org_id = std::move(org);
    write.request_id = std::move(request_id);
    write.registered_at_ms = at_ms;
    write.registrations = std::move(registrations);
    store_->SubmitCapabilities(std::move(write),
                               [promise](domain::Status status) { promise->set_value(status); });
    if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      ADD_FAILURE() << "capabilities write did not complete";
      return domain::Error::Of(-1);
    }
    return future.get();
  }

  boost::json::value Get(const std::string& org, IntegrationKind kind, const std::string& name) {
    auto result = store_->GetCapabilities(org, kind, name);
    EXPECT_TRUE(result.ok());
    return result.ok() ? *result : boost::json::value();
  }

  boost::json::object List(const CapabilitiesQuery& query) {
    auto result = store_->ListCapabilities(query);
    EXPECT_TRUE(result.ok());
    return result.ok() ? result->as_object() : boost::json::object();
  }

  util::TempDir dir_;
  util::FaultInjector faults_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreCapabilitiesTest, NothingRegisteredIsNullAndAnEmptyList) {
  EXPECT_TRUE(Get(kOrg, IntegrationKind::kChannelDefinition, "P1_Def").is_null());
  const auto list = List({});
  EXPECT_EQ(list.at("totalSize"), 0);
  EXPECT_TRUE(list.at("registrations").as_array().empty());
}

TEST_F(SqliteStoreCapabilitiesTest, RoundTripsARegistration) {
  const boost::json::array entries = {EntryWith("StaticContentMessage", "Text"),
                                      EntryWith("ChoicesMessage", "Buttons")};
  ASSERT_TRUE(
      Write(kOrg, {Registration(IntegrationKind::kChannelDefinition, "P1_Def", entries, "chatbot")},
            1234, "req-a")
          .ok());
  const boost::json::value got = Get(kOrg, IntegrationKind::kChannelDefinition, "P1_Def");
  ASSERT_TRUE(got.is_object());
  EXPECT_EQ(got.at("orgId"), kOrg);
  EXPECT_EQ(got.at("integrationType"), "CustomChannelIntegration");
  EXPECT_EQ(got.at("developerName"), "P1_Def");
  EXPECT_EQ(got.at("appType"), "chatbot");
  EXPECT_EQ(got.at("channelCapabilities"), boost::json::value(entries));
  EXPECT_EQ(got.at("registeredDate"), 1234);
  EXPECT_EQ(got.at("requestId"), "req-a");
  // The same name as the other kind, or in another org, is another integration.
  EXPECT_TRUE(Get(kOrg, IntegrationKind::kBotIntegration, "P1_Def").is_null());
  EXPECT_TRUE(Get(kOtherOrg, IntegrationKind::kChannelDefinition, "P1_Def").is_null());
  EXPECT_EQ(domain::MessageFormatSupport(got, "ChoicesMessage", "Buttons"),
            domain::CapabilitySupport::kSupported);
  EXPECT_EQ(domain::MessageFormatSupport(got, "ChoicesMessage", "Carousel"),
            domain::CapabilitySupport::kNotSupported);
}

TEST_F(SqliteStoreCapabilitiesTest, AWriteReplacesOnlyTheIntegrationsItNames) {
  ASSERT_TRUE(Write(kOrg, {Registration(IntegrationKind::kChannelDefinition, "P1_Def",
                                        {EntryWith("StaticContentMessage", "Text"),
                                         EntryWith("ChoicesMessage", "Buttons")}),
                           Registration(IntegrationKind::kBotIntegration, "P1_Bot",
                                        {EntryWith("FormMessage", "Inputs")})})
                  .ok());
  ASSERT_TRUE(Write(kOrg,
                    {Registration(IntegrationKind::kChannelDefinition, "P1_Def",
                                  {EntryWith("ChoicesMessage", "Carousel")}, "agent")},
                    2000, "req-2")
                  .ok());
  const boost::json::value channel = Get(kOrg, IntegrationKind::kChannelDefinition, "P1_Def");
  EXPECT_EQ(channel.at("channelCapabilities"),
            boost::json::value(boost::json::array{EntryWith("ChoicesMessage", "Carousel")}));
  EXPECT_EQ(channel.at("appType"), "agent");
  EXPECT_EQ(channel.at("requestId"), "req-2");
  EXPECT_EQ(domain::MessageFormatSupport(channel, "ChoicesMessage", "Buttons"),
            domain::CapabilitySupport::kNotSupported);
  const boost::json::value bot = Get(kOrg, IntegrationKind::kBotIntegration, "P1_Bot");
  EXPECT_EQ(bot.at("channelCapabilities"),
            boost::json::value(boost::json::array{EntryWith("FormMessage", "Inputs")}));
}

TEST_F(SqliteStoreCapabilitiesTest, ListsInKeyOrderAndFilters) {
  ASSERT_TRUE(Write(kOtherOrg, {Registration(IntegrationKind::kChannelDefinition, "A_Def",
                                             {EntryWith("FormMessage", "Inputs")})})
                  .ok());
  ASSERT_TRUE(Write(kOrg, {Registration(IntegrationKind::kChannelDefinition, "P1_Def2",
                                        {EntryWith("FormMessage", "Inputs")}),
                           Registration(IntegrationKind::kBotIntegration, "P1_Bot",
                                        {EntryWith("FormMessage", "Inputs")}),
                           Registration(IntegrationKind::kChannelDefinition, "P1_Def",
                                        {EntryWith("FormMessage", "Inputs")})})
                  .ok());
  auto names = [](const boost::json::object& list) {
    std::vector<std::string> out;
    for (const auto& r : list.at("registrations").as_array()) {
      out.emplace_back(r.at("developerName").as_string());
    }
    return out;
  };
  EXPECT_EQ(names(List({})), (std::vector<std::string>{"P1_Bot", "P1_Def", "P1_Def2", "A_Def"}));
  EXPECT_EQ(List({}).at("totalSize"), 4);
  EXPECT_EQ(names(List({kOrg, std::nullopt, ""})),
            (std::vector<std::string>{"P1_Bot", "P1_Def", "P1_Def2"}));
  EXPECT_EQ(names(List({kOrg, IntegrationKind::kChannelDefinition, ""})),
            (std::vector<std::string>{"P1_Def", "P1_Def2"}));
  EXPECT_EQ(names(List({"", std::nullopt, "A_Def"})), (std::vector<std::string>{"A_Def"}));
}

TEST_F(SqliteStoreCapabilitiesTest, RegistrationsSurviveReopening) {
  ASSERT_TRUE(Write(kOrg, {Registration(IntegrationKind::kBotIntegration, "P1_Bot",
                                        {EntryWith("ChoicesResponseMessage", "Selections")})})
                  .ok());
  Reopen();
  const boost::json::value bot = Get(kOrg, IntegrationKind::kBotIntegration, "P1_Bot");
  ASSERT_TRUE(bot.is_object());
  EXPECT_EQ(domain::MessageFormatSupport(bot, "ChoicesResponseMessage", "Selections"),
            domain::CapabilitySupport::kSupported);
  // And a replace after reopening still replaces.
  ASSERT_TRUE(Write(kOrg, {Registration(IntegrationKind::kBotIntegration, "P1_Bot",
                                        {EntryWith("FormResponseMessage", "Result")})})
                  .ok());
  Reopen();
  const boost::json::value replaced = Get(kOrg, IntegrationKind::kBotIntegration, "P1_Bot");
  EXPECT_EQ(domain::MessageFormatSupport(replaced, "ChoicesResponseMessage", "Selections"),
            domain::CapabilitySupport::kNotSupported);
  EXPECT_EQ(List({}).at("totalSize"), 1);
}

TEST_F(SqliteStoreCapabilitiesTest, AFailedCommitChangesNothingAndAnswers500) {
  ASSERT_TRUE(Write(kOrg, {Registration(IntegrationKind::kChannelDefinition, "P1_Def",
                                        {EntryWith("StaticContentMessage", "Text")})})
                  .ok());
  faults_.Arm("store-commit", 1);
  const domain::Status failed =
      Write(kOrg, {Registration(IntegrationKind::kChannelDefinition, "P1_Def",
                                {EntryWith("ChoicesMessage", "Buttons")}),
                   Registration(IntegrationKind::kBotIntegration, "P1_Bot",
                                {EntryWith("ChoicesMessage", "Buttons")})});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, 500);
  const boost::json::value channel = Get(kOrg, IntegrationKind::kChannelDefinition, "P1_Def");
  EXPECT_EQ(domain::MessageFormatSupport(channel, "StaticContentMessage", "Text"),
            domain::CapabilitySupport::kSupported);
  EXPECT_TRUE(Get(kOrg, IntegrationKind::kBotIntegration, "P1_Bot").is_null());
}

TEST_F(SqliteStoreCapabilitiesTest, SubmitAfterCloseIs500) {
  store_->Close();
  const domain::Status status =
      Write(kOrg, {Registration(IntegrationKind::kBotIntegration, "P1_Bot",
                                {EntryWith("FormMessage", "Inputs")})});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, 500);
}

}  // namespace
}  // namespace interactiond::store
