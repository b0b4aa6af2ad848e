// Record ids in the shapes of the real product: 15-character ids with a key prefix
// (MessagingSession 0Mw, MessagingEndUser 0PA, …) and UUIDs for conversation identifiers.
//
// Thread-safety: the free functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace interactiond::util {

// prefix (3 chars) + "8c" + `sequence` in 10 base-62 digits, zero-padded: ids sort lexically in
// sequence order. Sequences ≥ 62^10 wrap (never reached in practice).
std::string RecordId(std::string_view prefix, uint64_t sequence);

// The 18-character, case-insensitive form of a 15-character record id: the id plus Salesforce's
// three checksum characters (each encodes which of five characters are upper-case letters).
// Other lengths are returned unchanged.
std::string RecordId18(std::string_view id15);

// A random (version 4) UUID in lower-case canonical form.
std::string RandomUuid();

// True for a canonical 8-4-4-4-12 hexadecimal UUID (any version, either case).
bool IsUuid(std::string_view text);

}  // namespace interactiond::util
