// OKX v5 public WebSocket frames: market data, acks, errors and notices, in
// whatever shape a server (or a man in the middle) sends them.
#include <cstddef>
#include <cstdint>

#include "venue/okx.hpp"
#include "venue_frame_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A fresh adapter per input keeps every run reproducible from its input
  // alone; decoding twice exercises the buffers reused between frames.
  sf::okx venue;
  sf::fuzz::decode_frame_both_ways(venue, data, size);
  return 0;
}
