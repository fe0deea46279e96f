// Feeds one WebSocket frame to a venue adapter the two ways the link can
// (a frame with padding after it, parsed in place, and one without, parsed
// from a copy), then reads everything decode() returned.
//
// The padded copy is allocated to exactly the frame plus frame_padding bytes,
// so AddressSanitizer reports a parser that reads further.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "record_check.hpp"
#include "steadyfeed/venue/venue_adapter.hpp"

namespace sf::fuzz {

inline std::size_t touch(std::string_view s) {
  std::size_t sum = 0;
  for (const char c : s) sum += static_cast<unsigned char>(c);
  return sum;
}

inline void check_inbound(const venue_adapter& venue, const inbound& in) {
  volatile std::size_t sink = touch(in.stream) + touch(in.topic) + touch(in.reason) + touch(in.reply);
  (void)sink;
  if (in.kind == inbound_kind::data && in.records != nullptr) check_records(venue.name(), *in.records);
}

inline void decode_frame_both_ways(venue_adapter& venue, const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  check_inbound(venue, venue.decode(frame));

  auto padded = std::make_unique<char[]>(size + frame_padding);
  if (size != 0) std::memcpy(padded.get(), data, size);
  std::memset(padded.get() + size, ' ', frame_padding);
  check_inbound(venue, venue.decode_padded(std::string_view(padded.get(), size)));

  // Topics and symbols come from configuration and from frames alike.
  if (auto topic = venue.parse_topic(frame)) (void)venue.topic(topic->first, topic->second);
  (void)venue.spell_symbol(frame);
}

}  // namespace sf::fuzz
