// The event log side of SqliteStore: events are appended in the transaction of their change,
// vanish with it when it fails, reach listeners only after the commit, and keep their replay ids
// across reopening.
#include <chrono>
#include <filesystem>
#include <future>
#include <random>

#include <gtest/gtest.h>

#include "store/sqlite_store.h"

namespace interactiond::store {
namespace {

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("interactiond-event-log-" + std::to_string(std::random_device{}()));
    Open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    store_.reset();
    store_ = std::make_unique<SqliteStore>(dir_, config::Durability::kFull, &faults_);
  }

  static events::OutboundEvent Event(const std::string& topic, const std::string& conversation,
                                     const std::string& text) {
    events::OutboundEvent event;
    event.org_id = "00D000000000001";
    event.topic = topic;
    // Now: the store expires events older than its retention (72 h by default).
    event.created_date = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    event.created_by_id = "005000000000001";
    event.event_type_field = "EventType__c";
    event.payload_field = "Payload__c";
    event.event_type = "Interaction";
    event.payload = R"({"text":")" + text + R"("})";
    event.conversation_identifier = conversation;
    event.entry_type = "Message";
    return event;
  }

  domain::Result<std::vector<uint64_t>> Publish(std::vector<events::OutboundEvent> events) {
    std::promise<domain::Result<std::vector<uint64_t>>> promise;
    auto future = promise.get_future();
    store_->Publish(std::move(events), [&promise](domain::Result<std::vector<uint64_t>> result) {
      promise.set_value(std::move(result));
    });
    return future.get();
  }

  // An inbound write whose change carries one event naming the created conversation.
  domain::Result<InboundWriteResult> Inbound(const std::string& end_user, const std::string& id) {
    InboundWrite write;
    write.org_id = "00D000000000001";
    write.channel_id = "0Mj000000000001";
    write.channel_address = "channel";
    write.channel_definition = "P_Def";
    write.end_user_client_id = end_user;
    write.entry_id = id;
    write.entry_type = "Message";
    write.payload_json = "{}";
    write.events = [](const InboundWriteResult& result) {
      return std::vector<events::OutboundEvent>{
          Event("/event/P__e", result.conversation_identifier, "inbound")};
    };
    std::promise<domain::Result<InboundWriteResult>> promise;
    auto future = promise.get_future();
    store_->SubmitInbound(std::move(write), [&promise](domain::Result<InboundWriteResult> r) {
      promise.set_value(std::move(r));
    });
    return future.get();
  }

  std::filesystem::path dir_;
  util::FaultInjector faults_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(EventLogTest, PublishAssignsIncreasingReplayIdsAndReadsThemBackInOrder) {
  auto ids = Publish({Event("/event/A__e", "c1", "1"), Event("/event/A__e", "c1", "2"),
                      Event("/event/B__e", "c2", "3")});
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 3u);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  EXPECT_LT((*ids)[1], (*ids)[2]);
  auto a = store_->ReadEvents("00D000000000001", "/event/A__e", 0, 10);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].payload, R"({"text":"1"})");
  EXPECT_EQ((*a)[1].replay_id, (*ids)[1]);
  auto after_first = store_->ReadEvents("00D000000000001", "/event/A__e", (*ids)[0], 10);
  ASSERT_EQ(after_first->size(), 1u);
  EXPECT_EQ(store_->LatestReplayId("00D000000000001", "/event/A__e"), (*ids)[1]);
  EXPECT_EQ(store_->RetentionFloor("00D000000000001", "/event/A__e"), (*ids)[0] - 1);
  // Another org sees nothing of these.
  EXPECT_TRUE(store_->ReadEvents("00D000000000002", "/event/A__e", 0, 10)->empty());
}

TEST_F(EventLogTest, EventsOfAnInboundChangeNameTheConversationItCreated) {
  auto result = Inbound("end-user", "e1");
  ASSERT_TRUE(result.ok());
  auto events = store_->ReadEvents("00D000000000001", "/event/P__e", 0, 10);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].conversation_identifier, result->conversation_identifier);
  // A replay of the same entry writes nothing, so it emits nothing.
  ASSERT_TRUE(Inbound("end-user", "e1").ok());
  EXPECT_EQ(store_->ReadEvents("00D000000000001", "/event/P__e", 0, 10)->size(), 1u);
}

TEST_F(EventLogTest, AFailedChangeLeavesNoEventAndAFailedCommitNoneAtAll) {
  faults_.Arm("conversation-lookup", 1);
  EXPECT_EQ(Inbound("end-user", "e1").error().code, 20002);
  EXPECT_TRUE(store_->ReadEvents("00D000000000001", "/event/P__e", 0, 10)->empty());
  faults_.Arm("store-commit", 1);
  EXPECT_EQ(Inbound("end-user", "e2").error().code, 500);
  EXPECT_TRUE(store_->ReadEvents("00D000000000001", "/event/P__e", 0, 10)->empty());
  ASSERT_TRUE(Inbound("end-user", "e3").ok());
  EXPECT_EQ(store_->ReadEvents("00D000000000001", "/event/P__e", 0, 10)->size(), 1u);
}

TEST_F(EventLogTest, ListenersHearCommittedEventsOnly) {
  std::vector<uint64_t> heard;
  std::mutex mutex;
  const uint64_t id = store_->AddListener([&](const std::vector<events::OutboundEvent>& added) {
    std::lock_guard lock(mutex);
    for (const auto& event : added) heard.push_back(event.replay_id);
  });
  faults_.Arm("store-commit", 1);
  EXPECT_FALSE(Publish({Event("/event/A__e", "c", "lost")}).ok());
  auto ids = Publish({Event("/event/A__e", "c", "kept")});
  ASSERT_TRUE(ids.ok());
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(heard, *ids);
  }
  store_->RemoveListener(id);
  ASSERT_TRUE(Publish({Event("/event/A__e", "c", "unheard")}).ok());
  std::lock_guard lock(mutex);
  EXPECT_EQ(heard.size(), 1u);
}

TEST_F(EventLogTest, ReplayIdsSurviveReopeningAndContinue) {
  auto first = Publish({Event("/event/A__e", "c", "1"), Event("/event/A__e", "c", "2")});
  ASSERT_TRUE(first.ok());
  Open();
  auto events = store_->ReadEvents("00D000000000001", "/event/A__e", 0, 10);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].replay_id, (*first)[1]);
  auto next = Publish({Event("/event/A__e", "c", "3")});
  ASSERT_TRUE(next.ok());
  EXPECT_GT((*next)[0], (*first)[1]);
  EXPECT_TRUE(store_->IsValidResumePoint("00D000000000001", (*first)[1]));
  EXPECT_FALSE(store_->IsValidResumePoint("00D000000000001", (*next)[0] + 1000));
}

TEST_F(EventLogTest, QueryFiltersByConversationEntryTypeAndPosition) {
  ASSERT_TRUE(Publish({Event("/event/A__e", "c1", "1"), Event("/event/A__e", "c2", "2")}).ok());
  events::EventQuery query;
  query.conversation_identifier = "c2";
  auto found = store_->QueryEvents(query);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].payload, R"({"text":"2"})");
  EXPECT_TRUE(query.Matches((*found)[0]));
  query.entry_type = "Typing";
  EXPECT_TRUE(store_->QueryEvents(query)->empty());
}

TEST_F(EventLogTest, RetentionDeletesOldEventsButNeverReusesTheirReplayIds) {
  auto old_event = Event("/event/A__e", "c", "old");
  old_event.created_date -= 73ll * 60 * 60 * 1000;
  auto first = Publish({old_event});
  ASSERT_TRUE(first.ok());
  // The expiry runs after the commit on the writer thread; the next group is behind it.
  auto next = Publish({Event("/event/A__e", "c", "new")});
  ASSERT_TRUE(next.ok());
  EXPECT_GT((*next)[0], (*first)[0]);
  auto events = store_->ReadEvents("00D000000000001", "/event/A__e", 0, 10);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].payload, R"({"text":"new"})");
  EXPECT_EQ(store_->RetentionFloor("00D000000000001", "/event/A__e"), (*next)[0] - 1);
}

}  // namespace
}  // namespace interactiond::store
