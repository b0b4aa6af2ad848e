#include "pubsub/avro_codec.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace interactiond::pubsub {
namespace {

events::OutboundEvent SampleEvent() {
  events::OutboundEvent event;
  event.created_date = 1700000000000;
  event.created_by_id = "005";
  event.event_type_field = "EventType__c";
  event.payload_field = "Payload__c";
  event.event_type = "Interaction";
  return event;  // payload: null
}

TEST(AvroCodecTest, SchemaJsonHasTheRealShape) {
  AvroCodec codec("Partner1_Event__e", "EventType__c", "Payload__c");
  EXPECT_EQ(codec.schema_json(),
            R"({"name":"Partner1_Event__e","namespace":"com.sforce.eventbus","type":"record",)"
            R"("fields":[{"name":"CreatedDate","type":"long","doc":"CreatedDate:DateTime"},)"
            R"({"name":"CreatedById","type":"string","doc":"CreatedBy:EntityId"},)"
            R"({"name":"EventType__c","type":["null","string"],"default":null},)"
            R"({"name":"Payload__c","type":["null","string"],"default":null}]})");
}

TEST(AvroCodecTest, SchemaIdIsStable22CharBase64Url) {
  AvroCodec a("Partner1_Event__e", "EventType__c", "Payload__c");
  AvroCodec b("Partner1_Event__e", "EventType__c", "Payload__c");
  AvroCodec c("Partner2_Event__e", "EventType__c", "Payload__c");
  EXPECT_EQ(a.schema_id().size(), 22u);
  EXPECT_EQ(a.schema_id(), b.schema_id());
  EXPECT_NE(a.schema_id(), c.schema_id());
  EXPECT_EQ(a.schema_id().find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

TEST(AvroCodecTest, EncodesTheKnownBytes) {
  AvroCodec codec("Partner1_Event__e", "EventType__c", "Payload__c");
  // CreatedDate 1700000000000: zig-zag 3400000000000 as a varint.
  // CreatedById "005": length 3 (zig-zag 6), then the bytes.
  // EventType: union branch 1 (zig-zag 2), length 11 (zig-zag 22 = 0x16), "Interaction".
  // Payload: union branch 0 (null), no value bytes.
  const std::string expected = std::string("\x80\xa0\xab\xfe\xf9\x62", 6) +
                               "\x06"
                               "005" +
                               "\x02\x16"
                               "Interaction" +
                               std::string("\x00", 1);
  EXPECT_EQ(codec.Encode(SampleEvent()), expected);
}

TEST(AvroCodecTest, RoundTripsAnEvent) {
  AvroCodec codec("ns__My_Event__e", "ns__EventType__c", "ns__Payload__c");
  events::OutboundEvent event = SampleEvent();
  event.created_date = -5;  // negative longs zig-zag too
  event.created_by_id = "005000000000001AAA";
  event.event_type = "RoutingRequested";
  event.payload = std::string(300, 'x') + "{\"é\":\"\\u0000\"}";
  std::string error;
  auto decoded = codec.Decode(codec.Encode(event), &error);
  ASSERT_TRUE(decoded) << error;
  EXPECT_EQ(decoded->created_date, -5);
  EXPECT_EQ(decoded->created_by_id, event.created_by_id);
  EXPECT_EQ(decoded->event_type, event.event_type);
  EXPECT_EQ(decoded->payload, event.payload);

  event.event_type.reset();
  event.payload.reset();
  decoded = codec.Decode(codec.Encode(event), &error);
  ASSERT_TRUE(decoded) << error;
  EXPECT_FALSE(decoded->event_type);
  EXPECT_FALSE(decoded->payload);
}

TEST(AvroCodecTest, RejectsMalformedDatums) {
  AvroCodec codec("Partner1_Event__e", "EventType__c", "Payload__c");
  const std::string good = codec.Encode(SampleEvent());
  std::string error;
  EXPECT_FALSE(codec.Decode("", &error));
  EXPECT_FALSE(codec.Decode(good.substr(0, good.size() - 1), &error));  // truncated
  EXPECT_FALSE(codec.Decode(good + "x", &error));                       // trailing bytes
  EXPECT_NE(error, "");
  std::string bad_branch = good;
  bad_branch[good.size() - 1] = '\x04';  // union index 2 does not exist
  EXPECT_FALSE(codec.Decode(bad_branch, &error));
}

TEST(AvroCodecTest, RejectsNamesThatAreNotAvroNames) {
  EXPECT_THROW(AvroCodec("Bad-Event__e", "EventType__c", "Payload__c"), std::invalid_argument);
  EXPECT_THROW(AvroCodec("Event__e", "1Type", "Payload__c"), std::invalid_argument);
  EXPECT_THROW(AvroCodec("Event__e", "Payload__c", "Payload__c"), std::invalid_argument);
}

}  // namespace
}  // namespace interactiond::pubsub
