// Blast mode: a block of pre-serialized WebSocket frames (server → client,
// unmasked text frames holding real Binance trade payloads) written to the
// socket back to back, many frames per system call. It measures how fast the
// simulator can feed one client, which is what load tests of a feed handler
// need; the frames repeat every `frames_per_block` and are not part of the
// truth.
//
// Thread safety: the block is immutable once built.
#pragma once

#include <cstddef>
#include <string>

namespace sf::sim {

struct blast_block {
  std::string bytes;          // concatenated, complete WebSocket frames
  std::size_t frames = 0;     // frames in `bytes`
};

// Appends one unmasked final text frame (RFC 6455 §5.2) holding `payload`.
void append_ws_frame(std::string& out, std::string_view payload);

// `frames_per_block` frames of trade payloads for BTCUSDT from `seed`.
blast_block make_blast_block(std::size_t frames_per_block, std::uint64_t seed);

}  // namespace sf::sim
