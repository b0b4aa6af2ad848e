// What a rep does in the service console, as domain decisions over a conversation's state: join
// (accept) it, send a message, type, end it. Each returns the change to write, including the
// outbound events the real service emits for it (ParticipantChanged, SessionStatusChanged,
// Message, TypingStartedIndicator / TypingStoppedIndicator).
//
// Errors (catalogue codes): 15106 the user is not a user of the conversation's org, 15105 the user
// lacks Partner Messaging, 10036 the rep is not a participant, 10071 the session has ended,
// 10047/10048 a structured message with an unknown message or format type, 10045 malformed.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "config/org_model.h"
#include "domain/conversation_change.h"
#include "domain/result.h"

namespace interactiond::domain {

struct RepContext {
  const config::Org* org = nullptr;
  const config::ChannelDefinition* definition = nullptr;  // the conversation's definition
  const config::User* rep = nullptr;
  int64_t now_ms = 0;
};

// The rep joins: participant added, session Active; idempotent for a rep already in it.
Result<ConversationChange> RepJoin(const ConversationState& state, const RepContext& context);

// A message from the rep: `abstract_message` is an outbound AbstractMessage (StaticContent,
// Choices or Form message) whose `id` becomes the entry id.
Result<ConversationChange> RepSendMessage(const ConversationState& state, const RepContext& context,
                                          const boost::json::object& abstract_message);

Result<ConversationChange> RepTyping(const ConversationState& state, const RepContext& context,
                                     bool started);

// The rep ends the conversation: session Ended (ended by the Agent role), every participant but
// the end user leaves.
Result<ConversationChange> RepEnd(const ConversationState& state, const RepContext& context);

// Checks an outbound AbstractMessage (10047, 10048, 10045).
Status CheckOutboundMessage(const boost::json::object& abstract_message);

}  // namespace interactiond::domain
