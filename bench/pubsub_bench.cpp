// Benchmark client for interactiond's outbound events, as a Pub/Sub API subscriber sees them.
//
//   pubsub_bench throughput --pubsub HOST:PORT [--events N] [--batch B] [--publishers P]
//       Publishes N events to the topic (Publish RPC, B per call, P calls in flight), then one
//       EARLIEST subscription reads them back; reports the delivery rate to that one subscriber.
//   pubsub_bench latency --pubsub HOST:PORT [--tls-ca PEM] [--rate R] [--seconds S]
//                        [--connections C] [--label NAME]
//       One LATEST subscription; a rep answers one conversation through the HTTP rep API at R
//       messages/s for S seconds (C keep-alive connections); reports the time from each POST to
//       the arrival of its Message event at the subscriber (p50/p99/max), the p99 counted from
//       when the message was due instead (p99_from_due_ms: includes waiting for a free
//       connection), how many sends were over 1 ms late, and the HTTP response times.
//
// Credentials and URLs come from the environment, as `interactiond demo-env` prints them:
// ACCESS_TOKEN, ORG_ID, BASE_URL, and for latency also AUTHORIZATION_CONTEXT and
// CHANNEL_ADDRESS_IDENTIFIER. Results are single `key=value` lines on stdout (bench/pubsub.sh);
// diagnostics go to stderr. Exit status 1 on any failure, including lost or out-of-order events.
//
// Payloads are encoded and decoded here by hand rather than with the server's AvroCodec, so that
// the benchmark checks the wire format independently; the schema from GetSchema is verified to be
// the flat record this code knows (long, string, two nullable strings) before anything is sent.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "proto/pubsub.grpc.pb.h"

namespace {

namespace beast_http = boost::beast::http;
using boost::asio::ip::tcp;
using eventbus::v1::FetchRequest;
using eventbus::v1::FetchResponse;
using SteadyClock = std::chrono::steady_clock;

constexpr char kTopic[] = "/event/Partner1_Event__e";
constexpr char kRepId[] = "0058c00000DREP1";
// The server caps outstanding credit at 100 (docs/compatibility.md); asking for more is wasted.
constexpr int kMaxCredit = 100;
// Without progress for this long a run is declared stuck rather than waiting forever.
constexpr auto kStallTimeout = std::chrono::seconds(15);

// Callable from any thread: _Exit skips static destructors, which would race with gRPC's and the
// other benchmark threads still running.
[[noreturn]] void Die(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "pubsub_bench: %s\n", message.c_str());
  std::_Exit(1);
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    Die(std::string("environment variable ") + name + " unset");
  }
  return value;
}

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

int64_t NowEpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomUuid() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const uint64_t high = (random() & ~0xf000ull) | 0x4000ull;       // version 4
  const uint64_t low = (random() & ~(3ull << 62)) | (2ull << 62);  // RFC variant
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xffff),
                static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xffffffffffffull));
  return text;
}

struct Options {
  std::string mode;
  std::string pubsub;  // host:port of a Pub/Sub listener
  std::string tls_ca;  // PEM of the listener's certificate; empty = plaintext
  int64_t events = 200'000;
  int batch = 250;
  int publishers = 4;
  double rate = 1000;
  double seconds = 10;
  int connections = 4;
  std::string label = "pubsub_latency";
};

Options ParseOptions(int argc, char** argv) {
  if (argc < 2) Die("usage: pubsub_bench throughput|latency --pubsub HOST:PORT [options]");
  Options options;
  options.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Die("missing value for " + flag);
    const std::string value = argv[++i];
    try {
      if (flag == "--pubsub") {
        options.pubsub = value;
      } else if (flag == "--tls-ca") {
        options.tls_ca = value;
      } else if (flag == "--events") {
        options.events = std::stoll(value);
      } else if (flag == "--batch") {
        options.batch = std::stoi(value);
      } else if (flag == "--publishers") {
        options.publishers = std::stoi(value);
      } else if (flag == "--rate") {
        options.rate = std::stod(value);
      } else if (flag == "--seconds") {
        options.seconds = std::stod(value);
      } else if (flag == "--connections") {
        options.connections = std::stoi(value);
      } else if (flag == "--label") {
        options.label = value;
      } else {
        Die("unknown option " + flag);
      }
    } catch (const std::logic_error&) {
      Die("bad value for " + flag + ": " + value);
    }
  }
  if (options.pubsub.empty()) Die("--pubsub HOST:PORT is required");
  if (options.events <= 0 || options.batch <= 0 || options.publishers <= 0 || options.rate <= 0 ||
      options.seconds <= 0 || options.connections <= 0) {
    Die("counts, rates and durations must be positive");
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Avro binary encoding of the topic's record: CreatedDate long, CreatedById string, then the
// event-type and payload fields as ["null","string"] unions (branch 1 = string).

void PutLong(std::string& out, int64_t value) {
  uint64_t zigzag = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (zigzag >= 0x80) {
    out += static_cast<char>((zigzag & 0x7f) | 0x80);
    zigzag >>= 7;
  }
  out += static_cast<char>(zigzag);
}

void PutString(std::string& out, std::string_view text) {
  PutLong(out, static_cast<int64_t>(text.size()));
  out.append(text);
}

std::string EncodeRecord(int64_t created_date, std::string_view created_by_id,
                         std::string_view event_type, std::string_view payload) {
  std::string out;
  PutLong(out, created_date);
  PutString(out, created_by_id);
  PutLong(out, 1);
  PutString(out, event_type);
  PutLong(out, 1);
  PutString(out, payload);
  return out;
}

class AvroReader {
 public:
  explicit AvroReader(std::string_view data) : data_(data) {}

  std::optional<int64_t> Long() {
    uint64_t zigzag = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position_ >= data_.size()) return std::nullopt;
      const auto byte = static_cast<unsigned char>(data_[position_++]);
      zigzag |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        return static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
      }
    }
    return std::nullopt;
  }

  std::optional<std::string_view> String() {
    const auto length = Long();
    if (!length || *length < 0 || static_cast<uint64_t>(*length) > data_.size() - position_) {
      return std::nullopt;
    }
    const std::string_view text = data_.substr(position_, static_cast<size_t>(*length));
    position_ += text.size();
    return text;
  }

  // A ["null","string"] union: the outer optional is a decoding failure, the inner one null.
  std::optional<std::optional<std::string_view>> NullableString() {
    const auto branch = Long();
    if (branch == 0) return std::optional<std::string_view>();
    if (branch != 1) return std::nullopt;
    const auto text = String();
    if (!text) return std::nullopt;
    return std::optional<std::string_view>(*text);
  }

  bool AtEnd() const { return position_ == data_.size(); }

 private:
  std::string_view data_;
  size_t position_ = 0;
};

// The payload field of a datum, or nullopt when the datum is not one record of the schema.
std::optional<std::string_view> PayloadOf(std::string_view datum) {
  AvroReader reader(datum);
  if (!reader.Long() || !reader.String() || !reader.NullableString()) return std::nullopt;
  const auto payload = reader.NullableString();
  if (!payload || !*payload || !reader.AtEnd()) return std::nullopt;
  return **payload;
}

// Refuses to run against a schema other than the one EncodeRecord and PayloadOf implement.
void CheckSchema(const std::string& schema_json) {
  boost::system::error_code ec;
  const boost::json::value schema = boost::json::parse(schema_json, ec);
  const boost::json::object* record = ec ? nullptr : schema.if_object();
  const boost::json::value* fields = record ? record->if_contains("fields") : nullptr;
  const boost::json::array* list = fields ? fields->if_array() : nullptr;
  auto type_of = [list](size_t i) -> boost::json::value {
    const auto* field = (*list)[i].if_object();
    const auto* type = field ? field->if_contains("type") : nullptr;
    return type ? *type : boost::json::value();
  };
  const boost::json::value nullable_string = boost::json::array{"null", "string"};
  const bool ok = list != nullptr && list->size() == 4 && type_of(0) == "long" &&
                  type_of(1) == "string" && type_of(2) == nullable_string &&
                  type_of(3) == nullable_string;
  if (!ok) Die("unexpected schema (expected long, string, 2 nullable strings): " + schema_json);
}

uint64_t ReplayIdOf(const std::string& bytes) {
  if (bytes.size() != 8) Die("replay id of " + std::to_string(bytes.size()) + " bytes");
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Pub/Sub API

class PubSubClient {
 public:
  explicit PubSubClient(const Options& options)
      : token_(Env("ACCESS_TOKEN")), org_id_(Env("ORG_ID")), instance_url_(Env("BASE_URL")) {
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(16 * 1024 * 1024);  // the server's batches stay under 3 MB
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    if (options.tls_ca.empty()) {
      credentials = grpc::InsecureChannelCredentials();
    } else {
      std::ifstream file(options.tls_ca);
      std::stringstream pem;
      pem << file.rdbuf();
      if (!file) Die("cannot read " + options.tls_ca);
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = pem.str();
      credentials = grpc::SslCredentials(ssl);
      // The self-signed certificate names localhost; the listener is addressed by IP.
      arguments.SetSslTargetNameOverride("localhost");
    }
    stub_ = eventbus::v1::PubSub::NewStub(
        grpc::CreateCustomChannel(options.pubsub, credentials, arguments));
  }

  eventbus::v1::PubSub::Stub& stub() { return *stub_; }

  // Every call carries the three authentication headers.
  void Authenticate(grpc::ClientContext& context) const {
    context.AddMetadata("accesstoken", token_);
    context.AddMetadata("instanceurl", instance_url_);
    context.AddMetadata("tenantid", org_id_);
  }

  // The topic's schema id, after checking that its schema is the one this client encodes.
  std::string SchemaId() {
    eventbus::v1::TopicRequest topic_request;
    topic_request.set_topic_name(kTopic);
    eventbus::v1::TopicInfo topic;
    grpc::ClientContext topic_context;
    Authenticate(topic_context);
    Check(stub_->GetTopic(&topic_context, topic_request, &topic), "GetTopic");
    eventbus::v1::SchemaRequest schema_request;
    schema_request.set_schema_id(topic.schema_id());
    eventbus::v1::SchemaInfo schema;
    grpc::ClientContext schema_context;
    Authenticate(schema_context);
    Check(stub_->GetSchema(&schema_context, schema_request, &schema), "GetSchema");
    CheckSchema(schema.schema_json());
    return topic.schema_id();
  }

  static void Check(const grpc::Status& status, const char* call) {
    if (!status.ok()) {
      Die(std::string(call) + " failed: " + std::to_string(status.error_code()) + " " +
          status.error_message());
    }
  }

 private:
  std::string token_;
  std::string org_id_;
  std::string instance_url_;
  std::unique_ptr<eventbus::v1::PubSub::Stub> stub_;
};

// One Subscribe stream that keeps its credit topped up, so that the server never waits for a
// FetchRequest round trip: credit goes back to the cap whenever half of it has been used.
class CreditedSubscription {
 public:
  CreditedSubscription(PubSubClient& client, eventbus::v1::ReplayPreset preset) {
    client.Authenticate(context_);
    stream_ = client.stub().Subscribe(&context_);
    FetchRequest first;
    first.set_topic_name(kTopic);
    first.set_replay_preset(preset);
    first.set_num_requested(kMaxCredit);
    if (!stream_->Write(first)) {
      const grpc::Status status = stream_->Finish();
      Die("Subscribe failed: " + std::to_string(status.error_code()) + " " +
          status.error_message());
    }
    outstanding_ = kMaxCredit;
  }

  // The next response (events or keepalive); false once the stream has ended.
  bool Next(FetchResponse* response) {
    if (!stream_->Read(response)) return false;
    // Flow control is the contract: more events than were requested is a server bug.
    if (response->events_size() > outstanding_) {
      Die("the server sent " + std::to_string(response->events_size()) + " events against " +
          std::to_string(outstanding_) + " of credit");
    }
    outstanding_ -= response->events_size();
    if (outstanding_ <= kMaxCredit / 2) {
      FetchRequest more;
      more.set_num_requested(kMaxCredit - outstanding_);
      if (!stream_->Write(more)) return false;
      outstanding_ = kMaxCredit;
    }
    return true;
  }

  // Any thread: makes a blocked Next return false.
  void Cancel() { context_.TryCancel(); }

  // The stream's final status (after Next returned false).
  grpc::Status Finish() { return stream_->Finish(); }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<FetchRequest, FetchResponse>> stream_;
  int outstanding_ = 0;
};

// Cancels a subscription that has made no progress for kStallTimeout, so that a server that stops
// delivering fails the run instead of hanging it.
class StallWatchdog {
 public:
  explicit StallWatchdog(CreditedSubscription& subscription)
      : thread_([this, &subscription] {
          while (!done_.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (SteadyClock::now() -
                    SteadyClock::time_point(SteadyClock::duration(last_progress_.load())) >
                kStallTimeout) {
              stalled_ = true;
              subscription.Cancel();
              return;
            }
          }
        }) {}
  ~StallWatchdog() {
    done_ = true;
    thread_.join();
  }

  void Progress() { last_progress_ = SteadyClock::now().time_since_epoch().count(); }
  bool stalled() const { return stalled_.load(); }

 private:
  std::atomic<bool> done_{false};
  std::atomic<bool> stalled_{false};
  std::atomic<SteadyClock::rep> last_progress_{SteadyClock::now().time_since_epoch().count()};
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// throughput

// A realistic event: an outbound Message in the wrapped form the server itself publishes.
std::string SamplePayload(int64_t sequence) {
  return R"({"conversationIdentifier":"b1a7c0de-0000-4000-8000-000000000001",)"
         R"("channelAddressIdentifier":"demo-messaging-channel",)"
         R"("recipient":{"appType":"custom","subject":"bench-user","role":"EndUser"},)"
         R"("payload":{"identifier":"bench-)" +
         std::to_string(sequence) +
         R"(","entryType":"Message","sender":{"appType":"agent","subject":"0058c00000DREP1",)"
         R"("role":"Agent"},"clientTimestamp":1700000000000,"clientDuration":0,)"
         R"("transcriptedTimestamp":1700000000000,"entryPayload":{"entryType":"Message",)"
         R"("abstractMessage":{"messageType":"StaticContentMessage","id":"bench-)" +
         std::to_string(sequence) +
         R"(","staticContent":{"formatType":"Text","text":"benchmark event"}}}}})";
}

struct PublishedRange {
  uint64_t first = UINT64_MAX;
  uint64_t last = 0;
};

// Publishes `options.events` events with `options.publishers` calls in flight; returns the range
// of replay ids they were given.
PublishedRange PublishAll(PubSubClient& client, const Options& options,
                          const std::string& schema_id) {
  const int64_t batches = (options.events + options.batch - 1) / options.batch;
  std::atomic<int64_t> next_batch{0};
  std::mutex mutex;
  PublishedRange range;
  auto publisher = [&] {
    PublishedRange mine;
    for (int64_t b = next_batch++; b < batches; b = next_batch++) {
      eventbus::v1::PublishRequest request;
      request.set_topic_name(kTopic);
      const int64_t end = std::min(options.events, (b + 1) * options.batch);
      for (int64_t i = b * options.batch; i < end; ++i) {
        auto* event = request.add_events();
        event->set_schema_id(schema_id);
        event->set_payload(
            EncodeRecord(NowEpochMs(), "0058c00000DINT1", "Interaction", SamplePayload(i)));
      }
      eventbus::v1::PublishResponse response;
      grpc::ClientContext context;
      client.Authenticate(context);
      PubSubClient::Check(client.stub().Publish(&context, request, &response), "Publish");
      if (response.results_size() != request.events_size()) Die("Publish: result count");
      for (const auto& result : response.results()) {
        if (result.has_error()) Die("Publish: event refused: " + result.error().msg());
        const uint64_t replay_id = ReplayIdOf(result.replay_id());
        mine.first = std::min(mine.first, replay_id);
        mine.last = std::max(mine.last, replay_id);
      }
    }
    std::lock_guard lock(mutex);
    range.first = std::min(range.first, mine.first);
    range.last = std::max(range.last, mine.last);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < options.publishers; ++t) threads.emplace_back(publisher);
  for (auto& thread : threads) thread.join();
  return range;
}

int RunThroughput(const Options& options) {
  PubSubClient client(options);
  const std::string schema_id = client.SchemaId();

  const auto publish_start = SteadyClock::now();
  const PublishedRange range = PublishAll(client, options, schema_id);
  const double publish_seconds = Seconds(SteadyClock::now() - publish_start);
  std::printf("pubsub_publish events=%lld seconds=%.2f events_per_s=%.0f\n",
              static_cast<long long>(options.events), publish_seconds,
              static_cast<double>(options.events) / publish_seconds);
  std::fflush(stdout);

  // The backlog is in the log: the delivery rate is now the server's read → encode → send path
  // and this client's receive path, nothing else.
  CreditedSubscription subscription(client, eventbus::v1::EARLIEST);
  StallWatchdog watchdog(subscription);
  FetchResponse response;
  int64_t ours = 0;        // events with a replay id in the published range
  int64_t received = 0;    // every event delivered
  int64_t disordered = 0;  // replay ids not strictly increasing
  uint64_t previous = 0;
  SteadyClock::time_point first_at{};
  SteadyClock::time_point last_at{};
  bool complete = false;
  while (!complete && subscription.Next(&response)) {
    if (response.events_size() == 0) continue;  // keepalive
    const auto now = SteadyClock::now();
    watchdog.Progress();
    if (received == 0) first_at = now;
    for (const auto& event : response.events()) {
      const uint64_t replay_id = ReplayIdOf(event.replay_id());
      if (replay_id <= previous) ++disordered;
      previous = replay_id;
      ++received;
      if (replay_id >= range.first && replay_id <= range.last) ++ours;
      if (replay_id >= range.last) complete = true;
    }
    last_at = now;
  }
  subscription.Cancel();
  const grpc::Status status = subscription.Finish();
  if (!complete) {
    Die(std::string("subscription ended after ") + std::to_string(received) + " events" +
        (watchdog.stalled() ? " (stalled)" : "") + ": " + status.error_message());
  }
  const double seconds = Seconds(last_at - first_at);
  std::printf("pubsub_throughput events=%lld seconds=%.2f events_per_s=%.0f\n",
              static_cast<long long>(received), seconds,
              seconds > 0 ? static_cast<double>(received) / seconds : 0.0);
  if (ours != options.events || disordered != 0) {
    Die("delivered " + std::to_string(ours) + " of " + std::to_string(options.events) +
        " published events, " + std::to_string(disordered) + " out of order");
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// latency

// A keep-alive HTTP/1.1 client on one connection (blocking; one request at a time).
class HttpConnection {
 public:
  HttpConnection(std::string host, std::string port)
      : host_(std::move(host)), port_(std::move(port)), socket_(io_) {
    Connect();
  }

  beast_http::response<beast_http::string_body> Post(
      const std::string& target, const std::string& content_type, std::string body,
      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    beast_http::request<beast_http::string_body> request(beast_http::verb::post, target, 11);
    request.set(beast_http::field::host, host_ + ":" + port_);
    request.set(beast_http::field::content_type, content_type);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    beast_http::response<beast_http::string_body> response;
    try {
      beast_http::write(socket_, request);
      beast_http::read(socket_, buffer_, response);
    } catch (const boost::system::system_error&) {
      // The server may close an idle keep-alive connection; the request is not retried (it may
      // have been applied), the next one gets a fresh connection.
      Reconnect();
      throw;
    }
    if (!response.keep_alive()) Reconnect();
    return response;
  }

 private:
  void Connect() {
    tcp::resolver resolver(io_);
    boost::asio::connect(socket_, resolver.resolve(host_, port_));
    // Requests are small and latency is what is measured: no Nagle delay.
    socket_.set_option(tcp::no_delay(true));
  }

  void Reconnect() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    buffer_.clear();
    Connect();
  }

  std::string host_;
  std::string port_;
  boost::asio::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// "http://host:port" → host, port.
std::pair<std::string, std::string> HostPort(const std::string& base_url) {
  const std::string_view prefix = "http://";
  if (base_url.rfind(prefix, 0) != 0) Die("BASE_URL must be http://host:port: " + base_url);
  const std::string rest = base_url.substr(prefix.size());
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos) return {rest, "80"};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

boost::json::object JsonBody(const beast_http::response<beast_http::string_body>& response,
                             const char* what) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(response.body(), ec);
  if (response.result_int() != 202 || ec || !value.is_object()) {
    Die(std::string(what) + ": HTTP " + std::to_string(response.result_int()) + " " +
        response.body());
  }
  return std::move(value.get_object());
}

// An end user writes in (a new conversation) and the rep accepts it: the rep may then send.
std::string OpenConversation(HttpConnection& http) {
  const std::string boundary = "----interactiondpubsubbench";
  const std::string id = RandomUuid();
  const std::string json =
      R"({"to":")" + Env("CHANNEL_ADDRESS_IDENTIFIER") + R"(","from":"pubsub-bench-)" +
      RandomUuid() + R"(","interactions":[{"timestamp":)" + std::to_string(NowEpochMs()) +
      R"(,"interactionType":"EntryInteraction","payload":{"id":")" + id +
      R"(","entryType":"Message","abstractMessage":{"messageType":"StaticContentMessage","id":")" +
      id + R"(","staticContent":{"formatType":"Text","text":"I need help"}}}}]})";
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"json\"\r\n"
                           "Content-Type: application/json\r\n\r\n" +
                           json + "\r\n--" + boundary + "--\r\n";
  const auto created =
      JsonBody(http.Post("/api/v1/interactions", "multipart/form-data; boundary=" + boundary, body,
                         {{"Authorization", "Bearer " + Env("ACCESS_TOKEN")},
                          {"OrgId", Env("ORG_ID")},
                          {"AuthorizationContext", Env("AUTHORIZATION_CONTEXT")},
                          {"RequestId", RandomUuid()}}),
               "POST /api/v1/interactions");
  const auto* conversation = created.if_contains("conversationIdentifier");
  if (conversation == nullptr || !conversation->is_string()) Die("no conversationIdentifier");
  const std::string identifier(conversation->get_string());
  JsonBody(http.Post(
               "/admin/v1/reps/" + std::string(kRepId) + "/conversations/" + identifier + "/accept",
               "application/json", ""),
           "accept");
  return identifier;
}

// What the subscriber thread extracts from a Message event of our conversation: the rep's text.
std::optional<std::string> MessageText(const eventbus::v1::ConsumerEvent& event,
                                       const std::string& conversation) {
  const auto payload = PayloadOf(event.event().payload());
  if (!payload) Die("an event payload is not a datum of the schema");
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(*payload, ec);
  if (ec) Die("an event's payload field is not JSON");
  const auto* root = json.if_object();
  const auto* id = root ? root->if_contains("conversationIdentifier") : nullptr;
  if (id == nullptr || !id->is_string() || id->get_string() != conversation) return std::nullopt;
  const auto* entry = root->if_contains("payload");
  const auto* type =
      entry && entry->is_object() ? entry->get_object().if_contains("entryType") : nullptr;
  if (type == nullptr || !type->is_string() || type->get_string() != "Message") return std::nullopt;
  const auto* text = entry->get_object().if_contains("entryPayload");
  for (const char* key : {"abstractMessage", "staticContent", "text"}) {
    text = text && text->is_object() ? text->get_object().if_contains(key) : nullptr;
  }
  if (text == nullptr || !text->is_string()) return std::nullopt;
  return std::string(text->get_string());
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

int RunLatency(const Options& options) {
  const auto [host, port] = HostPort(Env("BASE_URL"));
  HttpConnection setup(host, port);
  const std::string conversation = OpenConversation(setup);
  const std::string messages_path =
      "/admin/v1/reps/" + std::string(kRepId) + "/conversations/" + conversation + "/messages";
  const auto total = static_cast<int64_t>(std::llround(options.rate * options.seconds));

  // send_ns[i]: when message i was written (steady clock); 0 until then. Written by the senders,
  // read by the subscriber thread, hence atomic.
  auto send_ns = std::make_unique<std::atomic<int64_t>[]>(static_cast<size_t>(total));
  // Message i is due at start_ns + i * period_ns (set once the subscription is positioned).
  const double period_ns = 1e9 / options.rate;
  std::atomic<int64_t> start_ns{0};
  // Subscriber thread only until it is joined: from the actual send, and from the due time (the
  // latter also counts the time a message waited for a free connection, so that a server that
  // answers slowly cannot hide its delay by slowing the sender down: coordinated omission).
  std::vector<double> latencies_ms;
  std::vector<double> latencies_from_due_ms;
  std::vector<bool> seen(static_cast<size_t>(total));
  std::atomic<int64_t> received{0};
  std::atomic<bool> positioned{false};
  int64_t duplicates = 0;

  PubSubClient client(options);
  CreditedSubscription subscription(client, eventbus::v1::LATEST);
  std::thread subscriber([&] {
    FetchResponse response;
    while (subscription.Next(&response)) {
      const int64_t now = SteadyClock::now().time_since_epoch().count();
      for (const auto& event : response.events()) {
        const auto text = MessageText(event, conversation);
        if (!text) continue;
        if (text->rfind("warmup", 0) == 0) {
          positioned = true;
          continue;
        }
        const int64_t sequence = std::stoll(*text);
        if (sequence < 0 || sequence >= total) Die("unexpected message text " + *text);
        if (seen[static_cast<size_t>(sequence)]) {
          ++duplicates;
          continue;
        }
        seen[static_cast<size_t>(sequence)] = true;
        const int64_t sent = send_ns[static_cast<size_t>(sequence)].load();
        const int64_t due =
            start_ns.load() + std::llround(static_cast<double>(sequence) * period_ns);
        latencies_ms.push_back(static_cast<double>(now - sent) / 1e6);
        latencies_from_due_ms.push_back(static_cast<double>(now - due) / 1e6);
        ++received;
      }
    }
  });

  // A LATEST subscription is positioned by the server asynchronously; until a message is seen,
  // measured ones could be missed. Warm-up messages also open the server's paths once.
  for (int attempt = 0; !positioned; ++attempt) {
    if (attempt == 100) Die("no warm-up message reached the subscriber in 10 s");
    JsonBody(setup.Post(messages_path, "application/json", R"({"text":"warmup"})"), "warm-up");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  // Paced with absolute deadlines: message i is due at start + i / rate whatever happened before.
  // Each sender takes the next due message when it is free, so one slow response delays only the
  // messages that found every connection busy (counted as late).
  const auto start = SteadyClock::now() + std::chrono::milliseconds(50);
  start_ns = start.time_since_epoch().count();
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> late{0};
  std::atomic<int64_t> failed{0};
  std::mutex response_mutex;
  std::vector<double> response_ms;  // HTTP response times, under response_mutex
  std::vector<std::thread> senders;
  for (int c = 0; c < options.connections; ++c) {
    senders.emplace_back([&, c] {
      HttpConnection http(host, port);
      std::vector<double> mine;
      for (int64_t i = next++; i < total; i = next++) {
        const auto due =
            start + std::chrono::nanoseconds(std::llround(static_cast<double>(i) * period_ns));
        std::this_thread::sleep_until(due);
        const auto before = SteadyClock::now();
        if (before - due > std::chrono::milliseconds(1)) ++late;
        send_ns[static_cast<size_t>(i)] = before.time_since_epoch().count();
        try {
          const auto response = http.Post(messages_path, "application/json",
                                          R"({"text":")" + std::to_string(i) + R"("})");
          mine.push_back(Seconds(SteadyClock::now() - before) * 1e3);
          if (response.result_int() != 202) {
            if (failed++ == 0) {
              std::fprintf(stderr, "pubsub_bench: connection %d: HTTP %u %s\n", c,
                           response.result_int(), response.body().c_str());
            }
          }
        } catch (const std::exception& e) {
          if (failed++ == 0) std::fprintf(stderr, "pubsub_bench: connection %d: %s\n", c, e.what());
        }
      }
      std::lock_guard lock(response_mutex);
      response_ms.insert(response_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& sender : senders) sender.join();
  const int64_t sent = total - failed.load();

  // Stragglers get a grace period, then the stream is cancelled.
  const auto grace_end = SteadyClock::now() + std::chrono::seconds(5);
  while (received.load() < sent && SteadyClock::now() < grace_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  subscription.Cancel();
  subscriber.join();
  subscription.Finish();

  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::sort(latencies_from_due_ms.begin(), latencies_from_due_ms.end());
  std::sort(response_ms.begin(), response_ms.end());
  std::printf(
      "%s rate=%.0f sent=%lld received=%lld p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      "p99_from_due_ms=%.2f late_sends=%lld http_p50_ms=%.2f http_p99_ms=%.2f\n",
      options.label.c_str(), options.rate, static_cast<long long>(sent),
      static_cast<long long>(received.load()), Percentile(latencies_ms, 0.50),
      Percentile(latencies_ms, 0.99), latencies_ms.empty() ? 0.0 : latencies_ms.back(),
      Percentile(latencies_from_due_ms, 0.99), static_cast<long long>(late.load()),
      Percentile(response_ms, 0.50), Percentile(response_ms, 0.99));
  if (failed.load() != 0 || received.load() != sent || duplicates != 0) {
    Die(std::to_string(failed.load()) + " sends failed, " + std::to_string(sent - received.load()) +
        " events missing, " + std::to_string(duplicates) + " duplicates");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = ParseOptions(argc, argv);
  if (options.mode == "throughput") return RunThroughput(options);
  if (options.mode == "latency") return RunLatency(options);
  Die("unknown mode " + options.mode + " (throughput | latency)");
}
