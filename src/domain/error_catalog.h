// The Interaction Service error catalogue: every published code, its HTTP status (our decision, see
// docs/compatibility.md) and its message template. The one place where code → status → text lives.
//
// Thread-safety: the catalogue is immutable static data; all functions are safe from any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace interactiond::domain {

struct CatalogEntry {
  int code;
  int http_status;
  std::string_view message;  // may contain <workItemId> / <conversationId> placeholders
};

// All entries, ordered by code.
std::span<const CatalogEntry> ErrorCatalog();

// nullptr when the code is not in the catalogue.
const CatalogEntry* FindCatalogEntry(int code);

// An error to put on the wire: a catalogue code and the values of its placeholders.
struct Error {
  int code = 500;
  // (placeholder name without brackets, value), e.g. {"workItemId", "0Mw…"}
  std::vector<std::pair<std::string, std::string>> substitutions;
  // Free-form detail for logs only; never sent to clients.
  std::string log_detail;

  static Error Of(int code, std::string log_detail = {}) {
    Error e;
    e.code = code;
    e.log_detail = std::move(log_detail);
    return e;
  }
};

// HTTP status for the code; 500 for codes not in the catalogue.
int HttpStatusOf(int code);

// The message with placeholders substituted; the catalogue's 500 text for unknown codes.
std::string MessageOf(const Error& error);

// `{"code":N,"message":"…"}`; an unknown code is rendered as the catalogue's 500 error.
std::string ErrorBodyJson(const Error& error);

}  // namespace interactiond::domain
