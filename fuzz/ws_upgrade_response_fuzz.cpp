// The client's side of the WebSocket opening handshake on any server reply:
// the response read as the link reads it (Beast's parser, header first, the
// body of a refusal up to the link's limit), the project's verdict on it
// (check_upgrade_response: status classes, Retry-After and Date, the accept
// key, offered extensions) and, when it accepts, the frames that arrived in
// the same read, which go to the frame reader.
//
// Promises checked: a refusal carries an error code and a delay that is
// never negative.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "net/ws_frame_reader.hpp"
#include "net/ws_handshake.hpp"

namespace {

namespace http = boost::beast::http;

// RFC 6455 §1.3's example key; its accept value is in http.dict.
constexpr std::string_view key = "dGhlIHNhbXBsZSBub25jZQ==";
// As ws_link.cpp: the refusal body the link reads for the detail.
constexpr std::uint64_t max_refusal_body = 64 * 1024;

[[noreturn]] void broken(const char* promise) {
  std::fprintf(stderr, "broken promise: %s\n", promise);
  std::abort();
}

// Puts what the buffer holds into the parser until it wants more than there
// is, stops, or fails. True when the parser did not fail.
bool put_all(http::response_parser<http::string_body>& parser, boost::beast::flat_buffer& buffer) {
  for (;;) {
    boost::beast::error_code ec;
    const std::size_t n = parser.put(buffer.data(), ec);
    buffer.consume(n);
    if (ec == http::error::need_more) return true;
    if (ec) return false;
    if (parser.is_done() || n == 0) return true;
    if (!parser.eager() && parser.is_header_done()) return true;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::beast::flat_buffer buffer;
  const auto space = buffer.prepare(size);
  if (size != 0) std::memcpy(space.data(), data, size);
  buffer.commit(size);

  http::response_parser<http::string_body> parser;
  parser.body_limit(max_refusal_body);
  // The link reads the header alone: after a 101 the bytes that follow are frames.
  if (!put_all(parser, buffer) || !parser.is_header_done()) return 0;
  if (parser.get().result() != http::status::switching_protocols && !parser.is_done()) {
    parser.eager(true);
    if (put_all(parser, buffer) && !parser.is_done()) {
      boost::beast::error_code ec;
      parser.put_eof(ec);
    }
  }

  const auto why = sf::check_upgrade_response(parser.get(), key, "fuzz.example/ws");
  if (why) {
    if (!why->code) broken("a refusal has an error code");
    if (why->retry_after.count() < 0) broken("Retry-After is never negative");
    (void)why->to_string();
    return 0;
  }
  sf::ws_frame_reader reader(16u << 20);
  const auto early = buffer.cdata();
  reader.append({static_cast<const char*>(early.data()), early.size()});
  while (reader.next().what != sf::ws_frame_event::kind::need_more) {
    if (reader.error().detail.size() != 0) break;
  }
  return 0;
}
