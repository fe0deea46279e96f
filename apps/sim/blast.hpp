// Blast mode: a block of pre-serialized WebSocket frames (server → client,
// unmasked text frames holding real trade payloads of a venue) written to the
// socket back to back, many frames per system call. It measures how fast the
// simulator can feed one client, and how fast a feed handler can take a
// realistic feed: the frames are not part of the truth.
//
// Endpoints (WebSocket upgrades):
//   /_sim/blast?frames=N                             raw trade payloads (BTCUSDT)
//   /_sim/blast/N/stream?streams=<symbol>@trade      the same payloads in Binance's
//                                                    combined-stream wrapper
// The second form is Binance's combined endpoint under a base URL, so a client
// that builds Binance URLs from a base (a venue adapter pointed at
// ws://host:port/_sim/blast/N) reads the blast as it would read the venue,
// with the stream in the URL and no subscription to acknowledge.
//
// With `steadyfeed-sim --blast` the venues' own trade URLs blast too, for any
// client that speaks the venue's protocol (parse_venue_blast_target):
//   /binance-spot/ws/<symbol>@trade                  raw payloads
//   /binance-spot/stream?streams=<symbol>@trade      combined wrapper
//   /okx/ws/v5/public                                OKX `trades` pushes, after the
//                                                    client subscribes to one instId
// These run until the client goes or the ids would outgrow their digits.
//
// The block repeats, but the feed does not: every trade id is written with the
// same number of digits (the market's ids plus 10^11: twelve digits) and every
// time in milliseconds (thirteen digits), at offsets the block records. A
// session sends its own copy of the block and, between repetitions, adds the
// block's frame count to each id and the block's time span to each time, in
// place. The client sees one continuous id sequence with times moving
// forward, for a few digit additions per frame instead of a re-serialization.
//
// Thread safety: a block is immutable once built; sessions renumber copies.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sf::sim {

// Where one frame and the numbers a repetition moves sit in blast_block::bytes.
struct blast_frame {
  std::uint32_t offset = 0;          // first byte of the frame header
  std::uint32_t payload_offset = 0;  // first byte of the message text
  std::uint32_t payload_size = 0;
  // First digits of the numbers a repetition moves; 0 where the venue's
  // frame holds fewer of them.
  std::array<std::uint32_t, 2> id_at{};    // Binance "t"; OKX "tradeId" and "seqId"
  std::array<std::uint32_t, 2> time_at{};  // Binance "E" and "T"; OKX "ts"
};

inline constexpr std::size_t blast_id_digits = 12;
inline constexpr std::size_t blast_time_digits = 13;

struct blast_block {
  std::string bytes;               // concatenated, complete WebSocket frames
  std::size_t frames = 0;          // frames in `bytes`
  std::vector<blast_frame> index;  // one per frame, in order
  std::uint64_t first_id = 0;      // trade id of the first frame
  std::uint64_t first_ms = 0;      // trade time of the first frame
  std::uint64_t last_ms = 0;       // trade time of the last frame
  std::uint64_t span_ms = 0;       // each repetition is this much later

  // Bytes of the first `n` frames (n <= frames).
  std::size_t prefix_bytes(std::size_t n) const noexcept;
  // The message text of frame `i` of `copy` (the block's bytes or a session's copy).
  std::string_view payload(std::string_view copy, std::size_t i) const noexcept;
  // The most frames one session may send before an id or a time would need
  // one more digit than the block reserved.
  std::uint64_t max_frames() const noexcept;
};

// How a block's frames are written.
enum class blast_shape {
  binance_raw,       // Binance trade payloads, as /ws/<stream> pushes them
  binance_combined,  // the same in the combined wrapper {"stream":…,"data":…}
  okx_trades,        // OKX `trades` channel pushes
};

// What a blast URL asks for.
struct blast_request {
  std::uint64_t frames = 1'000'000;
  std::string stream;  // empty: raw payloads; else the combined stream "<symbol>@trade"
};

// nullopt for a target that is not one of the blast endpoints above (one
// trade stream, a frame count that is a number).
std::optional<blast_request> parse_blast_target(std::string_view target);

// A venue URL served as a blast under --blast (see above).
struct venue_blast_request {
  blast_shape shape = blast_shape::binance_combined;
  std::string stream;  // Binance: "<symbol>@trade"; OKX: empty until the subscribe names it
};

// nullopt for a target --blast does not serve: `target` is the whole path,
// /binance-spot/… or /okx/…; only one trade stream per connection.
std::optional<venue_blast_request> parse_venue_blast_target(std::string_view target);

// Appends one unmasked final text frame (RFC 6455 §5.2) holding `payload`.
void append_ws_frame(std::string& out, std::string_view payload);

// `frames_per_block` trade frames from `seed`: raw BTCUSDT payloads when
// `stream` is empty, else that "<symbol>@trade" stream's payloads in the
// combined wrapper. nullopt when the stream names no instrument.
std::optional<blast_block> make_blast_block(std::size_t frames_per_block, std::uint64_t seed,
                                            std::string_view stream = {});

// The same for any shape: `symbol` is the venue's spelling ("btcusdt@trade"
// for Binance's, "BTC-USDT" for OKX's).
std::optional<blast_block> make_blast_block(blast_shape shape, std::size_t frames_per_block,
                                            std::uint64_t seed, std::string_view symbol);

// Moves `copy` (a copy of block.bytes, as sent last) on by one repetition:
// ids by block.frames, times by block.span_ms. The caller keeps within
// max_frames().
void advance_repetition(const blast_block& block, std::string& copy) noexcept;

// A blast session's socket keeps at most this many bytes written but not yet
// sent (TCP_NOTSENT_LOWAT). On loopback the kernel sends queued bytes from
// whichever side's thread opens the window: with a deep queue, most of the
// blast is transmitted from the client's thread, each time its read makes
// room, and the client's core runs the server's transmit path too (about
// 30 ns a frame at 4 M frames/s). Across a network that work stays on the
// server's machine. With a shallow queue the server's own writes send almost
// everything, as a remote server's do.
inline constexpr int blast_unsent_limit = 4096;

// Applies blast_unsent_limit to a connected TCP socket; false (and the
// socket unchanged) where the system does not offer the option.
bool limit_unsent_bytes(int native_socket) noexcept;

}  // namespace sf::sim
