// BYOB: what a bot writes into, and reads from, a conversation (docs/compatibility.md, "BYOB:
// /api/v1/conversationEntry and /api/v1/attachment").
//   - POST /api/v1/conversationEntry: one Message or typing indicator from the bot, parsed here
//     with its codes, then decided over the conversation's state (DecideBotEntry);
//   - POST /api/v1/attachment reuses the request pieces (conversation identifier, sender, client
//     timestamp) and DecideBotEntry (domain/bot_attachment.h);
//   - GET /api/v1/conversationEntry: its parameters (ParseEntryRead).
//
// Pure functions (no I/O; "now" is a parameter); thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "config/org_model.h"
#include "domain/conversation_change.h"
#include "domain/result.h"

namespace interactiond::domain {

inline constexpr size_t kMaxConversationIdentifierLength = 240;
// The frame a bot entry's clientTimestamp must fall in, around the server's now: at most 24 hours
// old (the history import's limit) and at most 5 minutes ahead (clock skew).
inline constexpr int64_t kMaxEntryAgeMs = 24ll * 60 * 60 * 1000;
inline constexpr int64_t kMaxEntryLeadMs = 5ll * 60 * 1000;
// GET /conversationEntry answers at most this many entries (the contract's maxItems).
inline constexpr int64_t kMaxEntriesPerRead = 20;

// One entry from a bot, as stored and emitted.
struct BotEntry {
  std::string entry_id;    // entryPayload.id (for an attachment: the attachment's id)
  std::string entry_type;  // Message | TypingStartedIndicator | TypingStoppedIndicator
  int64_t client_timestamp = 0;
  boost::json::object entry_payload;  // carries its own entryType and id; unknown fields kept
};

struct PostConversationEntryRequest {
  std::string conversation_identifier;
  std::string sender_subject;  // the bot id as sent; resolve it with ResolveSenderBot
  BotEntry entry;
};

// Decodes and validates the body, in this order (the first failure decides):
//   not JSON / not an object                                                   → 10100
//   conversationIdentifier missing, not a string, empty, over 240 characters   → 10018
//   sender as ParseBotSender(…, /*require_app_type_and_role=*/true)
//   conversationEntries missing, not a list, or not exactly one item           → 10089
//   the item not an object                                                     → 10045
//   clientTimestamp as ParseClientTimestamp                                    → 10046
//   entryPayload missing or not an object; entryType missing or not Message,
//     TypingStartedIndicator or TypingStoppedIndicator; id missing, not a string or empty;
//     a typing indicator without an integer timestamp                          → 10045
//   a Message's abstractMessage: CheckBotMessage                → 10045/10047/10048/10049
Result<PostConversationEntryRequest> ParsePostConversationEntry(std::string_view json_text,
                                                                int64_t now_ms);

// conversationIdentifier: a non-empty string of at most 240 characters, else 10018.
Result<std::string> ParseConversationIdentifier(const boost::json::object& body);

// The sender's subject. `sender` missing or not an object → 10089; `subject` missing, not a string
// or empty → 10086; `appType` other than "custom" → 10037 and `role` other than "Chatbot" → 10038
// (when absent: an error only if `require_app_type_and_role`; the /attachment sample sends only a
// subject).
Result<std::string> ParseBotSender(const boost::json::object& body, bool require_app_type_and_role);

// clientTimestamp of `entry`: an integer (a JSON number or a decimal string) within
// [now − kMaxEntryAgeMs, now + kMaxEntryLeadMs], else 10046.
Result<int64_t> ParseClientTimestamp(const boost::json::object& entry, int64_t now_ms);

// A bot's AbstractMessage. messageType not StaticContentMessage, ChoicesMessage or FormMessage
// (what a bot sends; the *Response types are the end user's) → 10047; id missing or empty, or
// the content object (staticContent / choices / form) missing → 10045; formatType not one of the
// 18 → 10048; a format this message type does not map (StaticContent: Text, Links,
// ExperienceType, Attachments; Choices: Buttons, QuickReplies, ListPicker, Carousel, TimePicker,
// MessageDefinition; Form: Inputs, MessageDefinition) → 10049; the format's required content
// missing → 10045.
Status CheckBotMessage(const boost::json::object& abstract_message);

// Who acts: the bot (resolved against the org) and the token's user.
struct BotActor {
  const config::Org* org = nullptr;
  const config::Bot* bot = nullptr;
  std::string created_by_id;  // 005… of the token's user: CreatedById of the events
  int64_t now_ms = 0;
};

// The bot's entry in the conversation: stored (sender {custom, bot id, Chatbot}) and emitted as an
// `Interaction` event to the conversation's channel definition, addressed to the end user, like a
// rep's entry. Codes: 10018 the conversation is of another org; 10068 the bot is not a present
// participant (it has not accepted its work, or has left); 10073 the conversation already holds
// this entry id from another sender. The same entry id from the same bot again is an idempotent
// replay: an empty change (nothing stored, nothing emitted). 500 when the conversation's channel
// definition is no longer configured.
Result<ConversationChange> DecideBotEntry(const ConversationState& state, const BotActor& actor,
                                          const BotEntry& entry);

// GET /api/v1/conversationEntry.
enum class EntryDirection { kFromStart, kFromEnd };

struct EntryReadRequest {
  std::string conversation_identifier;
  int64_t start_time = 0;              // inclusive (clientTimestamp, ms)
  std::optional<int64_t> end_time;     // inclusive; none = no upper bound
  int64_t limit = kMaxEntriesPerRead;  // 1..20
  EntryDirection direction = EntryDirection::kFromEnd;
};

// From the parameters object (the JSON body's members, query parameters filling in what it lacks,
// as strings). Integers may be JSON numbers or decimal strings. Order and codes:
// conversationIdentifier as ParseConversationIdentifier (10018); startTime missing, not an
// integer or ≤ 0 → 10090; endTime not an integer or ≤ startTime → 10091; limit not an integer in
// 1..20 → 10092; direction not FROM_START / FROM_END → 10089. JSON null counts as absent.
Result<EntryReadRequest> ParseEntryRead(const boost::json::object& params);

}  // namespace interactiond::domain
