// The reusable state behind one stream of JSON parses: a padded copy of the
// input, a simdjson On-Demand parser, and room for an error message.
//
// simdjson reads up to SIMDJSON_PADDING (64) bytes past the end of its input.
// A frame from the transport's receive buffer has them and is parsed in place
// (parse_in_place); any other text, which gives no such promise, is copied
// into a buffer that has the padding (parse). The copy costs one memcpy of
// the frame (a ~200 B trade frame: a few ns, next to ~100 ns of parsing) and
// buys independence from how the transport sizes its buffers. The buffer and
// the parser only grow: after the largest frame has been seen, parsing
// allocates nothing.
//
// Error messages are formatted into a fixed buffer, so even a stream of
// malformed frames allocates nothing; the view returned stays valid until the
// next call.
//
// Thread safety: none; one instance per parsing thread. Views into the parsed
// document (string tokens, the error message) live until the next parse.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <memory>
#include <string_view>

namespace sf::venue_json {

class json_scratch {
 public:
  json_scratch() = default;
  json_scratch(const json_scratch&) = delete;
  json_scratch& operator=(const json_scratch&) = delete;

  // Copies `text` behind padding and starts an On-Demand parse of it. May
  // throw std::bad_alloc when the text is larger than any seen before.
  simdjson::error_code parse(std::string_view text, simdjson::ondemand::document& doc);
  // Starts an On-Demand parse of `text` where it lies: the caller promises
  // SIMDJSON_PADDING readable bytes after it, unchanged until the parse is
  // done with (a transport's receive buffer; see venue_protocol's frame_room).
  simdjson::error_code parse_in_place(std::string_view text, simdjson::ondemand::document& doc) {
    return parser_.iterate(simdjson::padded_string_view(text.data(), text.size(),
                                                        text.size() + simdjson::SIMDJSON_PADDING))
        .get(doc);
  }

  // Formats a message into the scratch's own buffer (truncated to fit).
  std::string_view reason(const char* format, ...) noexcept __attribute__((format(printf, 2, 3)));

 private:
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;  // bytes in buffer_, padding included
  simdjson::ondemand::parser parser_;
  char reason_[192] = {};
};

}  // namespace sf::venue_json
