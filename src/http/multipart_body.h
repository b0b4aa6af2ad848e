// MultipartBody: a Boost.Beast Body that decodes a multipart/form-data request body into a
// MultipartForm while it is read, so a large upload is never buffered whole (see
// MultipartFormCollector for what is kept).
//
// Usage (Beast's "header first" pattern):
//
//   http::request_parser<http::empty_body> header_parser;
//   ... http::async_read_header(stream, buffer, header_parser, …) …
//   http::request_parser<MultipartBody> parser(std::move(header_parser));
//   parser.body_limit(…);                 // the overall size limit is Beast's, not this body's
//   parser.get().body().limits = …;       // before reading on
//   ... http::async_read(stream, buffer, parser, …) …
//   const MultipartBody::value_type& body = parser.get().body();
//   if (!body.well_formed) → API error, logging body.error
//
// Malformed multipart never fails the HTTP read: the reader never sets a Beast error code. It
// records why in value_type::error, discards the rest of the body and lets the message complete,
// so the server can answer with an API error and keep the connection. Only HTTP-level problems
// (bad chunked framing, body_limit exceeded, a closed connection) fail the read, through Beast.
// The move-constructed parser inherits the header parser's body_limit (1 MB by default for
// requests), so the server must raise it for uploads.
//
// Threading: as for the Beast parser that owns the reader, one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>

#include "http/multipart_parser.h"

namespace interactiond::http {

struct MultipartBody {
  struct value_type {
    MultipartFormCollector::Limits limits;  // set by the server before the body is read
    MultipartForm form;                     // complete only when well_formed
    // True only when the Content-Type had a valid boundary and the closing delimiter was seen
    // without error (limits included).
    bool well_formed = false;
    std::string error;  // why not well formed (logs only)
    uint64_t bytes_received = 0;
  };

  // BodyReader (Boost 1.81). Beast constructs it with the parser, i.e. possibly before the header
  // is read and before the server sets value_type::limits, so it looks at both only in init().
  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>& header, value_type& body)
        : header_(&header), content_type_of_(&ContentTypeOf<isRequest, Fields>), body_(body) {
      // A message without a body completes without init() (with the header-first pattern, even
      // without finish()), so this is the verdict unless a body arrives.
      body_.well_formed = false;
      body_.error = "request has no body";
    }

    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;

    void init(const boost::optional<uint64_t>& /*content_length*/, boost::beast::error_code& ec) {
      ec = {};
      body_.form = MultipartForm();
      body_.well_formed = false;
      body_.error.clear();
      body_.bytes_received = 0;
      std::optional<std::string> boundary = ParseMultipartBoundary(content_type_of_(header_));
      if (!boundary) {
        body_.error = "Content-Type is not multipart/form-data with a valid boundary";
        return;
      }
      collector_.emplace(std::move(*boundary), body_.limits);
    }

    template <class ConstBufferSequence>
    size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      ec = {};
      size_t consumed = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        const boost::asio::const_buffer buffer = *it;
        Consume(std::string_view(static_cast<const char*>(buffer.data()), buffer.size()));
        consumed += buffer.size();
      }
      return consumed;  // always everything: a malformed rest is discarded, not refused
    }

    void finish(boost::beast::error_code& ec) {
      ec = {};
      if (!collector_) return;  // no body, bad Content-Type, or already failed: error is set
      if (collector_->Finish()) {
        body_.form = std::move(collector_->form());
        body_.well_formed = true;
      } else {
        body_.error = collector_->error();
      }
      collector_.reset();
    }

   private:
    template <bool isRequest, class Fields>
    static std::string_view ContentTypeOf(const void* header) {
      const auto& h = *static_cast<const boost::beast::http::header<isRequest, Fields>*>(header);
      const auto value = h[boost::beast::http::field::content_type];
      return std::string_view(value.data(), value.size());
    }

    void Consume(std::string_view data) {
      body_.bytes_received += data.size();
      if (collector_ && !collector_->Feed(data)) {
        body_.error = collector_->error();
        collector_.reset();  // frees what was collected: the request will be refused anyway
      }
    }

    // The header's type is a template parameter of the constructor only; the content type is read
    // through this pair in init(), when the header is complete.
    const void* header_;
    std::string_view (*content_type_of_)(const void*);
    value_type& body_;
    std::optional<MultipartFormCollector> collector_;
  };
};

}  // namespace interactiond::http
