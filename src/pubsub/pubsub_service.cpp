#include "pubsub/pubsub_service.h"

#include <openssl/sha.h>

#include <utility>
#include <variant>
#include <vector>

#include "pubsub/publish_batch.h"
#include "pubsub/publish_stream.h"
#include "pubsub/service_internal.h"
#include "pubsub/subscription.h"
#include "util/ids.h"

namespace interactiond::pubsub {

using eventbus::v1::FetchRequest;
using eventbus::v1::FetchResponse;
using eventbus::v1::ManagedFetchRequest;
using eventbus::v1::ManagedFetchResponse;
using eventbus::v1::PublishRequest;
using eventbus::v1::PublishResponse;
using eventbus::v1::SchemaInfo;
using eventbus::v1::SchemaRequest;
using eventbus::v1::TopicInfo;
using eventbus::v1::TopicRequest;

grpc::Status ToStatus(grpc::CallbackServerContext* context, const std::string& rpc_id,
                      const Failure& failure) {
  context->AddTrailingMetadata("error-code", failure.error_code);
  context->AddTrailingMetadata("rpc-id", rpc_id);
  return grpc::Status(failure.code, failure.message + " rpcId: " + rpc_id);
}

const AvroCodec* FindTopic(const Caller& caller, const std::string& topic) {
  const auto it = caller.topics->by_topic.find(topic);
  return it == caller.topics->by_topic.end() ? nullptr : it->second.get();
}

Failure TopicNotFound(const std::string& topic) {
  return {grpc::StatusCode::NOT_FOUND, error_codes::kTopicNotFound,
          "The topic " + topic + " does not exist or you do not have access to it."};
}

Failure TopicEmpty() {
  return {grpc::StatusCode::INVALID_ARGUMENT, error_codes::kTopicEmpty,
          "The topic name is empty. Specify a topic name, for example /event/My_Event__e."};
}

namespace {

std::optional<std::string> Metadata(const grpc::CallbackServerContext* context, const char* key) {
  const auto& metadata = context->client_metadata();
  const auto it = metadata.find(key);
  if (it == metadata.end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

Failure ShuttingDownFailure() {
  return {grpc::StatusCode::UNAVAILABLE, error_codes::kServiceUnavailable,
          "The service is shutting down; subscribe again later."};
}

// The caller of a streaming method, or the failure to refuse the stream with (authentication,
// shutdown).
std::variant<Caller, Failure> StreamCaller(const PubSubService::Hub& hub,
                                           const grpc::CallbackServerContext* context) {
  auto caller = hub.Authenticate(context);
  if (std::holds_alternative<Failure>(caller)) return caller;
  if (hub.ShuttingDown()) return ShuttingDownFailure();
  return caller;
}

}  // namespace

std::string EncodeReplayId(uint64_t replay_id) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i) {
    bytes[static_cast<size_t>(i)] = static_cast<char>(replay_id & 0xff);
    replay_id >>= 8;
  }
  return bytes;
}

std::optional<uint64_t> DecodeReplayId(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

std::string EventUuid(std::string_view org_id, uint64_t replay_id) {
  const std::string name =
      "interactiond-event:" + std::string(org_id.substr(0, 15)) + ":" + std::to_string(replay_id);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x80);  // version 8 (RFC 9562)
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);  // RFC variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

std::variant<Caller, Failure> PubSubService::Hub::Authenticate(
    const grpc::CallbackServerContext* context) const {
  const auto token = Metadata(context, "accesstoken");
  const auto instance_url = Metadata(context, "instanceurl");
  const auto tenant = Metadata(context, "tenantid");
  if (!token || token->empty() || !instance_url || instance_url->empty() || !tenant ||
      tenant->empty()) {
    return Failure{grpc::StatusCode::UNAUTHENTICATED, error_codes::kAuthHeadersInvalid,
                   "The accesstoken, instanceurl and tenantid headers are required."};
  }
  if (tenant->size() != 15 && tenant->size() != 18) {
    return Failure{grpc::StatusCode::UNAUTHENTICATED, error_codes::kAuthHeadersInvalid,
                   "The tenantid header must be a 15- or 18-character org ID."};
  }
  auto claims = tokens->Verify(*token, clock->NowMs());
  if (!claims.ok()) {
    return Failure{grpc::StatusCode::UNAUTHENTICATED, error_codes::kAuthError,
                   "Authentication failed: the access token is not valid or has expired."};
  }
  const config::Org* org = orgs->FindOrg(claims->org_id);
  if (org == nullptr || tenant->compare(0, 15, claims->org_id, 0, 15) != 0) {
    return Failure{grpc::StatusCode::UNAUTHENTICATED, error_codes::kAuthError,
                   "Authentication failed: the tenantid does not match the access token's org."};
  }
  static const OrgTopics kNoTopics;
  const auto topics = topics_by_org.find(org->id);
  return Caller{org->id, claims->user_id,
                topics == topics_by_org.end() ? &kNoTopics : &topics->second, org};
}

// ---------------------------------------------------------------------------------------------

PubSubService::PubSubService(std::shared_ptr<const config::OrgDirectory> orgs,
                             const auth::TokenSigner* tokens, events::EventLog* log,
                             const util::Clock* clock, ServiceOptions options,
                             store::ManagedReplayStore* managed_store)
    : hub_(std::make_shared<Hub>()) {
  hub_->orgs = std::move(orgs);
  hub_->tokens = tokens;
  hub_->log = log;
  hub_->managed_store = managed_store;
  hub_->clock = clock;
  hub_->options = options;
  for (const config::Org& org : hub_->orgs->orgs()) {
    OrgTopics& topics = hub_->topics_by_org[org.id];
    auto add = [&topics](const std::string& event, const std::string& type_field,
                         const std::string& payload_field) {
      if (event.empty()) return;
      const std::string topic = events::TopicOf(event);
      if (topics.by_topic.count(topic) != 0) return;  // first definition naming it wins
      auto codec = std::make_shared<const AvroCodec>(event, type_field, payload_field);
      topics.by_schema_id.emplace(codec->schema_id(), codec);
      topics.by_topic.emplace(topic, std::move(codec));
    };
    for (const auto& definition : org.channel_definitions) {
      add(definition.custom_platform_event, definition.event_type_field, definition.payload_field);
    }
    // Bot integrations name only the event; their fields are the platform's defaults.
    const config::ChannelDefinition defaults;
    for (const auto& integration : org.bot_integrations) {
      add(integration.custom_platform_event, defaults.event_type_field, defaults.payload_field);
    }
  }
  std::weak_ptr<Hub> weak = hub_;
  hub_->listener_id =
      hub_->log->AddListener([weak](const std::vector<events::OutboundEvent>& appended) {
        if (auto hub = weak.lock()) hub->OnAppended(appended);
      });
  hub_->dispatcher = std::thread([hub = hub_.get()] { hub->RunDispatcher(); });
}

PubSubService::~PubSubService() {
  hub_->log->RemoveListener(hub_->listener_id);
  {
    std::lock_guard lock(hub_->mutex);
    hub_->stopping = true;
    hub_->ready.clear();
  }
  hub_->wake.notify_all();
  hub_->dispatcher.join();
}

void PubSubService::BeginShutdown() {
  std::vector<std::shared_ptr<Subscription>> subscriptions;
  std::vector<std::shared_ptr<PublishSession>> publish_streams;
  {
    std::lock_guard lock(hub_->mutex);
    hub_->shutting_down = true;
    subscriptions.assign(hub_->live.begin(), hub_->live.end());
    publish_streams.assign(hub_->publishers.begin(), hub_->publishers.end());
  }
  for (const auto& subscription : subscriptions) subscription->Finish(ShuttingDownFailure());
  for (const auto& stream : publish_streams) stream->Finish(ShuttingDownFailure());
}

size_t PubSubService::subscription_count() const {
  std::lock_guard lock(hub_->mutex);
  return hub_->live.size();
}

size_t PubSubService::publish_stream_count() const {
  std::lock_guard lock(hub_->mutex);
  return hub_->publishers.size();
}

grpc::ServerBidiReactor<FetchRequest, FetchResponse>* PubSubService::Subscribe(
    grpc::CallbackServerContext* context) {
  std::string rpc_id = util::RandomUuid();
  auto caller = StreamCaller(*hub_, context);
  if (const auto* failure = std::get_if<Failure>(&caller)) {
    return new RefusedStream<FetchRequest, FetchResponse>(ToStatus(context, rpc_id, *failure));
  }
  return NewSubscribeReactor(hub_, std::move(std::get<Caller>(caller)), std::move(rpc_id), context);
}

grpc::ServerBidiReactor<ManagedFetchRequest, ManagedFetchResponse>* PubSubService::ManagedSubscribe(
    grpc::CallbackServerContext* context) {
  std::string rpc_id = util::RandomUuid();
  auto caller = StreamCaller(*hub_, context);
  if (std::holds_alternative<Caller>(caller) && hub_->managed_store == nullptr) {
    caller = Failure{grpc::StatusCode::UNAVAILABLE, error_codes::kServiceUnavailable,
                     "Managed subscriptions are not available on this server."};
  }
  if (const auto* failure = std::get_if<Failure>(&caller)) {
    return new RefusedStream<ManagedFetchRequest, ManagedFetchResponse>(
        ToStatus(context, rpc_id, *failure));
  }
  return NewManagedSubscribeReactor(hub_, std::move(std::get<Caller>(caller)), std::move(rpc_id),
                                    context);
}

grpc::ServerBidiReactor<PublishRequest, PublishResponse>* PubSubService::PublishStream(
    grpc::CallbackServerContext* context) {
  std::string rpc_id = util::RandomUuid();
  auto caller = StreamCaller(*hub_, context);
  if (const auto* failure = std::get_if<Failure>(&caller)) {
    return new RefusedStream<PublishRequest, PublishResponse>(ToStatus(context, rpc_id, *failure));
  }
  return NewPublishStreamReactor(hub_, std::move(std::get<Caller>(caller)), std::move(rpc_id),
                                 context);
}

grpc::ServerUnaryReactor* PubSubService::GetTopic(grpc::CallbackServerContext* context,
                                                  const TopicRequest* request,
                                                  TopicInfo* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string rpc_id = util::RandomUuid();
  auto caller = hub_->Authenticate(context);
  if (const auto* failure = std::get_if<Failure>(&caller)) {
    reactor->Finish(ToStatus(context, rpc_id, *failure));
    return reactor;
  }
  const Caller& who = std::get<Caller>(caller);
  if (request->topic_name().empty()) {
    reactor->Finish(ToStatus(context, rpc_id, TopicEmpty()));
    return reactor;
  }
  const AvroCodec* codec = FindTopic(who, request->topic_name());
  if (codec == nullptr) {
    reactor->Finish(ToStatus(context, rpc_id, TopicNotFound(request->topic_name())));
    return reactor;
  }
  response->set_topic_name(request->topic_name());
  response->set_tenant_guid(who.org_id);
  response->set_can_publish(true);
  response->set_can_subscribe(true);
  response->set_schema_id(codec->schema_id());
  response->set_rpc_id(rpc_id);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PubSubService::GetSchema(grpc::CallbackServerContext* context,
                                                   const SchemaRequest* request,
                                                   SchemaInfo* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string rpc_id = util::RandomUuid();
  auto caller = hub_->Authenticate(context);
  if (const auto* failure = std::get_if<Failure>(&caller)) {
    reactor->Finish(ToStatus(context, rpc_id, *failure));
    return reactor;
  }
  const Caller& who = std::get<Caller>(caller);
  const auto it = who.topics->by_schema_id.find(request->schema_id());
  if (it == who.topics->by_schema_id.end()) {
    reactor->Finish(ToStatus(context, rpc_id,
                             {request->schema_id().empty() ? grpc::StatusCode::INVALID_ARGUMENT
                                                           : grpc::StatusCode::NOT_FOUND,
                              error_codes::kSchemaValidationFailed,
                              "The schema ID " + request->schema_id() + " is empty or unknown."}));
    return reactor;
  }
  response->set_schema_json(it->second->schema_json());
  response->set_schema_id(it->second->schema_id());
  response->set_rpc_id(rpc_id);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PubSubService::Publish(grpc::CallbackServerContext* context,
                                                 const PublishRequest* request,
                                                 PublishResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string rpc_id = util::RandomUuid();
  auto caller = hub_->Authenticate(context);
  if (const auto* failure = std::get_if<Failure>(&caller)) {
    reactor->Finish(ToStatus(context, rpc_id, *failure));
    return reactor;
  }
  const Caller& who = std::get<Caller>(caller);
  auto topic = PublishTopic(who, request->topic_name());
  if (const auto* failure = std::get_if<Failure>(&topic)) {
    reactor->Finish(ToStatus(context, rpc_id, *failure));
    return reactor;
  }
  if (const auto failure = CheckEventCount(*request)) {
    reactor->Finish(ToStatus(context, rpc_id, *failure));
    return reactor;
  }
  PublishBatch batch =
      PreparePublish(who, *std::get<const AvroCodec*>(topic), request->topic_name(), *request,
                     hub_->clock->NowMs(), rpc_id, response);
  if (batch.events.empty()) {
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  hub_->log->Publish(std::move(batch.events),
                     [reactor, response, index = std::move(batch.result_index),
                      org_id = who.org_id](domain::Result<std::vector<uint64_t>> ids) {
                       // Runs on the store's writer thread; Finish does not block.
                       CompletePublish(index, org_id, ids, response);
                       reactor->Finish(grpc::Status::OK);
                     });
  return reactor;
}

}  // namespace interactiond::pubsub
