// base64url (RFC 4648 §5) without padding, as used by JWTs and by our access tokens.
//
// Decoding is strict: it accepts only the canonical unpadded encoding of some byte string (no '=',
// no whitespace, no characters outside [A-Za-z0-9_-], no length ≡ 1 mod 4, and the unused low bits
// of the last character must be zero). Strictness matters for MACs: with a lenient decoder two
// different texts decode to the same bytes, so a token could be altered without breaking its MAC.
//
// Thread-safety: pure functions on immutable tables; safe from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace interactiond::util {

// Number of characters Base64UrlEncode produces for `byte_count` bytes.
constexpr std::size_t Base64UrlEncodedSize(std::size_t byte_count) {
  return byte_count / 3 * 4 + (byte_count % 3 == 0 ? 0 : byte_count % 3 + 1);
}

// Number of bytes that `char_count` characters decode to, assuming they are valid (a length that
// is 1 mod 4 is never valid; this then returns the size of the longest valid prefix).
constexpr std::size_t Base64UrlDecodedSize(std::size_t char_count) {
  return char_count / 4 * 3 + (char_count % 4 == 0 ? 0 : char_count % 4 - 1);
}

std::string Base64UrlEncode(std::string_view bytes);

// Writes exactly Base64UrlEncodedSize(bytes.size()) characters to `out` (no terminator).
void Base64UrlEncodeTo(std::string_view bytes, char* out);

// nullopt when `text` is not a canonical unpadded base64url encoding.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Allocation-free form: decodes into `out`, which must have room for
// Base64UrlDecodedSize(text.size()) bytes. Returns false (with `out` partly written) on invalid
// input.
bool Base64UrlDecodeTo(std::string_view text, char* out);

}  // namespace interactiond::util
