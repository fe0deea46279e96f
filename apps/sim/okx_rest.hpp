// OKX v5's REST market-data endpoints a feed handler needs for book snapshots
// and trade backfill (venues.md §3.9), answered from the same generated
// history as the channels:
//   /api/v5/market/books, /api/v5/market/trades, /api/v5/market/history-trades
// newest first, paged with `after` / `before` by trade id or (type=2) time,
// with the venue's error bodies {"code":"51001","msg":"...","data":[]}.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <string_view>

#include "sim/http_reply.hpp"
#include "sim/market_registry.hpp"
#include "sim/rest_query.hpp"

namespace sf::sim::okx_ws {

// Whether `path` is under /api/v5/market/.
bool is_rest_path(std::string_view path);
// The answer to GET `path` at wall time `wall`; `venue` names the venue's
// markets in `markets`.
http_reply rest_reply(std::string_view path, const rest_query& q, const market_registry& markets,
                      std::string_view venue, wall_us wall);
// An injected failure: 429 (too many requests) or a 5xx `status`.
http_reply rest_error_reply(int status);

}  // namespace sf::sim::okx_ws
