#include "store/sqlite_store.h"
#include "util/temp_dir.h"

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "store/schema.h"
#include "store/sqlite_db.h"
#include "util/fault_injector.h"
#include "util/ids.h"

namespace interactiond::store {
namespace {

using domain::Result;
using std::chrono::seconds;

constexpr char kOrg[] = "00D000000000001";
constexpr char kOtherOrg[] = "00D000000000002";
constexpr auto kWait = seconds(30);

using TempDir = util::TempDir;

InboundWrite MakeWrite(const std::string& end_user, const std::string& entry_id,
                       int64_t received_at_ms = 1700000000000, const std::string& org = kOrg,
                       const std::string& channel_address = "addr-1") {
  InboundWrite write;
  write.org_id = org;
  write.channel_id = "0Mj000000000001";
  write.channel_address = channel_address;
  write.channel_definition = "Def";
  write.end_user_client_id = end_user;
  write.request_id = "req-" + entry_id;
  write.entry_id = entry_id;
  write.entry_type = "Message";
  write.client_timestamp = received_at_ms - 5;
  write.received_at_ms = received_at_ms;
  write.payload_json = R"({"id":")" + entry_id + R"(","entryType":"Message","extra":1})";
  return write;
}

using WriteFuture = std::future<Result<InboundWriteResult>>;

WriteFuture Submit(Store& store, InboundWrite write) {
  auto promise = std::make_shared<std::promise<Result<InboundWriteResult>>>();
  WriteFuture future = promise->get_future();
  store.SubmitInbound(std::move(write), [promise](Result<InboundWriteResult> result) {
    promise->set_value(std::move(result));
  });
  return future;
}

Result<InboundWriteResult> Wait(WriteFuture& future) {
  if (future.wait_for(kWait) != std::future_status::ready) {
    ADD_FAILURE() << "write did not complete";
    return domain::Error::Of(-1, "timeout");
  }
  return future.get();
}

Result<InboundWriteResult> SubmitAndWait(Store& store, InboundWrite write) {
  WriteFuture future = Submit(store, std::move(write));
  return Wait(future);
}

// Submits `write` and asserts it succeeds; returns the result.
InboundWriteResult WriteOk(Store& store, InboundWrite write) {
  Result<InboundWriteResult> result = SubmitAndWait(store, std::move(write));
  EXPECT_TRUE(result.ok()) << "code " << (result.ok() ? 0 : result.error().code) << " "
                           << (result.ok() ? "" : result.error().log_detail);
  return result.ok() ? result.value() : InboundWriteResult{};
}

int CodeOf(const Result<InboundWriteResult>& result) {
  return result.ok() ? 0 : result.error().code;
}

boost::json::value Conversation(Store& store, const std::string& identifier) {
  Result<boost::json::value> result = store.GetConversation(identifier);
  EXPECT_TRUE(result.ok());
  return result.ok() ? result.value() : boost::json::value();
}

// Entry identifiers of a conversation, in stored order.
std::vector<std::string> EntryIds(Store& store, const std::string& identifier) {
  std::vector<std::string> ids;
  const boost::json::value conversation = Conversation(store, identifier);
  if (!conversation.is_object()) return ids;
  for (const auto& entry : conversation.at("entries").as_array()) {
    ids.emplace_back(entry.at("identifier").as_string());
  }
  return ids;
}

boost::json::object List(Store& store, const std::string& org, int limit, int offset) {
  Result<boost::json::value> result = store.ListConversations({org, limit, offset});
  EXPECT_TRUE(result.ok());
  return result.ok() ? result.value().as_object() : boost::json::object();
}

bool IsRecordId(const std::string& id, std::string_view prefix) {
  return id.size() == 15 && id.rfind(prefix, 0) == 0;
}

// Holds the writer thread inside the completion of one write until released, so that writes
// submitted meanwhile are all queued and reach the writer as one group.
class WriterGate {
 public:
  WriterGate(Store& store, InboundWrite write) : state_(std::make_shared<State>()) {
    std::shared_future<void> release = state_->release.get_future().share();
    std::shared_ptr<State> state = state_;
    store.SubmitInbound(std::move(write), [state, release](Result<InboundWriteResult> result) {
      state->entered.set_value(result.ok());
      release.wait_for(std::chrono::seconds(60));
    });
    auto entered = state_->entered.get_future();
    if (entered.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "the gate write did not complete";
    } else {
      EXPECT_TRUE(entered.get()) << "the gate write failed";
    }
  }
  ~WriterGate() { Release(); }
  WriterGate(const WriterGate&) = delete;
  WriterGate& operator=(const WriterGate&) = delete;

  void Release() {
    if (!released_) state_->release.set_value();
    released_ = true;
  }

 private:
  struct State {
    std::promise<bool> entered;
    std::promise<void> release;
  };
  std::shared_ptr<State> state_;
  bool released_ = false;
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_ = std::make_unique<SqliteStore>(dir_.path(), config::Durability::kFull, &faults_);
  }
  void Reopen() {
    store_.reset();
    Open();
  }

  TempDir dir_;
  util::FaultInjector faults_;
  std::unique_ptr<SqliteStore> store_;
};

// --- Conversations, sessions, end users ---------------------------------------------------------

TEST_F(SqliteStoreTest, FirstInboundCreatesConversationSessionEndUserAndParticipant) {
  const InboundWriteResult result = WriteOk(*store_, MakeWrite("alice", "e-1"));
  EXPECT_TRUE(result.created_conversation);
  EXPECT_FALSE(result.duplicate);
  EXPECT_TRUE(util::IsUuid(result.conversation_identifier)) << result.conversation_identifier;
  EXPECT_TRUE(IsRecordId(result.session_id, "0Mw")) << result.session_id;
  EXPECT_TRUE(IsRecordId(result.end_user_id, "0PA")) << result.end_user_id;

  const boost::json::value conversation = Conversation(*store_, result.conversation_identifier);
  ASSERT_TRUE(conversation.is_object());
  EXPECT_EQ(conversation.at("conversationIdentifier"), result.conversation_identifier.c_str());
  EXPECT_EQ(conversation.at("orgId"), kOrg);
  EXPECT_EQ(conversation.at("channelId"), "0Mj000000000001");
  EXPECT_EQ(conversation.at("channelAddressIdentifier"), "addr-1");
  EXPECT_EQ(conversation.at("channelDefinition"), "Def");
  EXPECT_EQ(conversation.at("messagingSessionId"), result.session_id.c_str());

  const auto& end_user = conversation.at("messagingEndUser");
  EXPECT_EQ(end_user.at("id"), result.end_user_id.c_str());
  EXPECT_EQ(end_user.at("endUserClientId"), "alice");

  const auto& sessions = conversation.at("messagingSessions").as_array();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].at("id"), result.session_id.c_str());
  EXPECT_EQ(sessions[0].at("status"), "New");
  EXPECT_EQ(sessions[0].at("startTime"), 1700000000000);

  const auto& participants = conversation.at("participants").as_array();
  ASSERT_EQ(participants.size(), 1u);
  EXPECT_EQ(participants[0].at("participant").at("appType"), "custom");
  EXPECT_EQ(participants[0].at("participant").at("subject"), "alice");
  EXPECT_EQ(participants[0].at("participant").at("role"), "EndUser");

  const auto& entries = conversation.at("entries").as_array();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].at("identifier"), "e-1");
  EXPECT_EQ(entries[0].at("entryType"), "Message");
  EXPECT_EQ(entries[0].at("sender").at("subject"), "alice");
  EXPECT_EQ(entries[0].at("sender").at("role"), "EndUser");
  EXPECT_EQ(entries[0].at("clientTimestamp"), 1700000000000 - 5);
  EXPECT_EQ(entries[0].at("transcriptedTimestamp"), 1700000000000);
  EXPECT_EQ(entries[0].at("messagingSessionId"), result.session_id.c_str());
  EXPECT_EQ(entries[0].at("requestId"), "req-e-1");
  EXPECT_EQ(entries[0].at("entryPayload"),
            boost::json::parse(R"({"id":"e-1","entryType":"Message","extra":1})"));
  EXPECT_TRUE(conversation.at("attachments").as_array().empty());
}

TEST_F(SqliteStoreTest, CompletionRunsOnAnotherThread) {
  std::promise<std::thread::id> promise;
  auto future = promise.get_future();
  store_->SubmitInbound(MakeWrite("alice", "e-1"), [&promise](Result<InboundWriteResult>) {
    promise.set_value(std::this_thread::get_id());
  });
  ASSERT_EQ(future.wait_for(kWait), std::future_status::ready);
  EXPECT_NE(future.get(), std::this_thread::get_id());
}

TEST_F(SqliteStoreTest, SecondInboundFromSameEndUserReusesTheConversation) {
  const InboundWriteResult first = WriteOk(*store_, MakeWrite("alice", "e-1"));
  const InboundWriteResult second = WriteOk(*store_, MakeWrite("alice", "e-2", 1700000000100));
  EXPECT_FALSE(second.created_conversation);
  EXPECT_FALSE(second.duplicate);
  EXPECT_EQ(second.conversation_identifier, first.conversation_identifier);
  EXPECT_EQ(second.session_id, first.session_id);
  EXPECT_EQ(second.end_user_id, first.end_user_id);

  const boost::json::value conversation = Conversation(*store_, first.conversation_identifier);
  EXPECT_EQ(conversation.at("participants").as_array().size(), 1u);
  EXPECT_EQ(conversation.at("messagingSessions").as_array().size(), 1u);
  EXPECT_EQ(EntryIds(*store_, first.conversation_identifier),
            (std::vector<std::string>{"e-1", "e-2"}));
  EXPECT_EQ(List(*store_, "", 100, 0).at("totalSize"), 1);
}

TEST_F(SqliteStoreTest, DifferentEndUserGetsANewConversation) {
  const InboundWriteResult alice = WriteOk(*store_, MakeWrite("alice", "e-1"));
  const InboundWriteResult bob = WriteOk(*store_, MakeWrite("bob", "e-1"));
  EXPECT_TRUE(bob.created_conversation);
  EXPECT_FALSE(bob.duplicate);  // the same entry id in another conversation is not a duplicate
  EXPECT_NE(bob.conversation_identifier, alice.conversation_identifier);
  EXPECT_NE(bob.session_id, alice.session_id);
  EXPECT_NE(bob.end_user_id, alice.end_user_id);
  EXPECT_EQ(EntryIds(*store_, alice.conversation_identifier), (std::vector<std::string>{"e-1"}));
  EXPECT_EQ(EntryIds(*store_, bob.conversation_identifier), (std::vector<std::string>{"e-1"}));
}

TEST_F(SqliteStoreTest, ConversationIsPerOrgChannelAndEndUser) {
  const InboundWriteResult base = WriteOk(*store_, MakeWrite("alice", "e-1"));
  const InboundWriteResult other_channel =
      WriteOk(*store_, MakeWrite("alice", "e-2", 1700000000001, kOrg, "addr-2"));
  const InboundWriteResult other_org =
      WriteOk(*store_, MakeWrite("alice", "e-3", 1700000000002, kOtherOrg, "addr-1"));
  EXPECT_TRUE(other_channel.created_conversation);
  EXPECT_TRUE(other_org.created_conversation);
  const std::set<std::string> identifiers = {base.conversation_identifier,
                                             other_channel.conversation_identifier,
                                             other_org.conversation_identifier};
  EXPECT_EQ(identifiers.size(), 3u);
  const InboundWriteResult again =
      WriteOk(*store_, MakeWrite("alice", "e-4", 1700000000003, kOrg, "addr-2"));
  EXPECT_EQ(again.conversation_identifier, other_channel.conversation_identifier);
  EXPECT_FALSE(again.created_conversation);
}

TEST_F(SqliteStoreTest, SameEntryIdTwiceIsADuplicateAndStoredOnce) {
  const InboundWriteResult first = WriteOk(*store_, MakeWrite("alice", "e-1"));
  InboundWrite retry = MakeWrite("alice", "e-1", 1700000009999);
  retry.payload_json = R"({"id":"e-1","changed":true})";
  const InboundWriteResult second = WriteOk(*store_, retry);
  EXPECT_TRUE(second.duplicate);
  EXPECT_FALSE(second.created_conversation);
  EXPECT_EQ(second.conversation_identifier, first.conversation_identifier);
  EXPECT_EQ(second.session_id, first.session_id);
  EXPECT_EQ(second.end_user_id, first.end_user_id);

  const boost::json::value conversation = Conversation(*store_, first.conversation_identifier);
  const auto& entries = conversation.at("entries").as_array();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].at("transcriptedTimestamp"), 1700000000000);  // the first one is kept
  EXPECT_FALSE(entries[0].at("entryPayload").as_object().contains("changed"));
}

TEST_F(SqliteStoreTest, DuplicateAfterOtherEntriesIsStillDetected) {
  const InboundWriteResult first = WriteOk(*store_, MakeWrite("alice", "e-1"));
  WriteOk(*store_, MakeWrite("alice", "e-2"));
  WriteOk(*store_, MakeWrite("bob", "e-9"));
  EXPECT_TRUE(WriteOk(*store_, MakeWrite("alice", "e-1")).duplicate);
  EXPECT_FALSE(WriteOk(*store_, MakeWrite("alice", "e-3")).duplicate);
  EXPECT_EQ(EntryIds(*store_, first.conversation_identifier),
            (std::vector<std::string>{"e-1", "e-2", "e-3"}));
}

TEST_F(SqliteStoreTest, EntriesAreInArrivalOrder) {
  const std::vector<std::string> ids = {"z", "a", "m", "b", "y", "c"};
  std::string conversation;
  // Received-at times decrease on purpose: the order is arrival order, not a timestamp sort.
  int64_t received_at = 1700000001000;
  for (const std::string& id : ids) {
    conversation = WriteOk(*store_, MakeWrite("alice", id, received_at--)).conversation_identifier;
  }
  EXPECT_EQ(EntryIds(*store_, conversation), ids);
  const boost::json::value stored = Conversation(*store_, conversation);
  int64_t previous = 0;
  for (const auto& entry : stored.at("entries").as_array()) {
    EXPECT_GT(entry.at("sequence").as_int64(), previous);
    previous = entry.at("sequence").as_int64();
  }
}

TEST_F(SqliteStoreTest, IdsAre15CharactersAndIncrease) {
  std::vector<InboundWriteResult> results;
  for (int i = 0; i < 5; ++i) {
    results.push_back(WriteOk(*store_, MakeWrite("user-" + std::to_string(i), "e")));
  }
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_TRUE(IsRecordId(results[i].session_id, "0Mw")) << results[i].session_id;
    EXPECT_TRUE(IsRecordId(results[i].end_user_id, "0PA")) << results[i].end_user_id;
    if (i > 0) {
      EXPECT_LT(results[i - 1].session_id, results[i].session_id);
      EXPECT_LT(results[i - 1].end_user_id, results[i].end_user_id);
    }
  }
}

TEST_F(SqliteStoreTest, CommitCountCountsCommittedGroups) {
  EXPECT_EQ(store_->commit_count(), 0u);
  WriteOk(*store_, MakeWrite("alice", "e-1"));
  EXPECT_EQ(store_->commit_count(), 1u);
  WriteOk(*store_, MakeWrite("alice", "e-2"));
  EXPECT_EQ(store_->commit_count(), 2u);
}

// --- Restart ---------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, ReopenKeepsEverythingAndNewIdsDoNotCollide) {
  const InboundWriteResult alice = WriteOk(*store_, MakeWrite("alice", "e-1"));
  WriteOk(*store_, MakeWrite("alice", "e-2"));
  const InboundWriteResult bob = WriteOk(*store_, MakeWrite("bob", "b-1"));

  Reopen();

  EXPECT_EQ(List(*store_, "", 100, 0).at("totalSize"), 2);
  EXPECT_EQ(EntryIds(*store_, alice.conversation_identifier),
            (std::vector<std::string>{"e-1", "e-2"}));
  EXPECT_EQ(EntryIds(*store_, bob.conversation_identifier), (std::vector<std::string>{"b-1"}));

  // The same end user continues the same conversation (found in the database, not a cache).
  const InboundWriteResult alice_again = WriteOk(*store_, MakeWrite("alice", "e-3"));
  EXPECT_FALSE(alice_again.created_conversation);
  EXPECT_EQ(alice_again.conversation_identifier, alice.conversation_identifier);
  EXPECT_EQ(alice_again.session_id, alice.session_id);
  EXPECT_TRUE(WriteOk(*store_, MakeWrite("alice", "e-1")).duplicate);

  // A new end user gets ids above every id handed out before the restart.
  const InboundWriteResult carol = WriteOk(*store_, MakeWrite("carol", "c-1"));
  EXPECT_TRUE(carol.created_conversation);
  EXPECT_GT(carol.session_id, bob.session_id);
  EXPECT_GT(carol.end_user_id, bob.end_user_id);
  EXPECT_NE(carol.session_id, alice.session_id);
  EXPECT_NE(carol.end_user_id, alice.end_user_id);
  EXPECT_EQ(List(*store_, "", 100, 0).at("totalSize"), 3);
}

TEST_F(SqliteStoreTest, CloseCommitsWhatIsQueued) {
  WriteFuture queued;
  std::thread closer;
  {
    WriterGate gate(*store_, MakeWrite("gate", "g-1"));
    queued = Submit(*store_, MakeWrite("alice", "e-1"));
    closer = std::thread([this] { store_->Close(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const Result<InboundWriteResult> result = Wait(queued);
  closer.join();
  ASSERT_TRUE(result.ok()) << CodeOf(result);
  Reopen();
  EXPECT_EQ(EntryIds(*store_, result.value().conversation_identifier),
            (std::vector<std::string>{"e-1"}));
}

TEST_F(SqliteStoreTest, SubmitAfterCloseIs500) {
  store_->Close();
  store_->Close();  // idempotent
  EXPECT_EQ(CodeOf(SubmitAndWait(*store_, MakeWrite("alice", "e-1"))), 500);
  Reopen();
  EXPECT_EQ(List(*store_, "", 100, 0).at("totalSize"), 0);
}

// --- Group commit -----------------------------------------------------------------------------

TEST_F(SqliteStoreTest, ConcurrentWritesAreGroupCommittedAndStoredOnce) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::vector<WriteFuture>> futures(kThreads);
  const uint64_t commits_before = store_->commit_count();
  {
    WriterGate gate(*store_, MakeWrite("gate", "g-1"));
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < kThreads) std::this_thread::yield();
        for (int i = 0; i < kPerThread; ++i) {
          // Ten end users shared by all threads: conversations are created concurrently too.
          const std::string user = "user-" + std::to_string((t * kPerThread + i) % 10);
          const std::string entry = "t" + std::to_string(t) + "-" + std::to_string(i);
          futures[t].push_back(Submit(*store_, MakeWrite(user, entry)));
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }  // releases the writer: the 200 queued writes reach it together

  std::set<std::string> conversations;
  for (auto& per_thread : futures) {
    for (auto& future : per_thread) {
      const Result<InboundWriteResult> result = Wait(future);
      ASSERT_TRUE(result.ok()) << CodeOf(result);
      EXPECT_FALSE(result.value().duplicate);
      conversations.insert(result.value().conversation_identifier);
    }
  }
  const uint64_t commits = store_->commit_count() - commits_before;
  EXPECT_LT(commits, 200u) << "writes were not batched";
  EXPECT_EQ(conversations.size(), 10u);

  const boost::json::object list = List(*store_, kOrg, 100, 0);
  EXPECT_EQ(list.at("totalSize"), 11);  // ten users and the gate
  std::multiset<std::string> stored;
  for (const std::string& conversation : conversations) {
    for (const std::string& id : EntryIds(*store_, conversation)) stored.insert(id);
  }
  EXPECT_EQ(stored.size(), static_cast<size_t>(kThreads * kPerThread));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const std::string entry = "t" + std::to_string(t) + "-" + std::to_string(i);
      EXPECT_EQ(stored.count(entry), 1u) << entry;
    }
  }
}

// --- Faults ---------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, ConversationLookupFaultFailsOneWriteOfTheGroup) {
  WriteFuture failing;
  WriteFuture bob;
  WriteFuture alice;
  uint64_t commits_before = 0;
  {
    WriterGate gate(*store_, MakeWrite("gate", "g-1"));
    commits_before = store_->commit_count();
    faults_.Arm("conversation-lookup", 1);
    failing = Submit(*store_, MakeWrite("alice", "a-1"));
    bob = Submit(*store_, MakeWrite("bob", "b-1"));
    alice = Submit(*store_, MakeWrite("alice", "a-2"));
  }
  const Result<InboundWriteResult> failing_result = Wait(failing);
  const Result<InboundWriteResult> bob_result = Wait(bob);
  const Result<InboundWriteResult> alice_result = Wait(alice);
  EXPECT_EQ(CodeOf(failing_result), 20002);
  ASSERT_TRUE(bob_result.ok()) << CodeOf(bob_result);
  ASSERT_TRUE(alice_result.ok()) << CodeOf(alice_result);
  EXPECT_EQ(store_->commit_count() - commits_before, 1u) << "the three were one group";
  EXPECT_TRUE(faults_.Armed().empty());

  // The failed write left nothing behind; the next write of the same user created the conversation.
  EXPECT_TRUE(alice_result.value().created_conversation);
  EXPECT_EQ(EntryIds(*store_, alice_result.value().conversation_identifier),
            (std::vector<std::string>{"a-2"}));
  EXPECT_EQ(EntryIds(*store_, bob_result.value().conversation_identifier),
            (std::vector<std::string>{"b-1"}));
  EXPECT_EQ(List(*store_, "", 100, 0).at("totalSize"), 3);  // gate, bob, alice
}

TEST_F(SqliteStoreTest, ConversationLookupFaultFiresOncePerArmedCount) {
  faults_.Arm("conversation-lookup", 2);
  EXPECT_EQ(CodeOf(SubmitAndWait(*store_, MakeWrite("alice", "a-1"))), 20002);
  EXPECT_EQ(CodeOf(SubmitAndWait(*store_, MakeWrite("alice", "a-1"))), 20002);
  const InboundWriteResult ok = WriteOk(*store_, MakeWrite("alice", "a-1"));
  EXPECT_TRUE(ok.created_conversation);
  EXPECT_FALSE(ok.duplicate);
}

TEST_F(SqliteStoreTest, StoreCommitFaultFailsTheWholeGroupAndLeavesNoPhantom) {
  const InboundWriteResult alice = WriteOk(*store_, MakeWrite("alice", "a-1"));
  WriteFuture alice_second;
  WriteFuture bob_first;
  WriteFuture bob_second;
  uint64_t commits_before = 0;
  {
    WriterGate gate(*store_, MakeWrite("alice", "a-gate"));
    commits_before = store_->commit_count();
    faults_.Arm("store-commit", 1);
    alice_second = Submit(*store_, MakeWrite("alice", "a-2"));
    bob_first = Submit(*store_, MakeWrite("bob", "b-1"));  // creates a conversation: rolled back
    bob_second = Submit(*store_, MakeWrite("bob", "b-2"));
  }
  EXPECT_EQ(CodeOf(Wait(alice_second)), 500);
  EXPECT_EQ(CodeOf(Wait(bob_first)), 500);
  EXPECT_EQ(CodeOf(Wait(bob_second)), 500);
  EXPECT_EQ(store_->commit_count(), commits_before);
  EXPECT_TRUE(faults_.Armed().empty());

  // Nothing of the group was stored.
  EXPECT_EQ(EntryIds(*store_, alice.conversation_identifier),
            (std::vector<std::string>{"a-1", "a-gate"}));
  EXPECT_EQ(List(*store_, "", 100, 0).at("totalSize"), 1);

  // The next write succeeds, and bob's conversation is really created (not a cached phantom).
  const InboundWriteResult bob = WriteOk(*store_, MakeWrite("bob", "b-1"));
  EXPECT_TRUE(bob.created_conversation);
  EXPECT_FALSE(bob.duplicate);
  const boost::json::value bob_conversation = Conversation(*store_, bob.conversation_identifier);
  ASSERT_TRUE(bob_conversation.is_object());
  EXPECT_EQ(bob_conversation.at("messagingEndUser").at("id"), bob.end_user_id.c_str());
  EXPECT_EQ(EntryIds(*store_, bob.conversation_identifier), (std::vector<std::string>{"b-1"}));
  EXPECT_NE(bob.session_id, alice.session_id);
  EXPECT_NE(bob.end_user_id, alice.end_user_id);

  // Alice's conversation continues, and her failed entry can be sent again.
  const InboundWriteResult alice_retry = WriteOk(*store_, MakeWrite("alice", "a-2"));
  EXPECT_FALSE(alice_retry.duplicate);
  EXPECT_FALSE(alice_retry.created_conversation);
  EXPECT_EQ(alice_retry.conversation_identifier, alice.conversation_identifier);
  EXPECT_EQ(EntryIds(*store_, alice.conversation_identifier),
            (std::vector<std::string>{"a-1", "a-gate", "a-2"}));
  EXPECT_EQ(List(*store_, "", 100, 0).at("totalSize"), 2);

  // Ids handed out after the failure survive a restart without colliding.
  Reopen();
  const InboundWriteResult carol = WriteOk(*store_, MakeWrite("carol", "c-1"));
  EXPECT_GT(carol.session_id, bob.session_id);
  EXPECT_GT(carol.end_user_id, bob.end_user_id);
}

// --- Read models -------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, ListConversationsPagesInCreationOrderAndFiltersByOrg) {
  std::vector<std::string> org_conversations;
  for (int i = 0; i < 5; ++i) {
    org_conversations.push_back(
        WriteOk(*store_, MakeWrite("user-" + std::to_string(i), "e", 1700000000000 + i))
            .conversation_identifier);
    if (i == 2) {
      WriteOk(*store_, MakeWrite("other-a", "e", 1700000000100, kOtherOrg));
      WriteOk(*store_, MakeWrite("other-b", "e", 1700000000101, kOtherOrg));
    }
  }
  WriteOk(*store_, MakeWrite("user-0", "e-2", 1700000000200));  // a second entry for user-0

  auto identifiers = [](const boost::json::object& list) {
    std::vector<std::string> out;
    for (const auto& c : list.at("conversations").as_array()) {
      out.emplace_back(c.at("conversationIdentifier").as_string());
    }
    return out;
  };

  boost::json::object page = List(*store_, kOrg, 2, 0);
  EXPECT_EQ(page.at("totalSize"), 5);
  EXPECT_EQ(identifiers(page),
            (std::vector<std::string>{org_conversations[0], org_conversations[1]}));
  const auto& first = page.at("conversations").as_array()[0];
  EXPECT_EQ(first.at("orgId"), kOrg);
  EXPECT_EQ(first.at("endUserClientId"), "user-0");
  EXPECT_EQ(first.at("entryCount"), 2);
  EXPECT_EQ(first.at("lastEntryDate"), 1700000000200);
  EXPECT_EQ(first.at("sessionStatus"), "New");
  EXPECT_EQ(first.at("createdDate"), 1700000000000);

  page = List(*store_, kOrg, 2, 2);
  EXPECT_EQ(identifiers(page),
            (std::vector<std::string>{org_conversations[2], org_conversations[3]}));
  page = List(*store_, kOrg, 2, 4);
  EXPECT_EQ(identifiers(page), (std::vector<std::string>{org_conversations[4]}));
  page = List(*store_, kOrg, 2, 10);
  EXPECT_TRUE(identifiers(page).empty());
  EXPECT_EQ(page.at("totalSize"), 5);

  page = List(*store_, kOtherOrg, 100, 0);
  EXPECT_EQ(page.at("totalSize"), 2);
  ASSERT_EQ(page.at("conversations").as_array().size(), 2u);
  EXPECT_EQ(page.at("conversations").as_array()[0].at("endUserClientId"), "other-a");
  EXPECT_EQ(page.at("conversations").as_array()[1].at("endUserClientId"), "other-b");

  page = List(*store_, "", 100, 0);
  EXPECT_EQ(page.at("totalSize"), 7);
  EXPECT_EQ(page.at("conversations").as_array().size(), 7u);

  page = List(*store_, "00D999999999999", 100, 0);
  EXPECT_EQ(page.at("totalSize"), 0);
  EXPECT_TRUE(page.at("conversations").as_array().empty());
}

TEST_F(SqliteStoreTest, GetConversationOfUnknownIdentifierIsNull) {
  WriteOk(*store_, MakeWrite("alice", "e-1"));
  const Result<boost::json::value> result =
      store_->GetConversation("00000000-0000-4000-8000-000000000000");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.value().is_null());
  const Result<boost::json::value> empty = store_->GetConversation("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value().is_null());
}

TEST_F(SqliteStoreTest, StoresAttachmentRecords) {
  InboundWrite write = MakeWrite("alice", "att-1");
  write.attachment = AttachmentRecord{std::string(64, 'a'), 5, "image/png", "pic.png"};
  const InboundWriteResult result = WriteOk(*store_, write);
  const boost::json::value conversation = Conversation(*store_, result.conversation_identifier);
  const auto& attachments = conversation.at("attachments").as_array();
  ASSERT_EQ(attachments.size(), 1u);
  EXPECT_EQ(attachments[0].at("entryIdentifier"), "att-1");
  EXPECT_EQ(attachments[0].at("sha256"), std::string(64, 'a').c_str());
  EXPECT_EQ(attachments[0].at("size"), 5);
  EXPECT_EQ(attachments[0].at("mimeType"), "image/png");
  EXPECT_EQ(attachments[0].at("name"), "pic.png");
  EXPECT_EQ(attachments[0].at("url"), ("/admin/v1/attachments/" + std::string(64, 'a')).c_str());
}

TEST_F(SqliteStoreTest, StatsCountWhatIsStored) {
  auto stats = [&] {
    Result<boost::json::value> result = store_->Stats();
    EXPECT_TRUE(result.ok());
    return result.ok() ? result.value() : boost::json::value();
  };
  EXPECT_EQ(stats(), boost::json::parse(R"({"conversations":0,"messagingSessions":0,
      "messagingEndUsers":0,"entries":0,"attachments":0})"));
  WriteOk(*store_, MakeWrite("alice", "e-1"));
  WriteOk(*store_, MakeWrite("alice", "e-2"));
  WriteOk(*store_, MakeWrite("alice", "e-2"));  // duplicate: not counted
  InboundWrite with_file = MakeWrite("bob", "b-1");
  with_file.attachment = AttachmentRecord{std::string(64, 'b'), 3, "image/gif", "x.gif"};
  WriteOk(*store_, with_file);
  faults_.Arm("conversation-lookup", 1);
  EXPECT_EQ(CodeOf(SubmitAndWait(*store_, MakeWrite("carol", "c-1"))), 20002);  // not counted
  EXPECT_EQ(stats(), boost::json::parse(R"({"conversations":2,"messagingSessions":2,
      "messagingEndUsers":2,"entries":3,"attachments":1})"));
}

// --- Schema ---------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, SchemaIsAtTheCurrentVersionAndReopeningDoesNotMigrateAgain) {
  store_->Close();
  {
    Database db(dir_.path() / "interactiond.db", /*read_only=*/true);
    Statement s = db.Prepare("SELECT MAX(version), COUNT(*) FROM schema_migrations");
    ASSERT_TRUE(s.Step());
    EXPECT_EQ(s.Int(0), CurrentSchemaVersion());
    EXPECT_EQ(s.Int(1), CurrentSchemaVersion());
  }
  Reopen();
  WriteOk(*store_, MakeWrite("alice", "e-1"));
}

TEST(SqliteStoreSchemaTest, RefusesADatabaseFromANewerVersion) {
  TempDir dir;
  { SqliteStore store(dir.path(), config::Durability::kFull, nullptr); }
  {
    Database db(dir.path() / "interactiond.db", /*read_only=*/false);
    db.Exec("INSERT INTO schema_migrations(version) VALUES (" +
            std::to_string(CurrentSchemaVersion() + 1) + ")");
  }
  EXPECT_THROW(SqliteStore(dir.path(), config::Durability::kFull, nullptr), SqliteError);
}

TEST(SqliteStoreSchemaTest, CreatesTheDataDirectory) {
  TempDir dir;
  const std::filesystem::path nested = dir.path() / "a" / "b";
  {
    SqliteStore store(nested, config::Durability::kNormal, nullptr);
    WriteOk(store, MakeWrite("alice", "e-1"));
  }
  EXPECT_TRUE(std::filesystem::exists(nested / "interactiond.db"));
}

}  // namespace
}  // namespace interactiond::store
