#include "http/multipart_parser.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace interactiond::http {

void PrintTo(const PartHeaders& h, std::ostream* os) {
  *os << "{name=" << testing::PrintToString(h.name)
      << " filename=" << (h.filename ? testing::PrintToString(*h.filename) : "(none)")
      << " content_type=" << testing::PrintToString(h.content_type) << "}";
}

namespace {

using namespace std::string_literals;

constexpr std::string_view kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

// Everything observable about one parse, so that different ways of feeding the same input can be
// compared as a whole.
struct Trace {
  struct Part {
    PartHeaders headers;
    std::string data;
    bool ended = false;
    bool operator==(const Part&) const = default;
  };
  std::vector<Part> parts;
  bool feed_ok = true;  // every Feed() returned true
  bool finish_ok = false;
  bool done = false;
  std::string error;
  std::string misuse;  // callback-order violations; must stay empty
  bool operator==(const Trace&) const = default;
};

void PrintTo(const Trace::Part& p, std::ostream* os) {
  PrintTo(p.headers, os);
  *os << " data=" << testing::PrintToString(p.data) << (p.ended ? " ended" : " open");
}

void PrintTo(const Trace& t, std::ostream* os) {
  *os << "feed_ok=" << t.feed_ok << " finish_ok=" << t.finish_ok << " done=" << t.done
      << " error=" << testing::PrintToString(t.error) << " misuse=" << t.misuse << " parts=[";
  for (const Trace::Part& p : t.parts) {
    PrintTo(p, os);
    *os << "; ";
  }
  *os << "]";
}

struct ParserOptions {
  std::string boundary{kBoundary};
  size_t max_part_header_bytes = MultipartParser::kDefaultMaxPartHeaderBytes;
  size_t max_parts = MultipartParser::kDefaultMaxParts;
};

Trace ParseChunks(const std::vector<std::string_view>& chunks, const ParserOptions& options = {}) {
  Trace trace;
  bool open = false;
  MultipartParser::Callbacks callbacks;
  callbacks.on_part_begin = [&](const PartHeaders& h) {
    if (open) trace.misuse += "begin-inside-part;";
    open = true;
    trace.parts.push_back({h, "", false});
  };
  callbacks.on_part_data = [&](std::string_view data) {
    if (!open) trace.misuse += "data-outside-part;";
    if (data.empty()) trace.misuse += "empty-data;";
    if (!trace.parts.empty()) trace.parts.back().data.append(data);
  };
  callbacks.on_part_end = [&] {
    if (!open) trace.misuse += "end-outside-part;";
    open = false;
    if (!trace.parts.empty()) trace.parts.back().ended = true;
  };
  MultipartParser parser(options.boundary, callbacks, options.max_part_header_bytes,
                         options.max_parts);
  for (std::string_view chunk : chunks) {
    const bool ok = parser.Feed(chunk);
    if (!ok && trace.feed_ok) {
      trace.feed_ok = false;
      if (parser.error().empty()) trace.misuse += "false-without-error;";
    }
    if (ok && !trace.feed_ok) trace.misuse += "error-not-sticky;";
  }
  trace.finish_ok = parser.Finish();
  if (trace.finish_ok && !trace.feed_ok) trace.misuse += "finish-after-error;";
  if (trace.finish_ok != parser.error().empty()) trace.misuse += "error-inconsistent;";
  trace.done = parser.done();
  trace.error = parser.error();
  return trace;
}

Trace Parse(std::string_view body, const ParserOptions& options = {}) {
  return ParseChunks({body}, options);
}

std::vector<std::string_view> SplitEvery(std::string_view body, size_t size) {
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < body.size(); i += size) chunks.push_back(body.substr(i, size));
  return chunks;
}

std::vector<std::string_view> SplitRandomly(std::string_view body, std::mt19937& rng,
                                            size_t max_chunk) {
  std::uniform_int_distribution<size_t> size_dist(1, max_chunk);
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < body.size();) {
    const size_t n = std::min(size_dist(rng), body.size() - i);
    chunks.push_back(body.substr(i, n));
    i += n;
  }
  return chunks;
}

// A part as a browser would encode it.
std::string Part(std::string_view headers, std::string_view data,
                 std::string_view boundary = kBoundary) {
  return "--"s.append(boundary) + "\r\n" + std::string(headers) + "\r\n" + std::string(data) +
         "\r\n";
}

std::string Close(std::string_view boundary = kBoundary) {
  return "--"s.append(boundary) + "--\r\n";
}

const std::string kJson = R"({"to":"abc","from":"x","interactions":[]})";

std::string SimpleBody() {
  return Part("Content-Disposition: form-data; name=\"json\"\r\nContent-Type: application/json\r\n",
              kJson) +
         Part(
             "Content-Disposition: form-data; name=\"attachments\"; filename=\"a.png\"\r\n"
             "Content-Type: image/png\r\n",
             "\x89PNG\r\n\x1a\n") +
         Close();
}

// File data full of things that resemble a delimiter without being one.
std::string TrickyData() {
  std::string b(kBoundary);
  return "\r\n\r\n--\r\n-\r--" + b + "\r\n" +  // boundary not at a line start
         "\r\n--" + b.substr(0, 10) + "\r\n" + "\r\r\n--" + b.substr(0, b.size() - 1) + "\r\n" +
         "\r\n--" + b.substr(1) + "\n--" + b + "\r\n-" + b + std::string(1, '\0') + "\xff\r\n--" +
         "\r\n--" + b.substr(0, b.size() - 1);  // ends with a partial delimiter
}

std::string TrickyBody() {
  return Part(
             "Content-Disposition: form-data; name=\"attachments\"; filename=\"blob.bin\"\r\n"
             "Content-Type: application/octet-stream\r\n",
             TrickyData()) +
         Part("Content-Disposition: form-data; name=\"json\"\r\n", kJson) + Close();
}

std::string PaddedBody() {
  const std::string b(kBoundary);
  return "This is the preamble.\r\n--" + b + " \t \r\n" +
         "content-disposition: form-data; name=\"json\"\r\n\r\n" + kJson + "\r\n--" + b + "\t\r\n" +
         "CONTENT-DISPOSITION: form-data; name=other\r\nX-Custom: 1\r\n\r\n" + "\r\n--" + b +
         "\r\n" +  // empty part
         "Content-Disposition: form-data; name=\"attachments\"; "
         "filename*=UTF-8''na%C3%AFve.txt\r\n" +
         "\r\n" + "text\r\n" + "\r\n--" + b + "--  \r\nThis is the epilogue.\r\n--" + b + "\r\n";
}

std::vector<std::string> SampleBodies() { return {SimpleBody(), TrickyBody(), PaddedBody()}; }

TEST(ParseMultipartBoundaryTest, TokenAndQuoted) {
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=\"abc123\""), "abc123");
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=\"simple boundary\""),
            "simple boundary");
  EXPECT_EQ(
      ParseMultipartBoundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
      "----WebKitFormBoundary7MA4YWxkTrZu0gW");
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=\"'()+_,-./:=? x\""),
            "'()+_,-./:=? x");
}

TEST(ParseMultipartBoundaryTest, CaseInsensitiveNamesCaseSensitiveValue) {
  EXPECT_EQ(ParseMultipartBoundary("Multipart/Form-Data; BOUNDARY=AbC"), "AbC");
  EXPECT_EQ(ParseMultipartBoundary("MULTIPART/FORM-DATA;Boundary=\"AbC\""), "AbC");
}

TEST(ParseMultipartBoundaryTest, OtherParametersAndWhitespace) {
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; charset=utf-8; boundary=x"), "x");
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=x; charset=utf-8"), "x");
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; a=\"b;boundary=y\"; boundary=x"), "x");
  EXPECT_EQ(ParseMultipartBoundary("  multipart/form-data ;\tboundary = x ; ;"), "x");
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data;boundary=x;"), "x");
}

TEST(ParseMultipartBoundaryTest, Length) {
  const std::string seventy(70, 'a');
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=" + seventy), seventy);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=a"), "a");
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=" + seventy + "a"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=\"\""), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary="), std::nullopt);
}

TEST(ParseMultipartBoundaryTest, Missing) {
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data;"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; charset=utf-8"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundaryx=abc"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary(""), std::nullopt);
}

TEST(ParseMultipartBoundaryTest, OtherMediaTypes) {
  EXPECT_EQ(ParseMultipartBoundary("multipart/mixed; boundary=x"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("application/json"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("text/plain; boundary=x"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-datax; boundary=x"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data boundary=x"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("application/x-www-form-urlencoded"), std::nullopt);
}

TEST(ParseMultipartBoundaryTest, InvalidSyntaxOrCharacters) {
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=\"abc "), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=\"abc \""), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=a*b"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=\"a\rb\""), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=\"a\\\"b\""), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=a b"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=a; boundary=a"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=a; junk"), std::nullopt);
  EXPECT_EQ(ParseMultipartBoundary("multipart/form-data; boundary=a; x=\"unterminated"),
            std::nullopt);
}

TEST(IsValidMultipartBoundaryTest, Rfc2046Characters) {
  EXPECT_TRUE(IsValidMultipartBoundary("a"));
  EXPECT_TRUE(IsValidMultipartBoundary("0aZ'()+_,-./:=?"));
  EXPECT_TRUE(IsValidMultipartBoundary("a b"));
  EXPECT_TRUE(IsValidMultipartBoundary(std::string(70, '-')));
  EXPECT_FALSE(IsValidMultipartBoundary(""));
  EXPECT_FALSE(IsValidMultipartBoundary(std::string(71, '-')));
  EXPECT_FALSE(IsValidMultipartBoundary("a "));
  EXPECT_FALSE(IsValidMultipartBoundary("a\r\nb"));
  EXPECT_FALSE(IsValidMultipartBoundary("a\"b"));
  EXPECT_FALSE(IsValidMultipartBoundary("a\\b"));
  EXPECT_FALSE(IsValidMultipartBoundary("a;b"));
  EXPECT_FALSE(IsValidMultipartBoundary(std::string("a\0b", 3)));
  EXPECT_FALSE(IsValidMultipartBoundary("na\xc3\xafve"));
}

TEST(MultipartParserTest, SimpleForm) {
  const Trace t = Parse(SimpleBody());
  EXPECT_TRUE(t.feed_ok);
  EXPECT_TRUE(t.finish_ok);
  EXPECT_TRUE(t.done);
  EXPECT_EQ(t.error, "");
  EXPECT_EQ(t.misuse, "");
  ASSERT_EQ(t.parts.size(), 2u);
  EXPECT_EQ(t.parts[0].headers, (PartHeaders{"json", std::nullopt, "application/json"}));
  EXPECT_EQ(t.parts[0].data, kJson);
  EXPECT_TRUE(t.parts[0].ended);
  EXPECT_EQ(t.parts[1].headers, (PartHeaders{"attachments", "a.png", "image/png"}));
  EXPECT_EQ(t.parts[1].data, "\x89PNG\r\n\x1a\n");
  EXPECT_TRUE(t.parts[1].ended);
}

TEST(MultipartParserTest, BinaryDataWithDelimiterLookAlikes) {
  const Trace t = Parse(TrickyBody());
  EXPECT_TRUE(t.finish_ok) << t.error;
  EXPECT_EQ(t.misuse, "");
  ASSERT_EQ(t.parts.size(), 2u);
  EXPECT_EQ(t.parts[0].headers,
            (PartHeaders{"attachments", "blob.bin", "application/octet-stream"}));
  EXPECT_EQ(t.parts[0].data, TrickyData());
  EXPECT_EQ(t.parts[1].headers.name, "json");
  EXPECT_EQ(t.parts[1].data, kJson);
}

TEST(MultipartParserTest, BoundaryIsCaseSensitive) {
  const std::string upper = "\r\n--" + std::string("----WEBKITFORMBOUNDARY7MA4YWXKTRZU0GW");
  const Trace t =
      Parse(Part("Content-Disposition: form-data; name=a\r\n", "x" + upper + "\r\ny") + Close());
  EXPECT_TRUE(t.finish_ok) << t.error;
  ASSERT_EQ(t.parts.size(), 1u);
  EXPECT_EQ(t.parts[0].data, "x" + upper + "\r\ny");
}

TEST(MultipartParserTest, PreambleEpiloguePaddingAndEmptyPart) {
  const Trace t = Parse(PaddedBody());
  EXPECT_TRUE(t.finish_ok) << t.error;
  EXPECT_EQ(t.misuse, "");
  ASSERT_EQ(t.parts.size(), 3u);
  EXPECT_EQ(t.parts[0].headers, (PartHeaders{"json", std::nullopt, ""}));
  EXPECT_EQ(t.parts[0].data, kJson);
  EXPECT_EQ(t.parts[1].headers, (PartHeaders{"other", std::nullopt, ""}));
  EXPECT_EQ(t.parts[1].data, "");
  EXPECT_TRUE(t.parts[1].ended);
  EXPECT_EQ(t.parts[2].headers, (PartHeaders{"attachments", "na\xc3\xafve.txt", ""}));
  EXPECT_EQ(t.parts[2].data, "text\r\n");
}

TEST(MultipartParserTest, BodyStartingWithCrlfBeforeFirstDelimiter) {
  const Trace t = Parse("\r\n" + Part("Content-Disposition: form-data; name=a\r\n", "x") + Close());
  EXPECT_TRUE(t.finish_ok) << t.error;
  ASSERT_EQ(t.parts.size(), 1u);
  EXPECT_EQ(t.parts[0].data, "x");
}

TEST(MultipartParserTest, DelimiterInsidePreambleLineIsNotADelimiter) {
  const std::string body = "junk--" + std::string(kBoundary) + "\r\n" +
                           Part("Content-Disposition: form-data; name=a\r\n", "x") + Close();
  const Trace t = Parse(body);
  EXPECT_TRUE(t.finish_ok) << t.error;
  ASSERT_EQ(t.parts.size(), 1u);
  EXPECT_EQ(t.parts[0].headers.name, "a");
}

TEST(MultipartParserTest, NoPartsAtAll) {
  const Trace t = Parse(Close());
  EXPECT_TRUE(t.finish_ok) << t.error;
  EXPECT_TRUE(t.parts.empty());
}

TEST(MultipartParserTest, CloseDelimiterWithoutTrailingCrlf) {
  std::string body = SimpleBody();
  body.resize(body.size() - 2);
  const Trace t = Parse(body);
  EXPECT_TRUE(t.finish_ok) << t.error;
  EXPECT_EQ(t.parts.size(), 2u);
}

TEST(MultipartParserTest, EpilogueIsIgnoredEvenIfItLooksLikeParts) {
  const Trace t = Parse(SimpleBody() + SimpleBody() + "garbage\n\r\n--");
  EXPECT_TRUE(t.finish_ok) << t.error;
  EXPECT_EQ(t.parts.size(), 2u);
}

TEST(MultipartParserTest, HeaderNamesCaseInsensitiveAndUnknownHeadersIgnored) {
  const Trace t = Parse(Part("cOnTeNt-DiSpOsItIoN:form-data;NAME=\"json\"\r\n"
                             "CONTENT-TYPE:   application/json; charset=utf-8  \r\n"
                             "Content-Transfer-Encoding: binary\r\n"
                             "X-Empty:\r\n",
                             "{}") +
                        Close());
  EXPECT_TRUE(t.finish_ok) << t.error;
  ASSERT_EQ(t.parts.size(), 1u);
  EXPECT_EQ(t.parts[0].headers,
            (PartHeaders{"json", std::nullopt, "application/json; charset=utf-8"}));
}

TEST(MultipartParserTest, DispositionTypeIsCaseInsensitive) {
  const Trace t = Parse(Part("Content-Disposition: Form-Data; name=a\r\n", "x") + Close());
  EXPECT_TRUE(t.finish_ok) << t.error;
}

TEST(MultipartParserTest, FilenameForms) {
  struct Case {
    std::string disposition;
    std::optional<std::string> filename;
  };
  const std::vector<Case> cases = {
      {"form-data; name=f; filename=\"a b.txt\"", "a b.txt"},
      {"form-data; name=f; filename=a.txt", "a.txt"},
      {"form-data; name=f; filename=\"\"", ""},
      {"form-data; name=f; filename=\"say \\\"hi\\\".txt\"", "say \"hi\".txt"},
      {"form-data; name=f; filename=\"C:\\dir\\a.txt\"", "C:\\dir\\a.txt"},
      {"form-data; name=f; filename=\"back\\\\slash\"", "back\\slash"},
      {"form-data; name=f; filename=\"na\xc3\xafve.txt\"", "na\xc3\xafve.txt"},
      {"form-data; name=f; filename*=UTF-8''na%C3%AFve%20file.txt", "na\xc3\xafve file.txt"},
      {"form-data; name=f; filename*=utf-8'en'%e2%82%ac.txt", "\xe2\x82\xac.txt"},
      {"form-data; name=f; filename*=ISO-8859-1''caf%E9.txt", "caf\xc3\xa9.txt"},
      {"form-data; name=f; filename=\"fallback.txt\"; filename*=UTF-8''real.txt", "real.txt"},
      {"form-data; name=f; filename*=UTF-8''real.txt; filename=\"fallback.txt\"", "real.txt"},
      {"form-data; name=f; filename=\"fallback.txt\"; filename*=UTF-8''bad%zz", "fallback.txt"},
      {"form-data; name=f; filename=\"fallback.txt\"; filename*=KOI8-R''x", "fallback.txt"},
      {"form-data; name=f; filename*=UTF-8'no-second-quote", std::nullopt},
      {"form-data; name=f; filename*=UTF-8''trunc%4", std::nullopt},
      {"form-data; name=f", std::nullopt},
  };
  for (const Case& c : cases) {
    const Trace t = Parse(Part("Content-Disposition: " + c.disposition + "\r\n", "x") + Close());
    EXPECT_TRUE(t.finish_ok) << c.disposition << ": " << t.error;
    ASSERT_EQ(t.parts.size(), 1u) << c.disposition;
    EXPECT_EQ(t.parts[0].headers.name, "f") << c.disposition;
    EXPECT_EQ(t.parts[0].headers.filename, c.filename) << c.disposition;
  }
}

TEST(MultipartParserTest, EmptyNameIsAName) {
  const Trace t = Parse(Part("Content-Disposition: form-data; name=\"\"\r\n", "x") + Close());
  EXPECT_TRUE(t.finish_ok) << t.error;
  ASSERT_EQ(t.parts.size(), 1u);
  EXPECT_EQ(t.parts[0].headers.name, "");
}

TEST(MultipartParserTest, HeaderFoldingIsUnfolded) {
  const Trace t = Parse(Part("Content-Disposition: form-data;\r\n name=\"attachments\";\r\n"
                             "\tfilename=\"a.txt\"\r\n"
                             "Content-Type: text/plain;\r\n charset=utf-8\r\n"
                             "X-Other: a\r\n b\r\n",
                             "x") +
                        Close());
  EXPECT_TRUE(t.finish_ok) << t.error;
  ASSERT_EQ(t.parts.size(), 1u);
  EXPECT_EQ(t.parts[0].headers, (PartHeaders{"attachments", "a.txt", "text/plain; charset=utf-8"}));
}

// Bodies that must be rejected, with a word the error message must contain.
struct BadBody {
  std::string label;
  std::string body;
  std::string error_contains;
};

std::vector<BadBody> BadBodies() {
  const std::string b(kBoundary);
  const std::string ok_headers = "Content-Disposition: form-data; name=a\r\n";
  return {
      {"no Content-Disposition", Part("Content-Type: text/plain\r\n", "x") + Close(),
       "no Content-Disposition"},
      {"no headers at all", Part("", "x") + Close(), "no Content-Disposition"},
      {"missing name", Part("Content-Disposition: form-data; filename=\"a\"\r\n", "x") + Close(),
       "without a name"},
      {"not form-data", Part("Content-Disposition: attachment; name=a\r\n", "x") + Close(),
       "not form-data"},
      {"duplicate name param",
       Part("Content-Disposition: form-data; name=a; name=b\r\n", "x") + Close(), "malformed"},
      {"unterminated quote", Part("Content-Disposition: form-data; name=\"a\r\n", "x") + Close(),
       "malformed"},
      {"unquoted space", Part("Content-Disposition: form-data; name=a b\r\n", "x") + Close(),
       "malformed"},
      {"two Content-Disposition", Part(ok_headers + ok_headers, "x") + Close(), "more than one"},
      {"two Content-Type",
       Part(ok_headers + "Content-Type: a/b\r\nContent-Type: c/d\r\n", "x") + Close(),
       "more than one"},
      {"header without colon", Part(ok_headers + "Bogus\r\n", "x") + Close(), "without ':'"},
      {"space before colon", Part("Content-Disposition : form-data; name=a\r\n", "x") + Close(),
       "invalid header name"},
      {"control char in header", Part(ok_headers + "X-A: a\x01z\r\n", "x") + Close(),
       "control character"},
      {"bare CR in header", Part(ok_headers + "X-A: a\rz\r\n", "x") + Close(), "control character"},
      {"fold with nothing to continue", Part(" folded\r\n" + ok_headers, "x") + Close(),
       "starts with whitespace"},
      {"bare LF in headers",
       "--" + b + "\r\nContent-Disposition: form-data; name=a\n\r\nx\r\n" + Close(), "bare LF"},
      {"LF-only body", "--" + b + "\nContent-Disposition: form-data; name=a\n\nx\n--" + b + "--\n",
       "followed by other characters"},
      {"garbage after boundary", "--" + b + "X\r\n" + ok_headers + "\r\nx\r\n" + Close(),
       "followed by other characters"},
      {"garbage after padding", "--" + b + "  X\r\n" + ok_headers + "\r\nx\r\n" + Close(),
       "after its padding"},
      {"CR without LF after boundary", "--" + b + "\rX" + ok_headers + "\r\nx\r\n" + Close(),
       "not terminated by CRLF"},
      {"single dash after boundary", Part(ok_headers, "x") + "--" + b + "-\r\n", "single '-'"},
      {"longer boundary in data", Part(ok_headers, "x\r\n--" + b + "more\r\n") + Close(),
       "followed by other characters"},
  };
}

TEST(MultipartParserTest, MalformedBodiesAreRejected) {
  for (const BadBody& bad : BadBodies()) {
    SCOPED_TRACE(bad.label);
    const Trace whole = Parse(bad.body);
    EXPECT_FALSE(whole.feed_ok);
    EXPECT_FALSE(whole.finish_ok);
    EXPECT_FALSE(whole.done);
    EXPECT_NE(whole.error.find(bad.error_contains), std::string::npos) << whole.error;
    EXPECT_EQ(whole.misuse, "");
    // The same verdict however the input is split.
    EXPECT_EQ(ParseChunks(SplitEvery(bad.body, 1)), whole);
    EXPECT_EQ(ParseChunks(SplitEvery(bad.body, 5)), whole);
  }
}

TEST(MultipartParserTest, ErrorIsStickyAndSilencesCallbacks) {
  const std::string body = Part("Content-Type: text/plain\r\n", "x") + SimpleBody();
  int callbacks = 0;
  MultipartParser parser(std::string(kBoundary),
                         {.on_part_begin = [&](const PartHeaders&) { ++callbacks; },
                          .on_part_data = [&](std::string_view) { ++callbacks; },
                          .on_part_end = [&] { ++callbacks; }});
  EXPECT_FALSE(parser.Feed(body));
  const std::string error = parser.error();
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(parser.Feed(SimpleBody()));
  EXPECT_FALSE(parser.Finish());
  EXPECT_EQ(parser.error(), error);
  EXPECT_EQ(callbacks, 0);
}

TEST(MultipartParserTest, WrongBoundary) {
  const Trace t = Parse(SimpleBody(), {.boundary = "another-boundary"});
  EXPECT_TRUE(t.feed_ok);  // indistinguishable from a long preamble until the end
  EXPECT_FALSE(t.finish_ok);
  EXPECT_FALSE(t.done);
  EXPECT_TRUE(t.parts.empty());
  EXPECT_NE(t.error.find("no boundary delimiter"), std::string::npos) << t.error;

  // A boundary that is a prefix of the real one finds "delimiters" followed by garbage.
  const Trace prefix = Parse(SimpleBody(), {.boundary = "----WebKitFormBoundary"});
  EXPECT_FALSE(prefix.finish_ok);
  EXPECT_TRUE(prefix.parts.empty());
}

TEST(MultipartParserTest, InvalidBoundaryFailsAtOnce) {
  for (const std::string& boundary : {""s, "a\r\nb"s, std::string(71, 'x')}) {
    MultipartParser parser(boundary, {});
    EXPECT_FALSE(parser.error().empty());
    EXPECT_FALSE(parser.Feed("--\r\n"));
    EXPECT_FALSE(parser.Finish());
  }
}

TEST(MultipartParserTest, EmptyInput) {
  const Trace t = ParseChunks({});
  EXPECT_FALSE(t.finish_ok);
  EXPECT_FALSE(t.error.empty());
  const Trace empty_chunks = ParseChunks({"", "", ""});
  EXPECT_EQ(empty_chunks, t);
}

TEST(MultipartParserTest, CallbacksMayBeEmpty) {
  MultipartParser parser(std::string(kBoundary), {});
  EXPECT_TRUE(parser.Feed(SimpleBody()));
  EXPECT_TRUE(parser.Finish());
  EXPECT_TRUE(parser.done());
}

TEST(MultipartParserTest, AbortFromCallbackStopsParsing) {
  int begins = 0;
  int data_calls = 0;
  MultipartParser* self = nullptr;
  MultipartParser parser(std::string(kBoundary),
                         {.on_part_begin =
                              [&](const PartHeaders& h) {
                                ++begins;
                                if (h.name == "attachments") self->Abort("no attachments here");
                              },
                          .on_part_data = [&](std::string_view) { ++data_calls; },
                          .on_part_end = {}});
  self = &parser;
  EXPECT_FALSE(parser.Feed(SimpleBody()));
  EXPECT_EQ(parser.error(), "no attachments here");
  EXPECT_EQ(begins, 2);
  EXPECT_EQ(data_calls, 1);  // the json part only
  EXPECT_FALSE(parser.Finish());
  EXPECT_FALSE(parser.done());
  parser.Abort("second reason");
  EXPECT_EQ(parser.error(), "no attachments here");
}

TEST(MultipartParserTest, AbortFromDataCallbackMidChunk) {
  MultipartParser* self = nullptr;
  std::string seen;
  MultipartParser parser(std::string(kBoundary), {.on_part_begin = {},
                                                  .on_part_data =
                                                      [&](std::string_view d) {
                                                        seen.append(d);
                                                        if (d == "\r\n--") self->Abort("stop");
                                                      },
                                                  .on_part_end = [&] { seen += "<end>"; }});
  self = &parser;
  // Held-back delimiter bytes and new bytes are emitted in two calls; the abort after the first
  // must suppress the second.
  const std::string head =
      "--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; name=a\r\n\r\nxy\r\n--";
  EXPECT_TRUE(parser.Feed(head));
  EXPECT_FALSE(parser.Feed("zz"));
  EXPECT_EQ(seen, "xy\r\n--");
  EXPECT_EQ(parser.error(), "stop");
}

TEST(MultipartParserTest, HeaderSizeLimit) {
  const std::string headers = "Content-Disposition: form-data; name=a\r\n";
  const std::string body = Part(headers, "x") + Close();
  const size_t block = headers.size() + 2;  // header lines plus the empty line
  const Trace at_limit = Parse(body, {.max_part_header_bytes = block});
  EXPECT_TRUE(at_limit.finish_ok) << at_limit.error;
  const Trace over = Parse(body, {.max_part_header_bytes = block - 1});
  EXPECT_FALSE(over.feed_ok);
  EXPECT_NE(over.error.find("exceed"), std::string::npos) << over.error;
  EXPECT_EQ(ParseChunks(SplitEvery(body, 1), {.max_part_header_bytes = block - 1}), over);

  // An endless header line is cut off at the limit rather than buffered.
  const Trace endless =
      ParseChunks({"--" + std::string(kBoundary) + "\r\nX-A: ", std::string(20000, 'a')});
  EXPECT_FALSE(endless.feed_ok);
  EXPECT_NE(endless.error.find("exceed 16384 bytes"), std::string::npos) << endless.error;
}

TEST(MultipartParserTest, MaxParts) {
  std::string body;
  for (int i = 0; i < 3; ++i) body += Part("Content-Disposition: form-data; name=p\r\n", "x");
  body += Close();
  EXPECT_TRUE(Parse(body, {.max_parts = 3}).finish_ok);
  const Trace over = Parse(body, {.max_parts = 2});
  EXPECT_FALSE(over.finish_ok);
  EXPECT_EQ(over.parts.size(), 2u);
  EXPECT_NE(over.error.find("more than 2 parts"), std::string::npos) << over.error;
}

TEST(MultipartParserTest, FeedAfterDoneIgnoresInput) {
  MultipartParser parser(std::string(kBoundary), {});
  EXPECT_TRUE(parser.Feed(SimpleBody()));
  EXPECT_TRUE(parser.done());
  EXPECT_TRUE(parser.Feed("\x01\x02 anything \r\n--"));
  EXPECT_TRUE(parser.Finish());
}

// Bounded buffering: while a part streams, the parser holds back at most one delimiter's length.
TEST(MultipartParserTest, LargePartIsStreamedNotBuffered) {
  const std::string delimiter = "\r\n--" + std::string(kBoundary);
  uint64_t received = 0;
  MultipartParser parser(std::string(kBoundary),
                         {.on_part_begin = {},
                          .on_part_data = [&](std::string_view d) { received += d.size(); },
                          .on_part_end = {}});
  ASSERT_TRUE(parser.Feed("--" + std::string(kBoundary) +
                          "\r\nContent-Disposition: form-data; name=f\r\n\r\n"));
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string chunk(65536, '\0');
  uint64_t fed = 0;
  for (int i = 0; i < 64; ++i) {
    for (char& c : chunk) c = static_cast<char>(byte(rng));
    chunk[chunk.size() - 3] = '\r';  // end some chunks in a partial delimiter
    chunk[chunk.size() - 2] = (i % 2) ? '\n' : 'x';
    chunk[chunk.size() - 1] = '-';
    ASSERT_TRUE(parser.Feed(chunk));
    fed += chunk.size();
    ASSERT_GE(received + delimiter.size(), fed);
  }
  ASSERT_TRUE(parser.Feed(delimiter + "--"));
  EXPECT_TRUE(parser.Finish()) << parser.error();
  EXPECT_EQ(received, fed);
}

TEST(MultipartParserTest, TruncatedAtEveryLength) {
  for (const std::string& body : SampleBodies()) {
    const Trace full = Parse(body);
    ASSERT_TRUE(full.finish_ok) << full.error;
    // Everything up to the end of the close delimiter is required; what follows is epilogue.
    const std::string close = "--" + std::string(kBoundary) + "--";
    const size_t required = body.find(close) + close.size();
    for (size_t len = 0; len <= body.size(); ++len) {
      SCOPED_TRACE("length " + std::to_string(len));
      const std::string_view prefix = std::string_view(body).substr(0, len);
      const Trace t = Parse(prefix);
      EXPECT_EQ(t.misuse, "");
      if (len < required) {
        EXPECT_FALSE(t.finish_ok);
        EXPECT_FALSE(t.done);
        EXPECT_FALSE(t.error.empty());
      } else {
        EXPECT_TRUE(t.finish_ok) << t.error;
        EXPECT_EQ(t.parts, full.parts);
      }
      // What was reported is consistent with the full parse: whole parts equal, the open one a
      // prefix of the real data.
      ASSERT_LE(t.parts.size(), full.parts.size());
      for (size_t i = 0; i < t.parts.size(); ++i) {
        EXPECT_EQ(t.parts[i].headers, full.parts[i].headers);
        if (t.parts[i].ended) {
          EXPECT_EQ(t.parts[i].data, full.parts[i].data);
        } else {
          EXPECT_EQ(full.parts[i].data.substr(0, t.parts[i].data.size()), t.parts[i].data);
        }
      }
      EXPECT_EQ(ParseChunks(SplitEvery(prefix, 1)), t);
    }
  }
}

TEST(MultipartParserTest, EverySplitPointGivesTheSameResult) {
  std::vector<std::string> bodies = SampleBodies();
  for (const BadBody& bad : BadBodies()) bodies.push_back(bad.body);
  for (const std::string& body : bodies) {
    const Trace whole = Parse(body);
    for (size_t split = 0; split <= body.size(); ++split) {
      const std::string_view view(body);
      ASSERT_EQ(ParseChunks({view.substr(0, split), view.substr(split)}), whole)
          << "split at " << split << " of " << testing::PrintToString(body);
    }
  }
}

TEST(MultipartParserTest, RandomChunkSizesGiveTheSameResult) {
  for (const std::string& body : SampleBodies()) {
    const Trace whole = Parse(body);
    EXPECT_EQ(ParseChunks(SplitEvery(body, 1)), whole);
    for (uint32_t seed = 1; seed <= 50; ++seed) {
      std::mt19937 rng(seed);
      for (size_t max_chunk : {3, 17, 80}) {
        ASSERT_EQ(ParseChunks(SplitRandomly(body, rng, max_chunk)), whole)
            << "seed " << seed << " max_chunk " << max_chunk;
      }
    }
  }
}

// Round trip: random forms whose data is dense in CR, LF, '-' and boundary characters, encoded
// as a client would, must decode to exactly what was encoded, however they are split.
TEST(MultipartParserTest, RandomFormsRoundTrip) {
  std::mt19937 rng(20240501);
  const std::string boundary = "b0-";  // short, so look-alikes are frequent
  const std::string alphabet = "\r\n-b0x";
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  int checked = 0;
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const size_t part_count = std::uniform_int_distribution<size_t>(0, 4)(rng);
    std::vector<Trace::Part> expected;
    std::string body = (iteration % 3 == 0) ? "preamble\r\n-- b0\r\n" : "";
    bool contains_delimiter = false;
    for (size_t p = 0; p < part_count; ++p) {
      std::string data(std::uniform_int_distribution<size_t>(0, 40)(rng), '\0');
      for (char& c : data) c = alphabet[pick(rng)];
      if ((data + "\r\n").find("\r\n--" + boundary) != std::string::npos) {
        contains_delimiter = true;
      }
      Trace::Part part;
      part.headers.name = "p" + std::to_string(p);
      if (p % 2 == 1) part.headers.filename = "f" + std::to_string(p) + ".bin";
      if (p % 3 == 2) part.headers.content_type = "application/octet-stream";
      part.data = data;
      part.ended = true;
      std::string headers = "Content-Disposition: form-data; name=\"" + part.headers.name + "\"";
      if (part.headers.filename) headers += "; filename=\"" + *part.headers.filename + "\"";
      headers += "\r\n";
      if (!part.headers.content_type.empty()) {
        headers += "Content-Type: " + part.headers.content_type + "\r\n";
      }
      body += Part(headers, data, boundary);
      expected.push_back(std::move(part));
    }
    body += Close(boundary);
    if (contains_delimiter) continue;  // not a valid encoding of this form
    ++checked;
    const ParserOptions options{.boundary = boundary};
    const Trace whole = Parse(body, options);
    ASSERT_TRUE(whole.finish_ok) << whole.error << " in " << testing::PrintToString(body);
    ASSERT_EQ(whole.parts, expected) << testing::PrintToString(body);
    ASSERT_EQ(ParseChunks(SplitEvery(body, 1), options), whole);
    ASSERT_EQ(ParseChunks(SplitRandomly(body, rng, 9), options), whole);
  }
  EXPECT_GT(checked, 1000);
}

// Random mutations of valid bodies: the parser must neither crash nor hang (run under ASan), must
// keep its callback protocol and must reach the same verdict however the input is split.
TEST(MultipartParserTest, MutatedBodiesNeverCrashAndDoNotDependOnSplitting) {
  std::mt19937 rng(12345);
  const std::string boundary = "b0-";
  const std::vector<std::string> seeds = {
      Part("Content-Disposition: form-data; name=\"json\"\r\nContent-Type: application/json\r\n",
           "{\"a\":1}", boundary) +
          Part("Content-Disposition: form-data; name=\"attachments\"; filename=\"x.bin\"\r\n",
               "\r\n--b0\r\r\n-", boundary) +
          Close(boundary),
      "pre\r\n--b0-  \r\ncontent-disposition: form-data; name=a;\r\n filename*=UTF-8''%41\r\n\r\n"
      "\r\n--b0-\r\nContent-Disposition: form-data; name=\"q\\\"\"\r\n\r\nzz\r\n--b0---\r\nepi",
  };
  const std::vector<std::string> tokens = {"\r\n",      "\r",          "\n", "--", "-",
                                           "\r\n--b0-", "\r\n--b0---", "\"", ";",  ":",
                                           " ",         "\\",          "%",  "'"};
  for (const std::string& seed : seeds) {
    ASSERT_TRUE(Parse(seed, {.boundary = boundary, .max_part_header_bytes = 128, .max_parts = 4})
                    .finish_ok);
  }
  int accepted = 0;
  for (int iteration = 0; iteration < 6000; ++iteration) {
    std::string body = seeds[iteration % seeds.size()];
    const int mutations = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int m = 0; m < mutations; ++m) {
      const size_t at = std::uniform_int_distribution<size_t>(0, body.size())(rng);
      switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
        case 0:  // replace a byte
          if (at < body.size()) {
            body[at] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
          }
          break;
        case 1:  // delete a short run
          body.erase(at, std::uniform_int_distribution<size_t>(1, 4)(rng));
          break;
        case 2:  // insert a random byte
          body.insert(at, 1, static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng)));
          break;
        case 3:  // insert a syntax token
          body.insert(at, tokens[std::uniform_int_distribution<size_t>(0, tokens.size() - 1)(rng)]);
          break;
        default: {  // duplicate a slice
          const size_t from = std::uniform_int_distribution<size_t>(0, body.size())(rng);
          body.insert(at, body.substr(from, std::uniform_int_distribution<size_t>(1, 30)(rng)));
          break;
        }
      }
    }
    const ParserOptions options{.boundary = boundary, .max_part_header_bytes = 128, .max_parts = 4};
    const Trace whole = Parse(body, options);
    ASSERT_EQ(whole.misuse, "") << testing::PrintToString(body);
    ASSERT_EQ(ParseChunks(SplitRandomly(body, rng, 7), options), whole)
        << testing::PrintToString(body);
    if (iteration % 10 == 0) {
      ASSERT_EQ(ParseChunks(SplitEvery(body, 1), options), whole) << testing::PrintToString(body);
    }
    // The collector must survive the same input.
    MultipartFormCollector::Limits limits;
    limits.max_json_bytes = 8;
    limits.max_file_bytes = 4;
    limits.max_files = 2;
    MultipartFormCollector collector(boundary, limits);
    for (std::string_view chunk : SplitRandomly(body, rng, 5)) collector.Feed(chunk);
    const bool collected = collector.Finish();
    if (whole.finish_ok) ++accepted;
    if (collected) {
      ASSERT_TRUE(whole.finish_ok) << testing::PrintToString(body);
    }
  }
  // The mutations must not all be trivially fatal (or all harmless) for the test to mean anything.
  EXPECT_GT(accepted, 300);
  EXPECT_LT(accepted, 5700);
}

// ----- MultipartFormCollector -----

MultipartFormCollector::Limits SmallLimits() {
  MultipartFormCollector::Limits limits;
  limits.max_json_bytes = 64;
  limits.max_file_bytes = 10;
  limits.max_files = 2;
  return limits;
}

bool Collect(MultipartFormCollector& collector, std::string_view body, size_t chunk = 3) {
  bool ok = true;
  for (std::string_view piece : SplitEvery(body, chunk)) ok = collector.Feed(piece) && ok;
  return collector.Finish() && ok;
}

std::string JsonPart(std::string_view json = kJson) {
  return Part("Content-Disposition: form-data; name=\"json\"\r\nContent-Type: application/json\r\n",
              json);
}

std::string FilePartText(std::string_view filename, std::string_view data,
                         std::string_view name = "attachments") {
  return Part("Content-Disposition: form-data; name=\"" + std::string(name) + "\"; filename=\"" +
                  std::string(filename) + "\"\r\nContent-Type: text/plain\r\n",
              data);
}

TEST(MultipartFormCollectorTest, SimpleForm) {
  MultipartFormCollector collector(std::string(kBoundary), {});
  ASSERT_TRUE(Collect(collector, SimpleBody())) << collector.error();
  EXPECT_EQ(collector.error(), "");
  const MultipartForm& form = collector.form();
  EXPECT_EQ(form.json, kJson);
  ASSERT_EQ(form.files.size(), 1u);
  EXPECT_EQ(form.files[0].field_name, "attachments");
  EXPECT_EQ(form.files[0].filename, "a.png");
  EXPECT_EQ(form.files[0].content_type, "image/png");
  EXPECT_EQ(form.files[0].data, "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(form.files[0].size, 8u);
  EXPECT_FALSE(form.files[0].over_limit);
}

TEST(MultipartFormCollectorTest, JsonAfterFilesAndOtherPartsIgnored) {
  const std::string body = FilePartText("1.txt", "one") +
                           FilePartText("x.txt", "ignored", "something-else") +
                           FilePartText("2.txt", "two") + JsonPart() + Close();
  MultipartFormCollector collector(std::string(kBoundary), SmallLimits());
  ASSERT_TRUE(Collect(collector, body)) << collector.error();
  const MultipartForm& form = collector.form();
  EXPECT_EQ(form.json, kJson);
  ASSERT_EQ(form.files.size(), 2u);
  EXPECT_EQ(form.files[0].filename, "1.txt");
  EXPECT_EQ(form.files[0].data, "one");
  EXPECT_EQ(form.files[1].filename, "2.txt");
  EXPECT_EQ(form.files[1].data, "two");
}

TEST(MultipartFormCollectorTest, BinaryFileSurvivesIntact) {
  MultipartFormCollector collector(std::string(kBoundary), {});
  ASSERT_TRUE(Collect(collector, TrickyBody(), 1)) << collector.error();
  ASSERT_EQ(collector.form().files.size(), 1u);
  EXPECT_EQ(collector.form().files[0].data, TrickyData());
  EXPECT_EQ(collector.form().files[0].size, TrickyData().size());
  EXPECT_EQ(collector.form().json, kJson);
}

TEST(MultipartFormCollectorTest, NoJsonNoFiles) {
  MultipartFormCollector collector(std::string(kBoundary), {});
  ASSERT_TRUE(Collect(collector, Close())) << collector.error();
  EXPECT_FALSE(collector.form().json.has_value());
  EXPECT_TRUE(collector.form().files.empty());
}

TEST(MultipartFormCollectorTest, EmptyJsonPartIsPresent) {
  MultipartFormCollector collector(std::string(kBoundary), {});
  ASSERT_TRUE(Collect(collector, JsonPart("") + Close())) << collector.error();
  EXPECT_EQ(collector.form().json, "");
}

TEST(MultipartFormCollectorTest, FileWithoutFilename) {
  MultipartFormCollector collector(std::string(kBoundary), {});
  ASSERT_TRUE(Collect(collector,
                      Part("Content-Disposition: form-data; name=attachments\r\n", "d") + Close()))
      << collector.error();
  ASSERT_EQ(collector.form().files.size(), 1u);
  EXPECT_EQ(collector.form().files[0].filename, "");
  EXPECT_EQ(collector.form().files[0].content_type, "");
  EXPECT_EQ(collector.form().files[0].data, "d");
}

TEST(MultipartFormCollectorTest, FileOverLimitIsCountedNotKept) {
  const std::string at_limit(10, 'a');
  const std::string over(25, 'b');
  const std::string body =
      FilePartText("ok.txt", at_limit) + FilePartText("big.txt", over) + JsonPart() + Close();
  for (size_t chunk : {1, 4, 1000}) {
    MultipartFormCollector collector(std::string(kBoundary), SmallLimits());
    ASSERT_TRUE(Collect(collector, body, chunk)) << collector.error();
    const MultipartForm& form = collector.form();
    ASSERT_EQ(form.files.size(), 2u);
    EXPECT_EQ(form.files[0].data, at_limit);
    EXPECT_EQ(form.files[0].size, 10u);
    EXPECT_FALSE(form.files[0].over_limit);
    EXPECT_EQ(form.files[1].filename, "big.txt");
    EXPECT_EQ(form.files[1].data, "");
    EXPECT_EQ(form.files[1].data.capacity(), std::string().capacity());
    EXPECT_EQ(form.files[1].size, 25u);
    EXPECT_TRUE(form.files[1].over_limit);
    EXPECT_EQ(form.json, kJson);  // parsing went on after the big file
  }
}

TEST(MultipartFormCollectorTest, OneByteOverLimit) {
  MultipartFormCollector collector(std::string(kBoundary), SmallLimits());
  ASSERT_TRUE(Collect(collector, FilePartText("a", std::string(11, 'x')) + Close()));
  ASSERT_EQ(collector.form().files.size(), 1u);
  EXPECT_TRUE(collector.form().files[0].over_limit);
  EXPECT_EQ(collector.form().files[0].size, 11u);
}

TEST(MultipartFormCollectorTest, TooManyFiles) {
  const std::string body =
      FilePartText("1", "a") + FilePartText("2", "b") + FilePartText("3", "c") + Close();
  MultipartFormCollector collector(std::string(kBoundary), SmallLimits());
  EXPECT_FALSE(Collect(collector, body));
  EXPECT_NE(collector.error().find("more than 2 \"attachments\" parts"), std::string::npos)
      << collector.error();

  // Ignored parts do not count against max_files (only against max_parts).
  MultipartFormCollector lenient(std::string(kBoundary), SmallLimits());
  EXPECT_TRUE(Collect(lenient, FilePartText("1", "a", "x") + FilePartText("2", "b", "y") +
                                   FilePartText("3", "c") + FilePartText("4", "d") + Close()))
      << lenient.error();
}

TEST(MultipartFormCollectorTest, DuplicateJson) {
  MultipartFormCollector collector(std::string(kBoundary), {});
  EXPECT_FALSE(Collect(collector, JsonPart() + FilePartText("a", "b") + JsonPart() + Close()));
  EXPECT_NE(collector.error().find("more than one \"json\" part"), std::string::npos)
      << collector.error();
}

TEST(MultipartFormCollectorTest, JsonSizeLimit) {
  MultipartFormCollector::Limits limits = SmallLimits();
  limits.max_json_bytes = kJson.size();
  MultipartFormCollector at_limit(std::string(kBoundary), limits);
  EXPECT_TRUE(Collect(at_limit, JsonPart() + Close(), 1)) << at_limit.error();
  EXPECT_EQ(at_limit.form().json, kJson);

  limits.max_json_bytes = kJson.size() - 1;
  MultipartFormCollector over(std::string(kBoundary), limits);
  EXPECT_FALSE(Collect(over, JsonPart() + Close(), 1));
  EXPECT_NE(over.error().find("exceeds"), std::string::npos) << over.error();
}

TEST(MultipartFormCollectorTest, CustomPartNames) {
  MultipartFormCollector::Limits limits;
  limits.json_part_name = "postAttachmentRequestJson";
  const std::string body =
      Part("Content-Disposition: form-data; name=postAttachmentRequestJson\r\n", "{}") +
      FilePartText("a", "b") + JsonPart() + Close();
  MultipartFormCollector collector(std::string(kBoundary), limits);
  ASSERT_TRUE(Collect(collector, body)) << collector.error();
  EXPECT_EQ(collector.form().json, "{}");  // the part named "json" is ignored here
  EXPECT_EQ(collector.form().files.size(), 1u);
}

TEST(MultipartFormCollectorTest, ParserLimitsApply) {
  MultipartFormCollector::Limits limits;
  limits.max_parts = 1;
  MultipartFormCollector collector(std::string(kBoundary), limits);
  EXPECT_FALSE(Collect(collector, SimpleBody()));
  EXPECT_NE(collector.error().find("more than 1 parts"), std::string::npos) << collector.error();

  limits.max_parts = 64;
  limits.max_part_header_bytes = 10;
  MultipartFormCollector small_headers(std::string(kBoundary), limits);
  EXPECT_FALSE(Collect(small_headers, SimpleBody()));
}

TEST(MultipartFormCollectorTest, MalformedAndTruncated) {
  MultipartFormCollector truncated(std::string(kBoundary), {});
  const std::string body = SimpleBody();
  EXPECT_FALSE(Collect(truncated, std::string_view(body).substr(0, body.size() - 10)));
  EXPECT_FALSE(truncated.error().empty());

  MultipartFormCollector wrong(std::string("nope"), {});
  EXPECT_FALSE(Collect(wrong, body));
  EXPECT_FALSE(wrong.error().empty());

  MultipartFormCollector invalid(std::string(""), {});
  EXPECT_FALSE(Collect(invalid, body));
}

}  // namespace
}  // namespace interactiond::http
