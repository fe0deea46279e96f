// Binance Spot's public WebSocket dialect, written from the venue's
// documentation (venues.md §1), independent of the library's adapter:
// stream names, URL subscriptions, the SUBSCRIBE / UNSUBSCRIBE /
// LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY methods with their replies
// and errors, and the exact shapes of the pushed frames.
//
// Frame functions are pure and print compact JSON in the venue's field order;
// decimals are strings with eight places ("43000.10000000"); event and trade
// times are milliseconds, or microseconds with `timeUnit=MICROSECOND`.
//
// As on the venue, subscribing to a stream that does not exist is acknowledged
// with `"result":null` and then simply delivers nothing.
//
// Thread safety: functions are pure; `control_protocol` is per connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/market_stream.hpp"

namespace sf::sim::binance {

enum class stream_kind { trade, agg_trade, depth, partial_depth, book_ticker };

struct stream_name {
  std::string text;    // as subscribed: "btcusdt@depth@100ms"
  std::string symbol;  // lowercase: "btcusdt"
  stream_kind kind = stream_kind::trade;
  int levels = 0;      // partial_depth: 5, 10 or 20
  bool fast = false;   // @100ms
};

// Parses a stream name this simulator serves; nullopt for anything else
// (which the venue would accept and never feed).
std::optional<stream_name> parse_stream(std::string_view text);

// What a connection URL asks for: the path after the venue prefix and query.
struct url_request {
  bool combined = false;  // /stream (wrapped {"stream":..,"data":..}) vs /ws (raw)
  bool micro = false;     // timeUnit=MICROSECOND
  std::vector<std::string> streams;
};
// `target` is e.g. "/ws/btcusdt@trade", "/ws", "/stream?streams=a/b&timeUnit=MICROSECOND".
std::optional<url_request> parse_url(std::string_view target);

// Pushed payloads (raw form).
std::string trade_payload(const market_stream& s, const trade_event& t, wall_us event_time, bool micro);
std::string agg_trade_payload(const market_stream& s, const trade_event& t, wall_us event_time, bool micro);
std::string depth_update_payload(const market_stream& s, const book_update& u, bool micro);
std::string partial_depth_payload(const market_stream& s, int levels);
std::string book_ticker_payload(const market_stream& s);
std::string server_shutdown_payload(wall_us now, bool micro);
// {"stream":"<name>","data":<payload>}
std::string wrap_combined(std::string_view stream, std::string_view payload);

// REST bodies.
std::string depth_snapshot(const market_stream& s, std::size_t limit);
std::string agg_trade_item(const trade_event& t);
std::string historical_trade_item(const trade_event& t);

// The per-connection control protocol.
class control_protocol {
 public:
  control_protocol(bool combined, std::size_t max_streams, std::vector<std::string> initial = {});

  struct result {
    std::string reply;  // empty: nothing to send
    bool changed = false;
  };
  result handle(std::string_view text);

  const std::vector<std::string>& streams() const noexcept { return streams_; }
  bool combined() const noexcept { return combined_; }

 private:
  std::vector<std::string> streams_;
  bool combined_;
  std::size_t max_streams_;
};

}  // namespace sf::sim::binance
