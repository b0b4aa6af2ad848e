// Test-only helpers for tests that drive a Store: an end user's first message, and synchronous
// forms of the store's asynchronous calls (each waits for the writer's callback). Header-only on
// purpose: every .cpp under src/ that is not a *_test.cpp goes into the core library, which must
// not depend on GoogleTest.
#pragma once

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/conversation_change.h"
#include "domain/result.h"
#include "store/store.h"

namespace interactiond::store::testing {

// How long a test waits for the store's writer before it fails.
inline constexpr auto kWait = std::chrono::seconds(30);

// Calls `submit` with a completion callback and waits up to kWait for the store to call it: its
// result, or (adding a test failure) an error -1 when it does not come. The callback shares the
// promise, so a call that comes after the wait gave up is harmless.
template <typename T, typename Submit>
domain::Result<T> Await(Submit submit) {
  auto promise = std::make_shared<std::promise<domain::Result<T>>>();
  auto future = promise->get_future();
  submit([promise](domain::Result<T> result) { promise->set_value(std::move(result)); });
  if (future.wait_for(kWait) != std::future_status::ready) {
    ADD_FAILURE() << "the store did not call back within " << kWait.count() << " s";
    return domain::Error::Of(-1, "timeout");
  }
  return future.get();
}

// The message entry e-<end_user> of `end_user` at `at_ms` on channel 0Mj000000000001 (address
// addr-1, definition P_Def) of `org`: the first one opens the conversation and its session.
inline InboundWrite EndUserMessage(const std::string& org, const std::string& end_user,
                                   int64_t at_ms) {
  InboundWrite write;
  write.org_id = org;
  write.channel_id = "0Mj000000000001";
  write.channel_address = "addr-1";
  write.channel_definition = "P_Def";
  write.end_user_client_id = end_user;
  write.request_id = "req-" + end_user;
  write.entry_id = "e-" + end_user;
  write.entry_type = "Message";
  write.client_timestamp = at_ms;
  write.received_at_ms = at_ms;
  write.payload_json = R"({"id":")" + write.entry_id + R"(","entryType":"Message"})";
  return write;
}

inline domain::Result<InboundWriteResult> SubmitInboundAndWait(Store& store, InboundWrite write) {
  return Await<InboundWriteResult>(
      [&](auto done) { store.SubmitInbound(std::move(write), std::move(done)); });
}

inline domain::Result<domain::ConversationChange> SubmitChangeAndWait(
    Store& store, const std::string& conversation, Store::Decide decide) {
  return Await<domain::ConversationChange>([&](auto done) {
    store.SubmitConversationChange(conversation, std::move(decide), std::move(done));
  });
}

inline domain::Status SetRepPresenceAndWait(Store& store, const std::string& org,
                                            const std::string& user, bool online, int capacity,
                                            int64_t now_ms) {
  return Await<domain::Ok>([&](auto done) {
    store.SetRepPresence(org, user, online, capacity, now_ms, std::move(done));
  });
}

inline domain::Result<int> SubmitRoutingPassAndWait(Store& store, int64_t now_ms,
                                                    Store::Decide decide) {
  return Await<int>(
      [&](auto done) { store.SubmitRoutingPass(now_ms, std::move(decide), std::move(done)); });
}

// The admin view of the conversation (an empty object, with a test failure, when it cannot be
// read).
inline boost::json::object ConversationView(Store& store, const std::string& conversation) {
  auto view = store.GetConversation(conversation);
  EXPECT_TRUE(view.ok());
  return view.ok() && view->is_object() ? view->as_object() : boost::json::object();
}

}  // namespace interactiond::store::testing
