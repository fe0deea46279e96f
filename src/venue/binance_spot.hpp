// Binance Spot public market data (venues.md §1): combined streams in the URL,
// run-time SUBSCRIBE/UNSUBSCRIBE, `@trade` and `@depth@100ms` parsed into
// records, REST depth snapshots and historicalTrades backfill.
//
// Why these choices:
//  - Combined streams (`/stream?streams=a/b`) wrap every payload as
//    {"stream":..,"data":..}, so a frame names its topic and one connection
//    carries many symbols. Raw `/ws/<stream>` events (a capture from that
//    endpoint) are read too: their stream is the one this adapter would
//    subscribe for the event's symbol.
//  - A new connection names as many streams in its URL as fit in 4 KiB (a
//    URL of 8 KiB or more is refused), and subscribes the rest of its 1 024
//    by SUBSCRIBE: a connection opens with its first streams flowing at once.
//  - Trades come from `@trade` (one record per fill, id `t`), so a gap in `t`
//    is backfilled by `historicalTrades?fromId=`, which pages by the same id.
//    `aggTrades` ids (`a`) are a different sequence.
//  - The server pings every 20 s and the transport answers; the client sends no
//    pings of its own because pings and pongs count against the 5 messages/s
//    inbound limit.
//
// Thread safety and lifetime: see venue_adapter.hpp.
#pragma once

#include <string>

#include "venue/json_venue_adapter.hpp"

namespace sf {

class binance_spot final : public json_venue_adapter {
 public:
  static constexpr std::string_view default_ws_url = "wss://stream.binance.com:9443";
  static constexpr std::string_view default_rest_url = "https://api.binance.com";
  // The REST budget every request spends from (venue_limits::rest_limits).
  static constexpr std::string_view request_weight = "REQUEST_WEIGHT";

  explicit binance_spot(const venue_endpoints& endpoints = {});

  std::string_view name() const noexcept override { return "binance-spot"; }
  subscribe_mode mode() const noexcept override { return subscribe_mode::url; }
  std::string url(std::span<const std::string> topics) const override;

  std::string topic(channel c, std::string_view symbol) const override;
  symbol_spelling spell_symbol(std::string_view text) const override;
  std::optional<std::pair<channel, std::string>> parse_topic(std::string_view topic) const override;
  rest_request book_snapshot_request(std::string_view symbol) const override;
  rest_request trade_backfill_request(std::string_view symbol, std::uint64_t first_missing,
                                      std::uint64_t last_missing) const override;
  std::optional<rest_request> next_trade_backfill_request(const rest_request& previous,
                                                          std::string_view symbol,
                                                          std::uint64_t first_missing,
                                                          std::uint64_t last_missing,
                                                          const record_batch& page) const override;
  rest_status parse_book_snapshot(std::string_view body, std::string_view symbol,
                                  record_batch& out) override;
  rest_status parse_trades(std::string_view body, std::string_view symbol,
                           record_batch& out) override;

 private:
  inbound decode_frame(std::string_view frame, frame_room room) override;
  std::string control_message(bool subscribe, std::span<const std::string> topics,
                              std::uint64_t request_id) const override;

  std::string raw_stream_;  // the stream of the last raw event
};

}  // namespace sf
