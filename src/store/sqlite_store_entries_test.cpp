#include <future>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "util/temp_dir.h"

namespace interactiond::store {
namespace {

constexpr char kOrg[] = "00D000000000001";
constexpr auto kWait = std::chrono::seconds(30);

class SqliteStoreEntriesTest : public ::testing::Test {
 protected:
  // An end user's entry with clientTimestamp `client_ms`; returns the conversation.
  std::string Inbound(const std::string& entry_id, int64_t client_ms) {
    InboundWrite write;
    write.org_id = kOrg;
    write.channel_id = "0Mj000000000001";
    write.channel_address = "addr-1";
    write.channel_definition = "Def";
    write.end_user_client_id = "user-1";
    write.request_id = "req";
    write.entry_id = entry_id;
    write.entry_type = "Message";
    write.client_timestamp = client_ms;
    write.received_at_ms = 1'700'000'000'000;
    write.payload_json = R"({"id":")" + entry_id + R"(","entryType":"Message"})";
    std::promise<domain::Result<InboundWriteResult>> promise;
    auto future = promise.get_future();
    store_.SubmitInbound(std::move(write), [&promise](domain::Result<InboundWriteResult> result) {
      promise.set_value(std::move(result));
    });
    EXPECT_EQ(future.wait_for(kWait), std::future_status::ready);
    auto result = future.get();
    EXPECT_TRUE(result.ok());
    return result.ok() ? result->conversation_identifier : std::string();
  }

  // A bot's entry through the conversation-change seam.
  void AddBotEntry(const std::string& conversation, const std::string& entry_id,
                   int64_t client_ms) {
    std::promise<domain::Result<domain::ConversationChange>> promise;
    auto future = promise.get_future();
    store_.SubmitConversationChange(
        conversation,
        [entry_id, client_ms](
            const domain::ConversationState&) -> domain::Result<domain::ConversationChange> {
          domain::ConversationChange change;
          domain::NewEntry entry;
          entry.entry_id = entry_id;
          entry.entry_type = "Message";
          entry.sender_app_type = "custom";
          entry.sender_subject = "1JZ000000000001";
          entry.sender_role = "Chatbot";
          entry.client_timestamp = client_ms;
          entry.transcripted_timestamp = client_ms + 1;
          entry.payload_json = R"({"id":")" + entry_id + R"(","entryType":"Message"})";
          change.entries.push_back(std::move(entry));
          return change;
        },
        [&promise](domain::Result<domain::ConversationChange> result) {
          promise.set_value(std::move(result));
        });
    ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
    ASSERT_TRUE(future.get().ok());
  }

  std::vector<std::string> Ids(const EntryQuery& query) {
    auto page = store_.ListEntries(query);
    EXPECT_TRUE(page.ok());
    std::vector<std::string> ids;
    if (page.ok() && page->has_value()) {
      for (const auto& entry : (*page)->entries) ids.push_back(entry.entry_id);
    }
    return ids;
  }

  util::TempDir dir_;
  SqliteStore store_{dir_.path(), config::Durability::kOff, nullptr};
};

TEST_F(SqliteStoreEntriesTest, UnknownConversationIsNotAPage) {
  EntryQuery query;
  query.conversation_identifier = "no-such-conversation";
  query.start_time = 1;
  auto page = store_.ListEntries(query);
  ASSERT_TRUE(page.ok());
  EXPECT_FALSE(page->has_value());
}

TEST_F(SqliteStoreEntriesTest, FiltersInclusivelyAndOrdersByClientTimestamp) {
  const std::string conversation = Inbound("e1", 1000);
  Inbound("e3", 3000);
  Inbound("e2b", 2000);  // arrives after e3 but is older: ordered by clientTimestamp
  AddBotEntry(conversation, "b2", 2000);  // same timestamp as e2b, later arrival
  Inbound("e4", 4000);

  EntryQuery query;
  query.conversation_identifier = conversation;
  query.start_time = 1;
  query.from_end = false;
  EXPECT_EQ(Ids(query), (std::vector<std::string>{"e1", "e2b", "b2", "e3", "e4"}));
  query.from_end = true;
  EXPECT_EQ(Ids(query), (std::vector<std::string>{"e4", "e3", "b2", "e2b", "e1"}));

  query.start_time = 2000;  // both bounds inclusive
  query.end_time = 3000;
  query.from_end = false;
  EXPECT_EQ(Ids(query), (std::vector<std::string>{"e2b", "b2", "e3"}));
  query.limit = 2;
  EXPECT_EQ(Ids(query), (std::vector<std::string>{"e2b", "b2"}));
  query.from_end = true;
  EXPECT_EQ(Ids(query), (std::vector<std::string>{"e3", "b2"}));
  query.start_time = 4001;
  query.end_time.reset();
  EXPECT_TRUE(Ids(query).empty());
}

TEST_F(SqliteStoreEntriesTest, ReturnsEveryFieldAndTheOrg) {
  const std::string conversation = Inbound("e1", 1000);
  AddBotEntry(conversation, "b1", 1500);
  EntryQuery query;
  query.conversation_identifier = conversation;
  query.start_time = 1500;
  auto page = store_.ListEntries(query);
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(page->has_value());
  EXPECT_EQ((*page)->org_id, kOrg);
  ASSERT_EQ((*page)->entries.size(), 1u);
  const StoredEntry& entry = (*page)->entries[0];
  EXPECT_EQ(entry.entry_id, "b1");
  EXPECT_EQ(entry.entry_type, "Message");
  EXPECT_EQ(entry.sender_app_type, "custom");
  EXPECT_EQ(entry.sender_subject, "1JZ000000000001");
  EXPECT_EQ(entry.sender_role, "Chatbot");
  EXPECT_EQ(entry.client_timestamp, 1500);
  EXPECT_EQ(entry.transcripted_timestamp, 1501);
  EXPECT_EQ(entry.payload_json, R"({"id":"b1","entryType":"Message"})");
}

}  // namespace
}  // namespace interactiond::store
