#include "sim/rest_api.hpp"

#include <algorithm>

#include "sim/binance_spot_dialect.hpp"
#include "sim/okx_dialect.hpp"
#include "sim/venue.hpp"

namespace sf::sim {

namespace {

http_reply binance_error(int status, int code, std::string_view msg) {
  return {status, R"({"code":)" + std::to_string(code) + R"(,"msg":")" + std::string(msg) + "\"}", {}};
}

http_reply okx_error(int status, std::string_view code, std::string_view msg) {
  return {status, R"({"code":")" + std::string(code) + R"(","msg":")" + std::string(msg) + R"(","data":[]})", {}};
}

template <class Fn>
std::string json_array(const std::vector<const trade_event*>& items, Fn fn) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += fn(*items[i]);
  }
  out += ']';
  return out;
}

}  // namespace

std::optional<http_reply> rest_api::handle(std::string_view venue, std::string_view target, time_point now,
                                           wall_us wall) {
  const auto q = target.find('?');
  const auto path = target.substr(0, q);
  const auto query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  const bool is_binance = venue == binance_spot && path.starts_with("/api/v3/");
  const bool is_okx = venue == okx && path.starts_with("/api/v5/market/");
  if (!is_binance && !is_okx) return std::nullopt;

  if (const auto f = faults_.rest_fault_for(venue, now)) {
    http_reply r;
    r.status = f->status;
    if (f->status == 429) {
      r = is_binance ? binance_error(429, -1003,
                                     "Too much request weight used; current limit is 6000 request weight per 1 "
                                     "MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.")
                     : http_reply{429, R"({"msg":"Too Many Requests","code":"50011"})", {}};
      const auto secs = std::max<std::int64_t>(1, std::chrono::ceil<seconds>(f->retry_after).count());
      r.headers.emplace_back("Retry-After", std::to_string(secs));
    } else {
      r = is_binance ? binance_error(f->status, -1001, "Internal error; unable to process your request. Please try again.")
                     : okx_error(f->status, "50001", "Service temporarily unavailable. Try again later");
    }
    return r;
  }
  const rest_query params(query);
  return is_binance ? binance_endpoint(path, params) : okx_endpoint(path, params, wall);
}

http_reply rest_api::binance_endpoint(std::string_view path, const rest_query& q) {
  const auto* sym = q.find("symbol");
  if (path != "/api/v3/depth" && path != "/api/v3/trades" && path != "/api/v3/historicalTrades" &&
      path != "/api/v3/aggTrades")
    return binance_error(404, -1000, "An unknown error occurred while processing the request.");
  if (!sym || sym->empty())
    return binance_error(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  for (const auto key : {"limit", "fromId", "startTime", "endTime"}) {
    if (q.malformed_integer(key))
      return binance_error(400, -1100, "Illegal characters found in parameter '" + std::string(key) +
                                           "'; legal range is '^[0-9]{1,20}$'.");
  }
  const market_stream* s = markets_.find(binance_spot, *sym);
  if (!s) return binance_error(400, -1121, "Invalid symbol.");

  if (path == "/api/v3/depth") {
    const auto limit = std::clamp<std::int64_t>(q.integer("limit").value_or(100), 1, 5000);
    return {200, binance::depth_snapshot(*s, static_cast<std::size_t>(limit)), {}};
  }
  const auto& history = s->trades();
  const std::int64_t max_limit = 1000;
  const auto limit = static_cast<std::size_t>(std::clamp<std::int64_t>(q.integer("limit").value_or(500), 1, max_limit));
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
    for (auto it = history.end() - static_cast<std::ptrdiff_t>(n); it != history.end(); ++it) picked.push_back(&*it);
  }
  if (path == "/api/v3/aggTrades") return {200, json_array(picked, binance::agg_trade_item), {}};
  return {200, json_array(picked, binance::historical_trade_item), {}};
}

http_reply rest_api::okx_endpoint(std::string_view path, const rest_query& q, wall_us wall) {
  if (path != "/api/v5/market/books" && path != "/api/v5/market/trades" && path != "/api/v5/market/history-trades")
    return okx_error(404, "50000", "Body can not be empty");
  const auto* inst = q.find("instId");
  if (!inst || inst->empty()) return okx_error(400, "50014", "Parameter instId can not be empty.");
  for (const auto key : {"sz", "limit", "after", "before", "type"}) {
    if (q.malformed_integer(key)) return okx_error(400, "51000", "Parameter " + std::string(key) + " error");
  }
  const market_stream* s = markets_.find(okx, *inst);
  if (!s) return okx_error(400, "51001", "Instrument ID does not exist");

  if (path == "/api/v5/market/books") {
    const auto sz = std::clamp<std::int64_t>(q.integer("sz").value_or(1), 1, 400);
    return {200, okx_ws::rest_books(*s, static_cast<std::size_t>(sz), wall), {}};
  }
  const auto& history = s->trades();
  const std::int64_t max_limit = path == "/api/v5/market/trades" ? 500 : 100;
  const auto limit = static_cast<std::size_t>(
      std::clamp<std::int64_t>(q.integer("limit").value_or(100), 1, max_limit));
  const bool by_time = path == "/api/v5/market/history-trades" && q.integer("type").value_or(1) == 2;
  const auto key_of = [by_time](const trade_event& t) {
    return by_time ? t.ts / 1000 : static_cast<std::int64_t>(t.id);
  };
  const auto after = path == "/api/v5/market/history-trades" ? q.integer("after") : std::nullopt;
  const auto before = path == "/api/v5/market/history-trades" && !by_time ? q.integer("before") : std::nullopt;

  // Newest first, as the venue pages: `after` = older than, `before` = newer than.
  std::vector<const trade_event*> picked;
  if (before && !after) {
    for (const auto& t : history)
      if (key_of(t) > *before && picked.size() < limit) picked.push_back(&t);
    std::reverse(picked.begin(), picked.end());
  } else {
    for (auto it = history.rbegin(); it != history.rend() && picked.size() < limit; ++it) {
      if (after && key_of(*it) >= *after) continue;
      if (before && key_of(*it) <= *before) break;
      picked.push_back(&*it);
    }
  }
  std::string body = R"({"code":"0","msg":"","data":)";
  body += json_array(picked, [s](const trade_event& t) { return okx_ws::rest_trade_item(*s, t); });
  body += '}';
  return {200, std::move(body), {}};
}

}  // namespace sf::sim
