// multipart/form-data request bodies (RFC 7578 over the RFC 2046 multipart syntax): the boundary of
// a Content-Type value, an incremental push parser, and a collector that turns the parts of
// POST /interactions (one `json` part, any number of `attachments` file parts) into a
// MultipartForm.
//
// Contract shared by everything here:
//  - Nothing throws on bad input (only std::bad_alloc can escape). Malformed input is reported by a
//    false return value plus a human-readable error() meant for logs, never for the wire.
//  - Objects are not thread-safe; use one per request, from one thread at a time.
//  - Memory is bounded by the limits given, never by the size of the input: the parser buffers at
//    most one part's header block; the collector keeps the json part and file bytes up to its
//    limits and only counts what exceeds them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace interactiond::http {

// RFC 2046 caps boundaries at 70 characters.
inline constexpr size_t kMaxMultipartBoundaryLength = 70;

// Boundary of a Content-Type value "multipart/form-data; boundary=…". The media type and parameter
// names are case-insensitive, the boundary may be a token or a quoted-string, other parameters may
// appear in any order. nullopt when the media type is not multipart/form-data, the value is not
// syntactically valid, the boundary parameter is missing or repeated, or the boundary is invalid
// (see IsValidMultipartBoundary).
std::optional<std::string> ParseMultipartBoundary(std::string_view content_type);

// RFC 2046 boundary: 1..70 characters from DIGIT ALPHA ' ( ) + _ , - . / : = ? and space, not
// ending with a space. Among other things this guarantees a boundary never contains CR or LF, which
// the parser's delimiter search relies on.
bool IsValidMultipartBoundary(std::string_view boundary);

struct PartHeaders {
  // Content-Disposition `name` (always present: a part without one is malformed). As sent: not
  // percent-decoded (browsers send `"` as %22).
  std::string name;
  // Content-Disposition file name when present (quoted-string or token; `filename*` in the RFC
  // 5987 form UTF-8''… or ISO-8859-1''… takes precedence and is converted to UTF-8). The bytes are
  // as sent: not validated as UTF-8, may contain path separators. Never use it as a path.
  std::optional<std::string> filename;
  // The part's Content-Type value with surrounding whitespace removed (parameters kept); empty when
  // the part has none.
  std::string content_type;

  bool operator==(const PartHeaders&) const = default;
};

// Incremental push parser for a multipart/form-data body.
//
// Feed() accepts arbitrary chunk sizes, down to one byte at a time, and the callbacks fire as parts
// are recognised; the result does not depend on how the input is split. Part data is not copied:
// on_part_data sees views into the chunk being fed, or into the parser for the few bytes held back
// at a chunk end because they might start a delimiter (and then turned out not to).
//
// Accepted syntax (RFC 2046 §5.1.1): a preamble and an epilogue are skipped; transport padding
// (spaces and tabs) after a delimiter is allowed; a body with no part at all ("--b--") is
// accepted. Line endings must be CRLF: a bare LF ends no header line and is malformed, and a
// delimiter is only recognised as CRLF "--" boundary (or "--" boundary at the very start of the
// body). A delimiter line followed by anything but padding and CRLF (e.g. "--boundaryX") is
// malformed, since RFC 2046 forbids the delimiter inside encapsulated data. Header names are
// case-insensitive; obsolete line folding in part headers is unfolded. Each part needs exactly one
// Content-Disposition of type form-data with a `name` parameter; at most one Content-Type; other
// headers (e.g. Content-Transfer-Encoding) are ignored. Part bodies are passed through verbatim.
//
// Errors are sticky: after the first one no callback fires again and Feed/Finish return false. A
// part whose on_part_begin fired may thus never see on_part_end.
class MultipartParser {
 public:
  // Invoked synchronously from Feed(). A callback may call Abort() but must not call Feed() or
  // Finish(). Views are valid only during the call. Empty std::function members are allowed.
  struct Callbacks {
    std::function<void(const PartHeaders&)> on_part_begin;
    std::function<void(std::string_view)> on_part_data;  // never empty; many times per part
    std::function<void()> on_part_end;
  };

  static constexpr size_t kDefaultMaxPartHeaderBytes = 16 * 1024;
  static constexpr size_t kDefaultMaxParts = 64;

  // `boundary` without the leading "--". An invalid boundary (see IsValidMultipartBoundary) puts
  // the parser in the error state at once. max_part_header_bytes bounds one part's header block
  // (including its CRLFs and the empty line); max_parts bounds the number of parts.
  MultipartParser(std::string boundary, Callbacks callbacks,
                  size_t max_part_header_bytes = kDefaultMaxPartHeaderBytes,
                  size_t max_parts = kDefaultMaxParts);

  MultipartParser(const MultipartParser&) = delete;
  MultipartParser& operator=(const MultipartParser&) = delete;

  // Consumes the next chunk of the body. Returns false once the input is known to be malformed
  // (sticky). Bytes after the closing delimiter (the epilogue) are ignored.
  bool Feed(std::string_view chunk);

  // End of input. False when in error or when the closing delimiter was not seen (truncated body,
  // wrong boundary); error() then says where the input stopped.
  bool Finish();

  // Puts the parser in the error state with `reason` (unless it already failed): lets a callback
  // reject the input, e.g. when a limit of the caller is exceeded. No further callback fires.
  void Abort(std::string reason);

  bool done() const { return state_ == State::kEpilogue; }  // closing delimiter seen, no error
  const std::string& error() const { return error_; }       // empty while fine

 private:
  enum class State {
    kPreamble,      // looking for the first delimiter
    kBoundaryTail,  // a delimiter just matched: "--", padding or CRLF follows
    kCloseDash,     // seen the first '-' of a close delimiter
    kPadding,       // transport padding after a delimiter
    kLineFeed,      // seen the CR that ends a delimiter line
    kHeaders,       // inside a part's header block
    kBody,          // inside a part's data
    kEpilogue,      // after the close delimiter: done
    kError,
  };
  enum class LastHeader { kNone, kDisposition, kContentType, kOther };

  size_t ScanForDelimiter(std::string_view chunk, size_t pos, bool emit);
  void EmitData(std::string_view data);
  size_t ConsumeHeaderBytes(std::string_view chunk, size_t pos);
  void HandleHeaderLine();
  void FinishHeaders();
  void StartPart();
  void Fail(std::string reason);

  const std::string delimiter_;  // CRLF "--" boundary
  const Callbacks callbacks_;
  const size_t max_part_header_bytes_;
  const size_t max_parts_;

  State state_ = State::kPreamble;
  std::string error_;
  // Bytes of delimiter_ matched at the end of the input seen so far. They are held back from
  // on_part_data until the match fails; as they equal delimiter_'s prefix they need no buffer.
  size_t match_ = 2;  // the body start counts as a line start: "--boundary" may open it
  size_t parts_ = 0;

  // Current part's header block.
  size_t header_bytes_ = 0;
  std::string line_;
  LastHeader last_header_ = LastHeader::kNone;
  std::optional<std::string> disposition_;
  std::optional<std::string> content_type_;
};

struct FilePart {
  std::string field_name;
  std::string filename;      // empty when the part had no file name
  std::string content_type;  // as in PartHeaders::content_type
  std::string data;          // the bytes, only while size <= max_file_bytes
  uint64_t size = 0;         // total bytes seen, always counted
  bool over_limit = false;   // size exceeded max_file_bytes; data was dropped
};

struct MultipartForm {
  std::optional<std::string> json;  // the json part's bytes, when there was one
  std::vector<FilePart> files;      // parts named file_part_name, in order
};

// Collects the parts of a POST /interactions body into a MultipartForm.
//
// The json part may come before or after the file parts. A second json part, a json part longer
// than max_json_bytes or more than max_files file parts make the body malformed (Feed/Finish return
// false). Parts with other names are drained without being stored. A file part keeps its bytes only
// up to max_file_bytes; past that it drops them, sets over_limit and keeps counting size, so an
// oversized upload costs no memory and the caller can still report its size. A file part without a
// file name is still a FilePart (filename empty): whether that is acceptable is the API's call.
//
// Not copyable or movable (the parser's callbacks refer to it).
class MultipartFormCollector {
 public:
  struct Limits {
    std::string json_part_name = "json";
    std::string file_part_name = "attachments";
    size_t max_json_bytes = 1024 * 1024;
    uint64_t max_file_bytes = 25ull * 1024 * 1024;
    size_t max_files = 16;
    size_t max_part_header_bytes = MultipartParser::kDefaultMaxPartHeaderBytes;
    size_t max_parts = MultipartParser::kDefaultMaxParts;  // all parts, ignored ones included
  };

  MultipartFormCollector(std::string boundary, Limits limits);

  MultipartFormCollector(const MultipartFormCollector&) = delete;
  MultipartFormCollector& operator=(const MultipartFormCollector&) = delete;

  bool Feed(std::string_view chunk) { return parser_.Feed(chunk); }
  // True when the whole body was well formed and within the limits; form() is then complete.
  bool Finish() { return parser_.Finish(); }
  const std::string& error() const { return parser_.error(); }
  // What was collected so far; partial (and meaningless) after an error.
  MultipartForm& form() { return form_; }

 private:
  enum class Target { kNone, kJson, kFile, kIgnored };

  void OnPartBegin(const PartHeaders& headers);
  void OnPartData(std::string_view data);

  const Limits limits_;
  MultipartForm form_;
  Target target_ = Target::kNone;
  MultipartParser parser_;  // last: its callbacks use the members above
};

}  // namespace interactiond::http
