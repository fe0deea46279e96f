#include "sim/binance_spot_venue.hpp"

#include "sim/binance_spot_rest.hpp"
#include "sim/binance_spot_session.hpp"

namespace sf::sim {

venue_settings binance_spot_venue::defaults() const {
  venue_settings s;
  s.rules.limits.lifetime = hours{24};
  s.rules.limits.ping_interval = seconds{20};
  s.rules.limits.pong_timeout = seconds{60};
  s.rules.limits.inbound_per_second = 5;
  s.rules.limits.max_topics = 1024;
  s.rules.connects_per_window = 300;
  s.rules.connect_window = minutes{5};
  // §1.4: request weight per minute per IP; going on after a 429 bans the
  // IP, from 2 minutes up.
  s.rules.rest_limits = {{"REQUEST_WEIGHT", 6000, minutes{1}}};
  s.rules.rest_ban = minutes{2};
  return s;
}

std::vector<venue_flag> binance_spot_venue::flags() const {
  return {
      limit_flag("--lifetime", "Binance connection lifetime", "24h", &session_limits::lifetime),
      limit_flag("--ping-interval", "Binance server ping interval", "20s",
                 &session_limits::ping_interval),
      limit_flag("--pong-timeout", "Binance drop without a pong for this long", "60s",
                 &session_limits::pong_timeout),
  };
}

std::unique_ptr<dialect_session> binance_spot_venue::open_session(
    std::string_view target, const session_setup& setup) const {
  return binance_spot_session::open(target, setup.settings.rules.limits.max_topics);
}

http_reply binance_spot_venue::too_many_connections() const {
  return {429, R"({"code":-1003,"msg":"Too many new connections."})", {{"Retry-After", "1"}}};
}

bool binance_spot_venue::serves_rest(std::string_view path) const {
  return binance::is_rest_path(path);
}

http_reply binance_spot_venue::rest(std::string_view path, const rest_query& query,
                                    const market_registry& markets, wall_us) const {
  return binance::rest_reply(path, query, markets, name());
}

http_reply binance_spot_venue::rest_error(int status) const {
  return binance::rest_error_reply(status);
}

std::pair<std::string, int> binance_spot_venue::rest_cost(std::string_view path, const rest_query& query) const {
  return {"REQUEST_WEIGHT", binance::request_weight(path, query)};
}

std::vector<std::string> binance_spot_venue::urls(std::string_view ws_base,
                                                  std::string_view http_base) const {
  const std::string ws(ws_base), http(http_base);
  return {
      "binance-spot ws      " + ws + "/binance-spot/ws/<stream>[/<stream>...]",
      "binance-spot stream  " + ws + "/binance-spot/stream?streams=<stream>/<stream>",
      "binance-spot rest    " + http +
          "/binance-spot/api/v3/{depth,trades,historicalTrades,aggTrades}",
      // What a steadyfeed feed's config needs, as it is written there.
      "binance-spot config  endpoints: {ws: \"" + ws + "/binance-spot\", rest: \"" + http + "/binance-spot\"}",
  };
}

}  // namespace sf::sim
