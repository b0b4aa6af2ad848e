// POST /api/v1/conversationHistory — a BYOC-for-CCaaS partner imports the transcript of a
// conversation held elsewhere (typically with its own bot): participants with their joined/left
// times, up to 25 back-dated message entries, and optionally a messaging session to establish or
// to attach to. The body decoded into a typed request with every rule bound to its catalogue
// code (docs/compatibility.md, "POST /api/v1/conversationHistory"), and the few rules that need
// the stored conversation, decided over facts the store gathers in its write transaction.
//
// Everything here is pure (the clock is a parameter) and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/org_model.h"
#include "domain/result.h"

namespace interactiond::domain {

inline constexpr size_t kMaxHistoryParticipants = 3;
inline constexpr size_t kMaxHistoryEntries = 25;
// Entries may be at most this old against the server clock (10046).
inline constexpr int64_t kHistoryMaxAgeMs = 24ll * 60 * 60 * 1000;
// Timestamps may run this far ahead of the server clock (the partner's clock may be a little
// ahead); later ones are "in the future" (10046 for entries, 10061/10064 for session times).
inline constexpr int64_t kHistoryClockSkewMs = 60 * 1000;
inline constexpr size_t kMaxDisplayNameLength = 255;

struct HistoryParticipant {
  std::string app_type;
  std::string subject;
  std::string role;  // "EndUser" | "Chatbot"
  std::optional<std::string> display_name;
  int64_t joined_time = 0;
  std::optional<int64_t> left_time;
};

struct HistoryEntry {
  int64_t client_timestamp = 0;
  std::string sender_app_type;
  std::string sender_subject;
  std::string sender_role;
  std::string entry_id;      // entryPayload.id: the stored entry's identifier
  std::string message_id;    // entryPayload.abstractMessage.id
  std::string entry_type;    // always "Message"
  std::string payload_json;  // entryPayload as sent (unknown fields kept)
};

enum class HistorySessionMode { kNone, kEstablish, kAttach };

struct HistoryRequest {
  std::string channel_address_identifier;
  std::vector<HistoryParticipant> participants;  // in request order; exactly one EndUser
  // Sorted by clientTimestamp (stable: equal timestamps keep request order), i.e. in
  // conversation order, whatever order the partner uploaded them in.
  std::vector<HistoryEntry> entries;
  HistorySessionMode session_mode = HistorySessionMode::kNone;
  int64_t session_start_time = 0;           // kEstablish
  std::optional<int64_t> session_end_time;  // kEstablish; set: the session is Ended
  std::string attach_session_id;            // kAttach; the 15-character form
  bool chatbot_without_left_time = false;   // some Chatbot participant has not left

  const HistoryParticipant& EndUser() const;
  // Every entry id and message id of the request, each once (for the stored-duplicate check).
  std::vector<std::string> MessageIds() const;
};

// What the request is checked against besides its own text.
struct HistoryRules {
  int64_t now_ms = 0;                // the server clock
  bool history_with_session = true;  // the org's features.historyWithSession
};

// Decodes and validates the body. Codes, in the order checked: 10100 (not JSON / not an object);
// 10069 (channelAddressIdentifier missing, not a string, empty or over 240 characters);
// participants: 10039 (missing or empty), 10078 (not a list, more than 3, an item or field of the
// wrong shape), 10043 (a role other than Chatbot/EndUser), 10101 (two with the same role and
// subject), 10042 / 10044 (no / several EndUsers), 10078 (EndUser appType not custom, subject
// empty or over 255 characters), 10065 (EndUser with leftTime), 10067 (joinedTime ≥ leftTime),
// 10066 (a Chatbot without leftTime while the history does not continue an open session);
// entries: 10078 (missing, not a list, empty, more than 25), per entry in request order 10045
// (envelope or entry payload malformed, entryType not Message), 10068 (sender not a listed
// participant), 10047 / 10048 / 10049 / 10062 / 10045 (message content, as for
// /interactions; Chatbots may also send ChoicesMessage and FormMessage), 10046 (older than 24 h
// or in the future), 10074 (outside the sender's joined/left window), 10073 (an entry or message
// id used twice); messagingSession: 10063 (present while the org does not support it), 10078
// (shape, request type), 10061 (startTime), 10064 (endTime), 10072 (sessionId malformed).
Result<HistoryRequest> ParseConversationHistoryRequest(std::string_view json_text,
                                                       const HistoryRules& rules);

// 10057 unless the AuthorizationContext is a BYOC-for-CCaaS channel definition.
Status CheckHistoryAccess(const config::ChannelDefinition& context);

// The channel of channelAddressIdentifier, with the /interactions channel rules
// (ResolveInboundChannel) in this endpoint's codes: 10069 for an unknown channel, 10070 for a
// channel of another channel definition; 10026, 10002, 10035, 10006, 10031 as there.
Result<const config::MessagingChannel*> ResolveHistoryChannel(
    const config::Org& org, const config::ChannelDefinition& context, std::string_view address);

// What the store found for the request inside its write transaction.
struct StoredHistoryFacts {
  bool conversation_exists = false;
  // kAttach: the status of the named session when it is a session of this conversation.
  std::optional<std::string> attached_session_status;
  // The request's entry/message ids that the conversation already holds (as entry ids or
  // message ids).
  std::vector<std::string> taken_ids;
};

// The rules that need the stored conversation: 10071 (Attach: no such session in this
// conversation — also when the conversation does not exist yet), 10066 (Attach to an Ended
// session with a Chatbot that has not left), 10073 (an id the conversation already holds; a
// repeated upload therefore fails instead of duplicating entries).
Status CheckHistoryAgainstStored(const HistoryRequest& request, const StoredHistoryFacts& facts);

}  // namespace interactiond::domain
