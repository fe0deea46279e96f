// Binance Spot's REST market-data endpoints a feed handler needs for book
// snapshots and trade backfill (venues.md §1.7, §1.9), answered from the same
// generated history as the streams:
//   /api/v3/depth, /api/v3/trades, /api/v3/historicalTrades, /api/v3/aggTrades
// with the venue's parameter checks, limits and paging (fromId, startTime,
// endTime), and its error bodies {"code":-1121,"msg":"Invalid symbol."}.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <string_view>

#include "sim/http_reply.hpp"
#include "sim/market_registry.hpp"
#include "sim/rest_query.hpp"

namespace sf::sim::binance {

// Whether `path` is under /api/v3/.
bool is_rest_path(std::string_view path);
// The answer to GET `path`; `venue` names the venue's markets in `markets`.
http_reply rest_reply(std::string_view path, const rest_query& q, const market_registry& markets,
                      std::string_view venue);
// A refusal: 429 (request weight exceeded), 418 (the IP banned for going
// on after a 429) or a 5xx `status`.
http_reply rest_error_reply(int status);
// The request weight of GET `path` (§1.7, §1.9): depth by its limit,
// trades and historicalTrades 25, aggTrades 4; 1 for anything else.
int request_weight(std::string_view path, const rest_query& q);

}  // namespace sf::sim::binance
