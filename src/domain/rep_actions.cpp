#include "domain/rep_actions.h"

#include <array>

#include <boost/json.hpp>

#include "domain/conversation_events.h"
#include "domain/json_access.h"
#include "domain/work_transitions.h"
#include "util/ids.h"

namespace interactiond::domain {
namespace {

constexpr std::array<std::string_view, 3> kOutboundMessageTypes = {"StaticContentMessage",
                                                                   "ChoicesMessage", "FormMessage"};
constexpr std::array<std::string_view, 18> kFormatTypes = {
    "Attachments", "RichLink",   "Media", "Buttons",        "Carousel",    "QuickReplies",
    "ListPicker",  "Selections", "Links", "TimePicker",     "Application", "Result",
    "Inputs",      "WebView",    "Text",  "ExperienceType", "Flow",        "MessageDefinition"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& set, std::string_view value) {
  for (auto item : set) {
    if (item == value) return true;
  }
  return false;
}

ParticipantRef RepOf(const RepContext& context) { return {"agent", context.rep->id, "Agent"}; }

Status CheckRep(const ConversationState& state, const RepContext& context) {
  if (context.rep == nullptr) return Error::Of(15106, "no such user in the org");
  if (!context.rep->partner_messaging) return Error::Of(15105);
  if (state.session_status == "Ended") return Error::Of(10071, "the session has ended");
  return OkStatus();
}

// Events of a rep's action: sent by the rep, created by the rep.
EventOrigin OriginOf(const RepContext& context) {
  return {context.org,    context.definition, context.rep->id,
          RepOf(context), context.rep->name,  context.now_ms};
}

events::OutboundEvent EventTo(const ConversationState& state, const RepContext& context,
                              const std::string& identifier, const std::string& entry_type,
                              boost::json::object entry_payload) {
  return EntryEvent(state, OriginOf(context), identifier, entry_type, std::move(entry_payload));
}

events::OutboundEvent ParticipantChanged(const ConversationState& state, const RepContext& context,
                                         const std::string& operation) {
  return ParticipantChangedEvent(state, OriginOf(context), operation, RepOf(context),
                                 context.rep->name);
}

events::OutboundEvent SessionStatusChanged(const ConversationState& state,
                                           const RepContext& context, const std::string& status) {
  return SessionStatusChangedEvent(state, OriginOf(context), status, "Agent");
}

}  // namespace

Status CheckOutboundMessage(const boost::json::object& message) {
  const auto type = StringMember(message, "messageType");
  if (!type || !Contains(kOutboundMessageTypes, *type)) return Error::Of(10047, "messageType");
  const auto id = StringMember(message, "id");
  if (!id || id->empty()) return Error::Of(10045, "abstractMessage.id");
  std::string_view content_key = "staticContent";
  if (*type == "ChoicesMessage") content_key = "choices";
  if (*type == "FormMessage") content_key = "form";
  const boost::json::object* content = ObjectMember(message, content_key);
  if (content == nullptr) return Error::Of(10045, std::string(content_key) + " missing");
  const auto format = StringMember(*content, "formatType");
  if (!format || !Contains(kFormatTypes, *format)) return Error::Of(10048, "formatType");
  return OkStatus();
}

Result<ConversationChange> RepJoin(const ConversationState& state, const RepContext& context) {
  if (auto status = CheckRep(state, context); !status.ok()) return status.error();
  if (auto work = AssignedWorkOf(state, context.rep->id)) {
    return TransitionWork(state, OriginOf(context), *work, WorkAction::kAccept);
  }
  ConversationChange change;
  if (state.FindParticipant(context.rep->id, "Agent") != nullptr) return change;  // already in
  WithdrawRouting(state, OriginOf(context), change);
  change.joined.push_back({"agent", context.rep->id, "Agent", context.rep->name, context.now_ms});
  change.events.push_back(ParticipantChanged(state, context, "add"));
  if (state.session_status != "Active") {
    change.session_status = "Active";
    change.events.push_back(SessionStatusChanged(state, context, "Active"));
  }
  return change;
}

Result<ConversationChange> RepSendMessage(const ConversationState& state, const RepContext& context,
                                          const boost::json::object& abstract_message) {
  if (auto status = CheckRep(state, context); !status.ok()) return status.error();
  if (auto status = CheckOutboundMessage(abstract_message); !status.ok()) return status.error();
  if (state.FindParticipant(context.rep->id, "Agent") == nullptr) {
    return Error::Of(10036, "the rep has not joined the conversation");
  }
  const std::string id(abstract_message.at("id").get_string());
  boost::json::object entry;
  entry["entryType"] = "Message";
  entry["id"] = id;
  entry["abstractMessage"] = abstract_message;
  entry["messageReason"] = nullptr;
  ConversationChange change;
  change.entries.push_back({id, "Message", "agent", context.rep->id, "Agent", context.now_ms,
                            context.now_ms, boost::json::serialize(entry)});
  change.events.push_back(EventTo(state, context, id, "Message", std::move(entry)));
  return change;
}

Result<ConversationChange> RepTyping(const ConversationState& state, const RepContext& context,
                                     bool started) {
  if (auto status = CheckRep(state, context); !status.ok()) return status.error();
  if (state.FindParticipant(context.rep->id, "Agent") == nullptr) {
    return Error::Of(10036, "the rep has not joined the conversation");
  }
  const std::string id = util::RandomUuid();
  const std::string type = started ? "TypingStartedIndicator" : "TypingStoppedIndicator";
  boost::json::object entry;
  entry["entryType"] = type;
  entry["id"] = id;
  entry["timestamp"] = context.now_ms;
  ConversationChange change;
  change.events.push_back(EventTo(state, context, id, type, std::move(entry)));
  return change;
}

Result<ConversationChange> RepEnd(const ConversationState& state, const RepContext& context) {
  if (auto status = CheckRep(state, context); !status.ok()) return status.error();
  ConversationChange change;
  change.left_time = context.now_ms;
  // Everyone but the end user leaves (a conference's other reps, a bot), each reported.
  for (const auto& participant : state.participants) {
    if (participant.role == "EndUser") continue;
    change.left.emplace_back(participant.subject, participant.role);
    change.events.push_back(ParticipantChangedEvent(
        state, OriginOf(context), "remove",
        {participant.app_type, participant.subject, participant.role}, participant.display_name));
  }
  EndSessionRouting(state, OriginOf(context), change);
  change.session_status = "Ended";
  change.session_end_time = context.now_ms;
  change.events.push_back(SessionStatusChanged(state, context, "Ended"));
  return change;
}

}  // namespace interactiond::domain
