#include "util/base64url.h"

#include <array>
#include <cstdint>

namespace interactiond::util {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xFF;

constexpr std::array<std::uint8_t, 256> MakeDecodeTable() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (std::uint8_t i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}

constexpr std::array<std::uint8_t, 256> kDecode = MakeDecodeTable();

}  // namespace

void Base64UrlEncodeTo(std::string_view bytes, char* out) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *out++ = kAlphabet[(v >> 18) & 63];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = kAlphabet[(v >> 6) & 63];
    *out++ = kAlphabet[v & 63];
  }
  if (n - i == 1) {
    std::uint32_t v = std::uint32_t{in[i]} << 16;
    *out++ = kAlphabet[(v >> 18) & 63];
    *out++ = kAlphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
    *out++ = kAlphabet[(v >> 18) & 63];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = kAlphabet[(v >> 6) & 63];
  }
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out(Base64UrlEncodedSize(bytes.size()), '\0');
  Base64UrlEncodeTo(bytes, out.data());
  return out;
}

bool Base64UrlDecodeTo(std::string_view text, char* out) {
  std::size_t n = text.size();
  if (n % 4 == 1) return false;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    std::uint8_t a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]],
                 d = kDecode[in[i + 3]];
    if ((a | b | c | d) & 0xC0) return false;  // kInvalid is the only value with high bits set
    std::uint32_t v = (std::uint32_t{a} << 18) | (std::uint32_t{b} << 12) | (c << 6) | d;
    *out++ = static_cast<char>(v >> 16);
    *out++ = static_cast<char>(v >> 8);
    *out++ = static_cast<char>(v);
  }
  std::size_t rest = n - i;
  if (rest == 2) {
    std::uint8_t a = kDecode[in[i]], b = kDecode[in[i + 1]];
    if ((a | b) & 0xC0) return false;
    if (b & 0x0F) return false;  // non-canonical: unused bits must be zero
    *out++ = static_cast<char>((a << 2) | (b >> 4));
  } else if (rest == 3) {
    std::uint8_t a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]];
    if ((a | b | c) & 0xC0) return false;
    if (c & 0x03) return false;
    std::uint32_t v = (std::uint32_t{a} << 10) | (std::uint32_t{b} << 4) | (c >> 2);
    *out++ = static_cast<char>(v >> 8);
    *out++ = static_cast<char>(v);
  }
  return true;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out(Base64UrlDecodedSize(text.size()), '\0');
  if (!Base64UrlDecodeTo(text, out.data())) return std::nullopt;
  return out;
}

}  // namespace interactiond::util
