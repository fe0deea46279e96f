// A venue adapter: everything steadyfeed knows about one venue, sans-I/O.
//
// It extends the supervisor's `venue_protocol` (URLs, subscribe frames,
// heartbeats, limits, `decode`) with what the arbiter, the book keeper and the
// backfill need: the venue's topic names for our channels, the book sync rules,
// and the REST calls for book snapshots and trade backfill, with parsers for
// their replies. Nothing here opens a socket or reads a clock: callers carry
// bytes in and out, so every rule is unit-tested on the venue's documented
// sample messages.
//
// Parsed records carry ts_recv = 0: the adapter has no clock, and the
// supervisor hands the receive time along with each message.
//
// Thread safety: an instance belongs to one thread. `decode` and the REST
// parsers reuse buffers inside the instance (that is what keeps them free of
// allocations), so records they return stay valid only until the next call of
// the same function. `decode` and the REST parsers use separate buffers, so a
// REST reply may be parsed while a frame's records are still in use.
//
// Lifetime: records' string views point into the instance's buffers (decode)
// or into the `symbol` argument (REST parsers); keep both alive while the
// records are read.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "steadyfeed/core/record.hpp"
#include "steadyfeed/venue/venue_protocol.hpp"
#include "steadyfeed/book/book_rules.hpp"
#include "steadyfeed/venue/channel.hpp"
#include "steadyfeed/venue/rest_request.hpp"
#include "steadyfeed/venue/symbol_spelling.hpp"

namespace sf {

// Where to reach a venue. Empty fields mean the venue's production endpoints.
// A WebSocket base is the part before the adapter's own path: Binance's
// adapter appends "/stream?streams=...", OKX's uses the URL as given (so an
// override names the full public path, e.g. "ws://127.0.0.1:9000/okx/ws/v5/public").
// A REST base is prefixed to every rest_request::target.
struct venue_endpoints {
  std::string ws_url;
  std::string rest_url;
};

class venue_adapter : public venue_protocol {
 public:
  // The venue's stream name for a channel of one symbol, e.g. Binance
  // "btcusdt@trade", OKX "books:BTC-USDT". `symbol` is in the venue's own form
  // (BTCUSDT, BTC-USDT). This string is the topic the supervisor subscribes and
  // the `inbound::stream` of the data it decodes.
  virtual std::string topic(channel c, std::string_view symbol) const = 0;
  // `text` in the venue's own spelling (BTCUSDT, BTC-USDT) where that is
  // unambiguous, or the reason it is refused (symbol_spelling.hpp).
  virtual symbol_spelling spell_symbol(std::string_view text) const = 0;
  // The inverse of topic(): channel and the venue's own symbol; nullopt for a
  // topic that is not one of ours.
  virtual std::optional<std::pair<channel, std::string>> parse_topic(
      std::string_view topic) const = 0;

  // Where the book snapshot comes from and which continuity rule applies.
  virtual const book_rules& book_sync() const noexcept = 0;

  // The base URL REST targets are relative to.
  virtual const std::string& rest_url() const noexcept = 0;
  // The WebSocket URL (or base) the adapter connects to, resolved: the
  // venue's production endpoint unless another was given.
  virtual const std::string& ws_url() const noexcept = 0;

  // A full book snapshot of `symbol` at book_sync().snapshot_depth levels.
  virtual rest_request book_snapshot_request(std::string_view symbol) const = 0;

  // The first page of trades to fill the missing trade ids
  // [first_missing, last_missing] (inclusive). Pages may hold trades outside
  // that range; the caller keeps the ones it lacks.
  virtual rest_request trade_backfill_request(std::string_view symbol, std::uint64_t first_missing,
                                              std::uint64_t last_missing) const = 0;
  // The page after `previous`, given the trades it returned (as parsed by
  // parse_trades); nullopt when the range is covered, the page was empty or it
  // did not move the cursor (so a misbehaving server cannot loop us).
  virtual std::optional<rest_request> next_trade_backfill_request(
      const rest_request& previous, std::string_view symbol, std::uint64_t first_missing,
      std::uint64_t last_missing, const record_batch& page) const = 0;

  // Parses a book snapshot body into `out` (cleared first): one book_record
  // with snapshot = true and seq = the venue's id for it (Binance lastUpdateId;
  // OKX seqId when the body has one, else 0), sealed.
  virtual rest_status parse_book_snapshot(std::string_view body, std::string_view symbol,
                                          record_batch& out) = 0;
  // Parses a trade list body into `out` (cleared first), oldest trade first
  // whatever order the venue pages in.
  virtual rest_status parse_trades(std::string_view body, std::string_view symbol,
                                   record_batch& out) = 0;
};

// The venues make_venue_adapter knows: "binance-spot", "okx".
std::span<const std::string_view> known_venues() noexcept;

// The adapter for `venue` (one of known_venues()), or nullptr for any other name.
std::unique_ptr<venue_adapter> make_venue_adapter(std::string_view venue,
                                                  const venue_endpoints& endpoints = {});

}  // namespace sf
