// A small venue dialect for transport and end-to-end tests, and the frames
// that make it up.
//
//   data         {"stream":"a","seq":5,"p":"..."}       ("reset":true starts a new epoch)
//   subscribe    {"op":"subscribe","id":7,"args":["a","b"]}   (and "unsubscribe")
//   ack / nack   {"ack":7}   {"nack":7,"topic":"x","reason":"unknown symbol"}
//   notice       {"notice":"maintenance"}
//   app ping     "ping" → "pong" (either direction)
//
// It looks like the JSON venues speak, so frames have realistic sizes, but it
// is decoded with plain string searches: the tests exercise the transport and
// the supervisor, not a JSON parser. Limits and heartbeats are plain options so
// a test can ask for a 2 s connection lifetime or a 200 ms pong timeout.
//
// Thread safety: immutable after construction except decode(), which keeps no
// state either, so an instance may be shared.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/venue/venue_protocol.hpp"

namespace sf::test {

struct test_protocol_options {
  std::string url;  // e.g. "ws://127.0.0.1:PORT/feed"
  subscribe_mode mode = subscribe_mode::messages;
  venue_limits limits;
  heartbeat_policy heartbeat;
};

class test_protocol final : public venue_protocol {
 public:
  explicit test_protocol(test_protocol_options options) : options_(std::move(options)) {}

  std::string_view name() const noexcept override { return "test"; }
  subscribe_mode mode() const noexcept override { return options_.mode; }
  const venue_limits& limits() const noexcept override { return options_.limits; }
  const heartbeat_policy& heartbeat() const noexcept override { return options_.heartbeat; }

  std::string url(std::span<const std::string> topics) const override;
  std::string subscribe_message(std::span<const std::string> topics,
                                std::uint64_t request_id) const override;
  std::string unsubscribe_message(std::span<const std::string> topics,
                                  std::uint64_t request_id) const override;
  inbound decode(std::string_view frame) noexcept override;

 private:
  test_protocol_options options_;
};

// ---- frames, for servers and assertions -------------------------------------
std::string test_data_frame(std::string_view stream, std::uint64_t seq,
                            std::string_view payload = {});

// A subscribe/unsubscribe request as a server sees it.
struct test_request {
  bool subscribe = true;
  std::uint64_t id = 0;
  std::vector<std::string> topics;
};
// Parses a request frame; false if `frame` is not one.
bool parse_test_request(std::string_view frame, test_request& out);

// The stream and seq of a data frame; false if `frame` is not one.
bool parse_test_data(std::string_view frame, std::string_view& stream, std::uint64_t& seq);

}  // namespace sf::test
