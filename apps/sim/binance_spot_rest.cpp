#include "sim/binance_spot_rest.hpp"

#include <algorithm>

#include "sim/binance_spot_dialect.hpp"
#include "sim/json_array.hpp"

namespace sf::sim::binance {

namespace {

http_reply error(int status, int code, std::string_view msg) {
  return {
      status, R"({"code":)" + std::to_string(code) + R"(,"msg":")" + std::string(msg) + "\"}", {}};
}

}  // namespace

bool is_rest_path(std::string_view path) {
  return path.starts_with("/api/v3/");
}

http_reply rest_error_reply(int status) {
  if (status == 429)
    return error(429, -1003,
                 "Too much request weight used; current limit is 6000 request weight per 1 "
                 "MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.");
  if (status == 418)
    return error(418, -1003,
                 "Way too much request weight used; IP banned. Please use WebSocket Streams for "
                 "live updates to avoid bans.");
  return error(status, -1001, "Internal error; unable to process your request. Please try again.");
}

int request_weight(std::string_view path, const rest_query& q) {
  if (path == "/api/v3/depth") {
    const auto limit = q.integer("limit").value_or(100);
    return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
  }
  if (path == "/api/v3/trades" || path == "/api/v3/historicalTrades") return 25;
  if (path == "/api/v3/aggTrades") return 4;
  return 1;
}

http_reply rest_reply(std::string_view path, const rest_query& q, const market_registry& markets,
                      std::string_view venue) {
  const auto* sym = q.find("symbol");
  if (path != "/api/v3/depth" && path != "/api/v3/trades" && path != "/api/v3/historicalTrades" &&
      path != "/api/v3/aggTrades")
    return error(404, -1000, "An unknown error occurred while processing the request.");
  if (!sym || sym->empty())
    return error(400, -1102,
                 "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  for (const auto key : {"limit", "fromId", "startTime", "endTime"}) {
    if (q.malformed_integer(key))
      return error(400, -1100,
                   "Illegal characters found in parameter '" + std::string(key) +
                       "'; legal range is '^[0-9]{1,20}$'.");
  }
  const market_stream* s = markets.find(venue, *sym);
  if (!s) return error(400, -1121, "Invalid symbol.");

  if (path == "/api/v3/depth") {
    const auto limit = std::clamp<std::int64_t>(q.integer("limit").value_or(100), 1, 5000);
    return {200, depth_snapshot(*s, static_cast<std::size_t>(limit)), {}};
  }
  const auto& history = s->trades();
  const std::int64_t max_limit = 1000;
  const auto limit = static_cast<std::size_t>(
      std::clamp<std::int64_t>(q.integer("limit").value_or(500), 1, max_limit));
  std::vector<const trade_event*> picked;
  const auto from_id = q.integer("fromId");
  const auto start = q.integer("startTime");
  const auto end = q.integer("endTime");
  if (from_id && path != "/api/v3/trades") {
    for (const auto& t : history) {
      if (static_cast<std::int64_t>(t.id) < *from_id) continue;
      if (picked.size() >= limit) break;
      picked.push_back(&t);
    }
  } else if (path == "/api/v3/aggTrades" && (start || end)) {
    const auto in_range = [&](const trade_event& t) {
      const auto ms = t.ts / 1000;
      return (!start || ms >= *start) && (!end || ms <= *end);
    };
    if (start) {
      for (const auto& t : history)
        if (in_range(t) && picked.size() < limit) picked.push_back(&t);
    } else {  // endTime only: the most recent up to it
      for (auto it = history.rbegin(); it != history.rend() && picked.size() < limit; ++it)
        if (in_range(*it)) picked.push_back(&*it);
      std::reverse(picked.begin(), picked.end());
    }
  } else {
    const auto n = std::min(limit, history.size());
    for (auto it = history.end() - static_cast<std::ptrdiff_t>(n); it != history.end(); ++it)
      picked.push_back(&*it);
  }
  if (path == "/api/v3/aggTrades") return {200, json_array(picked, agg_trade_item), {}};
  return {200, json_array(picked, historical_trade_item), {}};
}

}  // namespace sf::sim::binance
