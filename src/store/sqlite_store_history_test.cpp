// SqliteStore::SubmitHistory: conversation found or created as an inbound write does, back-dated
// entries, participants with their times, Establish / Attach sessions, the facts handed to the
// domain check, and the writer's conversation cache staying true to what was committed.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "store/sqlite_store.h"
#include "store/store_test_support.h"
#include "util/fault_injector.h"
#include "util/temp_dir.h"

namespace interactiond::store {
namespace {

using domain::Result;

constexpr char kOrg[] = "00D000000000001";
constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kMinute = 60 * 1000;
constexpr auto kWait = std::chrono::seconds(30);

InboundWrite Inbound(const std::string& end_user, const std::string& entry_id, int64_t at = kNow) {
  InboundWrite write;
  write.org_id = kOrg;
  write.channel_id = "0Mj000000000001";
  write.channel_address = "addr-1";
  write.channel_definition = "Def";
  write.end_user_client_id = end_user;
  write.request_id = "req-" + entry_id;
  write.entry_id = entry_id;
  write.entry_type = "Message";
  write.client_timestamp = at;
  write.received_at_ms = at;
  write.payload_json = R"({"id":")" + entry_id + R"(","entryType":"Message"})";
  return write;
}

domain::NewEntry HistoryEntry(const std::string& id, int64_t at, const std::string& subject,
                              const std::string& role, const std::string& message_id = "") {
  domain::NewEntry entry;
  entry.entry_id = id;
  entry.entry_type = "Message";
  entry.sender_app_type = role == "EndUser" ? "custom" : "chatbot";
  entry.sender_subject = subject;
  entry.sender_role = role;
  entry.client_timestamp = at;
  entry.transcripted_timestamp = at;
  entry.payload_json = R"({"id":")" + id + R"(","entryType":"Message","abstractMessage":{"id":")" +
                       (message_id.empty() ? id : message_id) + R"("}})";
  return entry;
}

// alice (joined 60 minutes ago) and bot-1 (from 50 to 20 minutes ago), two entries.
HistoryWrite History(const std::string& end_user = "alice") {
  HistoryWrite write;
  write.org_id = kOrg;
  write.channel_id = "0Mj000000000001";
  write.channel_address = "addr-1";
  write.channel_definition = "Def";
  write.end_user_client_id = end_user;
  write.request_id = "req-history";
  write.received_at_ms = kNow;
  write.participants = {
      {"custom", end_user, "EndUser", std::string("Alice"), kNow - 60 * kMinute, std::nullopt},
      {"chatbot", "bot-1", "Chatbot", std::string("Bot"), kNow - 50 * kMinute,
       kNow - 20 * kMinute}};
  write.entries = {HistoryEntry("h-1", kNow - 45 * kMinute, end_user, "EndUser"),
                   HistoryEntry("h-2", kNow - 40 * kMinute, "bot-1", "Chatbot")};
  write.message_ids = {"h-1", "h-2"};
  return write;
}

class SqliteStoreHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(dir_.path(), config::Durability::kNormal, &faults_);
  }

  // Submits `write` (recording the facts its check saw) and waits for the outcome.
  Result<HistoryWriteResult> Submit(HistoryWrite write,
                                    domain::Status verdict = domain::OkStatus()) {
    write.check = [this, verdict](const domain::StoredHistoryFacts& facts) {
      facts_ = facts;
      return verdict;
    };
    auto promise = std::make_shared<std::promise<Result<HistoryWriteResult>>>();
    auto future = promise->get_future();
    store_->SubmitHistory(std::move(write), [promise](Result<HistoryWriteResult> result) {
      promise->set_value(std::move(result));
    });
    if (future.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "history write did not complete";
      return domain::Error::Of(-1);
    }
    return future.get();
  }

  HistoryWriteResult SubmitOk(HistoryWrite write) {
    auto result = Submit(std::move(write));
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().log_detail);
    return result.ok() ? result.value() : HistoryWriteResult{};
  }

  InboundWriteResult InboundOk(InboundWrite write) {
    auto promise = std::make_shared<std::promise<Result<InboundWriteResult>>>();
    auto future = promise->get_future();
    store_->SubmitInbound(std::move(write), [promise](Result<InboundWriteResult> result) {
      promise->set_value(std::move(result));
    });
    EXPECT_EQ(future.wait_for(kWait), std::future_status::ready);
    auto result = future.get();
    EXPECT_TRUE(result.ok());
    return result.ok() ? result.value() : InboundWriteResult{};
  }

  boost::json::object Conversation(const std::string& identifier) {
    auto result = store_->GetConversation(identifier);
    EXPECT_TRUE(result.ok() && result->is_object());
    return result.ok() && result->is_object() ? result->as_object() : boost::json::object();
  }

  boost::json::object Session(const std::string& identifier, const std::string& session_id) {
    const boost::json::object conversation = Conversation(identifier);
    for (const auto& session : conversation.at("messagingSessions").as_array()) {
      if (session.at("id") == session_id.c_str()) return session.as_object();
    }
    ADD_FAILURE() << "no session " << session_id;
    return {};
  }

  int64_t Count(const char* what) {
    auto stats = store_->Stats();
    EXPECT_TRUE(stats.ok());
    return stats.ok() ? stats->at(what).as_int64() : -1;
  }

  util::TempDir dir_;
  util::FaultInjector faults_;
  std::unique_ptr<SqliteStore> store_;
  domain::StoredHistoryFacts facts_;
};

TEST_F(SqliteStoreHistoryTest, CreatesTheConversationWithBackDatedEntriesAndParticipants) {
  const HistoryWriteResult result = SubmitOk(History());
  EXPECT_TRUE(result.created_conversation);
  EXPECT_FALSE(result.created_session);
  EXPECT_FALSE(facts_.conversation_exists);
  EXPECT_EQ(result.session_status, "New");

  const boost::json::object conversation = Conversation(result.conversation_identifier);
  EXPECT_EQ(conversation.at("messagingSessionId"), result.session_id.c_str());
  EXPECT_EQ(conversation.at("messagingEndUser").at("endUserClientId"), "alice");
  const auto& entries = conversation.at("entries").as_array();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].at("identifier"), "h-1");
  EXPECT_EQ(entries[0].at("clientTimestamp"), kNow - 45 * kMinute);
  EXPECT_EQ(entries[0].at("transcriptedTimestamp"), kNow - 45 * kMinute);  // back-dated
  EXPECT_EQ(entries[0].at("sender").at("role"), "EndUser");
  EXPECT_EQ(entries[0].at("messagingSessionId"), result.session_id.c_str());
  EXPECT_EQ(entries[0].at("requestId"), "req-history");
  EXPECT_EQ(entries[1].at("identifier"), "h-2");
  EXPECT_EQ(entries[1].at("sender").at("subject"), "bot-1");
  EXPECT_EQ(entries[1].at("sender").at("appType"), "chatbot");
  EXPECT_EQ(entries[1].at("transcriptedTimestamp"), kNow - 40 * kMinute);

  const auto& participants = conversation.at("participants").as_array();
  ASSERT_EQ(participants.size(), 2u);  // ordered by joined time
  EXPECT_EQ(participants[0].at("participant").at("subject"), "alice");
  EXPECT_EQ(participants[0].at("joinedTime"), kNow - 60 * kMinute);  // the earlier time wins
  EXPECT_EQ(participants[0].at("leftTime"), nullptr);
  EXPECT_EQ(participants[0].at("displayName"), "Alice");
  EXPECT_EQ(participants[1].at("participant").at("role"), "Chatbot");
  EXPECT_EQ(participants[1].at("joinedTime"), kNow - 50 * kMinute);
  EXPECT_EQ(participants[1].at("leftTime"), kNow - 20 * kMinute);  // stored as having left
}

TEST_F(SqliteStoreHistoryTest, WritesNoEvents) {
  SubmitOk(History());
  auto events = store_->QueryEvents(events::EventQuery{});
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
}

TEST_F(SqliteStoreHistoryTest, EstablishReusesTheEmptyNewSessionOfPostConversation) {
  const InboundWriteResult established = InboundOk(Inbound("alice", ""));  // POST /conversation
  HistoryWrite write = History();
  write.session = HistorySession::kEstablish;
  write.session_start_time = kNow - 55 * kMinute;
  write.session_end_time = kNow - 10 * kMinute;
  const HistoryWriteResult result = SubmitOk(std::move(write));
  EXPECT_TRUE(facts_.conversation_exists);
  EXPECT_FALSE(result.created_conversation);
  EXPECT_FALSE(result.created_session);
  EXPECT_EQ(result.conversation_identifier, established.conversation_identifier);
  EXPECT_EQ(result.session_id, established.session_id);
  EXPECT_EQ(result.session_status, "Ended");
  const auto session = Session(result.conversation_identifier, result.session_id);
  EXPECT_EQ(session.at("status"), "Ended");
  EXPECT_EQ(session.at("startTime"), kNow - 55 * kMinute);
  EXPECT_EQ(session.at("endTime"), kNow - 10 * kMinute);
  EXPECT_EQ(Count("messagingSessions"), 1);

  // The inbound path sees the Ended session: the end user's next message opens a new one.
  const InboundWriteResult next = InboundOk(Inbound("alice", "live-1", kNow + kMinute));
  EXPECT_EQ(next.conversation_identifier, result.conversation_identifier);
  EXPECT_NE(next.session_id, result.session_id);
  EXPECT_EQ(Count("messagingSessions"), 2);
}

// The current session is in use (the end user has written in it): an open Establish would leave
// it orphaned, so it is refused (attach instead); a finished one is stored beside it.
TEST_F(SqliteStoreHistoryTest, AnOpenEstablishIsRefusedWhileTheCurrentSessionIsInUse) {
  const InboundWriteResult live = InboundOk(Inbound("alice", "live-1", kNow - 70 * kMinute));
  HistoryWrite write = History();
  write.participants[1].left_time.reset();  // the bot is still talking
  write.session = HistorySession::kEstablish;
  write.session_start_time = kNow - 55 * kMinute;
  auto refused = Submit(std::move(write));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, 10078);
  EXPECT_EQ(Count("messagingSessions"), 1);
  EXPECT_EQ(Conversation(live.conversation_identifier).at("messagingSessionId"),
            live.session_id.c_str());
  // Live messages still go into the live session.
  EXPECT_EQ(InboundOk(Inbound("alice", "live-2")).session_id, live.session_id);
}

TEST_F(SqliteStoreHistoryTest, AFinishedEstablishIsStoredBesideTheSessionInUse) {
  const InboundWriteResult live = InboundOk(Inbound("alice", "live-1", kNow - 70 * kMinute));
  HistoryWrite write = History();
  write.session = HistorySession::kEstablish;
  write.session_start_time = kNow - 55 * kMinute;
  write.session_end_time = kNow - 5 * kMinute;
  const HistoryWriteResult result = SubmitOk(std::move(write));
  EXPECT_TRUE(result.created_session);
  EXPECT_NE(result.session_id, live.session_id);
  EXPECT_EQ(result.session_status, "Ended");
  EXPECT_EQ(Conversation(result.conversation_identifier).at("messagingSessionId"),
            live.session_id.c_str());
  EXPECT_EQ(InboundOk(Inbound("alice", "live-2")).session_id, live.session_id);
}

// Importing history is not the end user coming back: an Inactive session stays Inactive.
TEST_F(SqliteStoreHistoryTest, HistoryLeavesAnInactiveSessionInactive) {
  const InboundWriteResult live = InboundOk(Inbound("alice", "live-1", kNow - 70 * kMinute));
  domain::ConversationChange inactivate;
  inactivate.session_status = "Inactive";
  auto changed = testing::SubmitChangeAndWait(
      *store_, live.conversation_identifier, [inactivate](const domain::ConversationState&) {
        return domain::Result<domain::ConversationChange>(inactivate);
      });
  ASSERT_TRUE(changed.ok());
  const HistoryWriteResult result = SubmitOk(History());
  EXPECT_EQ(result.session_id, live.session_id);
  EXPECT_EQ(Session(live.conversation_identifier, live.session_id).at("status"), "Inactive");
}

TEST_F(SqliteStoreHistoryTest, EstablishWithoutEndAndWithoutBotsIsNew) {
  HistoryWrite write = History();
  write.session = HistorySession::kEstablish;
  write.session_start_time = kNow - 55 * kMinute;
  const HistoryWriteResult result = SubmitOk(std::move(write));
  EXPECT_EQ(result.session_status, "New");
  EXPECT_EQ(Session(result.conversation_identifier, result.session_id).at("startTime"),
            kNow - 55 * kMinute);
}

TEST_F(SqliteStoreHistoryTest, AttachContinuesTheUploadIntoTheNamedSession) {
  HistoryWrite first = History();
  first.session = HistorySession::kEstablish;
  first.session_start_time = kNow - 55 * kMinute;
  first.session_end_time = kNow - 10 * kMinute;
  const HistoryWriteResult established = SubmitOk(std::move(first));

  HistoryWrite second = History();
  second.entries = {HistoryEntry("h-3", kNow - 30 * kMinute, "bot-1", "Chatbot"),
                    HistoryEntry("h-4", kNow - 25 * kMinute, "alice", "EndUser")};
  second.message_ids = {"h-3", "h-4"};
  second.session = HistorySession::kAttach;
  second.attach_session_id = established.session_id;
  const HistoryWriteResult attached = SubmitOk(std::move(second));
  EXPECT_TRUE(facts_.conversation_exists);
  EXPECT_EQ(facts_.attached_session_status, "Ended");
  EXPECT_TRUE(facts_.taken_ids.empty());
  EXPECT_EQ(attached.conversation_identifier, established.conversation_identifier);
  EXPECT_EQ(attached.session_id, established.session_id);
  EXPECT_EQ(attached.session_status, "Ended");
  EXPECT_FALSE(attached.created_session);

  const auto conversation = Conversation(attached.conversation_identifier);
  std::vector<std::string> ids;
  for (const auto& entry : conversation.at("entries").as_array()) {
    ids.emplace_back(entry.at("identifier").as_string());
    EXPECT_EQ(entry.at("messagingSessionId"), established.session_id.c_str());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"h-1", "h-2", "h-3", "h-4"}));
  EXPECT_EQ(conversation.at("participants").as_array().size(), 2u);  // the same two
  EXPECT_EQ(Count("messagingSessions"), 1);  // no new session after the Ended one
  EXPECT_EQ(conversation.at("messagingSessionId"), established.session_id.c_str());
}

TEST_F(SqliteStoreHistoryTest, AttachLeavesAnInactiveSessionInactive) {
  const HistoryWriteResult established = SubmitOk(History());
  std::promise<bool> changed;
  store_->SubmitConversationChange(
      established.conversation_identifier,
      [](const domain::ConversationState&) -> Result<domain::ConversationChange> {
        domain::ConversationChange change;
        change.session_status = "Inactive";
        return change;
      },
      [&changed](Result<domain::ConversationChange> result) { changed.set_value(result.ok()); });
  ASSERT_TRUE(changed.get_future().get());

  HistoryWrite write = History();
  write.entries = {HistoryEntry("h-3", kNow - 30 * kMinute, "alice", "EndUser")};
  write.message_ids = {"h-3"};
  write.session = HistorySession::kAttach;
  write.attach_session_id = established.session_id;
  const HistoryWriteResult attached = SubmitOk(std::move(write));
  EXPECT_EQ(facts_.attached_session_status, "Inactive");
  EXPECT_EQ(attached.session_status, "Inactive");
  EXPECT_EQ(Session(established.conversation_identifier, established.session_id).at("status"),
            "Inactive");
}

TEST_F(SqliteStoreHistoryTest, AttachFactsForUnknownAndForeignSessions) {
  const HistoryWriteResult alice = SubmitOk(History("alice"));
  auto attach_to_alice = [&] {
    HistoryWrite write = History("bob");
    write.entries = {HistoryEntry("b-1", kNow - 30 * kMinute, "bob", "EndUser")};
    write.message_ids = {"b-1"};
    write.session = HistorySession::kAttach;
    write.attach_session_id = alice.session_id;  // alice's session, never bob's
    return Submit(std::move(write), domain::Error::Of(10071));
  };
  EXPECT_FALSE(attach_to_alice().ok());
  EXPECT_FALSE(facts_.conversation_exists);
  EXPECT_FALSE(facts_.attached_session_status);
  EXPECT_EQ(Count("conversations"), 1);  // nothing written for bob

  SubmitOk(History("bob"));
  EXPECT_FALSE(attach_to_alice().ok());
  EXPECT_TRUE(facts_.conversation_exists);
  EXPECT_FALSE(facts_.attached_session_status);  // it exists, but in another conversation
}

TEST_F(SqliteStoreHistoryTest, TakenIdsCoverEntryIdsAndMessageIds) {
  InboundOk(Inbound("alice", "live-1"));
  HistoryWrite first = History();
  first.entries = {HistoryEntry("entry-a", kNow - 45 * kMinute, "alice", "EndUser", "message-a")};
  first.message_ids = {"entry-a", "message-a"};
  SubmitOk(std::move(first));
  EXPECT_TRUE(facts_.taken_ids.empty());

  HistoryWrite second = History();
  second.message_ids = {"live-1", "message-a", "entry-a", "fresh"};
  SubmitOk(std::move(second));  // h-1/h-2 are new: the check (accepting) lets them in
  EXPECT_EQ(facts_.taken_ids, (std::vector<std::string>{"live-1", "message-a", "entry-a"}));
}

TEST_F(SqliteStoreHistoryTest, ARefusingCheckWritesNothing) {
  auto result = Submit(History(), domain::Error::Of(10073));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, 10073);
  EXPECT_EQ(Count("conversations"), 0);
  EXPECT_EQ(Count("entries"), 0);
  // Nothing lingers in the writer's cache either.
  const InboundWriteResult live = InboundOk(Inbound("alice", "live-1"));
  EXPECT_TRUE(live.created_conversation);
}

TEST_F(SqliteStoreHistoryTest, AFailedWriteLeavesNoPhantomConversationInTheCache) {
  HistoryWrite write = History();
  write.entries.push_back(write.entries.front());  // the same entry id twice: the insert fails
  auto result = Submit(std::move(write));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, 500);
  EXPECT_EQ(Count("conversations"), 0);
  // Had the cache kept the rolled-back conversation, this would write into a phantom.
  const InboundWriteResult live = InboundOk(Inbound("alice", "live-1"));
  EXPECT_TRUE(live.created_conversation);
  EXPECT_EQ(Conversation(live.conversation_identifier).at("entries").as_array().size(), 1u);
}

TEST_F(SqliteStoreHistoryTest, AFailedEstablishRestoresTheCachedSession) {
  const InboundWriteResult live = InboundOk(Inbound("alice", "live-1"));
  HistoryWrite write = History();
  write.session = HistorySession::kEstablish;
  write.session_start_time = kNow - 55 * kMinute;
  write.entries.push_back(write.entries.front());
  ASSERT_FALSE(Submit(std::move(write)).ok());
  const InboundWriteResult next = InboundOk(Inbound("alice", "live-2"));
  EXPECT_EQ(next.session_id, live.session_id);
  EXPECT_EQ(Count("messagingSessions"), 1);
}

TEST_F(SqliteStoreHistoryTest, ConversationLookupFaultIs20002) {
  faults_.Arm("conversation-lookup", 1);
  auto result = Submit(History());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, 20002);
  EXPECT_EQ(Count("conversations"), 0);
  SubmitOk(History());
}

TEST_F(SqliteStoreHistoryTest, EndUserParticipantKeepsTheEarliestJoinedTime) {
  InboundOk(Inbound("alice", "live-1", kNow - 90 * kMinute));
  const HistoryWriteResult result = SubmitOk(History());
  const auto conversation = Conversation(result.conversation_identifier);
  const auto& participants = conversation.at("participants").as_array();
  ASSERT_FALSE(participants.empty());
  EXPECT_EQ(participants[0].at("participant").at("role"), "EndUser");
  EXPECT_EQ(participants[0].at("joinedTime"), kNow - 90 * kMinute);
  EXPECT_EQ(participants[0].at("leftTime"), nullptr);
}

}  // namespace
}  // namespace interactiond::store
