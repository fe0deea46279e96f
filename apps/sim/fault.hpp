// One fault the simulator can inject, as data: what, where, when, how long.
//
// The same description comes from a chaos file (`at` = offset from start) or
// from the control API (applied at once), and is built by one function from
// plain text fields so both report problems the same way: every problem at
// once, each naming the field and where it came from.
//
// Targets: `venue` (empty = every venue), `connection` (empty = every
// connection of the venue; ids as listed by GET /_sim/connections), `symbol`
// (book faults only; the venue's or the canonical spelling; empty = all).
// A `target` field is shorthand: "all", a venue name, or a connection id.
//
// Every fault applied is logged as one JSON line with its wall time ("ts",
// µs), its offset from the server's start ("t_ms"), the fault's fields and
// what it hit ("detail": "connections 3,4", "markets BTC-USDT", ...).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "steadyfeed/core/clock.hpp"

namespace sf::sim {

enum class fault_kind {
  close,               // graceful close frame (close_code), then TCP close
  reset,               // TCP reset (SO_LINGER 0), no close frame
  half_open,           // stop sending and answering (pings too), keep the socket; drop it after `duration`
  stall,               // stop sending for `duration`; frames generated meanwhile are held, then sent
                       // at once (delayed with their original event times, never dropped)
  slow_drip,           // send at most one frame per `interval` for `duration` (the rest wait, in order)
  garbage,             // `count` frames of random bytes (binary)
  oversized,           // one text frame of `size` bytes
  malformed_json,      // `count` truncated JSON frames
  maintenance,         // Binance serverShutdown / OKX notice 64008, then close after `duration`
  sequence_gap,        // drop the next `count` book events of this connection (Binance: whole depthUpdate
                       // events, so U jumps; OKX: books updates, so prevSeqId != last seqId); the truth keeps them
  bad_checksum,        // corrupt the checksum of the next `count` OKX book frames
  rest_error,          // REST answers `status` (5xx) for `duration`
  rest_429,            // REST answers 429 with Retry-After: `retry_after` for `duration`
  refuse_connections,  // for `duration`, new WebSocket connections are reset (TCP RST, no HTTP status: the
                       // client sees ECONNRESET/EOF in the handshake, as behind a load balancer with no
                       // healthy backend); target "all" resets right after accept, REST included.
                       // HTTP 429 is the connection-rate limit's answer, not this fault's
  sequence_reset,      // OKX books: the next update's seqId restarts near 0 (smaller than its prevSeqId)
};

std::string_view name_of(fault_kind kind) noexcept;
std::optional<fault_kind> fault_from_name(std::string_view name) noexcept;
std::string fault_names();  // "close, reset, ..." for error messages

// Whether the fault acts on live connections (else on the venue as a whole).
bool is_connection_fault(fault_kind kind) noexcept;
// Whether the fault changes the generated market itself (seen by every
// connection and written to the truth), not the delivery.
bool is_market_fault(fault_kind kind) noexcept;

struct fault_spec {
  duration at{0};
  fault_kind kind = fault_kind::close;
  std::string venue;
  std::optional<std::uint64_t> connection;
  std::string symbol;
  duration length{0};
  duration interval{milliseconds{200}};
  duration retry_after{seconds{1}};
  std::uint32_t count = 1;
  int status = 503;
  int close_code = 1000;
  std::size_t size = 16u << 20;
};

// Builds a fault from text fields. `where` prefixes every message
// ("chaos.yaml: faults[2] (line 7)"). Problems are appended to `errors`.
std::optional<fault_spec> parse_fault(const std::map<std::string, std::string>& fields, std::string_view where,
                                      std::vector<std::string>& errors);

// One line of JSON describing the fault, for logs and the control API.
std::string describe(const fault_spec& f);

}  // namespace sf::sim
