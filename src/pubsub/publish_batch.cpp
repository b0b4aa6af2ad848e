#include "pubsub/publish_batch.h"

#include <utility>

#include <boost/json.hpp>

namespace interactiond::pubsub {
namespace {

// Best effort: the inspection API filters on these; a payload that is not our JSON leaves them
// empty.
void FillFilterFields(events::OutboundEvent& event) {
  if (!event.payload) return;
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(*event.payload, ec);
  if (ec || !json.is_object()) return;
  const auto& object = json.get_object();
  if (const auto* id = object.if_contains("conversationIdentifier"); id && id->is_string()) {
    event.conversation_identifier = std::string(id->get_string());
  }
  if (const auto* entry = object.if_contains("payload"); entry && entry->is_object()) {
    if (const auto* type = entry->get_object().if_contains("entryType");
        type && type->is_string()) {
      event.entry_type = std::string(type->get_string());
    }
  }
}

}  // namespace

std::variant<const AvroCodec*, Failure> PublishTopic(const Caller& caller,
                                                     const std::string& topic) {
  if (topic.empty()) return TopicEmpty();
  const AvroCodec* codec = FindTopic(caller, topic);
  if (codec == nullptr) return TopicNotFound(topic);
  return codec;
}

std::optional<Failure> CheckEventCount(const eventbus::v1::PublishRequest& request) {
  if (request.events_size() > 0) return std::nullopt;
  return Failure{grpc::StatusCode::INVALID_ARGUMENT, error_codes::kPublishEventCountInvalid,
                 "The publish request contains no events."};
}

PublishBatch PreparePublish(const Caller& caller, const AvroCodec& codec, const std::string& topic,
                            const eventbus::v1::PublishRequest& request, int64_t now_ms,
                            const std::string& rpc_id, eventbus::v1::PublishResponse* response) {
  response->set_schema_id(codec.schema_id());
  response->set_rpc_id(rpc_id);
  // Each event succeeds or fails on its own; only the valid ones are appended (in order).
  PublishBatch batch;
  for (int i = 0; i < request.events_size(); ++i) {
    const auto& event = request.events(i);
    auto* result = response->add_results();
    result->set_correlation_key(event.id());
    auto reject = [result](std::string message) {
      result->mutable_error()->set_code(eventbus::v1::PUBLISH);
      result->mutable_error()->set_msg(std::move(message));
    };
    if (event.schema_id() != codec.schema_id()) {
      reject("The event's schema ID " + event.schema_id() + " is not the topic's schema ID " +
             codec.schema_id() + ".");
      continue;
    }
    std::string error;
    auto fields = codec.Decode(event.payload(), &error);
    if (!fields) {
      reject("The event payload could not be decoded: " + error + ".");
      continue;
    }
    events::OutboundEvent out;
    out.org_id = caller.org_id;
    out.topic = topic;
    // System fields are the platform's, as on the real service: the publish time and the
    // publishing user (the token's); the payload's values are kept only when there is no user.
    out.created_date = now_ms;
    out.created_by_id = caller.user_id.empty() ? fields->created_by_id : caller.user_id;
    out.event_type_field = codec.event_type_field();
    out.payload_field = codec.payload_field();
    out.event_type = std::move(fields->event_type);
    out.payload = std::move(fields->payload);
    FillFilterFields(out);
    batch.events.push_back(std::move(out));
    batch.result_index.push_back(i);
  }
  return batch;
}

void CompletePublish(const std::vector<int>& result_index, const std::string& org_id,
                     const domain::Result<std::vector<uint64_t>>& ids,
                     eventbus::v1::PublishResponse* response) {
  const size_t count = result_index.size();
  for (size_t k = 0; k < count; ++k) {
    auto* result = response->mutable_results(result_index[k]);
    if (!ids.ok() || ids->size() != count) {
      result->mutable_error()->set_code(eventbus::v1::PUBLISH);
      result->mutable_error()->set_msg("The event could not be stored; publish it again.");
      continue;
    }
    const uint64_t replay_id = (*ids)[k];
    result->set_replay_id(EncodeReplayId(replay_id));
    if (result->correlation_key().empty()) {
      result->set_correlation_key(EventUuid(org_id, replay_id));
    }
  }
}

}  // namespace interactiond::pubsub
