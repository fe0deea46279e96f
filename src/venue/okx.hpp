// OKX v5 public market data (venues.md §3): subscriptions by message on
// /ws/v5/public, `trades` and `books` parsed into records, the text
// `ping`/`pong` heartbeat, REST books and history-trades backfill.
//
// Why these choices:
//  - Topics are spelled "<channel>:<instId>" ("books:BTC-USDT"): OKX names a
//    subscription by an {channel, instId} object, and the supervisor needs one
//    string per topic. Data, acks and errors are mapped back to that spelling,
//    so `inbound::stream` equals the subscribed topic. The stream string is
//    built in a buffer inside the adapter (it is not a substring of the frame).
//  - `books` brings its own snapshot on subscribe; updates chain by
//    prevSeqId == last seqId. A snapshot, and an update whose seqId is below its
//    prevSeqId (the documented reset after maintenance), start a new sequence
//    epoch (`resets_sequence`). The keep-alive update (seqId == prevSeqId) has
//    the seq of the message before it.
//  - A `trades` message aggregates fills of one taker order: tradeId is the last
//    id and `count` says how many; the record covers tradeId-count+1..tradeId.
//  - The checksum field has been 0 in production since 2026-06-23 (§3.7):
//    a 0 is recorded as "no checksum", not as a value to verify.
//  - Subscribe/unsubscribe ops are limited to 480 an hour per connection, so
//    the control budget is a slow refill with a burst large enough to restore a
//    connection's topics at once.
//
// Thread safety and lifetime: see venue_adapter.hpp.
#pragma once

#include <string>

#include "venue/json_venue_adapter.hpp"

namespace sf {

class okx final : public json_venue_adapter {
 public:
  static constexpr std::string_view default_ws_url = "wss://ws.okx.com:8443/ws/v5/public";
  static constexpr std::string_view default_rest_url = "https://www.okx.com";

  explicit okx(const venue_endpoints& endpoints = {});

  std::string_view name() const noexcept override { return "okx"; }
  subscribe_mode mode() const noexcept override { return subscribe_mode::messages; }
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
  rest_request history_trades_request(std::string_view symbol, std::uint64_t after) const;

  std::string stream_;  // "<channel>:<instId>" of the last data frame or ack
};

}  // namespace sf
