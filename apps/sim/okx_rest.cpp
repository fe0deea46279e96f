#include "sim/okx_rest.hpp"

#include <algorithm>

#include "sim/json_array.hpp"
#include "sim/okx_dialect.hpp"

namespace sf::sim::okx_ws {

namespace {

http_reply error(int status, std::string_view code, std::string_view msg) {
  return {
      status,
      R"({"code":")" + std::string(code) + R"(","msg":")" + std::string(msg) + R"(","data":[]})",
      {}};
}

}  // namespace

bool is_rest_path(std::string_view path) {
  return path.starts_with("/api/v5/market/");
}

http_reply rest_error_reply(int status) {
  if (status == 429) return {429, R"({"msg":"Too Many Requests","code":"50011"})", {}};
  return error(status, "50001", "Service temporarily unavailable. Try again later");
}

http_reply rest_reply(std::string_view path, const rest_query& q, const market_registry& markets,
                      std::string_view venue, wall_us wall) {
  if (path != "/api/v5/market/books" && path != "/api/v5/market/trades" &&
      path != "/api/v5/market/history-trades")
    return error(404, "50000", "Body can not be empty");
  const auto* inst = q.find("instId");
  if (!inst || inst->empty()) return error(400, "50014", "Parameter instId can not be empty.");
  for (const auto key : {"sz", "limit", "after", "before", "type"}) {
    if (q.malformed_integer(key))
      return error(400, "51000", "Parameter " + std::string(key) + " error");
  }
  const market_stream* s = markets.find(venue, *inst);
  if (!s) return error(400, "51001", "Instrument ID does not exist");

  if (path == "/api/v5/market/books") {
    const auto sz = std::clamp<std::int64_t>(q.integer("sz").value_or(1), 1, 400);
    return {200, rest_books(*s, static_cast<std::size_t>(sz), wall), {}};
  }
  const auto& history = s->trades();
  const std::int64_t max_limit = path == "/api/v5/market/trades" ? 500 : 100;
  const auto limit = static_cast<std::size_t>(
      std::clamp<std::int64_t>(q.integer("limit").value_or(100), 1, max_limit));
  const bool by_time =
      path == "/api/v5/market/history-trades" && q.integer("type").value_or(1) == 2;
  const auto key_of = [by_time](const trade_event& t) {
    return by_time ? t.ts / 1000 : static_cast<std::int64_t>(t.id);
  };
  const auto after = path == "/api/v5/market/history-trades" ? q.integer("after") : std::nullopt;
  const auto before =
      path == "/api/v5/market/history-trades" && !by_time ? q.integer("before") : std::nullopt;

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
  body += json_array(picked, [s](const trade_event& t) { return rest_trade_item(*s, t); });
  body += '}';
  return {200, std::move(body), {}};
}

}  // namespace sf::sim::okx_ws
