#include "http/multipart_body.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/type_traits.hpp>

namespace interactiond::http {
namespace {

namespace beast_http = boost::beast::http;
using namespace std::string_literals;
using boost::beast::error_code;

static_assert(beast_http::is_body<MultipartBody>::value);
static_assert(beast_http::is_body_reader<MultipartBody>::value);

constexpr std::string_view kBoundary = "------------------------d74496d66958873e";
const std::string kJson = R"({"to":"abc","interactions":[]})";

std::string MultipartPayload(std::string_view boundary = kBoundary) {
  const std::string b(boundary);
  return "--" + b +
         "\r\nContent-Disposition: form-data; name=\"json\"\r\n"
         "Content-Type: application/json\r\n\r\n" +
         kJson + "\r\n--" + b +
         "\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"pic.jpg\"\r\n"
         "Content-Type: image/jpeg\r\n\r\n"
         "\xff\xd8\xff\r\n--" +
         b.substr(0, 12) + "\r\n\x00\x01"s + std::string(3000, 'j') + "\xff\xd9\r\n--" + b +
         "--\r\n";
}

std::string FileData() {
  return "\xff\xd8\xff\r\n--" + std::string(kBoundary).substr(0, 12) + "\r\n\x00\x01"s +
         std::string(3000, 'j') + "\xff\xd9";
}

std::string ContentType(std::string_view boundary = kBoundary) {
  return "multipart/form-data; boundary=" + std::string(boundary);
}

std::string Head(std::string_view content_type, std::string_view framing) {
  std::string head =
      "POST /api/v1/interactions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\n";
  if (!content_type.empty()) head += "Content-Type: " + std::string(content_type) + "\r\n";
  return head + std::string(framing) + "\r\n";
}

std::string WithContentLength(std::string_view content_type, std::string_view body) {
  return Head(content_type, "Content-Length: " + std::to_string(body.size()) + "\r\n") +
         std::string(body);
}

std::string WithChunkedEncoding(std::string_view content_type, std::string_view body,
                                size_t chunk_size) {
  std::string out = Head(content_type, "Transfer-Encoding: chunked\r\n");
  for (size_t i = 0; i < body.size(); i += chunk_size) {
    const size_t n = std::min(chunk_size, body.size() - i);
    char size_hex[32];
    std::snprintf(size_hex, sizeof size_hex, "%zx", n);
    out += std::string(size_hex) + ";ext=1\r\n" + std::string(body.substr(i, n)) + "\r\n";
  }
  return out + "0\r\nX-Trailer: y\r\n\r\n";
}

struct Outcome {
  error_code ec;        // first Beast error other than need_more
  bool done = false;    // the HTTP message is complete
  size_t consumed = 0;  // bytes of the input the parser used
  MultipartBody::value_type body;
};

// Feeds `wire` to `parser` in pieces of `piece` bytes the way a read loop does: unconsumed input is
// kept and offered again with the next piece.
template <class Parser>
void Pump(Parser& parser, std::string_view wire, size_t piece, std::string& pending, size_t& next,
          Outcome& outcome, bool stop_after_header) {
  for (;;) {
    if (stop_after_header ? parser.is_header_done() : parser.is_done()) return;
    if (pending.empty() || outcome.ec == beast_http::error::need_more) {
      if (next >= wire.size()) return;  // input exhausted
      const size_t n = std::min(piece, wire.size() - next);
      pending.append(wire.substr(next, n));
      next += n;
    }
    outcome.ec = {};
    const size_t used = parser.put(boost::asio::buffer(pending.data(), pending.size()), outcome.ec);
    pending.erase(0, used);
    outcome.consumed += used;
    if (outcome.ec && outcome.ec != beast_http::error::need_more) return;
    if (used == 0 && !outcome.ec) outcome.ec = beast_http::error::need_more;
  }
}

// Reads one request from `wire`. With `header_first`, the way the server does: the header with a
// request_parser<empty_body>, then a request_parser<MultipartBody> moved from it, whose limits are
// set only then.
Outcome Read(std::string_view wire, size_t piece, bool header_first,
             const MultipartFormCollector::Limits& limits = {},
             std::optional<uint64_t> body_limit = 64 * 1024 * 1024) {
  Outcome outcome;
  std::string pending;
  size_t next = 0;
  std::optional<beast_http::request_parser<MultipartBody>> parser;
  if (header_first) {
    beast_http::request_parser<beast_http::empty_body> header_parser;
    Pump(header_parser, wire, piece, pending, next, outcome, /*stop_after_header=*/true);
    if (outcome.ec && outcome.ec != beast_http::error::need_more) return outcome;
    if (!header_parser.is_header_done()) return outcome;
    parser.emplace(std::move(header_parser));
  } else {
    parser.emplace();
  }
  if (body_limit) {
    parser->body_limit(*body_limit);
  } else {
    parser->body_limit(boost::none);
  }
  parser->get().body().limits = limits;
  outcome.ec = {};
  Pump(*parser, wire, piece, pending, next, outcome, /*stop_after_header=*/false);
  if (outcome.ec == beast_http::error::need_more) outcome.ec = {};
  outcome.done = parser->is_done();
  outcome.body = std::move(parser->get().body());
  return outcome;
}

void ExpectWellFormed(const Outcome& outcome, size_t payload_size) {
  EXPECT_FALSE(outcome.ec) << outcome.ec.message();
  EXPECT_TRUE(outcome.done);
  EXPECT_TRUE(outcome.body.well_formed) << outcome.body.error;
  EXPECT_EQ(outcome.body.error, "");
  EXPECT_EQ(outcome.body.bytes_received, payload_size);
  EXPECT_EQ(outcome.body.form.json, kJson);
  ASSERT_EQ(outcome.body.form.files.size(), 1u);
  const FilePart& file = outcome.body.form.files[0];
  EXPECT_EQ(file.field_name, "attachments");
  EXPECT_EQ(file.filename, "pic.jpg");
  EXPECT_EQ(file.content_type, "image/jpeg");
  EXPECT_EQ(file.data, FileData());
  EXPECT_EQ(file.size, FileData().size());
  EXPECT_FALSE(file.over_limit);
}

// The body must not be well formed, yet the HTTP read must complete without a Beast error.
void ExpectRejectedButRead(const Outcome& outcome, std::string_view error_contains,
                           uint64_t payload_size) {
  EXPECT_FALSE(outcome.ec) << outcome.ec.message();
  EXPECT_TRUE(outcome.done);
  EXPECT_FALSE(outcome.body.well_formed);
  EXPECT_NE(outcome.body.error.find(error_contains), std::string::npos) << outcome.body.error;
  EXPECT_EQ(outcome.body.bytes_received, payload_size);
  EXPECT_FALSE(outcome.body.form.json.has_value());
  EXPECT_TRUE(outcome.body.form.files.empty());
}

const std::vector<size_t> kPieceSizes = {1, 2, 7, 64, 1000, 1 << 20};

TEST(MultipartBodyTest, ContentLengthBody) {
  const std::string payload = MultipartPayload();
  const std::string wire = WithContentLength(ContentType(), payload);
  for (bool header_first : {false, true}) {
    for (size_t piece : kPieceSizes) {
      SCOPED_TRACE("header_first " + std::to_string(header_first) + " piece " +
                   std::to_string(piece));
      const Outcome outcome = Read(wire, piece, header_first);
      ExpectWellFormed(outcome, payload.size());
      EXPECT_EQ(outcome.consumed, wire.size());
    }
  }
}

TEST(MultipartBodyTest, ChunkedBody) {
  const std::string payload = MultipartPayload();
  for (size_t chunk_size : {1, 5, 100, 100000}) {
    const std::string wire = WithChunkedEncoding(ContentType(), payload, chunk_size);
    for (bool header_first : {false, true}) {
      for (size_t piece : {1, 3, 512, 1 << 20}) {
        SCOPED_TRACE("chunk " + std::to_string(chunk_size) + " header_first " +
                     std::to_string(header_first) + " piece " + std::to_string(piece));
        const Outcome outcome = Read(wire, piece, header_first);
        ExpectWellFormed(outcome, payload.size());
        EXPECT_EQ(outcome.consumed, wire.size());
      }
    }
  }
}

TEST(MultipartBodyTest, LimitsSetAfterTheHeaderParserWasMovedApply) {
  MultipartFormCollector::Limits limits;
  limits.max_file_bytes = 100;
  const std::string payload = MultipartPayload();
  for (bool header_first : {false, true}) {
    const Outcome outcome =
        Read(WithContentLength(ContentType(), payload), 7, header_first, limits);
    EXPECT_FALSE(outcome.ec);
    ASSERT_TRUE(outcome.body.well_formed) << outcome.body.error;
    ASSERT_EQ(outcome.body.form.files.size(), 1u);
    EXPECT_TRUE(outcome.body.form.files[0].over_limit);
    EXPECT_EQ(outcome.body.form.files[0].size, FileData().size());
    EXPECT_EQ(outcome.body.form.files[0].data, "");
    EXPECT_EQ(outcome.body.limits.max_file_bytes, 100u);
  }
}

TEST(MultipartBodyTest, QuotedBoundaryAndOtherParameters) {
  const std::string boundary = "simple boundary";
  const std::string payload = MultipartPayload(boundary);
  const Outcome outcome =
      Read(WithContentLength("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"simple boundary\"",
                             payload),
           13, true);
  EXPECT_TRUE(outcome.body.well_formed) << outcome.body.error;
}

TEST(MultipartBodyTest, MissingOrInvalidBoundaryIsReadAndRecorded) {
  const std::string payload = MultipartPayload();
  for (const std::string& content_type :
       {"multipart/form-data"s, "multipart/form-data; boundary="s, "application/json"s,
        "multipart/form-data; boundary="s + std::string(71, 'x'), ""s}) {
    for (bool chunked : {false, true}) {
      SCOPED_TRACE(content_type + (chunked ? " chunked" : " content-length"));
      const std::string wire = chunked ? WithChunkedEncoding(content_type, payload, 100)
                                       : WithContentLength(content_type, payload);
      ExpectRejectedButRead(Read(wire, 64, true), "Content-Type", payload.size());
    }
  }
}

TEST(MultipartBodyTest, WrongBoundaryIsReadAndRecorded) {
  const std::string payload = MultipartPayload();
  ExpectRejectedButRead(Read(WithContentLength(ContentType("other"), payload), 64, true),
                        "no boundary delimiter", payload.size());
}

TEST(MultipartBodyTest, TruncatedMultipartIsReadAndRecorded) {
  // The HTTP framing is complete, the multipart inside is not: the payload lacks its last bytes.
  const std::string payload = MultipartPayload();
  for (size_t cut : {size_t{3}, size_t{10}, payload.size() / 2, payload.size() - 5}) {
    const std::string truncated = payload.substr(0, payload.size() - cut);
    SCOPED_TRACE("cut " + std::to_string(cut));
    const Outcome content_length = Read(WithContentLength(ContentType(), truncated), 100, true);
    ExpectRejectedButRead(content_length, "", truncated.size());
    EXPECT_NE(content_length.body.error, "");
    const Outcome chunked = Read(WithChunkedEncoding(ContentType(), truncated, 77), 100, false);
    ExpectRejectedButRead(chunked, "", truncated.size());
    EXPECT_EQ(chunked.body.error, content_length.body.error);
  }
}

TEST(MultipartBodyTest, BadPartHeadersAreReadAndRecorded) {
  std::string payload = MultipartPayload();
  const size_t at = payload.find("Content-Disposition");
  payload.replace(at, 19, "Content-Dispositiom");
  for (size_t piece : kPieceSizes) {
    ExpectRejectedButRead(Read(WithContentLength(ContentType(), payload), piece, true),
                          "no Content-Disposition", payload.size());
  }
}

TEST(MultipartBodyTest, CollectorLimitErrorsAreReadAndRecorded) {
  MultipartFormCollector::Limits limits;
  limits.max_json_bytes = 5;
  const std::string payload = MultipartPayload();
  ExpectRejectedButRead(Read(WithContentLength(ContentType(), payload), 10, true, limits),
                        "exceeds", payload.size());
}

TEST(MultipartBodyTest, PipelinedRequestIsLeftAlone) {
  // After a rejected body the parser stops at the end of the message, so the connection can go on.
  std::string payload = MultipartPayload();
  payload.replace(payload.find("form-data"), 9, "attachment");
  const std::string first = WithContentLength(ContentType(), payload);
  const std::string wire = first + "GET /next HTTP/1.1\r\nHost: localhost\r\n\r\n";
  const Outcome outcome = Read(wire, 1 << 20, true);
  EXPECT_FALSE(outcome.ec);
  EXPECT_TRUE(outcome.done);
  EXPECT_FALSE(outcome.body.well_formed);
  EXPECT_EQ(outcome.consumed, first.size());
}

TEST(MultipartBodyTest, NoBody) {
  for (bool header_first : {false, true}) {
    for (const char* framing : {"Content-Length: 0\r\n", ""}) {
      SCOPED_TRACE(std::string(framing) + (header_first ? "header first" : "direct"));
      const Outcome outcome = Read(Head(ContentType(), framing), 1000, header_first);
      EXPECT_FALSE(outcome.ec) << outcome.ec.message();
      EXPECT_TRUE(outcome.done);
      EXPECT_FALSE(outcome.body.well_formed);
      EXPECT_EQ(outcome.body.error, "request has no body");
    }
  }
  // Chunked with no data chunk: the body exists but is empty.
  const Outcome empty_chunked = Read(WithChunkedEncoding(ContentType(), "", 10), 1000, true);
  EXPECT_FALSE(empty_chunked.ec);
  EXPECT_FALSE(empty_chunked.body.well_formed);
  EXPECT_NE(empty_chunked.body.error.find("no boundary delimiter"), std::string::npos)
      << empty_chunked.body.error;
}

TEST(MultipartBodyTest, BodyLimitIsBeastsBusiness) {
  const std::string payload = MultipartPayload();
  const Outcome outcome =
      Read(WithChunkedEncoding(ContentType(), payload, 100), 64, true, {}, payload.size() - 1);
  EXPECT_EQ(outcome.ec, beast_http::error::body_limit);
  EXPECT_FALSE(outcome.body.well_formed);

  const Outcome exact =
      Read(WithChunkedEncoding(ContentType(), payload, 100), 64, true, {}, payload.size());
  EXPECT_FALSE(exact.ec) << exact.ec.message();
  EXPECT_TRUE(exact.body.well_formed) << exact.body.error;
}

TEST(MultipartBodyTest, ConnectionClosedMidBody) {
  // The HTTP read itself fails (partial_message): the reader's finish() never runs.
  const std::string payload = MultipartPayload();
  const std::string wire = WithContentLength(ContentType(), payload);
  beast_http::request_parser<MultipartBody> parser;
  error_code ec;
  std::string pending = wire.substr(0, wire.size() - 10);
  while (!pending.empty() && !parser.is_done()) {
    const size_t used = parser.put(boost::asio::buffer(pending.data(), pending.size()), ec);
    pending.erase(0, used);
    if (ec == beast_http::error::need_more) break;
    ASSERT_FALSE(ec) << ec.message();
  }
  parser.put_eof(ec);
  EXPECT_EQ(ec, beast_http::error::partial_message);
  EXPECT_FALSE(parser.get().body().well_formed);
}

}  // namespace
}  // namespace interactiond::http
