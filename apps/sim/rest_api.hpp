// The venues' REST market-data endpoints a feed handler needs for snapshots
// and backfill, answered from the same generated history as the streams:
//   /binance-spot/api/v3/depth, /api/v3/trades, /api/v3/historicalTrades, /api/v3/aggTrades
//   /okx/api/v5/market/books, /api/v5/market/trades, /api/v5/market/history-trades
// Errors use each venue's own codes and bodies; REST faults (5xx, 429 with
// Retry-After) come from the fault injector.
//
// Thread safety: none; used from the server's I/O thread.
#pragma once

#include <optional>
#include <string_view>

#include "sim/fault_injector.hpp"
#include "sim/http_reply.hpp"
#include "sim/market_registry.hpp"
#include "sim/rest_query.hpp"

namespace sf::sim {

class rest_api {
 public:
  rest_api(market_registry& markets, const fault_injector& faults) : markets_(markets), faults_(faults) {}

  // `venue` is the URL prefix, `target` the rest of the request target
  // ("/api/v3/depth?symbol=BTCUSDT&limit=5"). nullopt: no such endpoint (404).
  std::optional<http_reply> handle(std::string_view venue, std::string_view target, time_point now, wall_us wall);

 private:
  http_reply binance_endpoint(std::string_view path, const rest_query& q);
  http_reply okx_endpoint(std::string_view path, const rest_query& q, wall_us wall);

  market_registry& markets_;
  const fault_injector& faults_;
};

}  // namespace sf::sim
