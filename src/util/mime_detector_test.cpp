#include "util/mime_detector.h"

#include <atomic>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "domain/interaction_request.h"

namespace interactiond::util {
namespace {

std::string Bytes(std::string_view bytes) { return std::string(bytes); }

// Signature plus a 1×1 IHDR chunk (libmagic wants the IHDR to call it PNG).
const std::string kPng = Bytes(std::string_view(
    "\x89PNG\r\n\x1a\n"
    "\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde",
    33));
const std::string kGif = Bytes(std::string_view("GIF89a\x01\x00\x01\x00\x00\x00\x00;", 13));
const std::string kGif87 = "GIF87a";
const std::string kJpeg = Bytes(
    std::string_view("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20));
const std::string kPdf = "%PDF-1.4\n";
// A 1×1 24-bit BMP: file header and BITMAPINFOHEADER.
const std::string kBmp = Bytes(std::string_view(
    "BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"
    "\x28\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x18\x00\x00\x00\x00\x00"
    "\x04\x00\x00\x00\x13\x0b\x00\x00\x13\x0b\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\xff\x00",
    58));
const std::string kMp4 =
    Bytes(std::string_view("\x00\x00\x00\x18"
                           "ftypmp42\x00\x00\x00\x00mp42isom",
                           24));

TEST(DetectMimeTypeTest, Png) { EXPECT_EQ(DetectMimeType(kPng), "image/png"); }

TEST(DetectMimeTypeTest, Gif) {
  EXPECT_EQ(DetectMimeType(kGif), "image/gif");
  EXPECT_EQ(DetectMimeType(kGif87), "image/gif");
}

TEST(DetectMimeTypeTest, Jpeg) {
  EXPECT_EQ(DetectMimeType(kJpeg), "image/jpeg");
  EXPECT_EQ(DetectMimeType(std::string_view("\xff\xd8\xff\xdb", 4)), "image/jpeg");
}

TEST(DetectMimeTypeTest, Pdf) { EXPECT_EQ(DetectMimeType(kPdf), "application/pdf"); }

TEST(DetectMimeTypeTest, BmpIsReportedUnderTheServiceName) {
  EXPECT_EQ(DetectMimeType(kBmp), "image/bmp");
}

TEST(DetectMimeTypeTest, Mp4) { EXPECT_EQ(DetectMimeType(kMp4), "video/mp4"); }

TEST(DetectMimeTypeTest, DetectedImagesAndPdfAreSupportedInbound) {
  for (const std::string* bytes : {&kPng, &kGif, &kJpeg, &kPdf, &kBmp, &kMp4}) {
    const std::string type = DetectMimeType(*bytes);
    EXPECT_TRUE(domain::IsSupportedInboundMimeType(type)) << type;
  }
}

TEST(DetectMimeTypeTest, TextIsDetectedButNotSupported) {
  const std::string type = DetectMimeType("hello world, just some text\n");
  EXPECT_EQ(type, "text/plain");
  EXPECT_FALSE(domain::IsSupportedInboundMimeType(type));
  const std::string html = DetectMimeType("<!DOCTYPE html><html><body>x</body></html>\n");
  EXPECT_FALSE(html.empty());
  EXPECT_FALSE(domain::IsSupportedInboundMimeType(html)) << html;
}

TEST(DetectMimeTypeTest, EmptyIsUnknown) {
  EXPECT_EQ(DetectMimeType(""), "");
  EXPECT_EQ(DetectMimeType(std::string_view()), "");
}

TEST(DetectMimeTypeTest, UnrecognisedBinaryIsUnknown) {
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes += std::string_view("\x00\x01\x02\x03\xfe\x11\x80\x7f", 8);
  EXPECT_EQ(DetectMimeType(bytes), "");
  EXPECT_FALSE(domain::IsSupportedInboundMimeType(DetectMimeType(bytes)));
}

TEST(DetectMimeTypeTest, TruncatedPngSignatureIsNotPng) {
  EXPECT_NE(DetectMimeType(std::string_view("\x89PNG", 4)), "image/png");
}

TEST(DetectMimeTypeTest, SafeFromSeveralThreads) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (DetectMimeType(t % 2 == 0 ? kPng : kPdf) !=
            (t % 2 == 0 ? "image/png" : "application/pdf")) {
          wrong.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace interactiond::util
