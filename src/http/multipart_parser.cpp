#include "http/multipart_parser.h"

#include <cstring>
#include <utility>

namespace interactiond::http {

namespace {

// RFC 9110 tchar.
bool IsTokenChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// CTLs other than HTAB, as in RFC 9110 field values.
bool IsControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

struct Parameter {
  std::string name;  // lower-cased
  std::string value;
};

// Parses `value *( OWS ";" OWS [ name OWS "=" OWS ( token / quoted-string ) ] )`, the shape of both
// Content-Type and Content-Disposition. Empty parameters (";;", a trailing ";") are tolerated
// because real clients send them; a parameter that appears twice is rejected because which one
// counts would be a guess that a smuggling attempt could exploit.
//
// In quoted-strings a backslash only escapes '"' and '\\' (as Go's mime package does): browsers do
// not escape backslashes, and old ones send Windows paths such as "C:\dir\a.txt" as file names.
bool ParseValueAndParameters(std::string_view in, std::string_view* value,
                             std::vector<Parameter>* params) {
  const size_t n = in.size();
  size_t i = in.find(';');
  if (i == std::string_view::npos) i = n;
  *value = TrimOws(in.substr(0, i));
  auto skip_ows = [&] {
    while (i < n && IsOws(in[i])) ++i;
  };
  while (i < n) {  // in[i] == ';'
    ++i;
    skip_ows();
    if (i == n || in[i] == ';') continue;
    const size_t name_start = i;
    while (i < n && IsTokenChar(static_cast<unsigned char>(in[i]))) ++i;
    if (i == name_start) return false;
    Parameter param;
    for (char c : in.substr(name_start, i - name_start)) param.name.push_back(AsciiLower(c));
    skip_ows();
    if (i == n || in[i] != '=') return false;
    ++i;
    skip_ows();
    if (i < n && in[i] == '"') {
      ++i;
      for (;;) {
        if (i == n) return false;  // unterminated
        const char c = in[i];
        if (c == '"') {
          ++i;
          break;
        }
        if (c == '\\' && i + 1 < n && (in[i + 1] == '"' || in[i + 1] == '\\')) {
          param.value.push_back(in[i + 1]);
          i += 2;
          continue;
        }
        if (IsControl(static_cast<unsigned char>(c))) return false;
        param.value.push_back(c);
        ++i;
      }
    } else {
      const size_t value_start = i;
      while (i < n && IsTokenChar(static_cast<unsigned char>(in[i]))) ++i;
      if (i == value_start) return false;
      param.value.assign(in.substr(value_start, i - value_start));
    }
    skip_ows();
    if (i < n && in[i] != ';') return false;
    for (const Parameter& other : *params) {
      if (other.name == param.name) return false;
    }
    params->push_back(std::move(param));
  }
  return true;
}

const std::string* FindParameter(const std::vector<Parameter>& params, std::string_view name) {
  for (const Parameter& p : params) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 5987 ext-value: charset "'" [ language ] "'" value-chars. nullopt when malformed or in a
// charset other than the two RFC 5987 makes mandatory; the caller then falls back to `filename`,
// as RFC 6266 asks.
std::optional<std::string> DecodeExtValue(std::string_view ext) {
  const size_t q1 = ext.find('\'');
  if (q1 == std::string_view::npos) return std::nullopt;
  const size_t q2 = ext.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  const std::string_view charset = ext.substr(0, q1);
  const bool latin1 = EqualsIgnoreCase(charset, "iso-8859-1");
  if (!latin1 && !EqualsIgnoreCase(charset, "utf-8")) return std::nullopt;
  std::string out;
  for (size_t i = q2 + 1; i < ext.size(); ++i) {
    unsigned char byte = static_cast<unsigned char>(ext[i]);
    if (byte == '%') {
      if (i + 2 >= ext.size()) return std::nullopt;
      const int hi = HexValue(ext[i + 1]);
      const int lo = HexValue(ext[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      byte = static_cast<unsigned char>(hi * 16 + lo);
      i += 2;
    }
    if (latin1 && byte >= 0x80) {  // ISO-8859-1 code points are the first 256 of Unicode
      out.push_back(static_cast<char>(0xc0 | (byte >> 6)));
      out.push_back(static_cast<char>(0x80 | (byte & 0x3f)));
    } else {
      out.push_back(static_cast<char>(byte));
    }
  }
  return out;
}

}  // namespace

bool IsValidMultipartBoundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > kMaxMultipartBoundaryLength) return false;
  if (boundary.back() == ' ') return false;
  for (char c : boundary) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && (c == '\0' || std::strchr("'()+_,-./:=? ", c) == nullptr)) return false;
  }
  return true;
}

std::optional<std::string> ParseMultipartBoundary(std::string_view content_type) {
  std::string_view media_type;
  std::vector<Parameter> params;
  if (!ParseValueAndParameters(content_type, &media_type, &params)) return std::nullopt;
  if (!EqualsIgnoreCase(media_type, "multipart/form-data")) return std::nullopt;
  const std::string* boundary = FindParameter(params, "boundary");
  if (boundary == nullptr || !IsValidMultipartBoundary(*boundary)) return std::nullopt;
  return *boundary;
}

MultipartParser::MultipartParser(std::string boundary, Callbacks callbacks,
                                 size_t max_part_header_bytes, size_t max_parts)
    : delimiter_("\r\n--" + boundary),
      callbacks_(std::move(callbacks)),
      max_part_header_bytes_(max_part_header_bytes),
      max_parts_(max_parts) {
  // The delimiter search assumes CR occurs in the delimiter only at its start.
  if (!IsValidMultipartBoundary(boundary)) Fail("invalid multipart boundary");
}

bool MultipartParser::Feed(std::string_view chunk) {
  size_t pos = 0;
  while (pos < chunk.size()) {
    switch (state_) {
      case State::kError:
        return false;
      case State::kEpilogue:
        return true;
      case State::kPreamble:
        pos = ScanForDelimiter(chunk, pos, /*emit=*/false);
        break;
      case State::kBody:
        pos = ScanForDelimiter(chunk, pos, /*emit=*/true);
        break;
      case State::kHeaders:
        pos = ConsumeHeaderBytes(chunk, pos);
        break;
      case State::kBoundaryTail: {
        const char c = chunk[pos++];
        if (c == '-') {
          state_ = State::kCloseDash;
        } else if (IsOws(c)) {
          state_ = State::kPadding;
        } else if (c == '\r') {
          state_ = State::kLineFeed;
        } else {
          Fail("boundary delimiter followed by other characters");
        }
        break;
      }
      case State::kCloseDash:
        if (chunk[pos++] == '-') {
          state_ = State::kEpilogue;
        } else {
          Fail("boundary delimiter followed by a single '-'");
        }
        break;
      case State::kPadding: {
        const char c = chunk[pos++];
        if (c == '\r') {
          state_ = State::kLineFeed;
        } else if (!IsOws(c)) {
          Fail("boundary delimiter line has characters after its padding");
        }
        break;
      }
      case State::kLineFeed:
        if (chunk[pos++] == '\n') {
          StartPart();
        } else {
          Fail("boundary delimiter line not terminated by CRLF");
        }
        break;
    }
  }
  return state_ != State::kError;
}

bool MultipartParser::Finish() {
  switch (state_) {
    case State::kEpilogue:
      return true;
    case State::kError:
      return false;
    case State::kPreamble:
      Fail("no boundary delimiter found (empty body or wrong boundary)");
      return false;
    case State::kHeaders:
      Fail("body ends inside the headers of part " + std::to_string(parts_));
      return false;
    case State::kBody:
      Fail("body ends inside part " + std::to_string(parts_) + " (no closing delimiter)");
      return false;
    default:
      Fail("body ends inside a boundary delimiter line");
      return false;
  }
}

void MultipartParser::Abort(std::string reason) {
  if (state_ != State::kError) Fail(std::move(reason));
}

void MultipartParser::Fail(std::string reason) {
  state_ = State::kError;
  error_ = std::move(reason);
  // Nothing more will be parsed: release the header buffer now rather than with the parser.
  std::string().swap(line_);
  disposition_.reset();
  content_type_.reset();
}

// Searches chunk[pos..] for delimiter_, continuing a partial match from the previous chunk, and
// with `emit` passes everything before it to on_part_data. Returns the position after the
// delimiter, or chunk.size() when there is none (the bytes that may start one are held back).
size_t MultipartParser::ScanForDelimiter(std::string_view chunk, size_t pos, bool emit) {
  const size_t n = chunk.size();
  const size_t delimiter_size = delimiter_.size();
  const size_t carry = match_;
  size_t matched = match_;
  size_t i = pos;
  // CR occurs in delimiter_ only at index 0, so a prefix of delimiter_ has no proper border: on a
  // mismatch a new match can only start at the current byte. That makes this plain scan linear
  // and lets memchr skip the data between CRs.
  while (i < n && matched < delimiter_size) {
    if (matched == 0) {
      const void* cr = std::memchr(chunk.data() + i, '\r', n - i);
      if (cr == nullptr) {
        i = n;
        break;
      }
      i = static_cast<size_t>(static_cast<const char*>(cr) - chunk.data()) + 1;
      matched = 1;
    } else if (chunk[i] == delimiter_[matched]) {
      ++matched;
      ++i;
    } else {
      matched = chunk[i] == '\r' ? 1 : 0;
      ++i;
    }
  }

  if (emit) {
    // The input not yet emitted is delimiter_[0, carry) + chunk[pos, i); all of it but the last
    // `matched` bytes (a possible or actual delimiter) is part data.
    const std::string_view held(delimiter_.data(), carry);
    const size_t ready = carry + (i - pos) - matched;
    if (ready <= carry) {
      EmitData(held.substr(0, ready));
    } else {
      EmitData(held);
      if (state_ == State::kError) return n;
      EmitData(chunk.substr(pos, ready - carry));
    }
    if (state_ == State::kError) return n;
  }

  if (matched < delimiter_size) {
    match_ = matched;
    return n;
  }
  match_ = 0;
  const bool part_ended = state_ == State::kBody;
  state_ = State::kBoundaryTail;
  if (part_ended && callbacks_.on_part_end) callbacks_.on_part_end();
  return i;
}

void MultipartParser::EmitData(std::string_view data) {
  if (!data.empty() && callbacks_.on_part_data) callbacks_.on_part_data(data);
}

void MultipartParser::StartPart() {
  if (++parts_ > max_parts_) {
    Fail("more than " + std::to_string(max_parts_) + " parts");
    return;
  }
  state_ = State::kHeaders;
  header_bytes_ = 0;
  line_.clear();
  last_header_ = LastHeader::kNone;
  disposition_.reset();
  content_type_.reset();
}

// Accumulates header lines; returns the position after the bytes consumed.
size_t MultipartParser::ConsumeHeaderBytes(std::string_view chunk, size_t pos) {
  while (pos < chunk.size() && state_ == State::kHeaders) {
    const std::string_view rest = chunk.substr(pos);
    const size_t lf = rest.find('\n');
    const size_t take = lf == std::string_view::npos ? rest.size() : lf + 1;
    if (take > max_part_header_bytes_ - header_bytes_) {
      Fail("headers of part " + std::to_string(parts_) + " exceed " +
           std::to_string(max_part_header_bytes_) + " bytes");
      return chunk.size();
    }
    header_bytes_ += take;
    pos += take;
    if (lf == std::string_view::npos) {
      line_.append(rest);
      break;
    }
    line_.append(rest.substr(0, lf));
    if (line_.empty() || line_.back() != '\r') {
      Fail("bare LF in the headers of part " + std::to_string(parts_) +
           " (lines must end with CRLF)");
      break;
    }
    line_.pop_back();
    if (line_.empty()) {
      FinishHeaders();
    } else {
      HandleHeaderLine();
      line_.clear();
    }
  }
  return pos;
}

void MultipartParser::HandleHeaderLine() {
  const std::string part = "part " + std::to_string(parts_);
  for (char c : line_) {
    if (IsControl(static_cast<unsigned char>(c))) {
      Fail(part + ": control character in a header");
      return;
    }
  }
  const std::string_view line(line_);
  if (IsOws(line.front())) {  // obs-fold: continues the previous field's value
    std::optional<std::string>* target = nullptr;
    switch (last_header_) {
      case LastHeader::kNone:
        Fail(part + ": header block starts with whitespace");
        return;
      case LastHeader::kDisposition:
        target = &disposition_;
        break;
      case LastHeader::kContentType:
        target = &content_type_;
        break;
      case LastHeader::kOther:
        return;
    }
    (*target)->push_back(' ');
    (*target)->append(TrimOws(line));
    return;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    Fail(part + ": header line without ':'");
    return;
  }
  const std::string_view name = line.substr(0, colon);
  if (!IsToken(name)) {
    Fail(part + ": invalid header name");
    return;
  }
  const std::string_view value = TrimOws(line.substr(colon + 1));
  if (EqualsIgnoreCase(name, "content-disposition")) {
    if (disposition_) {
      Fail(part + ": more than one Content-Disposition");
      return;
    }
    disposition_.emplace(value);
    last_header_ = LastHeader::kDisposition;
  } else if (EqualsIgnoreCase(name, "content-type")) {
    if (content_type_) {
      Fail(part + ": more than one Content-Type");
      return;
    }
    content_type_.emplace(value);
    last_header_ = LastHeader::kContentType;
  } else {
    last_header_ = LastHeader::kOther;
  }
}

void MultipartParser::FinishHeaders() {
  const std::string part = "part " + std::to_string(parts_);
  if (!disposition_) {
    Fail(part + ": no Content-Disposition");
    return;
  }
  std::string_view type;
  std::vector<Parameter> params;
  if (!ParseValueAndParameters(*disposition_, &type, &params)) {
    Fail(part + ": malformed Content-Disposition");
    return;
  }
  if (!EqualsIgnoreCase(type, "form-data")) {
    Fail(part + ": Content-Disposition is not form-data");
    return;
  }
  const std::string* name = FindParameter(params, "name");
  if (name == nullptr) {
    Fail(part + ": Content-Disposition without a name");
    return;
  }
  PartHeaders headers;
  headers.name = *name;
  if (const std::string* filename = FindParameter(params, "filename")) headers.filename = *filename;
  if (const std::string* ext = FindParameter(params, "filename*")) {
    if (std::optional<std::string> decoded = DecodeExtValue(*ext)) {
      headers.filename = std::move(decoded);
    }
  }
  if (content_type_) headers.content_type = std::move(*content_type_);

  line_.clear();
  disposition_.reset();
  content_type_.reset();
  state_ = State::kBody;
  match_ = 0;
  if (callbacks_.on_part_begin) callbacks_.on_part_begin(headers);
}

MultipartFormCollector::MultipartFormCollector(std::string boundary, Limits limits)
    : limits_(std::move(limits)),
      parser_(std::move(boundary),
              MultipartParser::Callbacks{
                  .on_part_begin = [this](const PartHeaders& h) { OnPartBegin(h); },
                  .on_part_data = [this](std::string_view data) { OnPartData(data); },
                  .on_part_end = [this] { target_ = Target::kNone; },
              },
              limits_.max_part_header_bytes, limits_.max_parts) {}

void MultipartFormCollector::OnPartBegin(const PartHeaders& headers) {
  if (headers.name == limits_.json_part_name) {
    if (form_.json) {
      parser_.Abort("more than one \"" + limits_.json_part_name + "\" part");
      return;
    }
    form_.json.emplace();
    target_ = Target::kJson;
  } else if (headers.name == limits_.file_part_name) {
    if (form_.files.size() >= limits_.max_files) {
      parser_.Abort("more than " + std::to_string(limits_.max_files) + " \"" +
                    limits_.file_part_name + "\" parts");
      return;
    }
    FilePart& file = form_.files.emplace_back();
    file.field_name = headers.name;
    file.filename = headers.filename.value_or("");
    file.content_type = headers.content_type;
    target_ = Target::kFile;
  } else {
    target_ = Target::kIgnored;
  }
}

void MultipartFormCollector::OnPartData(std::string_view data) {
  switch (target_) {
    case Target::kJson:
      if (data.size() > limits_.max_json_bytes - form_.json->size()) {
        parser_.Abort("\"" + limits_.json_part_name + "\" part exceeds " +
                      std::to_string(limits_.max_json_bytes) + " bytes");
        return;
      }
      form_.json->append(data);
      return;
    case Target::kFile: {
      FilePart& file = form_.files.back();
      file.size += data.size();
      if (file.over_limit) return;
      if (file.size > limits_.max_file_bytes) {
        file.over_limit = true;
        std::string().swap(file.data);  // clear() would keep the capacity
        return;
      }
      file.data.append(data);
      return;
    }
    case Target::kNone:
    case Target::kIgnored:
      return;
  }
}

}  // namespace interactiond::http
